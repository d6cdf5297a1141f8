"""A shop's kitchen controls (issue 20): the "busy" pause and its own order cut-off.

`shop_kitchen_clean` checks what a vendor sends and returns the Shop fields to set;
`catalog.services.shop_update` calls it inside its transaction. While `paused_until` is ahead,
`ordering.services.order_place` refuses new orders (409 `shop_paused`); the cut-off is read there
and by the open-slots selector through `Shop.cutoff_minutes`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ValidationFailed

from .models import MAX_CUTOFF_MINUTES

KITCHEN_FIELDS = ("paused_until", "order_cutoff_minutes")


def _pause_until_clean(value: Any, *, now: datetime) -> datetime | None:
    if value is None:
        return None  # resume now
    if not isinstance(value, datetime) or timezone.is_naive(value):
        raise ValidationFailed(details={"paused_until": [_("Give a moment with its offset, or null.")]})
    hours = int(settings.SHOP_PAUSE_MAX_HOURS)
    if value <= now:
        raise ValidationFailed(details={"paused_until": [_("Must be in the future (null resumes).")]})
    if value > now + timedelta(hours=hours):
        raise ValidationFailed(details={"paused_until": [_("Pause for at most %(hours)s hours.") % {"hours": hours}]})
    return value


def shop_kitchen_clean(data: dict[str, Any], *, now: datetime | None = None) -> dict[str, Any]:
    """`paused_until` (a future moment within SHOP_PAUSE_MAX_HOURS, or None to resume), or
    `pause_minutes` (from now); `order_cutoff_minutes` (0..MAX_CUTOFF_MINUTES, None: the
    campus default). Only the keys given; ValidationFailed naming the field."""
    now = now or timezone.now()
    unknown = sorted(set(data) - {*KITCHEN_FIELDS, "pause_minutes"})
    if unknown:
        raise ValidationFailed(details={name: [_("Unknown field.")] for name in unknown})
    cleaned: dict[str, Any] = {}
    if "paused_until" in data and "pause_minutes" in data:
        raise ValidationFailed(details={"pause_minutes": [_("Send paused_until or pause_minutes, not both.")]})
    if "pause_minutes" in data:
        minutes = data["pause_minutes"]
        if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 1:
            raise ValidationFailed(details={"pause_minutes": [_("Enter a whole number of minutes.")]})
        cleaned["paused_until"] = _pause_until_clean(now + timedelta(minutes=minutes), now=now)
    if "paused_until" in data:
        cleaned["paused_until"] = _pause_until_clean(data["paused_until"], now=now)
    if "order_cutoff_minutes" in data:
        value = data["order_cutoff_minutes"]
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_CUTOFF_MINUTES
        ):
            raise ValidationFailed(
                details={
                    "order_cutoff_minutes": [
                        _("Enter minutes from 0 to %(max_cutoff_minutes)s, or null.")
                        % {"max_cutoff_minutes": MAX_CUTOFF_MINUTES}
                    ]
                }
            )
        cleaned["order_cutoff_minutes"] = value
    return cleaned
