"""Catalog-specific permission classes (the shared ones live in accounts.permissions)."""

from rest_framework import exceptions, permissions

from accounts.models import User


class NotAVendor(exceptions.PermissionDenied):
    default_detail = "Only vendors have a shop."
    tnt_code = "permission_denied"


class IsVendor(permissions.BasePermission):
    """Any signed-in vendor, approved or still waiting (to see its own pending shop)."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            raise exceptions.NotAuthenticated()
        if user.role != User.Role.VENDOR:
            raise NotAVendor()
        return True
