"""Slots made from weekly schedules: `SLOT_HORIZON_DAYS` campus days ahead, today included.

`slots_generate(vendor_id=...)` brings one vendor's generated slots in line with its active
schedules and closures. It runs at once when a schedule or a closure changes (in that
change's transaction), every night for every vendor (beat, `ordering.tasks.generate_slots`)
and from `manage.py generate_slots`. What it does:

- the wanted slots: on each campus date of the horizon that is not a closure, for each active
  schedule of that weekday, `first_start`, `first_start + slot_minutes`, … while a slot still
  ends by `last_end`, campus time (Asia/Kolkata, no DST), starting after now;
- a future generated slot that is not wanted (its schedule changed, stopped or was deleted,
  its day closed) goes, unless it holds any order (live or ended): those are never moved or
  removed. The ones that go are locked first (`slots_lock_removable`), so none of them can
  take an order while they are deleted. A wanted slot still empty follows its schedule's
  capacity;
- a wanted slot is made unless another slot of the vendor (by hand or generated) shares any
  moment with it, or the vendor deleted a generated slot at that start (kept deleted for that).

Idempotent under any concurrency: the vendor's row lock (rank `user`, which manual slot writes
take too) makes one vendor's runs take turns, each reads what the last committed, and the
unique constraint `slot_unique_vendor_start` (and on PostgreSQL the no-overlap exclusion
constraint) would refuse a second slot at one start whatever happened.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..locks import slots_lock_removable, vendor_lock
from ..models import Closure, Slot, SlotSchedule

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WantedSlot:
    schedule: SlotSchedule
    starts_at: datetime
    ends_at: datetime


def campus_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def horizon_dates(*, now: datetime) -> list[date]:
    """The campus dates slots are made for: today (campus time) and the next SLOT_HORIZON_DAYS - 1."""
    today = now.astimezone(campus_zone()).date()
    return [today + timedelta(days=offset) for offset in range(int(settings.SLOT_HORIZON_DAYS))]


def schedule_times(schedule: SlotSchedule, day: date) -> list[tuple[datetime, datetime]]:
    """The (start, end) of each slot `schedule` makes on campus date `day` (any weekday)."""
    zone = campus_zone()
    start = datetime.combine(day, schedule.first_start, tzinfo=zone)
    last_end = datetime.combine(day, schedule.last_end, tzinfo=zone)
    step = timedelta(minutes=schedule.slot_minutes)
    times = []
    while start + step <= last_end:
        times.append((start, start + step))
        start += step
    return times


def wanted_slots(
    *, schedules: list[SlotSchedule], days: list[date], closed: set[date], now: datetime
) -> list[WantedSlot]:
    """Every slot the active `schedules` make on `days` but the `closed` ones, starting after `now`."""
    wanted = []
    for day in days:
        if day in closed:
            continue
        for schedule in schedules:
            if not schedule.is_active or day.weekday() not in schedule.weekdays:
                continue
            for starts_at, ends_at in schedule_times(schedule, day):
                if starts_at > now:
                    wanted.append(WantedSlot(schedule=schedule, starts_at=starts_at, ends_at=ends_at))
    return wanted


def _overlaps(slot: Slot, starts_at: datetime, ends_at: datetime) -> bool:
    return slot.starts_at < ends_at and slot.ends_at > starts_at


@dataclass(frozen=True)
class Generated:
    made: int
    removed: int


@transaction.atomic
def slots_generate(*, vendor_id: int, now: datetime | None = None) -> Generated:
    """Make and remove the vendor's generated slots to match its schedules and closures (see above).

    Returns how many slots were made and removed; running it again at once does nothing.
    """
    now = now or timezone.now()
    vendor_lock(vendor_id=vendor_id)
    days = horizon_dates(now=now)
    closed = set(Closure.objects.filter(vendor_id=vendor_id, date__in=days).values_list("date", flat=True))
    schedules = list(SlotSchedule.objects.filter(vendor_id=vendor_id, is_active=True))
    wanted = {
        (w.schedule.pk, w.starts_at, w.ends_at): w
        for w in wanted_slots(schedules=schedules, days=days, closed=closed, now=now)
    }

    future = list(Slot.objects.filter(vendor_id=vendor_id, ends_at__gt=now).order_by("starts_at", "pk"))
    unwanted = [
        slot.pk
        for slot in future
        if slot.schedule_id is not None
        and not slot.is_deleted
        and slot.starts_at > now
        and (slot.schedule_id, slot.starts_at, slot.ends_at) not in wanted
    ]
    removable = set(slots_lock_removable(vendor_id=vendor_id, slot_ids=unwanted)) if unwanted else set()
    if removable:
        Slot.objects.filter(pk__in=removable).delete()

    standing = [slot for slot in future if not slot.is_deleted and slot.pk not in removable]
    deleted_starts = {slot.starts_at for slot in future if slot.is_deleted and slot.schedule_id is not None}
    made = []
    for key, want in wanted.items():
        same = next((s for s in standing if (s.schedule_id, s.starts_at, s.ends_at) == key), None)
        if same is not None:
            _follow_capacity(same, want.schedule)
            continue
        if want.starts_at in deleted_starts or any(_overlaps(s, want.starts_at, want.ends_at) for s in standing):
            continue  # by hand, kept with its orders, or deleted by the vendor: leave that time alone
        made.append(
            Slot(
                vendor_id=vendor_id,
                schedule=want.schedule,
                starts_at=want.starts_at,
                ends_at=want.ends_at,
                capacity=want.schedule.capacity,
                capacity_units=want.schedule.capacity_units,
            )
        )
    Slot.objects.bulk_create(made)
    if made or removable:
        logger.info("slots generated", extra={"vendor_id": vendor_id, "made": len(made), "removed": len(removable)})
    return Generated(made=len(made), removed=len(removable))


def _follow_capacity(slot: Slot, schedule: SlotSchedule) -> None:
    """An empty generated slot takes its schedule's capacity (conditional UPDATE: still empty)."""
    if (slot.capacity, slot.capacity_units) == (schedule.capacity, schedule.capacity_units):
        return
    Slot.objects.filter(pk=slot.pk, reserved=0, reserved_units=0).update(
        capacity=schedule.capacity, capacity_units=schedule.capacity_units, updated_at=timezone.now()
    )


def slots_generate_all(*, now: datetime | None = None) -> int:
    """The nightly run: `slots_generate` for every vendor with a schedule, each in its own
    transaction (one vendor's trouble is logged and does not stop the others); slots made."""
    now = now or timezone.now()
    made = 0
    for vendor_id in SlotSchedule.objects.order_by("vendor_id").values_list("vendor_id", flat=True).distinct():
        try:
            made += slots_generate(vendor_id=vendor_id, now=now).made
        except Exception:
            logger.exception("slot generation failed", extra={"vendor_id": vendor_id})
    return made
