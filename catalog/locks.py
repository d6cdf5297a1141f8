"""Every row lock the catalogue takes, named once.

Each helper's docstring names the `core.locks.LOCK_ORDER` rank it takes (`Rank: <name>`).
A vendor's shop, menu items and print services share the rank `shop`. Services call only
these helpers for `select_for_update`.
"""

from __future__ import annotations

from typing import TypeVar

from core.errors import NotFound

from .models import MenuItem, PrintService, Shop

Entry = TypeVar("Entry", MenuItem, PrintService)


def shop_lock(*, vendor_id: int) -> Shop | None:
    """The vendor's shop, locked FOR UPDATE; None when the vendor has none yet. Rank: `shop`."""
    return Shop.objects.select_for_update().filter(vendor_id=vendor_id).first()


def own_entry_lock(model: type[Entry], *, vendor_id: int, obj_id: int) -> Entry:
    """One of the vendor's own live menu items or print services, locked FOR UPDATE. Rank: `shop`.

    NotFound for another vendor's, a deleted or a missing one.
    """
    obj = model.objects.select_for_update().filter(pk=obj_id, vendor_id=vendor_id, is_deleted=False).first()
    if obj is None:
        raise NotFound()
    return obj


def entry_lock(model: type[Entry], *, obj_id: int) -> Entry:
    """A menu item or print service, deleted or not, locked FOR UPDATE (staff actions). Rank: `shop`."""
    return model.objects.select_for_update().get(pk=obj_id)


def option_group_lock(*, group_id: int, vendor_id: int):
    """One of the vendor's option groups (of a live item), locked FOR UPDATE, with its item. Rank: `shop`.

    NotFound for another vendor's or a missing one.
    """
    from .models import OptionGroup

    group = (
        OptionGroup.objects.select_for_update()
        .filter(pk=group_id, menu_item__vendor_id=vendor_id, menu_item__is_deleted=False)
        .select_related("menu_item")
        .first()
    )
    if group is None:
        raise NotFound()
    return group
