"""Refusals raised by catalog services, each with a stable code (see API.md)."""

from tntproject.errors import Forbidden, ValidationFailed


class WrongVendorType(Forbidden):
    code = "wrong_vendor_type"
    message = "This is not available for your kind of shop."


class VendorNotApproved(Forbidden):
    code = "vendor_not_approved"
    message = "Your shop is waiting for approval by campus staff."


class NotAVendor(Forbidden):
    message = "Only vendors have a shop."


class DuplicateName(ValidationFailed):
    message = "You already have one with this name."
