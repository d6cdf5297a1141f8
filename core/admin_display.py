"""How the admin writes money and time for campus staff, and reads money typed in rupees.

Every admin list, detail page and form uses these: amounts are integer paise in the
database and `₹1,23,456.00` on screen (`core.money.rupees`), times are in the campus zone
(`settings.TIME_ZONE`, Asia/Kolkata) whatever zone the request runs in, and money typed
by staff is in rupees ("123.45"), turned into paise exactly (12345), never through a float;
a third decimal (a fraction of a paisa) is refused, not rounded.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext as _

from .money import PAISE_PER_RUPEE, rupees

NOTHING = "—"
TIME_FORMAT = "%d %b %Y, %H:%M"
# Plain digits, or grouped the Indian way (1,23,456) or the Western way (123,456); then the paise.
_RUPEES_TEXT = re.compile(r"^(?P<whole>\d+|\d{1,2}(,\d{2})*,\d{3}|\d{1,3}(,\d{3})+)(\.(?P<part>\d*))?$")


@cache
def campus_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def money(paise: int | None) -> str:
    """`550000` → `₹5,500.00`; None → `—`."""
    return NOTHING if paise is None else rupees(paise)


def campus_localtime(value: dt.datetime) -> dt.datetime:
    return value.astimezone(campus_zone())


def campus_time(value: dt.datetime | None, fmt: str = TIME_FORMAT) -> str:
    """An aware datetime in campus time: `02 Dec 2026, 12:00`; None → `—`."""
    return NOTHING if value is None else campus_localtime(value).strftime(fmt)


def campus_span(starts_at: dt.datetime, ends_at: dt.datetime) -> str:
    """A pickup slot: `02 Dec 2026, 12:00–12:30` (campus time)."""
    start, end = campus_localtime(starts_at), campus_localtime(ends_at)
    if start.date() == end.date():
        return f"{start.strftime(TIME_FORMAT)}–{end:%H:%M}"
    return f"{start.strftime(TIME_FORMAT)} – {end.strftime(TIME_FORMAT)}"


def shop_of(user: Any) -> str:
    """How staff know a vendor: its shop's name (else its own name or phone)."""
    if user is None:
        return NOTHING
    shop = getattr(user, "shop", None) if getattr(user, "role", "") == "vendor" else None
    return shop.name if shop is not None else (user.name or user.phone)


def paise_from_rupees(text: str) -> int:
    """`"123.45"` → 12345, `"1,234"` → 123400, `"₹5"` → 500: exact, no float on the way.

    Raises ValueError for anything else: letters, a sign, or more than two decimals.
    """
    cleaned = str(text).strip().removeprefix("₹").removeprefix("Rs").strip()
    match = _RUPEES_TEXT.match(cleaned)
    if not match:
        raise ValueError("Enter an amount in rupees, like 120 or 120.50.")
    part = match.group("part") or ""
    if len(part) > 2:
        raise ValueError("An amount has at most two decimals (paise).")
    return int(match.group("whole").replace(",", "")) * PAISE_PER_RUPEE + int(part.ljust(2, "0"))


class RupeesField(forms.Field):
    """A money input in rupees whose cleaned value is integer paise (`"123.45"` → 12345)."""

    MAX_LENGTH = 20

    def __init__(self, *, min_paise: int = 1, max_paise: int | None = None, **kwargs):
        self.min_paise, self.max_paise = min_paise, max_paise
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "0.00", "maxlength": self.MAX_LENGTH}),
        )
        kwargs.setdefault("help_text", "In rupees, e.g. 120.50.")
        super().__init__(**kwargs)

    def prepare_value(self, value):
        # An int is paise (initial data); text is what was typed and goes back as typed.
        if isinstance(value, int) and not isinstance(value, bool):
            return rupees(value, symbol="").replace(",", "")
        return value

    def to_python(self, value) -> int | None:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        if len(text) > self.MAX_LENGTH:
            raise forms.ValidationError(_("That is not an amount."), code="invalid")
        try:
            return paise_from_rupees(text)
        except ValueError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from None

    def validate(self, value) -> None:
        super().validate(value)
        if value is None:
            return
        if value < self.min_paise:
            raise forms.ValidationError(
                _("Enter at least %(minimum)s.") % {"minimum": rupees(self.min_paise)}, code="min_value"
            )
        if self.max_paise is not None and value > self.max_paise:
            raise forms.ValidationError(
                _("At most %(maximum)s.") % {"maximum": rupees(self.max_paise)}, code="max_value"
            )


def money_column(field: str, description: str) -> Callable[[Any, Any], str]:
    """A ModelAdmin column (or read-only field) showing the paise field `field` in rupees."""

    @admin.display(description=description, ordering=field)
    def column(self, obj) -> str:
        return money(getattr(obj, field))

    return column


def time_column(field: str, description: str) -> Callable[[Any, Any], str]:
    """A ModelAdmin column (or read-only field) showing the datetime `field` in campus time."""

    @admin.display(description=description, ordering=field)
    def column(self, obj) -> str:
        return campus_time(getattr(obj, field))

    return column


def shop_column(field: str = "vendor", description: str = "shop") -> Callable[[Any, Any], str]:
    """A column naming the vendor at `field` by its shop."""

    @admin.display(description=description, ordering=f"{field}__shop__name")
    def column(self, obj) -> str:
        return shop_of(getattr(obj, field))

    return column


def person(user: Any) -> str:
    """A student or staff member as staff read it: `Asha Rao · +919812345678`."""
    if user is None:
        return NOTHING
    return f"{user.name} · {user.phone}" if user.name else user.phone
