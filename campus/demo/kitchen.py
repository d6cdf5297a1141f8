"""The demo's kitchen flow (issue 20): a weekly breakfast schedule, a closure day and a heavy dish.

The first approved food vendor gets, through ordering's own services, a schedule of 20-minute
breakfast slots every day (08:00–10:00, 8 orders and 24 kitchen units each), made
SLOT_HORIZON_DAYS ahead; a closure five days on (a fest, so that day has no breakfast slots);
and its thali weighs 3 kitchen units (`prep_units`), so three thalis fill a third of a slot.
Like every builder it leaves what exists as it is.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from accounts.models import User
from catalog.models import MenuItem
from catalog.services import menu_item_update
from ordering.models import Closure, SlotSchedule
from ordering.services import closure_create, slot_schedule_create

DEMO_SCHEDULE = {
    "weekdays": [0, 1, 2, 3, 4, 5, 6],
    "first_start": time(8, 0),
    "last_end": time(10, 0),
    "slot_minutes": 20,
    "capacity": 8,
    "capacity_units": 24,
}
DEMO_CLOSURE_DAYS_AHEAD = 5
DEMO_CLOSURE_REASON = "Campus fest: the canteen runs the fest stalls"
DEMO_HEAVY_ITEM = "Veg Thali"
DEMO_HEAVY_PREP_UNITS = 3


def kitchen_build(*, vendor: User, at: datetime) -> list[str]:
    """The schedule, the closure and the heavy item for `vendor`; notes on what was made."""
    notes: list[str] = []
    if not SlotSchedule.objects.filter(vendor=vendor).exists():
        slot_schedule_create(vendor=vendor, data=dict(DEMO_SCHEDULE), now=at)
        notes.append(f"{vendor.shop.name}: breakfast slots every 20 minutes from a weekly schedule.")
    today = at.astimezone(timezone.get_default_timezone()).date()  # campus date (settings.TIME_ZONE)
    fest = today + timedelta(days=DEMO_CLOSURE_DAYS_AHEAD)
    if not Closure.objects.filter(vendor=vendor, date=fest).exists():
        closure_create(vendor=vendor, day=fest, reason=DEMO_CLOSURE_REASON, now=at)
        notes.append(f"{vendor.shop.name}: closed on {fest:%a %d %b} ({DEMO_CLOSURE_REASON}).")
    heavy = MenuItem.objects.filter(vendor=vendor, name=DEMO_HEAVY_ITEM, is_deleted=False).first()
    if heavy is not None and heavy.prep_units != DEMO_HEAVY_PREP_UNITS:
        menu_item_update(vendor=vendor, item_id=heavy.pk, prep_units=DEMO_HEAVY_PREP_UNITS)
    return notes
