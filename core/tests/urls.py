"""Extra routes used only by the foundation tests."""

from django.urls import include, path
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from tntproject.urls import handler400, handler403, handler404, handler500  # noqa: F401
from tntproject.urls import urlpatterns as project_urlpatterns


@api_view(["GET"])
@permission_classes([AllowAny])
def boom(request):
    raise RuntimeError("secret internals: do not show me")


@api_view(["GET"])
def protected(request):
    return Response({"ok": True})


urlpatterns = [
    path("api/v1/test/boom", boom),
    path("api/v1/test/protected", protected),
    path("", include(project_urlpatterns)),
]
