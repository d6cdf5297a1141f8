"""Routes of the print-job API. `POST /print-jobs/{id}/pay` is routed by payments."""

from rest_framework.routers import SimpleRouter

from .api import PrintJobViewSet

router = SimpleRouter(trailing_slash=False, use_regex_path=False)
router.register("print-jobs", PrintJobViewSet, basename="print-job")

urlpatterns = router.urls
