"""The order state machine and the moves of students, vendors and payments.

Every status change goes through `_order_transition` (built on `core.services.status_transition`):
it checks `Order.TRANSITIONS`, saves with `update_fields`, writes an `OrderEvent` and gives
the slot place back when a live order ends as cancelled, rejected or expired. That happens
under the order's row lock and those statuses have no way out, so at most once per order.
Each service takes the order's id and the acting user, and returns the row it locked.

Lock order: the order row, then the slot row (payments adds payment → ledger after the order).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import InvalidTransition, RateLimited, ValidationFailed
from core.pickup import pickup_code_generate
from core.services import status_transition
from payments.services import payment_refund_payable_in_full, payment_release_payable

from .. import notifications, stock
from ..errors import InvalidPickupCode
from ..events import order_event_publish
from ..locks import order_lock
from ..models import PICKUP_CODE_UNIQUE_CONSTRAINT, Order, OrderEvent
from .core import Status
from .estimates import order_estimate_ready_at
from .slots import _slot_release

# A whole refund by staff cancels an order in any of these statuses, whatever TRANSITIONS says.
_REFUND_CANCELS: dict[str, tuple[str, ...]] = {status: (Status.CANCELLED,) for status in Order.REFUND_CANCELS_STATUSES}


def _order_refusal(from_status: str, to_status: str) -> str:
    # One sentence in the caller's language, the two statuses as the app names them.
    return _("An order that is %(from_status)s cannot become %(to_status)s.") % {
        "from_status": str(Status(from_status).label).lower(),
        "to_status": str(Status(to_status).label).lower(),
    }


def _order_transition_check(*, from_status: str, to_status: str) -> None:
    """InvalidTransition (409) unless `Order.TRANSITIONS` allows the move."""
    if to_status not in Order.TRANSITIONS[from_status]:
        raise InvalidTransition(_order_refusal(from_status, to_status), details={"status": from_status})


def _order_transition(
    *,
    order: Order,
    to_status: str,
    actor: User | None,
    reason: str = "",
    fields: dict[str, Any] | None = None,
    transitions: Mapping[str, Iterable[str]] = Order.TRANSITIONS,
) -> Order:
    """Move a locked order to `to_status` if `transitions` allows it; write the event.

    Raises InvalidTransition (409) with nothing written when the move is not allowed. Gives
    the slot place back when a live order ends as cancelled, rejected or expired.
    """

    def record(from_status: str) -> None:
        OrderEvent.objects.create(order=order, from_status=from_status, to_status=to_status, actor=actor, reason=reason)
        if from_status in Order.LIVE_STATUSES and to_status in Order.RELEASING_STATUSES:
            _slot_release(slot_id=order.slot_id, units=order.slot_units)
            stock.stock_give_back(order=order)
        order_event_publish(order=order, from_status=from_status)

    status_transition(
        instance=order,
        to_status=to_status,
        transitions=transitions,
        describe=_order_refusal,
        fields=fields,
        record=record,
    )
    return order


def _order_was_paid(order: Order) -> bool:
    return order.paid_at is not None


# Tries at a code none of the vendor's live orders has (more than one only after a race).
_PICKUP_CODE_TRIES = 5


def _pickup_code_unused(*, vendor_id: int) -> str:
    """Six random digits (from `secrets`) that none of the vendor's live orders holds now."""
    taken = set(
        Order.objects.filter(vendor_id=vendor_id, status__in=Order.CODE_LIVE_STATUSES).values_list(
            "pickup_code", flat=True
        )
    )
    while True:  # at most a few thousand of a million codes are ever taken at once
        code = pickup_code_generate()
        if code not in taken:
            return code


@transaction.atomic
def order_mark_paid(*, order_id: int, payment: Any) -> Order:
    """pending_payment → paid, with a fresh 6-digit pickup code and `paid_at`.

    The code is unique among the vendor's live orders (paid, accepted, ready, unclaimed): one
    not taken is drawn, and the partial unique constraint `order_pickup_code_unique_live`
    catches a capture of the same vendor drawing the same code at the same moment; then the
    move is retried in its savepoint with another code. Payments calls this inside its capture
    transaction, with the order row already locked; locking again in the same transaction is
    a no-op. Whether the capture may still be accepted (`is_payable`) is the caller's
    decision; here only the transition map applies (InvalidTransition otherwise). The student
    is told "payment received" (with the pickup code) once this commits. Returns the locked row.
    """
    locked = order_lock(order_id=order_id)
    from_status = locked.status
    for attempt in range(1, _PICKUP_CODE_TRIES + 1):
        code = _pickup_code_unused(vendor_id=locked.vendor_id)
        try:
            with transaction.atomic():
                paid = _order_transition(
                    order=locked,
                    to_status=Status.PAID,
                    actor=None,
                    reason=f"Payment #{payment.pk} captured.",
                    fields={"pickup_code": code, "paid_at": timezone.now()},
                )
        except IntegrityError as error:
            if PICKUP_CODE_UNIQUE_CONSTRAINT not in str(error) or attempt == _PICKUP_CODE_TRIES:
                raise
            locked.status, locked.pickup_code, locked.paid_at = from_status, "", None
            continue
        # Once per payment: only the move to `paid` sends it, and that move happens once.
        notifications.order_payment_received(order=paid)
        return paid
    raise AssertionError("unreachable")


@transaction.atomic
def order_cancel(*, order_id: int, student: User, reason: str = "") -> Order:
    """The student cancels its own order before the vendor accepted it (pending_payment or paid).

    The slot place goes back. NotFound for another student's order; InvalidTransition (409)
    from any other status.
    """
    locked = order_lock(order_id=order_id, student_id=student.pk)
    _order_transition(order=locked, to_status=Status.CANCELLED, actor=student, reason=reason, fields={"reason": reason})
    if _order_was_paid(locked):
        # The order was paid: the student gets the whole amount back. The refund is reserved
        # and posted to the ledger in this transaction and sent to Razorpay after commit.
        payment_refund_payable_in_full(
            payable="order", obj=locked, reason=f"Order #{locked.pk} cancelled by the student.", actor=student
        )
        notifications.order_cancelled_refunded(order=locked)
    return locked


@transaction.atomic
def order_accept(*, order_id: int, vendor: User) -> Order:
    """The vendor takes a paid order on (paid → accepted); the student gets an SMS.

    The order joins the kitchen's queue now, so its `estimated_ready_at` is set here
    (ordering.services.estimates says how).
    """
    locked = order_lock(order_id=order_id, vendor_id=vendor.pk)
    _order_transition(
        order=locked,
        to_status=Status.ACCEPTED,
        actor=vendor,
        fields={"estimated_ready_at": order_estimate_ready_at(order=locked)},
    )
    notifications.order_accepted(order=locked)
    return locked


@transaction.atomic
def order_reject(*, order_id: int, vendor: User, reason: str) -> Order:
    """The vendor turns a paid or accepted order down, saying why; the slot place goes back.

    NotFound for another vendor's order; ValidationFailed without a reason; InvalidTransition
    (409) from other statuses. The student gets an SMS pointing to the order page, which shows
    the reason (a vendor's text never goes into an SMS).
    """
    locked = order_lock(order_id=order_id, vendor_id=vendor.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(details={"reason": [_("Tell the student why.")]})
    _order_transition(order=locked, to_status=Status.REJECTED, actor=vendor, reason=reason, fields={"reason": reason})
    was_paid = _order_was_paid(locked)
    if was_paid:
        # The order was paid: the student gets the whole amount back. The refund is reserved
        # and posted to the ledger in this transaction and sent to Razorpay after commit.
        payment_refund_payable_in_full(
            payable="order", obj=locked, reason=f"Order #{locked.pk} rejected by the vendor: {reason}", actor=vendor
        )
    notifications.order_rejected(order=locked, refunded=was_paid)
    return locked


@transaction.atomic
def order_mark_ready(*, order_id: int, vendor: User) -> Order:
    """accepted → ready; the student gets an SMS to come and collect it."""
    locked = order_lock(order_id=order_id, vendor_id=vendor.pk)
    _order_transition(order=locked, to_status=Status.READY, actor=vendor)
    notifications.order_ready(order=locked)
    return locked


def _pickup_attempts_key(order: Order) -> str:
    return f"ordering:pickup-code-misses:{order.pk}"


def _pickup_attempts_check(order: Order) -> None:
    misses = cache.get(_pickup_attempts_key(order), 0)
    if misses >= int(settings.PICKUP_CODE_MAX_ATTEMPTS):
        raise RateLimited(
            _("Too many wrong pickup codes for this order. Try again later."),
            headers={"Retry-After": str(int(settings.PICKUP_CODE_LOCKOUT_SECONDS))},
        )


def _pickup_attempts_record_miss(order: Order) -> None:
    key = _pickup_attempts_key(order)
    lockout = int(settings.PICKUP_CODE_LOCKOUT_SECONDS)
    # add() starts the window once; incr() is atomic in Redis so parallel guesses all count.
    cache.add(key, 0, timeout=lockout)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=lockout)


def _order_hand_over(*, order: Order, vendor: User) -> Order:
    """A locked ready or unclaimed order whose code was shown: completed, its money released."""
    _order_transition(order=order, to_status=Status.COMPLETED, actor=vendor)
    # Handed over: the vendor's money of this order moves from pending to available (payouts).
    payment_release_payable(payable="order", obj=order, actor=vendor)
    cache.delete(_pickup_attempts_key(order))
    return order


@transaction.atomic
def order_complete(*, order_id: int, vendor: User, pickup_code: str) -> Order:
    """ready or unclaimed → completed when the student shows the right pickup code.

    NotFound for another vendor's order; InvalidTransition (409) from any other status;
    InvalidPickupCode (400) for a wrong code; RateLimited (429, Retry-After) after
    PICKUP_CODE_MAX_ATTEMPTS wrong codes for this order within PICKUP_CODE_LOCKOUT_SECONDS.
    """
    locked = order_lock(order_id=order_id, vendor_id=vendor.pk)
    _order_transition_check(from_status=locked.status, to_status=Status.COMPLETED)
    _pickup_attempts_check(locked)
    if not secrets.compare_digest(str(pickup_code or "").encode(), locked.pickup_code.encode()):
        _pickup_attempts_record_miss(locked)
        raise InvalidPickupCode()
    return _order_hand_over(order=locked, vendor=vendor)


@transaction.atomic
def order_cancel_refunded(*, order_id: int, actor: User | None) -> bool:
    """Staff refunded the whole capture of a live order: it is cancelled and its handover ends.

    Called by payments (through the payable registry) inside the refund's transaction, with
    the order row locked before the payment's. From paid, accepted or ready: status
    `cancelled`, `cancel_reason` "refunded", an event row and the slot place back; the pickup
    code is dead since a cancelled order cannot be completed (409). Any other status (completed,
    already ended): nothing changes, False.
    """
    locked = order_lock(order_id=order_id)
    if locked.status not in Order.REFUND_CANCELS_STATUSES:
        return False
    reason = "Refunded in full by campus staff."
    _order_transition(
        order=locked,
        to_status=Status.CANCELLED,
        actor=actor,
        reason=reason,
        fields={"cancel_reason": Order.CANCEL_REFUNDED, "reason": reason},
        transitions=_REFUND_CANCELS,
    )
    cache.delete(_pickup_attempts_key(locked))
    return True
