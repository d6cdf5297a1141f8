"""What every part of ordering's services shares: the limits, an order line, the cut-off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from ..models import Order

Status = Order.Status

MAX_LINES = 30
MAX_QUANTITY = 20
# Wrong pickup codes allowed per order before guessing is locked out for a while: settings
# PICKUP_CODE_MAX_ATTEMPTS and PICKUP_CODE_LOCKOUT_SECONDS, read at each use (override_settings works).


@dataclass(frozen=True)
class OrderLine:
    menu_item_id: int
    quantity: int
    options: tuple[int, ...] = ()  # option ids (ordering/pricing.py checks and prices them)


def order_cutoff(*, now: datetime | None = None, minutes: int | None = None) -> datetime:
    """Slots starting at or before this moment no longer take orders.

    `minutes`: the shop's own cut-off (`Shop.cutoff_minutes`); None: ORDER_CUTOFF_MINUTES.
    """
    if minutes is None:
        minutes = settings.ORDER_CUTOFF_MINUTES
    return (now or timezone.now()) + timedelta(minutes=minutes)
