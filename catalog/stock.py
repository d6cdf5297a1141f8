"""Stock of menu items outside orders: the vendor's quick controls and the morning reset.

Orders take and give back stock in ordering/stock.py; these writers use the same atomic
F() updates, so a "+10" during service never loses an order's take.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import ValidationFailed

from .cache import vendor_public_changed
from .locks import own_entry_lock
from .models import MAX_STOCK, MenuItem
from .services import _require_vendor

logger = logging.getLogger(__name__)


@transaction.atomic
def menu_item_stock_adjust(*, vendor: User, item_id: int, add: int | None = None, sold_out: bool = False) -> MenuItem:
    """During service: `sold_out` sets the stock to 0; `add` adds to it (or subtracts, down to 0).

    An item without a limit that gets `add` starts counting from 0. ValidationFailed unless
    exactly one of the two is given and `add` is a whole number within ±MAX_STOCK.
    """
    _require_vendor(vendor, vendor_type=User.VendorType.FOOD)
    if sold_out == (add is not None):
        raise ValidationFailed(details={"stock": [_("Send either sold_out or add.")]})
    if add is not None and (isinstance(add, bool) or not isinstance(add, int) or not -MAX_STOCK <= add <= MAX_STOCK):
        raise ValidationFailed(
            details={
                "add": [_("Enter a whole number from -%(max_stock)s to %(max_stock)s.") % {"max_stock": MAX_STOCK}]
            }
        )
    item = own_entry_lock(MenuItem, vendor_id=vendor.pk, obj_id=item_id)
    if sold_out:
        item.stock = 0
    else:
        item.stock = min(max((item.stock or 0) + add, 0), MAX_STOCK)
    item.save(update_fields=["stock", "updated_at"])
    return item


def stock_reset_daily(*, now: datetime | None = None) -> int:
    """Every item with a `daily_stock` gets it back as its `stock`; returns how many items.

    One UPDATE, then each touched vendor's cached menu is dropped. `stock_reset_at` is set, so
    orders placed before this moment give nothing back to the fresh stock when they end.
    """
    now = now or timezone.now()
    with transaction.atomic():
        due = MenuItem.objects.filter(daily_stock__isnull=False, is_deleted=False)
        vendors = set(due.values_list("vendor_id", flat=True))
        count = due.update(stock=F("daily_stock"), stock_reset_at=now, updated_at=now)
        for vendor_id in vendors:
            vendor_public_changed(vendor_id=vendor_id)
    logger.info("daily stock reset", extra={"items": count})
    return count
