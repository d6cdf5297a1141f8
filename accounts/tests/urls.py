"""URLs for the accounts tests: the accounts API at its real prefix, the admin, and tiny
views guarded by the shared permission classes (what later features will use).

Using our own URLconf keeps these tests independent of other apps' routes.
"""

from django.contrib import admin
from django.urls import include, path
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsApprovedVendor, IsFoodVendor, IsStaff, IsStationeryVendor, IsStudent


def _guarded(permission):
    class Guarded(APIView):
        permission_classes = [permission]

        def get(self, request):
            return Response({"ok": True})

        def post(self, request):
            return Response({"ok": True})

    return Guarded.as_view()


urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("accounts.urls")),
    path("test/vendor-only", _guarded(IsApprovedVendor)),
    path("test/food-only", _guarded(IsFoodVendor)),
    path("test/stationery-only", _guarded(IsStationeryVendor)),
    path("test/student-only", _guarded(IsStudent)),
    path("test/staff-only", _guarded(IsStaff)),
]
