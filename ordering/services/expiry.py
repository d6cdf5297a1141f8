"""Batches the scheduler runs: unpaid orders expire, paid orders nobody accepted are rejected,
ready orders nobody collected become unclaimed.

Each order is its own short transaction under its row lock (SKIP LOCKED: a row being changed
right now is left to the next run), so running a batch twice, or on two workers at once,
changes nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from payments.services import payment_refund_payable_in_full

from .. import notifications
from ..locks import order_lock_paid_unaccepted, order_lock_ready_uncollected, order_lock_unpaid_due
from ..models import Order
from .core import Status
from .lifecycle import _order_transition

logger = logging.getLogger(__name__)

# The reject reason the student sees on an order its vendor never accepted in time.
NOT_ACCEPTED_IN_TIME = "not accepted in time"


def order_expire(*, order_id: int, now: datetime | None = None) -> bool:
    """Expire one unpaid order whose payment window has passed; True if this call did it.

    Safe to run any number of times and concurrently: the row is locked and its
    status read again, so the place goes back once.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = order_lock_unpaid_due(order_id=order_id, now=now)
        if locked is None:  # paid, cancelled, already expired, or being changed right now
            return False
        _order_transition(order=locked, to_status=Status.EXPIRED, actor=None, reason="Not paid in time.")
    return True


def _each_due(due: QuerySet, handle: Callable[[int], bool], *, batch_size: int) -> int:
    """Call `handle(order_id)` for the orders of `due`, a batch of ids at a time; how many it changed.

    `handle` is one short transaction that re-checks the order under its lock and says whether it
    changed it. The next batch is read again from `due`, so changed orders drop out of it; a batch
    where nothing changed (every order taken meanwhile by another worker) ends the run.
    """
    changed = 0
    while True:
        ids = list(due.values_list("pk", flat=True)[:batch_size])
        changed_now = sum(handle(order_id) for order_id in ids)
        changed += changed_now
        if len(ids) < batch_size or changed_now == 0:
            return changed


def order_expire_unpaid(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """Expire every order still waiting for payment after its window; returns how many.

    Each order is its own short transaction, so one busy row never holds up the rest
    and locks are never held for long. Running it twice expires (and frees) nothing twice.
    """
    now = now or timezone.now()
    expired = _each_due(
        Order.objects.filter(status=Status.PENDING_PAYMENT, payment_due_by__lte=now).order_by("payment_due_by", "pk"),
        lambda order_id: order_expire(order_id=order_id, now=now),
        batch_size=batch_size,
    )
    if expired:
        logger.info("expired unpaid orders", extra={"count": expired})
    return expired


def order_reject_not_accepted(*, order_id: int, now: datetime | None = None) -> bool:
    """Reject one `paid` order whose slot has started without the vendor accepting it; True if this call did.

    In one transaction, under the order's row lock: `paid → rejected` (reason
    NOT_ACCEPTED_IN_TIME, no actor), the slot place back, the whole capture refunded through
    `payment_refund_payable_in_full` (sent to Razorpay after commit) and the student told.
    A vendor accepting at the same moment holds the same lock: whichever comes first wins and
    the other finds the order no longer `paid` (accept: InvalidTransition; here: False).
    Safe to run any number of times and concurrently.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = order_lock_paid_unaccepted(order_id=order_id, now=now)
        if locked is None:  # accepted, cancelled, already rejected, not due, or being changed right now
            return False
        _order_transition(
            order=locked,
            to_status=Status.REJECTED,
            actor=None,
            reason=NOT_ACCEPTED_IN_TIME,
            fields={"reason": NOT_ACCEPTED_IN_TIME},
        )
        refunds = payment_refund_payable_in_full(
            payable="order",
            obj=locked,
            reason=f"Order #{locked.pk} not accepted by the vendor before its slot began.",
            actor=None,
        )
        notifications.notify_order_not_accepted_in_time(order=locked, refunded=bool(refunds))
    return True


def order_reject_unaccepted(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """Reject and refund every paid order whose slot has started unaccepted; returns how many.

    Each order is its own short transaction (see `order_reject_not_accepted`), so running it
    twice, or on two workers at once, rejects and refunds nothing twice.
    """
    now = now or timezone.now()
    rejected = _each_due(
        Order.objects.filter(status=Status.PAID, slot__starts_at__lte=now).order_by("slot__starts_at", "pk"),
        lambda order_id: order_reject_not_accepted(order_id=order_id, now=now),
        batch_size=batch_size,
    )
    if rejected:
        logger.info("rejected paid orders nobody accepted", extra={"count": rejected})
    return rejected


def _uncollected_before(now: datetime) -> datetime:
    """Ready orders of slots that ended at or before this moment are uncollected."""
    return now - timedelta(minutes=int(settings.PICKUP_GRACE_MINUTES))


def order_mark_unclaimed(*, order_id: int, now: datetime | None = None) -> bool:
    """One `ready` order whose slot ended PICKUP_GRACE_MINUTES ago or more → unclaimed; True if this call did.

    Under the order's row lock: the move (an event row, no actor), no refund (the money stays
    pending until the order is handed over), and the one reminder to the student, sent only
    by the call that made the move (an unclaimed order never becomes ready again).
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = order_lock_ready_uncollected(order_id=order_id, ended_by=_uncollected_before(now))
        if locked is None:  # collected, refunded, not due yet, or being changed right now
            return False
        _order_transition(order=locked, to_status=Status.UNCLAIMED, actor=None, reason="Not collected in time.")
        notifications.order_unclaimed_reminder(order=locked)
    return True


def order_mark_unclaimed_due(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """Every ready order not collected PICKUP_GRACE_MINUTES after its slot ended → unclaimed; how many.

    Each order is its own short transaction; running it twice, or on two workers at once,
    moves (and reminds) nothing twice.
    """
    now = now or timezone.now()
    ended_by = _uncollected_before(now)
    marked = _each_due(
        Order.objects.filter(status=Status.READY, slot__ends_at__lte=ended_by).order_by("slot__ends_at", "pk"),
        lambda order_id: order_mark_unclaimed(order_id=order_id, now=now),
        batch_size=batch_size,
    )
    if marked:
        logger.info("marked uncollected orders unclaimed", extra={"count": marked})
    return marked
