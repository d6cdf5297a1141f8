"""Refusals raised by ordering services, each with a stable code (see API.md)."""

from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError, Conflict


class SlotFull(Conflict):
    code = "slot_full"
    message = _("This pickup slot is full.")


class SlotClosed(Conflict):
    code = "slot_closed"
    message = _("This pickup slot is no longer taking orders.")


class ItemUnavailable(Conflict):
    code = "item_unavailable"
    message = _("Some of these items are not available right now.")


class SlotHasOrders(Conflict):
    code = "slot_has_orders"
    message = _("This slot has orders waiting; it cannot be deleted or moved.")


class SlotOverlaps(Conflict):
    code = "slot_overlaps"
    message = _("This slot overlaps another of your pickup slots.")


class InvalidPickupCode(ApplicationError):
    status_code = 400
    code = "invalid_pickup_code"
    message = _("This pickup code is not right.")


class TooManyUnpaidOrders(Conflict):
    code = "too_many_unpaid_orders"
    message = _("You already have the most unpaid orders allowed. Pay for or cancel one first.")


class ShopPaused(Conflict):
    """The vendor pressed "busy": no new orders until `details.paused_until`."""

    code = "shop_paused"
    message = _("This shop has paused new orders for a little while.")
