"""The project's routes plus views that fail on purpose, for the error-report tests."""

from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from tntproject.urls import handler400, handler403, handler404, handler500  # noqa: F401
from tntproject.urls import urlpatterns as project_urlpatterns


@csrf_exempt
def fails_with_personal_data(request):
    phone, code, upload = "+91 98765 43210", "482913", "Aisha_thesis_final.pdf"
    raise RuntimeError(f"could not text {phone} the code {code} about {upload}, token 9f" + "ab" * 20)


urlpatterns = [
    path("oncall-test/fails", fails_with_personal_data),
    path("", include(project_urlpatterns)),
]
