"""Reads of the catalogue.

Public readers show only what students may see: shops and items of vendors
who are approved and active, never soft-deleted items. Vendor readers are
scoped to the vendor, so another vendor's object is simply not found.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import User
from core.errors import NotFound

from .models import MenuItem, PrintService, Shop


def _public_vendor(prefix: str) -> Q:
    """Vendors whose shop students may see: a vendor account, approved and not blocked."""
    return Q(**{f"{prefix}role": User.Role.VENDOR, f"{prefix}is_approved": True, f"{prefix}is_active": True})


def _is_selling_vendor(vendor: User) -> bool:
    """An approved vendor that is not blocked: the only vendor whose own catalogue readers answer."""
    return bool(vendor.is_vendor and vendor.is_approved and vendor.is_active)


# --- shops -------------------------------------------------------------------


def shop_list_public(*, vendor_type: str | None = None) -> QuerySet[Shop]:
    """Shops of approved, active vendors, optionally of one vendor type, by name."""
    shops = Shop.objects.filter(_public_vendor("vendor__"))
    if vendor_type:
        shops = shops.filter(vendor_type=vendor_type)
    return shops.order_by("name", "vendor_id")


def shop_get_public(*, vendor_id: int) -> Shop:
    """The shop of vendor `vendor_id` if students may see it; NotFound otherwise."""
    shop = shop_list_public().filter(vendor_id=vendor_id).first()
    if shop is None:
        raise NotFound("No such vendor.")
    return shop


def shop_get_for_vendor(*, vendor: User) -> Shop:
    """The vendor's own shop, whatever its approval state; NotFound if it has none."""
    shop = Shop.objects.filter(vendor_id=vendor.pk).first()
    if shop is None:
        raise NotFound("Your shop has not been set up yet.")
    return shop


# --- menu items --------------------------------------------------------------


def menu_item_list_public(
    *, vendor_id: int | None = None, category: str | None = None, available: bool | None = None
) -> QuerySet[MenuItem]:
    """Live menu items of approved, active vendors, filtered as asked."""
    items = MenuItem.objects.filter(_public_vendor("vendor__"), is_deleted=False)
    if vendor_id is not None:
        items = items.filter(vendor_id=vendor_id)
    if category:
        items = items.filter(category=category)
    if available is not None:
        items = items.filter(is_available=available)
    return items.order_by("vendor_id", "category", "name", "id")


def vendor_menu_public(*, vendor_id: int) -> list[MenuItem]:
    """What a student can order from vendor `vendor_id` now: its available items.

    Raises NotFound when the vendor's shop is not visible. Two queries whatever the menu size.
    """
    shop_get_public(vendor_id=vendor_id)
    return list(
        MenuItem.objects.filter(vendor_id=vendor_id, is_deleted=False, is_available=True).order_by(
            "category", "name", "id"
        )
    )


def menu_item_list_for_vendor(*, vendor: User) -> QuerySet[MenuItem]:
    """The vendor's own live menu items (the scope for its writes); none unless it is approved."""
    if not _is_selling_vendor(vendor):
        return MenuItem.objects.none()
    return MenuItem.objects.filter(vendor_id=vendor.pk, is_deleted=False).order_by("category", "name", "id")


# --- print services ----------------------------------------------------------


def print_service_list_public(
    *,
    vendor_id: int | None = None,
    available: bool | None = None,
    unit: str | None = None,
    is_colour: bool | None = None,
) -> QuerySet[PrintService]:
    """Live print services of approved, active vendors, filtered as asked."""
    services = PrintService.objects.filter(_public_vendor("vendor__"), is_deleted=False)
    if vendor_id is not None:
        services = services.filter(vendor_id=vendor_id)
    if available is not None:
        services = services.filter(is_available=available)
    if unit:
        services = services.filter(unit=unit)
    if is_colour is not None:
        services = services.filter(is_colour=is_colour)
    return services.order_by("vendor_id", "name", "id")


def print_service_list_for_vendor(*, vendor: User) -> QuerySet[PrintService]:
    """The vendor's own live print services (the scope for its writes); none unless it is approved."""
    if not _is_selling_vendor(vendor):
        return PrintService.objects.none()
    return PrintService.objects.filter(vendor_id=vendor.pk, is_deleted=False).order_by("name", "id")
