"""Pickup slots: create, change, delete, and the places orders take and give back.

Capacity: a slot's `reserved` counts its live orders and `reserved_units` their kitchen load
(Σ quantity × prep_units, kept on the order as `slot_units`). Placing an order takes a place
and its units with one conditional UPDATE (`placing._place_take`: `reserved < capacity` and,
when the slot caps units, `reserved_units + units <= capacity_units`), so no number of concurrent requests can
overfill a slot; the check constraints `slot_reserved_within_capacity` and
`slot_reserved_units_within_capacity` are the last line of defence. The place and the units
go back together when, and only when, an order moves from a live status to cancelled,
rejected or expired (see `lifecycle`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import ValidationFailed
from core.services import model_update

from ..errors import SlotHasOrders, SlotOverlaps
from ..locks import slot_lock, vendor_lock
from ..models import SLOT_NO_OVERLAP_CONSTRAINT, Order, Slot

logger = logging.getLogger(__name__)

SLOT_FIELDS = ("starts_at", "ends_at", "capacity", "capacity_units", "is_active")


def _slot_validate_times(*, starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise ValidationFailed(details={"ends_at": [_("Must be after the start.")]})


def _slot_overlap_check(
    *, vendor_id: int, starts_at: datetime, ends_at: datetime, exclude_pk: int | None = None
) -> None:
    """SlotOverlaps (409) when another live (not deleted) slot of the vendor shares any moment.

    Slots touching end to start (12:00–12:30 and 12:30–13:00) do not overlap.
    """
    others = Slot.objects.filter(vendor_id=vendor_id, is_deleted=False, starts_at__lt=ends_at, ends_at__gt=starts_at)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    clash = others.order_by("starts_at", "pk").first()
    if clash is not None:
        raise SlotOverlaps(details={"slot": clash.pk})


def _slot_save_refusing_overlap(save: Callable[[], Any]) -> None:
    """Run `save` in a savepoint; PostgreSQL's exclusion constraint refusing it is SlotOverlaps."""
    try:
        with transaction.atomic():
            save()
    except IntegrityError as exc:
        if SLOT_NO_OVERLAP_CONSTRAINT in str(exc):
            raise SlotOverlaps() from exc
        raise


def _slot_has_live_orders(slot: Slot) -> bool:
    return slot.reserved > 0 or Order.objects.filter(slot_id=slot.pk, status__in=Order.LIVE_STATUSES).exists()


@transaction.atomic
def slot_create(
    *,
    vendor: User,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    is_active: bool = True,
    capacity_units: int | None = None,
) -> Slot:
    """A new pickup slot of `vendor` (an approved food vendor, checked by the caller's permission).

    Raises ValidationFailed when it ends before it starts or starts in the past, and
    SlotOverlaps (409) when it shares any moment with another of the vendor's slots (the
    vendor row is locked first, so two concurrent creates cannot both pass the check; on
    PostgreSQL the exclusion constraint `slot_no_overlap_per_vendor` says so as well).
    """
    _slot_validate_times(starts_at=starts_at, ends_at=ends_at)
    if starts_at <= timezone.now():
        raise ValidationFailed(details={"starts_at": [_("Must be in the future.")]})
    vendor_lock(vendor_id=vendor.pk)
    _slot_overlap_check(vendor_id=vendor.pk, starts_at=starts_at, ends_at=ends_at)
    slot = Slot(
        vendor=vendor,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        capacity_units=capacity_units,
        is_active=is_active,
    )
    _slot_save_refusing_overlap(slot.save)
    return slot


@transaction.atomic
def slot_update(*, slot_id: int, vendor: User, data: dict[str, Any]) -> Slot:
    """Change `starts_at`, `ends_at`, `capacity` or `is_active` of the vendor's own slot; the locked row.

    The slot row is locked, so a concurrent order cannot slip in between the check
    and the write. Capacity below the places already reserved is a ValidationFailed;
    moving a slot that students have live orders for is SlotHasOrders (409); moving it onto
    another of the vendor's slots is SlotOverlaps (409). NotFound for another vendor's slot.
    """
    vendor_lock(vendor_id=vendor.pk)  # vendor before slot, as slot_create takes them
    locked = slot_lock(slot_id=slot_id, vendor_id=vendor.pk)
    changed = [field for field in SLOT_FIELDS if field in data and data[field] != getattr(locked, field)]
    if not changed:
        return locked
    after = {field: data[field] if field in changed else getattr(locked, field) for field in SLOT_FIELDS}
    _slot_validate_times(starts_at=after["starts_at"], ends_at=after["ends_at"])
    if "capacity" in changed and after["capacity"] < locked.reserved:
        raise ValidationFailed(
            details={
                "capacity": [
                    _("%(taken)s places are already taken; capacity cannot be lower.") % {"taken": locked.reserved}
                ]
            }
        )
    units_cap = after["capacity_units"]
    if "capacity_units" in changed and units_cap is not None and units_cap < locked.reserved_units:
        raise ValidationFailed(
            details={
                "capacity_units": [
                    _("%(taken)s units are already taken; the cap cannot be lower.") % {"taken": locked.reserved_units}
                ]
            }
        )
    if {"starts_at", "ends_at"} & set(changed) and _slot_has_live_orders(locked):
        raise SlotHasOrders(_("Students have orders for this slot; it cannot be moved."))
    if {"starts_at", "ends_at"} & set(changed):
        _slot_overlap_check(
            vendor_id=vendor.pk, starts_at=after["starts_at"], ends_at=after["ends_at"], exclude_pk=locked.pk
        )
        if locked.schedule_id is not None:  # moved by hand: it is the vendor's own now, not its schedule's
            changed.append("schedule")
            after["schedule"] = None
    _slot_save_refusing_overlap(lambda: model_update(instance=locked, fields=changed, data=after))
    return locked


@transaction.atomic
def slot_delete(*, slot_id: int, vendor: User) -> None:
    """Delete the vendor's own slot. SlotHasOrders (409) while any order in it is live.

    A slot whose orders are all finished is kept as their history but hidden
    (`is_deleted`), and so is a slot a schedule made (so that generation does not make it
    again); a hand-made slot that never had an order is removed.
    """
    locked = slot_lock(slot_id=slot_id, vendor_id=vendor.pk)
    if _slot_has_live_orders(locked):
        raise SlotHasOrders()
    if locked.schedule_id is not None or Order.objects.filter(slot_id=locked.pk).exists():
        model_update(instance=locked, fields=("is_deleted", "is_active"), data={"is_deleted": True, "is_active": False})
    else:
        locked.delete()


def _slot_release(*, slot_id: int, units: int = 0) -> None:
    """Give one place and the order's `units` back. Called only by the transition that ends a live order."""
    released = Slot.objects.filter(pk=slot_id, reserved__gt=0).update(
        reserved=F("reserved") - 1,
        reserved_units=Greatest(F("reserved_units") - Value(units), Value(0)),
        updated_at=timezone.now(),
    )
    if released != 1:  # an invariant broke (e.g. someone edited `reserved` by hand); never go negative
        logger.error("slot release found nothing reserved", extra={"slot_id": slot_id})
