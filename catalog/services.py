"""Writes to the catalogue: shops, menu items and print services.

Every writer names the acting vendor, checks that the vendor may write (approved,
active, of the right type) and that the object is the vendor's own, and runs in
one transaction. Deleting an item or service only hides it (`is_deleted`): order
lines and print jobs reference them with PROTECT and keep their own snapshots.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from accounts.errors import VendorNotApproved, WrongVendorType
from accounts.models import User
from core.errors import ValidationFailed
from core.money import is_paise
from core.services import model_update

from .attributes import ATTRIBUTE_FIELDS, menu_item_apply_attributes, menu_item_attributes_clean
from .errors import DuplicateName, NotAVendor
from .locks import own_entry_lock, shop_lock
from .models import MAX_PRICE_PAISE, MenuItem, PrintService, Shop
from .pause import KITCHEN_FIELDS, shop_kitchen_clean
from .staff import catalog_entry_set_deleted  # noqa: F401 - staff's hide and restore, re-exported

SHOP_NAME_MAX = Shop._meta.get_field("name").max_length
SHOP_DESCRIPTION_MAX = Shop._meta.get_field("description").max_length
SHOP_NOTE_MAX = Shop._meta.get_field("opening_note").max_length
_SHOP_FIELDS = ("name", "description", "is_open", "opening_note", "category_order", *KITCHEN_FIELDS)


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
        raise ValidationFailed(details={field: [_("Enter text.")]})
    value = value.strip()
    if required and not value:
        raise ValidationFailed(details={field: [_("This field may not be blank.")]})
    if len(value) > max_length:
        message = _("Ensure this field has no more than %(max_length)s characters.")
        raise ValidationFailed(details={field: [message % {"max_length": max_length}]})
    return value


def _check_price(price_paise: int) -> int:
    if not is_paise(price_paise, minimum=None):
        raise ValidationFailed(details={"price_paise": [_("Enter a whole number of paise.")]})
    if not 1 <= price_paise <= MAX_PRICE_PAISE:
        message = _("Enter a price from 1 to %(max_price_paise)s paise.")
        raise ValidationFailed(details={"price_paise": [message % {"max_price_paise": MAX_PRICE_PAISE}]})
    return price_paise


def _check_name_free(model: type[Model], *, vendor: User, name: str, exclude_pk: int | None = None) -> None:
    clash = model.objects.filter(vendor_id=vendor.pk, name__iexact=name, is_deleted=False)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise DuplicateName(details={"name": [_("You already have one with this name.")]})


def _save_unique(save: Callable[[], Any], *, constraint: str) -> None:
    """Run `save` in a savepoint, turning a lost race on the per-vendor unique name into DuplicateName."""
    try:
        with transaction.atomic():
            save()
    except IntegrityError as exc:
        if constraint in str(exc):
            raise DuplicateName(details={"name": [_("You already have one with this name.")]}) from exc
        raise


# --- shops --------------------------------------------------------------------


def _check_category_order(names: list[str]) -> list[str]:
    if not isinstance(names, list) or len(names) > 50 or not all(isinstance(n, str) for n in names):
        raise ValidationFailed(details={"category_order": [_("Send up to 50 category names.")]})
    cleaned = [n.strip() for n in names]
    if any(len(n) > _ITEM_CATEGORY_MAX for n in cleaned):
        message = _("Names have at most %(item_category_max)s characters.")
        raise ValidationFailed(details={"category_order": [message % {"item_category_max": _ITEM_CATEGORY_MAX}]})
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
    **kitchen: Any,
) -> Shop:
    """Change the approved vendor's own shop; `None` leaves a field as it is.

    `kitchen`: paused_until / pause_minutes / order_cutoff_minutes, set when given, None
    included (resume; the campus cut-off), checked by catalog/pause.py.

    `category_order` is the menu's category names in the vendor's order (up to 50, each at
    most a category's length); categories not in it follow by name.

    A vendor without a shop row (e.g. created by staff in the admin) gets one.
    """
    _require_vendor(vendor)
    shop = shop_lock(vendor_id=vendor.pk)
    if shop is None:
        shop_create_for_vendor(user=vendor, shop_name=shop_name or "")
        shop = shop_lock(vendor_id=vendor.pk)

    data: dict[str, Any] = {}
    if shop_name is not None:
        data["name"] = _clean_text(shop_name, field="shop_name", max_length=SHOP_NAME_MAX, required=True)
    if description is not None:
        data["description"] = _clean_text(
            description, field="description", max_length=SHOP_DESCRIPTION_MAX, required=False
        )
    if is_open is not None:
        data["is_open"] = bool(is_open)
    if opening_note is not None:
        data["opening_note"] = _clean_text(opening_note, field="opening_note", max_length=SHOP_NOTE_MAX, required=False)
    if category_order is not None:
        data["category_order"] = _check_category_order(category_order)
    data.update(shop_kitchen_clean(kitchen))
    shop, _ = model_update(instance=shop, fields=_SHOP_FIELDS, data=data)
    return shop


# --- menu items ---------------------------------------------------------------

_ITEM_NAME_MAX = MenuItem._meta.get_field("name").max_length
_ITEM_DESCRIPTION_MAX = MenuItem._meta.get_field("description").max_length
_ITEM_CATEGORY_MAX = MenuItem._meta.get_field("category").max_length
_ITEM_FIELDS = ("name", "price_paise", "description", "category", "is_available")


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
    _save_unique(item.save, constraint="menu_item_name_unique_per_vendor")
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
    item = own_entry_lock(MenuItem, vendor_id=vendor.pk, obj_id=item_id)
    data: dict[str, Any] = {}
    if name is not None:
        data["name"] = _clean_text(name, field="name", max_length=_ITEM_NAME_MAX, required=True)
        _check_name_free(MenuItem, vendor=vendor, name=data["name"], exclude_pk=item.pk)
    if price_paise is not None:
        data["price_paise"] = _check_price(price_paise)
    if description is not None:
        data["description"] = _clean_text(
            description, field="description", max_length=_ITEM_DESCRIPTION_MAX, required=False
        )
    if category is not None:
        data["category"] = _clean_text(category, field="category", max_length=_ITEM_CATEGORY_MAX, required=False)
    if is_available is not None:
        data["is_available"] = bool(is_available)
    data.update(menu_item_attributes_clean(attributes))
    _save_unique(
        lambda: model_update(instance=item, fields=(*_ITEM_FIELDS, *ATTRIBUTE_FIELDS), data=data),
        constraint="menu_item_name_unique_per_vendor",
    )
    return item


@transaction.atomic
def menu_item_delete(*, vendor: User, item_id: int) -> None:
    """Hide one of the vendor's own items everywhere. Past orders keep their snapshots."""
    _require_vendor(vendor, vendor_type=User.VendorType.FOOD)
    item = own_entry_lock(MenuItem, vendor_id=vendor.pk, obj_id=item_id)
    model_update(instance=item, fields=("is_deleted",), data={"is_deleted": True})


# --- print services -----------------------------------------------------------

_SERVICE_NAME_MAX = PrintService._meta.get_field("name").max_length
_SERVICE_FIELDS = (
    "name",
    "price_paise",
    "unit",
    "is_colour",
    "is_available",
    "colour_price_paise",
    "paper_size",
    "pages_per_minute",
)


def _check_unit(unit: str) -> str:
    if unit not in PrintService.Unit.values:
        raise ValidationFailed(details={"unit": [_('"%(unit)s" is not a valid choice.') % {"unit": unit}]})
    return unit


_UNSET: object = object()


def _check_print_extras(
    *, colour_price_paise: object, paper_size: object, pages_per_minute: object
) -> dict[str, object]:
    """The print fields given (not `_UNSET`), checked: colour price (null = B/W only), paper size, speed."""
    values: dict[str, object] = {}
    if colour_price_paise is not _UNSET:
        if colour_price_paise is not None and not is_paise(colour_price_paise, maximum=MAX_PRICE_PAISE):
            message = _("Enter a price from 1 to %(max_price_paise)s paise, or null.")
            raise ValidationFailed(details={"colour_price_paise": [message % {"max_price_paise": MAX_PRICE_PAISE}]})
        values["colour_price_paise"] = colour_price_paise
    if paper_size is not _UNSET:
        if paper_size not in PrintService.PaperSize.values:
            message = _('"%(paper_size)s" is not a valid choice.') % {"paper_size": paper_size}
            raise ValidationFailed(details={"paper_size": [message]})
        values["paper_size"] = paper_size
    if pages_per_minute is not _UNSET:
        if (
            not isinstance(pages_per_minute, int)
            or isinstance(pages_per_minute, bool)
            or not 1 <= pages_per_minute <= 1000
        ):
            raise ValidationFailed(details={"pages_per_minute": [_("Enter a whole number from 1 to 1000.")]})
        values["pages_per_minute"] = pages_per_minute
    return values


@transaction.atomic
def print_service_create(
    *,
    vendor: User,
    name: str,
    price_paise: int,
    unit: str = PrintService.Unit.PAGE,
    is_colour: bool = False,
    is_available: bool = True,
    colour_price_paise: int | None = None,
    paper_size: str = PrintService.PaperSize.A4,
    pages_per_minute: int = PrintService.DEFAULT_PAGES_PER_MINUTE,
) -> PrintService:
    """Add a service to the approved stationery vendor's list. Names are unique per shop."""
    _require_vendor(vendor, vendor_type=User.VendorType.STATIONERY)
    extras = _check_print_extras(
        colour_price_paise=colour_price_paise, paper_size=paper_size, pages_per_minute=pages_per_minute
    )
    service = PrintService(
        **extras,
        vendor=vendor,
        name=_clean_text(name, field="name", max_length=_SERVICE_NAME_MAX, required=True),
        unit=_check_unit(unit),
        price_paise=_check_price(price_paise),
        is_colour=bool(is_colour),
        is_available=bool(is_available),
    )
    _check_name_free(PrintService, vendor=vendor, name=service.name)
    _save_unique(service.save, constraint="print_service_name_unique_per_vendor")
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
    colour_price_paise: object = _UNSET,
    paper_size: object = _UNSET,
    pages_per_minute: object = _UNSET,
) -> PrintService:
    """Change one of the vendor's own live services; `None` leaves a field as it is
    (for `colour_price_paise`, where None means "black and white only", leaving it out does).

    Raises NotFound for a service that is not the vendor's or is deleted. Print
    jobs already estimated keep their amounts.
    """
    _require_vendor(vendor, vendor_type=User.VendorType.STATIONERY)
    service = own_entry_lock(PrintService, vendor_id=vendor.pk, obj_id=service_id)
    data: dict[str, Any] = {}
    if name is not None:
        data["name"] = _clean_text(name, field="name", max_length=_SERVICE_NAME_MAX, required=True)
        _check_name_free(PrintService, vendor=vendor, name=data["name"], exclude_pk=service.pk)
    if price_paise is not None:
        data["price_paise"] = _check_price(price_paise)
    if unit is not None:
        data["unit"] = _check_unit(unit)
    if is_colour is not None:
        data["is_colour"] = bool(is_colour)
    if is_available is not None:
        data["is_available"] = bool(is_available)
    extras = _check_print_extras(
        colour_price_paise=colour_price_paise, paper_size=paper_size, pages_per_minute=pages_per_minute
    )
    data.update(extras)
    _save_unique(
        lambda: model_update(instance=service, fields=_SERVICE_FIELDS, data=data),
        constraint="print_service_name_unique_per_vendor",
    )
    return service


@transaction.atomic
def print_service_delete(*, vendor: User, service_id: int) -> None:
    """Hide one of the vendor's own services everywhere. Past print jobs keep theirs."""
    _require_vendor(vendor, vendor_type=User.VendorType.STATIONERY)
    service = own_entry_lock(PrintService, vendor_id=vendor.pk, obj_id=service_id)
    model_update(instance=service, fields=("is_deleted",), data={"is_deleted": True})
