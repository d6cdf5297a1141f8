"""Permission classes shared by every app's API.

Staff actions need a Django permission, the same one the admin checks for the same
action (its `allowed_permissions`): `StaffPermission` subclasses name it in `perm`.
Superusers have every permission; `is_staff` alone has none. The groups of
`accounts.groups` bundle them.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
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
        if not request.user.is_campus_staff:
            raise NotStaff()
        return True


# The permission of each staff action (app_label.codename), in the API as in the admin.
APPROVE_VENDOR = "accounts.approve_vendor"
REJECT_VENDOR = "accounts.reject_vendor"
BLOCK_USER = "accounts.block_user"
UNBLOCK_USER = "accounts.unblock_user"
VIEW_USER = "accounts.view_user"
REFUND_PAYMENT = "payments.refund_payment"
VIEW_PAYMENT = "payments.view_payment"
RECORD_PAYOUT = "ledger.record_payout"
VIEW_LEDGER_ENTRY = "ledger.view_entry"
HIDE_MENU_ITEM = "catalog.hide_menuitem"
HIDE_PRINT_SERVICE = "catalog.hide_printservice"


class MissingPermission(_Refusal):
    default_detail = "Your staff account does not have the permission for this."


class StaffPermission(permissions.BasePermission):
    """Staff holding the Django permission `perm` (set on a subclass, or `requires(perm)`)."""

    perm: str = ""

    def has_permission(self, request, view) -> bool:
        IsStaff().has_permission(request, view)
        if not (self.perm and request.user.has_perm(self.perm)):
            raise MissingPermission()
        return True

    @classmethod
    def requires(cls, perm: str) -> type[StaffPermission]:
        return type(f"StaffPermission[{perm}]", (cls,), {"perm": perm})


class StaffReadsNeedPermission(permissions.BasePermission):
    """Any signed-in caller; a staff caller (who would see everyone's rows) also needs `perm`."""

    perm: str = ""

    def has_permission(self, request, view) -> bool:
        _signed_in(request)
        if request.user.is_campus_staff and not request.user.has_perm(self.perm):
            raise MissingPermission()
        return True

    @classmethod
    def requires(cls, perm: str) -> type[StaffReadsNeedPermission]:
        return type(f"StaffReadsNeedPermission[{perm}]", (cls,), {"perm": perm})


class IsApprovedVendor(permissions.BasePermission):
    """An approved vendor, optionally of one `vendor_type` (set on a subclass)."""

    vendor_type: str | None = None

    def has_permission(self, request, view) -> bool:
        _signed_in(request)
        user = request.user
        if user.role != User.Role.VENDOR:
            raise _Refusal(_("Only vendors can do this."))
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
        if user.is_campus_staff:
            return True
        raise _Refusal()


class IsVendorOwnerOrReadOnly(permissions.BasePermission):
    """Object level: public to read, writable only by the vendor who owns it (`obj.vendor_id`)."""

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return obj.vendor_id == request.user.pk
