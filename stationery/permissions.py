"""Who may use the print-job API at all; which job is theirs is decided by the selectors."""

from rest_framework import exceptions, permissions

from accounts.models import User
from accounts.permissions import IsStationeryVendor


class _StudentsAndPrintShopsOnly(exceptions.PermissionDenied):
    default_detail = "Print jobs are for students and stationery shops."
    tnt_code = "permission_denied"


class IsStudentOrStationeryVendor(permissions.BasePermission):
    """A student, or an approved stationery vendor (food vendors: 403 `wrong_vendor_type`)."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            raise exceptions.NotAuthenticated()
        if user.role == User.Role.STUDENT:
            return True
        if user.role == User.Role.VENDOR:
            return IsStationeryVendor().has_permission(request, view)
        raise _StudentsAndPrintShopsOnly()
