"""Reads of the catalogue.

Public readers show only what students may see: shops and items of vendors
who are approved and active, never soft-deleted items. Vendor readers are
scoped to the vendor, so another vendor's object is simply not found.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import NotFound

from .models import MenuItem, Option, OptionGroup, PrintService, Shop


def _public_vendor(prefix: str) -> Q:
    """Vendors whose shop students may see: a vendor account, approved and not blocked."""
    return Q(**{f"{prefix}role": User.Role.VENDOR, f"{prefix}is_approved": True, f"{prefix}is_active": True})


def _is_selling_vendor(vendor: User) -> bool:
    """An approved vendor that is not blocked: the only vendor whose own catalogue readers answer."""
    return bool(vendor.is_vendor and vendor.is_approved and vendor.is_active)


# --- shops -------------------------------------------------------------------


def _with_pure_veg(shops: QuerySet[Shop]) -> QuerySet[Shop]:
    """Annotate `is_pure_veg`: the shop's whole available menu is veg (and it has one)."""
    available = MenuItem.objects.filter(vendor_id=OuterRef("vendor_id"), is_deleted=False, is_available=True)
    not_veg = available.filter(Q(diet__isnull=True) | ~Q(diet=MenuItem.Diet.VEG))
    return shops.annotate(is_pure_veg=Exists(available) & ~Exists(not_veg))


def shop_list_public(*, vendor_type: str | None = None, diet: str | None = None) -> QuerySet[Shop]:
    """Shops of approved, active vendors, optionally of one vendor type, by name.

    Each carries `is_pure_veg`; `diet="veg"` keeps only those.
    """
    shops = _with_pure_veg(Shop.objects.filter(_public_vendor("vendor__")))
    if vendor_type:
        shops = shops.filter(vendor_type=vendor_type)
    if diet == MenuItem.Diet.VEG:
        shops = shops.filter(is_pure_veg=True)
    return shops.order_by("name", "vendor_id")


def shop_get_public(*, vendor_id: int) -> Shop:
    """The shop of vendor `vendor_id` if students may see it; NotFound otherwise."""
    shop = shop_list_public().filter(vendor_id=vendor_id).first()
    if shop is None:
        raise NotFound(_("No such vendor."))
    return shop


def shop_get_for_vendor(*, vendor: User) -> Shop:
    """The vendor's own shop, whatever its approval state; NotFound if it has none."""
    shop = _with_pure_veg(Shop.objects.filter(vendor_id=vendor.pk)).first()
    if shop is None:
        raise NotFound(_("Your shop has not been set up yet."))
    return shop


SEARCH_MAX_LENGTH = 100
SEARCH_LIMIT = 20


def catalog_search_public(*, query: str) -> tuple[list[Shop], list[MenuItem]]:
    """Shops whose name, and available dishes whose name, contain `query` (case-insensitive),
    of shops students may see; at most SEARCH_LIMIT of each, by name. Two queries; each dish
    carries its shop (`item.vendor.shop`). An empty query finds nothing."""
    query = query.strip()[:SEARCH_MAX_LENGTH]
    if not query:
        return [], []
    shops = list(shop_list_public().filter(name__icontains=query)[:SEARCH_LIMIT])
    items = (
        MenuItem.objects.filter(
            _public_vendor("vendor__"),
            vendor__shop__vendor_type=User.VendorType.FOOD,
            is_deleted=False,
            is_available=True,
            name__icontains=query,
        )
        .select_related("vendor__shop")
        .order_by("name", "vendor__shop__name", "id")
    )
    return shops, list(items[:SEARCH_LIMIT])


# --- menu items --------------------------------------------------------------


def with_options(items: QuerySet[MenuItem]) -> QuerySet[MenuItem]:
    """Items with their option groups and options: two more queries whatever their number."""
    options = Prefetch("options", queryset=Option.objects.order_by("sort_order", "id"))
    groups = OptionGroup.objects.order_by("sort_order", "id").prefetch_related(options)
    return items.prefetch_related(Prefetch("option_groups", queryset=groups))


def menu_sorted(items: list[MenuItem], *, category_order: list[str]) -> list[MenuItem]:
    """The vendor's menu order: its categories as it ordered them (the rest by name), then each
    item's sort order, then name."""
    rank = {name: index for index, name in enumerate(category_order or [])}
    return sorted(
        items,
        key=lambda item: (
            rank.get(item.category, len(rank)),
            item.category.lower(),
            item.sort_order,
            item.name.lower(),
            item.pk,
        ),
    )


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
    return with_options(items.order_by("vendor_id", "category", "sort_order", "name", "id"))


def vendor_menu_public(*, vendor_id: int, diet: str | None = None) -> list[MenuItem]:
    """What a student can order from vendor `vendor_id` now: its available items, in the
    vendor's menu order, with their options (sold-out items included: they are marked).

    `diet="veg"` keeps only veg items. Raises NotFound when the vendor's shop is not visible.
    Four queries whatever the menu size (shop, items, option groups, options).
    """
    shop = shop_get_public(vendor_id=vendor_id)
    items = MenuItem.objects.filter(vendor_id=vendor_id, is_deleted=False, is_available=True)
    if diet == MenuItem.Diet.VEG:
        items = items.filter(diet=MenuItem.Diet.VEG)
    return menu_sorted(list(with_options(items)), category_order=shop.category_order)


def menu_item_list_for_vendor(*, vendor: User) -> QuerySet[MenuItem]:
    """The vendor's own live menu items (the scope for its writes); none unless it is approved."""
    if not _is_selling_vendor(vendor):
        return MenuItem.objects.none()
    return with_options(
        MenuItem.objects.filter(vendor_id=vendor.pk, is_deleted=False).order_by("category", "sort_order", "name", "id")
    )


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
