"""The menu-item fields of the second stage: diet, allergens, tags, stock, limits, order, kitchen load.

`menu_item_apply_attributes` checks each given value and sets it on the item, returning the
names of the fields it changed; `catalog.services.menu_item_create` / `menu_item_update`
call it inside their transaction. Bad values are ValidationFailed with the field named.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from core.errors import ValidationFailed

from .models import ALLERGENS, DIETS, MAX_PREP_UNITS, MAX_STOCK, TAGS, MenuItem

ATTRIBUTE_FIELDS = (
    "diet",
    "allergens",
    "tags",
    "stock",
    "daily_stock",
    "max_per_order",
    "sort_order",
    "prep_units",
)
MAX_SORT_ORDER = 10_000


def _subset(value: Any, *, field: str, allowed: tuple[str, ...]) -> list[str]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValidationFailed(details={field: [_("Send a list of names.")]})
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        raise ValidationFailed(
            details={
                field: [
                    _("Not one of %(allowed)s: %(unknown)s.")
                    % {"allowed": ", ".join(allowed), "unknown": ", ".join(unknown)}
                ]
            }
        )
    return [name for name in allowed if name in set(value)]  # fixed order, no duplicates


def _whole(value: Any, *, field: str, low: int, high: int, nullable: bool) -> int | None:
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationFailed(
            details={field: [_("Enter a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}]}
        )
    return value


def _clean(field: str, value: Any) -> Any:
    if field == "diet":
        if value is not None and value not in DIETS:
            raise ValidationFailed(
                details={"diet": [_("Choose one of %(diets)s, or null.") % {"diets": ", ".join(DIETS)}]}
            )
        return value
    if field == "allergens":
        return _subset(value, field=field, allowed=ALLERGENS)
    if field == "tags":
        return _subset(value, field=field, allowed=TAGS)
    if field in ("stock", "daily_stock"):
        return _whole(value, field=field, low=0, high=MAX_STOCK, nullable=True)
    if field == "max_per_order":
        return _whole(value, field=field, low=1, high=20, nullable=True)
    if field == "prep_units":
        return _whole(value, field=field, low=0, high=MAX_PREP_UNITS, nullable=False)
    return _whole(value, field=field, low=-MAX_SORT_ORDER, high=MAX_SORT_ORDER, nullable=False)


def menu_item_attributes_clean(data: dict[str, Any]) -> dict[str, Any]:
    """The attributes given in `data`, checked and normalised (ValidationFailed naming the field)."""
    unknown = sorted(set(data) - set(ATTRIBUTE_FIELDS))
    if unknown:
        raise ValidationFailed(details={name: [_("Unknown field.")] for name in unknown})
    return {field: _clean(field, data[field]) for field in ATTRIBUTE_FIELDS if field in data}


def menu_item_apply_attributes(item: MenuItem, data: dict[str, Any]) -> list[str]:
    """Check and set the attributes given in `data` (others untouched); the field names set."""
    cleaned = menu_item_attributes_clean(data)
    for field, value in cleaned.items():
        setattr(item, field, value)
    return list(cleaned)
