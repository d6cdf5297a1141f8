"""Permission classes shared by every app's API."""

from rest_framework import exceptions, permissions

from .errors import VendorNotApproved, WrongVendorType
from .models import User


class _Refusal(exceptions.PermissionDenied):
    tnt_code = "permission_denied"


class NotAStudent(_Refusal):
    default_detail = "Only students can do this."


class NotStaff(_Refusal):
    default_detail = "Only campus staff can do this."


def _signed_in(request) -> bool:
    user = request.user
    if not (user and user.is_authenticated):
        raise exceptions.NotAuthenticated()
    return True


class IsStudent(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        _signed_in(request)
        if request.user.role != User.Role.STUDENT:
            raise NotAStudent()
        return True


class IsStaff(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        _signed_in(request)
        if not (request.user.is_staff or request.user.role == User.Role.STAFF):
            raise NotStaff()
        return True


class IsApprovedVendor(permissions.BasePermission):
    """An approved vendor, optionally of one `vendor_type` (set on a subclass)."""

    vendor_type: str | None = None

    def has_permission(self, request, view) -> bool:
        _signed_in(request)
        user = request.user
        if user.role != User.Role.VENDOR:
            raise _Refusal("Only vendors can do this.")
        if not user.is_approved:
            raise VendorNotApproved()
        if self.vendor_type and user.vendor_type != self.vendor_type:
            raise WrongVendorType()
        return True


class IsFoodVendor(IsApprovedVendor):
    vendor_type = User.VendorType.FOOD


class IsStationeryVendor(IsApprovedVendor):
    vendor_type = User.VendorType.STATIONERY


class IsStudentOrApprovedVendor(permissions.BasePermission):
    """Students, and vendors once approved: for lists scoped to the caller (a vendor of the
    other kind, or staff, simply have no rows there)."""

    def has_permission(self, request, view) -> bool:
        _signed_in(request)
        user = request.user
        if user.role == User.Role.STUDENT:
            return True
        if user.role == User.Role.VENDOR:
            return IsApprovedVendor().has_permission(request, view)
        if user.is_staff:
            return True
        raise _Refusal()


class IsVendorOwnerOrReadOnly(permissions.BasePermission):
    """Object level: public to read, writable only by the vendor who owns it (`obj.vendor_id`)."""

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return obj.vendor_id == request.user.pk
