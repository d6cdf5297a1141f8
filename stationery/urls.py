"""Routes of the print-job API. `POST /print-jobs/{id}/pay` is routed by payments."""

from rest_framework.routers import SimpleRouter

from .api import PrintJobViewSet, PrintUploadViewSet

router = SimpleRouter(trailing_slash=False, use_regex_path=False)
router.register("print-jobs", PrintJobViewSet, basename="print-job")
router.register("print-uploads", PrintUploadViewSet, basename="print-upload")

urlpatterns = router.urls
