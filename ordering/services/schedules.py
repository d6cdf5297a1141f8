"""A food vendor's weekly slot schedules and closure days; each change regenerates its slots at once.

The API checks each field's type and range; here the rules across fields and rows: a window
that holds at least one slot, no two active schedules of a vendor sharing a moment on a
weekday, no slot of an active schedule over one of the vendor's hand-made slots in the
horizon, one closure per day, not in the past. Every refusal is ValidationFailed (400) with
the field named, and nothing is written. Each service takes the vendor's row lock first (the
lock slot generation and manual slot writes take), then the row it changes, and ends by
running `slots_generate` in the same transaction.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import ValidationFailed
from core.services import model_update

from ..locks import closure_lock, schedule_lock, vendor_lock
from ..models import MAX_CAPACITY_UNITS, Closure, Slot, SlotSchedule
from .generation import campus_zone, horizon_dates, slots_generate, wanted_slots

SCHEDULE_FIELDS = ("weekdays", "first_start", "last_end", "slot_minutes", "capacity", "capacity_units", "is_active")
MAX_SCHEDULES = 20
MAX_CLOSURE_DAYS_AHEAD = 366
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def _schedule_clean(data: dict[str, Any]) -> dict[str, Any]:
    """The schedule's fields checked together; ValidationFailed naming the field."""
    weekdays = data["weekdays"]
    if (
        not isinstance(weekdays, list | tuple)
        or not weekdays
        or any(isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6 for day in weekdays)
    ):
        raise ValidationFailed(details={"weekdays": [_("Choose one or more weekdays, 0 (Monday) to 6 (Sunday).")]})
    cleaned = {**data, "weekdays": sorted(set(weekdays))}
    first_start, last_end = data["first_start"], data["last_end"]
    if first_start.second or last_end.second or first_start.microsecond or last_end.microsecond:
        raise ValidationFailed(details={"first_start": [_("Give times as HH:MM.")]})
    if last_end <= first_start:
        raise ValidationFailed(details={"last_end": [_("Must be after the first start.")]})
    minutes = data["slot_minutes"]
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 5 <= minutes <= 240:
        raise ValidationFailed(details={"slot_minutes": [_("Enter a whole number of minutes from 5 to 240.")]})
    if _minutes(last_end) - _minutes(first_start) < minutes:
        raise ValidationFailed(
            details={"slot_minutes": [_("One slot is longer than the time from first start to last end.")]}
        )
    capacity = data["capacity"]
    if isinstance(capacity, bool) or not isinstance(capacity, int) or not 1 <= capacity <= 1000:
        raise ValidationFailed(details={"capacity": [_("Enter a whole number from 1 to 1000.")]})
    units = data.get("capacity_units")
    if units is not None and (
        isinstance(units, bool) or not isinstance(units, int) or not 1 <= units <= MAX_CAPACITY_UNITS
    ):
        raise ValidationFailed(
            details={
                "capacity_units": [
                    _("Enter a whole number from 1 to %(max_capacity_units)s, or null.")
                    % {"max_capacity_units": MAX_CAPACITY_UNITS}
                ]
            }
        )
    return cleaned


def _schedule_conflicts_check(*, vendor_id: int, candidate: SlotSchedule, now: datetime) -> None:
    """ValidationFailed when the active `candidate` shares a moment with another active schedule
    of the vendor on a weekday, or would make a slot over one of the vendor's hand-made slots."""
    if not candidate.is_active:
        return
    others = SlotSchedule.objects.filter(vendor_id=vendor_id, is_active=True).exclude(pk=candidate.pk)
    for other in others:
        shared = sorted(set(other.weekdays) & set(candidate.weekdays))
        if shared and other.first_start < candidate.last_end and candidate.first_start < other.last_end:
            days = ", ".join(WEEKDAY_NAMES[day] for day in shared)
            raise ValidationFailed(
                details={
                    "first_start": [
                        _("Overlaps your schedule %(other_first_start)s–%(other_last_end)s on %(days)s.")
                        % {
                            "other_first_start": format(other.first_start, "%H:%M"),
                            "other_last_end": format(other.last_end, "%H:%M"),
                            "days": days,
                        }
                    ]
                }
            )
    days = horizon_dates(now=now)
    wanted = wanted_slots(schedules=[candidate], days=days, closed=set(), now=now)
    if not wanted:
        return
    manual = Slot.objects.filter(
        vendor_id=vendor_id,
        schedule__isnull=True,
        is_deleted=False,
        starts_at__lt=wanted[-1].ends_at,
        ends_at__gt=wanted[0].starts_at,
    ).order_by("starts_at")
    for slot in manual:
        if any(slot.starts_at < want.ends_at and slot.ends_at > want.starts_at for want in wanted):
            local = timezone.localtime(slot.starts_at, campus_zone())
            raise ValidationFailed(
                details={
                    "first_start": [
                        _("Overlaps your slot of %(local)s; move or delete it first.")
                        % {"local": format(local, "%a %d %b %H:%M")}
                    ]
                }
            )


@transaction.atomic
def slot_schedule_create(*, vendor: User, data: dict[str, Any], now: datetime | None = None) -> SlotSchedule:
    """A new weekly schedule of the food vendor (fields: SCHEDULE_FIELDS), its slots made at once."""
    now = now or timezone.now()
    vendor_lock(vendor_id=vendor.pk)
    cleaned = _schedule_clean({"capacity_units": None, "is_active": True, **data})
    if SlotSchedule.objects.filter(vendor_id=vendor.pk).count() >= MAX_SCHEDULES:
        raise ValidationFailed(
            details={
                "weekdays": [
                    _("At most %(max_schedules)s schedules; change one instead.") % {"max_schedules": MAX_SCHEDULES}
                ]
            }
        )
    schedule = SlotSchedule(vendor=vendor, **{field: cleaned[field] for field in SCHEDULE_FIELDS})
    _schedule_conflicts_check(vendor_id=vendor.pk, candidate=schedule, now=now)
    schedule.save()
    slots_generate(vendor_id=vendor.pk, now=now)
    return schedule


@transaction.atomic
def slot_schedule_update(
    *, schedule_id: int, vendor: User, data: dict[str, Any], now: datetime | None = None
) -> SlotSchedule:
    """Change the vendor's own schedule (the fields given); its future empty slots that no longer
    fit go and the new ones are made. Slots with orders stay as they are. NotFound for another's."""
    now = now or timezone.now()
    vendor_lock(vendor_id=vendor.pk)
    locked = schedule_lock(schedule_id=schedule_id, vendor_id=vendor.pk)
    merged = {field: data.get(field, getattr(locked, field)) for field in SCHEDULE_FIELDS}
    cleaned = _schedule_clean(merged)
    candidate = SlotSchedule(pk=locked.pk, vendor_id=vendor.pk, **cleaned)
    _schedule_conflicts_check(vendor_id=vendor.pk, candidate=candidate, now=now)
    _, changed = model_update(instance=locked, fields=SCHEDULE_FIELDS, data=cleaned)
    if changed:
        slots_generate(vendor_id=vendor.pk, now=now)
    return locked


@transaction.atomic
def slot_schedule_delete(*, schedule_id: int, vendor: User, now: datetime | None = None) -> None:
    """Delete the vendor's own schedule: its future empty slots go; slots with orders stay (as by hand)."""
    now = now or timezone.now()
    vendor_lock(vendor_id=vendor.pk)
    locked = schedule_lock(schedule_id=schedule_id, vendor_id=vendor.pk)
    model_update(instance=locked, fields=("is_active",), data={"is_active": False})
    slots_generate(vendor_id=vendor.pk, now=now)  # removes its empty slots while they are still its own
    locked.delete()


@transaction.atomic
def closure_create(*, vendor: User, day: date, reason: str = "", now: datetime | None = None) -> Closure:
    """Close the vendor's shop for one campus date: that day's empty slots go and none are made.

    Slots of that day with orders stay. ValidationFailed for a past date, one more than
    MAX_CLOSURE_DAYS_AHEAD ahead, or a day already closed.
    """
    now = now or timezone.now()
    today = now.astimezone(campus_zone()).date()
    if day < today:
        raise ValidationFailed(details={"date": [_("This day has passed.")]})
    if day > today + timedelta(days=MAX_CLOSURE_DAYS_AHEAD):
        raise ValidationFailed(details={"date": [_("At most a year ahead.")]})
    reason = (reason or "").strip()
    if len(reason) > Closure._meta.get_field("reason").max_length:
        raise ValidationFailed(details={"reason": [_("Too long.")]})
    vendor_lock(vendor_id=vendor.pk)
    if Closure.objects.filter(vendor_id=vendor.pk, date=day).exists():
        raise ValidationFailed(details={"date": [_("You are already closed that day.")]})
    closure = Closure(vendor=vendor, date=day, reason=reason)
    try:
        with transaction.atomic():
            closure.save()
    except IntegrityError as exc:  # under the vendor's lock only a write bypassing it gets here
        raise ValidationFailed(details={"date": [_("You are already closed that day.")]}) from exc
    slots_generate(vendor_id=vendor.pk, now=now)
    return closure


@transaction.atomic
def closure_delete(*, closure_id: int, vendor: User, now: datetime | None = None) -> None:
    """Open the day again: the schedules' slots for it are made (if it is still in the horizon)."""
    now = now or timezone.now()
    vendor_lock(vendor_id=vendor.pk)
    closure_lock(closure_id=closure_id, vendor_id=vendor.pk).delete()
    slots_generate(vendor_id=vendor.pk, now=now)
