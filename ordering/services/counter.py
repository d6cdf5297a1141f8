"""The pickup counter: hand an order over by its code alone, and tell a student their order is late.

`order_complete_by_code` looks the code up among the vendor's own ready and unclaimed orders
(codes are unique among a vendor's live orders, so it names at most one). Wrong codes are
counted per vendor, all orders together (core.pickup, scope COUNTER_SCOPE): after
PICKUP_COUNTER_MAX_MISSES within PICKUP_CODE_LOCKOUT_SECONDS the counter refuses every code
(429) until the window ends, so a vendor cannot sweep the code space to complete orders
nobody collected. A right code does not reset the count.

Lock order: the order row only (payments adds payment → ledger after it when releasing).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import InvalidTransition, ValidationFailed
from core.pickup import pickup_attempts_check, pickup_attempts_record_miss
from core.services import model_update

from .. import notifications
from ..errors import InvalidPickupCode
from ..events import order_event_publish
from ..locks import order_lock
from ..models import Order, Slot
from .core import Status
from .lifecycle import _order_hand_over

COUNTER_SCOPE = "ordering-counter"
DELAY_MIN_MINUTES = 5
DELAY_MAX_MINUTES = 120
# All the delays of one order together.
DELAY_TOTAL_MAX_MINUTES = 480


def _counter_check(vendor: User) -> None:
    pickup_attempts_check(
        scope=COUNTER_SCOPE, pk=vendor.pk, noun="counter", max_misses=int(settings.PICKUP_COUNTER_MAX_MISSES)
    )


@transaction.atomic
def order_complete_by_code(*, vendor: User, pickup_code: str) -> Order:
    """The vendor's own ready or unclaimed order with this code → completed; returns it, locked.

    InvalidPickupCode (400) when none of the vendor's handover orders has the code (another
    vendor's order with the same code included: it is simply not found); each such miss counts
    against the counter. RateLimited (429, Retry-After) once the counter has had too many.
    """
    _counter_check(vendor)
    code = str(pickup_code or "").strip()
    order_id = None
    if len(code) == 6 and code.isdigit():
        order_id = (
            Order.objects.filter(vendor_id=vendor.pk, status__in=Order.HANDOVER_STATUSES, pickup_code=code)
            .values_list("pk", flat=True)
            .first()
        )
    if order_id is None:
        pickup_attempts_record_miss(scope=COUNTER_SCOPE, pk=vendor.pk)
        raise InvalidPickupCode()
    locked = order_lock(order_id=order_id, vendor_id=vendor.pk)
    if locked.status not in Order.HANDOVER_STATUSES or locked.pickup_code != code:
        # Handed over (or refunded) a moment ago by another request: not a guess, but no order now.
        raise InvalidPickupCode()
    return _order_hand_over(order=locked, vendor=vendor)


@transaction.atomic
def order_delay(*, order_id: int, vendor: User, minutes: int) -> Order:
    """The vendor's accepted order will be `minutes` (5..120) later than estimated; the student is told.

    Moves `estimated_ready_at` on (from the slot's start if it had none) and adds to
    `delay_minutes`. NotFound for another vendor's order; ValidationFailed for minutes out
    of range or a total over DELAY_TOTAL_MAX_MINUTES; InvalidTransition (409) unless accepted.
    """
    if (
        isinstance(minutes, bool)
        or not isinstance(minutes, int)
        or not (DELAY_MIN_MINUTES <= minutes <= DELAY_MAX_MINUTES)
    ):
        raise ValidationFailed(
            details={
                "minutes": [
                    _("Between %(delay_min_minutes)s and %(delay_max_minutes)s minutes.")
                    % {"delay_min_minutes": DELAY_MIN_MINUTES, "delay_max_minutes": DELAY_MAX_MINUTES}
                ]
            }
        )
    locked = order_lock(order_id=order_id, vendor_id=vendor.pk)
    if locked.status != Status.ACCEPTED:
        raise InvalidTransition(_("Only an accepted order can be marked late."), details={"status": locked.status})
    if locked.delay_minutes + minutes > DELAY_TOTAL_MAX_MINUTES:
        raise ValidationFailed(
            details={
                "minutes": [
                    _("An order can be late by at most %(delay_total_max_minutes)s minutes in all.")
                    % {"delay_total_max_minutes": DELAY_TOTAL_MAX_MINUTES}
                ]
            }
        )
    base = locked.estimated_ready_at or Slot.objects.values_list("starts_at", flat=True).get(pk=locked.slot_id)
    model_update(
        instance=locked,
        fields=["estimated_ready_at", "delay_minutes"],
        data={
            "estimated_ready_at": base + timedelta(minutes=minutes),
            "delay_minutes": locked.delay_minutes + minutes,
        },
    )
    notifications.order_delayed(order=locked, minutes=minutes)
    order_event_publish(order=locked, from_status=locked.status)
    return locked
