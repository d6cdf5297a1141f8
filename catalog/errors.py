"""Refusals raised by catalog services, each with a stable code (see API.md)."""

from core.errors import Conflict, Forbidden, ValidationFailed


class NotAVendor(Forbidden):
    message = "Only vendors have a shop."


class DuplicateName(ValidationFailed):
    message = "You already have one with this name."


class ShopClosed(Conflict):
    """The shop's open/closed switch is off: it takes no orders and no print jobs now."""

    code = "shop_closed"
    message = "This shop is closed right now. Try again when it opens."
