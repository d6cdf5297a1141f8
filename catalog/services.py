"""Writes to the catalogue: shops, menu items and print services.

Every writer names the acting vendor, checks that the vendor may write (approved,
active, of the right type) and that the object is the vendor's own, and runs in
one transaction. Deleting an item or service only hides it (`is_deleted`): order
lines and print jobs reference them with PROTECT and keep their own snapshots.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Model

from accounts.errors import VendorNotApproved, WrongVendorType
from accounts.models import User
from core.errors import Forbidden, NotFound, ValidationFailed
from core.money import is_paise

from .attributes import menu_item_apply_attributes
from .errors import DuplicateName, NotAVendor
from .models import MAX_PRICE_PAISE, MenuItem, PrintService, Shop

SHOP_NAME_MAX = Shop._meta.get_field("name").max_length
SHOP_DESCRIPTION_MAX = Shop._meta.get_field("description").max_length
SHOP_NOTE_MAX = Shop._meta.get_field("opening_note").max_length


# --- checks shared by the writers ---------------------------------------------


def _require_vendor(vendor: User, *, vendor_type: str | None = None, approved: bool = True) -> None:
    if vendor.role != User.Role.VENDOR or not vendor.vendor_type:
        raise NotAVendor()
    if approved and not (vendor.is_approved and vendor.is_active):
        raise VendorNotApproved()
    if vendor_type and vendor.vendor_type != vendor_type:
        raise WrongVendorType()


def _clean_text(value: str, *, field: str, max_length: int, required: bool) -> str:
    if not isinstance(value, str):
        raise ValidationFailed(details={field: ["Enter text."]})
    value = value.strip()
    if required and not value:
        raise ValidationFailed(details={field: ["This field may not be blank."]})
    if len(value) > max_length:
        raise ValidationFailed(details={field: [f"Ensure this field has no more than {max_length} characters."]})
    return value


def _check_price(price_paise: int) -> int:
    if not is_paise(price_paise, minimum=None):
        raise ValidationFailed(details={"price_paise": ["Enter a whole number of paise."]})
    if not 1 <= price_paise <= MAX_PRICE_PAISE:
        raise ValidationFailed(details={"price_paise": [f"Enter a price from 1 to {MAX_PRICE_PAISE} paise."]})
    return price_paise


def _check_name_free(model: type[Model], *, vendor: User, name: str, exclude_pk: int | None = None) -> None:
    clash = model.objects.filter(vendor_id=vendor.pk, name__iexact=name, is_deleted=False)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise DuplicateName(details={"name": ["You already have one with this name."]})


def _save_unique(obj: Model, *, constraint: str, update_fields: list[str] | None = None) -> None:
    """Save, turning a lost race on the per-vendor unique name into DuplicateName."""
    try:
        with transaction.atomic():
            obj.save(update_fields=update_fields)
    except IntegrityError as exc:
        if constraint in str(exc):
            raise DuplicateName(details={"name": ["You already have one with this name."]}) from exc
        raise


# --- shops --------------------------------------------------------------------


def _check_category_order(names: list[str]) -> list[str]:
    if not isinstance(names, list) or len(names) > 50 or not all(isinstance(n, str) for n in names):
        raise ValidationFailed(details={"category_order": ["Send up to 50 category names."]})
    cleaned = [n.strip() for n in names]
    if any(len(n) > _ITEM_CATEGORY_MAX for n in cleaned):
        raise ValidationFailed(details={"category_order": [f"Names have at most {_ITEM_CATEGORY_MAX} characters."]})
    return list(dict.fromkeys(n for n in cleaned if n))


@transaction.atomic
def shop_create_for_vendor(*, user: User, shop_name: str | None, description: str = "", opening_note: str = "") -> Shop:
    """Create the shop of a vendor who has just signed up (registered as an accounts hook).

    The shop's id is the vendor's user id and its type the vendor's type. It starts
    closed and stays closed when staff approve the vendor: the vendor opens it
    (`shop_update(is_open=True)`) once its menu and slots are in place. A blank name
    falls back to the vendor's name. Safe to call again: an existing shop is
    returned unchanged. Raises NotAVendor for non-vendors and ValidationFailed
    (`shop_name`, ...) for text that is too long.
    """
    _require_vendor(user, approved=False)
    existing = Shop.objects.filter(vendor_id=user.pk).first()
    if existing is not None:
        return existing
    name = (shop_name or "").strip() or (user.name or "").strip()[:SHOP_NAME_MAX] or "My shop"
    return Shop.objects.create(
        vendor=user,
        vendor_type=user.vendor_type,
        is_open=False,
        name=_clean_text(name, field="shop_name", max_length=SHOP_NAME_MAX, required=True),
        description=_clean_text(description, field="description", max_length=SHOP_DESCRIPTION_MAX, required=False),
        opening_note=_clean_text(opening_note, field="opening_note", max_length=SHOP_NOTE_MAX, required=False),
    )


@transaction.atomic
def shop_update(
    *,
    vendor: User,
    shop_name: str | None = None,
    description: str | None = None,
    is_open: bool | None = None,
    opening_note: str | None = None,
    category_order: list[str] | None = None,
) -> Shop:
    """Change the approved vendor's own shop; `None` leaves a field as it is.

    `category_order` is the menu's category names in the vendor's order (up to 50, each at
    most a category's length); categories not in it follow by name.

    A vendor without a shop row (e.g. created by staff in the admin) gets one.
    """
    _require_vendor(vendor)
    shop = Shop.objects.select_for_update().filter(vendor_id=vendor.pk).first()
    if shop is None:
        shop_create_for_vendor(user=vendor, shop_name=shop_name or "")
        shop = Shop.objects.select_for_update().get(vendor_id=vendor.pk)

    changed: list[str] = []
    if shop_name is not None:
        shop.name = _clean_text(shop_name, field="shop_name", max_length=SHOP_NAME_MAX, required=True)
        changed.append("name")
    if description is not None:
        shop.description = _clean_text(
            description, field="description", max_length=SHOP_DESCRIPTION_MAX, required=False
        )
        changed.append("description")
    if is_open is not None:
        shop.is_open = bool(is_open)
        changed.append("is_open")
    if opening_note is not None:
        shop.opening_note = _clean_text(opening_note, field="opening_note", max_length=SHOP_NOTE_MAX, required=False)
        changed.append("opening_note")
    if category_order is not None:
        shop.category_order = _check_category_order(category_order)
        changed.append("category_order")
    if changed:
        shop.save(update_fields=[*changed, "updated_at"])
    return shop


# --- menu items ---------------------------------------------------------------

_ITEM_NAME_MAX = MenuItem._meta.get_field("name").max_length
_ITEM_DESCRIPTION_MAX = MenuItem._meta.get_field("description").max_length
_ITEM_CATEGORY_MAX = MenuItem._meta.get_field("category").max_length


def _lock_own(model: type[Model], *, vendor: User, obj_id: int):
    obj = model.objects.select_for_update().filter(pk=obj_id, vendor_id=vendor.pk, is_deleted=False).first()
    if obj is None:
        raise NotFound()
    return obj


@transaction.atomic
def menu_item_create(
    *,
    vendor: User,
    name: str,
    price_paise: int,
    description: str = "",
    category: str = "",
    is_available: bool = True,
    **attributes: Any,
) -> MenuItem:
    """Add an item to the approved food vendor's menu. Names are unique per menu (case-insensitive).

    `attributes`: diet, allergens, tags, stock, daily_stock, max_per_order, sort_order
    (catalog/attributes.py). A daily stock without a stock starts the day at the daily stock.
    """
    _require_vendor(vendor, vendor_type=User.VendorType.FOOD)
    item = MenuItem(
        vendor=vendor,
        name=_clean_text(name, field="name", max_length=_ITEM_NAME_MAX, required=True),
        description=_clean_text(description, field="description", max_length=_ITEM_DESCRIPTION_MAX, required=False),
        category=_clean_text(category, field="category", max_length=_ITEM_CATEGORY_MAX, required=False),
        price_paise=_check_price(price_paise),
        is_available=bool(is_available),
    )
    menu_item_apply_attributes(item, attributes)
    if "stock" not in attributes and item.daily_stock is not None:
        item.stock = item.daily_stock
    _check_name_free(MenuItem, vendor=vendor, name=item.name)
    _save_unique(item, constraint="menu_item_name_unique_per_vendor")
    return item


@transaction.atomic
def menu_item_update(
    *,
    vendor: User,
    item_id: int,
    name: str | None = None,
    price_paise: int | None = None,
    description: str | None = None,
    category: str | None = None,
    is_available: bool | None = None,
    **attributes: Any,
) -> MenuItem:
    """Change one of the vendor's own live items; `None` leaves a field as it is.

    `attributes` (catalog/attributes.py) are set when given, None included (stock: no limit).

    Raises NotFound for an item that is not the vendor's or is deleted. Orders
    already placed keep the name and price they were placed with.
    """
    _require_vendor(vendor, vendor_type=User.VendorType.FOOD)
    item = _lock_own(MenuItem, vendor=vendor, obj_id=item_id)
    changed: list[str] = []
    if name is not None:
        item.name = _clean_text(name, field="name", max_length=_ITEM_NAME_MAX, required=True)
        _check_name_free(MenuItem, vendor=vendor, name=item.name, exclude_pk=item.pk)
        changed.append("name")
    if price_paise is not None:
        item.price_paise = _check_price(price_paise)
        changed.append("price_paise")
    if description is not None:
        item.description = _clean_text(
            description, field="description", max_length=_ITEM_DESCRIPTION_MAX, required=False
        )
        changed.append("description")
    if category is not None:
        item.category = _clean_text(category, field="category", max_length=_ITEM_CATEGORY_MAX, required=False)
        changed.append("category")
    if is_available is not None:
        item.is_available = bool(is_available)
        changed.append("is_available")
    changed += menu_item_apply_attributes(item, attributes)
    if changed:
        _save_unique(item, constraint="menu_item_name_unique_per_vendor", update_fields=[*changed, "updated_at"])
    return item


@transaction.atomic
def menu_item_delete(*, vendor: User, item_id: int) -> None:
    """Hide one of the vendor's own items everywhere. Past orders keep their snapshots."""
    _require_vendor(vendor, vendor_type=User.VendorType.FOOD)
    item = _lock_own(MenuItem, vendor=vendor, obj_id=item_id)
    item.is_deleted = True
    item.save(update_fields=["is_deleted", "updated_at"])


# --- print services -----------------------------------------------------------

_SERVICE_NAME_MAX = PrintService._meta.get_field("name").max_length


def _check_unit(unit: str) -> str:
    if unit not in PrintService.Unit.values:
        raise ValidationFailed(details={"unit": [f'"{unit}" is not a valid choice.']})
    return unit


@transaction.atomic
def print_service_create(
    *,
    vendor: User,
    name: str,
    price_paise: int,
    unit: str = PrintService.Unit.PAGE,
    is_colour: bool = False,
    is_available: bool = True,
) -> PrintService:
    """Add a service to the approved stationery vendor's list. Names are unique per shop."""
    _require_vendor(vendor, vendor_type=User.VendorType.STATIONERY)
    service = PrintService(
        vendor=vendor,
        name=_clean_text(name, field="name", max_length=_SERVICE_NAME_MAX, required=True),
        unit=_check_unit(unit),
        price_paise=_check_price(price_paise),
        is_colour=bool(is_colour),
        is_available=bool(is_available),
    )
    _check_name_free(PrintService, vendor=vendor, name=service.name)
    _save_unique(service, constraint="print_service_name_unique_per_vendor")
    return service


@transaction.atomic
def print_service_update(
    *,
    vendor: User,
    service_id: int,
    name: str | None = None,
    price_paise: int | None = None,
    unit: str | None = None,
    is_colour: bool | None = None,
    is_available: bool | None = None,
) -> PrintService:
    """Change one of the vendor's own live services; `None` leaves a field as it is.

    Raises NotFound for a service that is not the vendor's or is deleted. Print
    jobs already estimated keep their amounts.
    """
    _require_vendor(vendor, vendor_type=User.VendorType.STATIONERY)
    service = _lock_own(PrintService, vendor=vendor, obj_id=service_id)
    changed: list[str] = []
    if name is not None:
        service.name = _clean_text(name, field="name", max_length=_SERVICE_NAME_MAX, required=True)
        _check_name_free(PrintService, vendor=vendor, name=service.name, exclude_pk=service.pk)
        changed.append("name")
    if price_paise is not None:
        service.price_paise = _check_price(price_paise)
        changed.append("price_paise")
    if unit is not None:
        service.unit = _check_unit(unit)
        changed.append("unit")
    if is_colour is not None:
        service.is_colour = bool(is_colour)
        changed.append("is_colour")
    if is_available is not None:
        service.is_available = bool(is_available)
        changed.append("is_available")
    if changed:
        _save_unique(service, constraint="print_service_name_unique_per_vendor", update_fields=[*changed, "updated_at"])
    return service


@transaction.atomic
def print_service_delete(*, vendor: User, service_id: int) -> None:
    """Hide one of the vendor's own services everywhere. Past print jobs keep theirs."""
    _require_vendor(vendor, vendor_type=User.VendorType.STATIONERY)
    service = _lock_own(PrintService, vendor=vendor, obj_id=service_id)
    service.is_deleted = True
    service.save(update_fields=["is_deleted", "updated_at"])


# --- staff (admin actions) ----------------------------------------------------


@transaction.atomic
def catalog_entry_set_deleted(*, actor: User, obj: MenuItem | PrintService, deleted: bool) -> bool:
    """Staff hide or restore a menu item or print service. Returns False when a restore
    would clash with a live entry of the same name (the entry stays hidden)."""
    if not actor.is_campus_staff:
        raise Forbidden("Only campus staff can do this.")
    model = type(obj)
    locked = model.objects.select_for_update().get(pk=obj.pk)
    if locked.is_deleted == deleted:
        return True
    if not deleted:
        clash = model.objects.filter(vendor_id=locked.vendor_id, name__iexact=locked.name, is_deleted=False)
        if clash.exists():
            return False
    locked.is_deleted = deleted
    locked.save(update_fields=["is_deleted", "updated_at"])
    return True
