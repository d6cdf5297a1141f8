"""Writes of option groups ("Size": pick exactly 1; "Extras": up to 3) and their options.

Only the owning approved food vendor writes them (the item is looked up in its own live
menu, so another vendor's is NotFound). A group's `min_choices`..`max_choices` must be
satisfiable by its options; a PATCH that sends `options` replaces them: an option sent with
its `id` is kept (and changed), one sent without is new, one left out is removed. Orders
already placed keep their snapshots (ordering/pricing.py), so removing an option is safe.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import ValidationFailed

from .cache import vendor_public_changed
from .locks import option_group_lock, own_entry_lock
from .models import MAX_PRICE_PAISE, MenuItem, Option, OptionGroup
from .services import _require_vendor

MAX_GROUPS_PER_ITEM = 10
MAX_OPTIONS_PER_GROUP = 20
_NAME_MAX = OptionGroup._meta.get_field("name").max_length


def _name(value: Any, *, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationFailed(details={field: [_("Enter a name.")]})
    if len(value.strip()) > _NAME_MAX:
        raise ValidationFailed(details={field: [_("Use at most %(name_max)s characters.") % {"name_max": _NAME_MAX}]})
    return value.strip()


def _count(value: Any, *, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationFailed(
            details={field: [_("Enter a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}]}
        )
    return value


def _clean_options(options: Any) -> list[dict]:
    if not isinstance(options, list) or not 1 <= len(options) <= MAX_OPTIONS_PER_GROUP:
        raise ValidationFailed(
            details={
                "options": [
                    _("Give 1 to %(max_options_per_group)s options.") % {"max_options_per_group": MAX_OPTIONS_PER_GROUP}
                ]
            }
        )
    cleaned: list[dict] = []
    for index, option in enumerate(options):
        if not isinstance(option, dict):
            raise ValidationFailed(
                details={"options": [_("Option %(number)s: send an object.") % {"number": index + 1}]}
            )
        delta = option.get("price_delta_paise", 0)
        cleaned.append(
            {
                "id": option.get("id"),
                "name": _name(option.get("name"), field="options"),
                "price_delta_paise": _count(delta, field="options", low=0, high=MAX_PRICE_PAISE),
                "is_available": bool(option.get("is_available", True)),
            }
        )
    names = [o["name"].lower() for o in cleaned]
    if len(set(names)) != len(names):
        raise ValidationFailed(details={"options": [_("Two options have the same name.")]})
    return cleaned


def _check_choices(*, min_choices: int, max_choices: int, option_count: int) -> None:
    if min_choices > max_choices:
        raise ValidationFailed(details={"min_choices": [_("Cannot be more than max_choices.")]})
    if min_choices > option_count:
        raise ValidationFailed(details={"min_choices": [_("The group has fewer options than that.")]})


def _own_item(*, vendor: User, item_id: int) -> MenuItem:
    return own_entry_lock(MenuItem, vendor_id=vendor.pk, obj_id=item_id)


def _own_group(*, vendor: User, group_id: int) -> OptionGroup:
    return option_group_lock(group_id=group_id, vendor_id=vendor.pk)


def _save(obj) -> None:
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        if "unique" in str(exc).lower():
            raise ValidationFailed(details={"name": [_("This item already has a group with this name.")]}) from exc
        raise


def _replace_options(group: OptionGroup, options: list[dict]) -> None:
    existing = {option.pk: option for option in group.options.all()}
    kept_ids = {o["id"] for o in options if o["id"] is not None}
    if not kept_ids <= set(existing):
        raise ValidationFailed(details={"options": [_("An option id is not one of this group's.")]})
    Option.objects.filter(group=group).exclude(pk__in=kept_ids).delete()
    # Renames may swap names between kept options: park them under unique temporary names first.
    for pk in kept_ids:
        Option.objects.filter(pk=pk).update(name=f"~renaming-{pk}")
    for position, data in enumerate(options):
        option = existing[data["id"]] if data["id"] is not None else Option(group=group)
        option.name = data["name"]
        option.price_delta_paise = data["price_delta_paise"]
        option.is_available = data["is_available"]
        option.sort_order = position
        option.save()


@transaction.atomic
def option_group_create(
    *, vendor: User, item_id: int, name: str, min_choices: int = 0, max_choices: int = 1, options: list[dict]
) -> OptionGroup:
    """A new group of options on one of the vendor's own items, after its other groups."""
    _require_vendor(vendor, vendor_type=User.VendorType.FOOD)
    item = _own_item(vendor=vendor, item_id=item_id)
    count = OptionGroup.objects.filter(menu_item=item).count()
    if count >= MAX_GROUPS_PER_ITEM:
        raise ValidationFailed(
            details={
                "option_groups": [
                    _("An item has at most %(max_groups_per_item)s groups.")
                    % {"max_groups_per_item": MAX_GROUPS_PER_ITEM}
                ]
            }
        )
    cleaned = _clean_options(options)
    group = OptionGroup(
        menu_item=item,
        name=_name(name, field="name"),
        min_choices=_count(min_choices, field="min_choices", low=0, high=MAX_OPTIONS_PER_GROUP),
        max_choices=_count(max_choices, field="max_choices", low=1, high=MAX_OPTIONS_PER_GROUP),
        sort_order=count,
    )
    _check_choices(min_choices=group.min_choices, max_choices=group.max_choices, option_count=len(cleaned))
    _save(group)
    _replace_options(group, [{**o, "id": None} for o in cleaned])
    vendor_public_changed(vendor_id=vendor.pk)
    return group


@transaction.atomic
def option_group_update(*, vendor: User, group_id: int, **data: Any) -> OptionGroup:
    """Change name, min/max choices, sort order or (replacing them) the options of a group."""
    _require_vendor(vendor, vendor_type=User.VendorType.FOOD)
    group = _own_group(vendor=vendor, group_id=group_id)
    unknown = sorted(set(data) - {"name", "min_choices", "max_choices", "sort_order", "options"})
    if unknown:
        raise ValidationFailed(details={name: [_("Unknown field.")] for name in unknown})
    if "name" in data:
        group.name = _name(data["name"], field="name")
    for field, low in (("min_choices", 0), ("max_choices", 1)):
        if field in data:
            setattr(group, field, _count(data[field], field=field, low=low, high=MAX_OPTIONS_PER_GROUP))
    if "sort_order" in data:
        group.sort_order = _count(data["sort_order"], field="sort_order", low=0, high=MAX_GROUPS_PER_ITEM * 10)
    options = _clean_options(data["options"]) if "options" in data else None
    count = len(options) if options is not None else group.options.count()
    _check_choices(min_choices=group.min_choices, max_choices=group.max_choices, option_count=count)
    _save(group)
    if options is not None:
        _replace_options(group, options)
    vendor_public_changed(vendor_id=vendor.pk)
    return group


@transaction.atomic
def option_group_delete(*, vendor: User, group_id: int) -> None:
    """Remove a group and its options; placed orders keep what they chose."""
    _require_vendor(vendor, vendor_type=User.VendorType.FOOD)
    group = _own_group(vendor=vendor, group_id=group_id)
    group.delete()
    vendor_public_changed(vendor_id=vendor.pk)
