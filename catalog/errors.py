"""Refusals raised by catalog services, each with a stable code (see API.md)."""

from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError, Conflict, Forbidden, ValidationFailed


class NotAVendor(Forbidden):
    message = _("Only vendors have a shop.")


class DuplicateName(ValidationFailed):
    message = _("You already have one with this name.")


class ShopClosed(Conflict):
    """The shop's open/closed switch is off: it takes no orders and no print jobs now."""

    code = "shop_closed"
    message = _("This shop is closed right now. Try again when it opens.")


class ItemSoldOut(Conflict):
    """Too little of an item's stock is left for this order (details: menu_item, remaining)."""

    code = "item_sold_out"
    message = _("Not enough of this item is left today.")


class InvalidImage(ApplicationError):
    status_code = 400
    code = "invalid_image"
    message = _("Upload a JPEG, PNG or WebP photo.")


class ImageTooLarge(ApplicationError):
    status_code = 413
    code = "file_too_large"
    message = _("This photo is too large.")
