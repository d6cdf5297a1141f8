"""Refusals of the accounts app, with the stable codes of API.md."""

from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError, Forbidden


class InvalidOtp(ApplicationError):
    status_code = 400
    code = "invalid_otp"
    # One answer for wrong, expired, used-up and never-requested codes: it must not tell them apart.
    message = _("That code is not valid. Check it, or ask for a new one.")


class AccountBlockedError(Forbidden):
    code = "account_blocked"
    message = _("This account is blocked. Contact campus staff.")


class VendorNotApproved(Forbidden):
    code = "vendor_not_approved"
    message = _("Your shop is waiting for approval by campus staff.")


class WrongVendorType(Forbidden):
    code = "wrong_vendor_type"
    message = _("This is not available for your kind of shop.")


class CannotActOnSelf(Forbidden):
    message = _("You cannot do this to your own account.")


class StaffOnlyBySuperuser(Forbidden):
    message = _("Only a superuser can block or unblock a staff account.")


class InvalidCredentials(ApplicationError):
    status_code = 400
    code = "invalid_credentials"
    # Staff sign in with the password as well as the code; one answer for a missing or wrong one.
    message = _("Staff accounts sign in with their password as well as the code.")


class PrivilegesOnlyBySuperuser(Forbidden):
    message = _("Only a superuser can change superusers, staff status, groups or permissions.")
