"""Every row lock payments takes, named once, each with its rank in `core.locks.LOCK_ORDER`.

The services of payments take `select_for_update` only through these helpers, so the
order they lock in can be read (and checked) here: webhook event → payable → payment → refund, the
ledger accounts last (ledger's own services lock those). A transaction holding a lock
of one rank may take a lock of a later rank, never of an earlier one.

`recording()` lists the ranks taken inside it, in order, for the tests that check a
path against `core.locks.assert_lock_order`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from core.errors import NotFound
from core.locks import rank

from . import payables
from .models import Payment, Refund, WebhookEvent

WEBHOOK = "webhook"
PAYABLE = "payable"
PAYMENT = "payment"
REFUND = "refund"

F = TypeVar("F", bound=Callable[..., Any])

_taken: ContextVar[list[str] | None] = ContextVar("payments_locks_taken", default=None)


def _ranked(kind: str) -> Callable[[F], F]:
    """Declare the rank a lock helper takes (KeyError at import for a kind LOCK_ORDER does not name)."""
    rank(kind)

    def declare(helper: F) -> F:
        helper.lock_kind = kind  # type: ignore[attr-defined]
        return helper

    return declare


def _taking(kind: str) -> None:
    taken = _taken.get()
    if taken is not None:
        taken.append(kind)


@contextmanager
def recording() -> Iterator[list[str]]:
    """The lock kinds taken by these helpers inside the block, in the order they were taken."""
    taken: list[str] = []
    token = _taken.set(taken)
    try:
        yield taken
    finally:
        _taken.reset(token)


@_ranked(WEBHOOK)
def webhook_event_lock_find(webhook_event_id: int) -> WebhookEvent | None:
    """Rank: `webhook`. One stored Razorpay event, locked and read afresh, or None for an unknown id.
    Taken first: applying the event then locks its payable, payment, refund and ledger rows."""
    _taking(WEBHOOK)
    return WebhookEvent.objects.select_for_update().filter(pk=webhook_event_id).first()


@_ranked(PAYABLE)
def payable_lock(payable_type: payables.PayableType, object_id: int) -> Any:
    """Rank: `payable`. The order or print job, locked for this transaction and read afresh."""
    _taking(PAYABLE)
    return payable_type.model._base_manager.select_for_update().get(pk=object_id)


@_ranked(PAYABLE)
def payable_lock_for_payer(*, payable_type: payables.PayableType, user: Any, object_id: int) -> Any:
    """Rank: `payable`. The payable this user may pay, locked (its own row only); NotFound for
    anyone else's or an unknown one."""
    _taking(PAYABLE)
    obj = payable_type.queryset_for_payer(user).select_for_update(of=("self",)).filter(pk=object_id).first()
    if obj is None:
        raise NotFound()
    return obj


@_ranked(PAYMENT)
def payment_lock(payment_id: int) -> Payment:
    """Rank: `payment`. One payment row, locked and read afresh (DoesNotExist for an unknown id)."""
    _taking(PAYMENT)
    return Payment.objects.select_for_update().get(pk=payment_id)


@_ranked(PAYMENT)
def payment_lock_find(payment_id: int) -> Payment | None:
    """Rank: `payment`. Like `payment_lock`, but None when the row is gone (a dropped reservation)."""
    _taking(PAYMENT)
    return Payment.objects.select_for_update().filter(pk=payment_id).first()


@_ranked(PAYMENT)
def open_payment_lock_find(*, payable_type: payables.PayableType, obj: Any) -> Payment | None:
    """Rank: `payment`. The payable's open (created) payment, locked, or None."""
    _taking(PAYMENT)
    return Payment.objects.select_for_update().filter(**{payable_type.name: obj}, status=Payment.Status.CREATED).first()


@_ranked(REFUND)
def refund_lock(refund_id: int) -> Refund:
    """Rank: `refund`. One refund row, locked and read afresh (after its payment's lock)."""
    _taking(REFUND)
    return Refund.objects.select_for_update().get(pk=refund_id)


HELPERS: tuple[Callable[..., Any], ...] = (
    webhook_event_lock_find,
    payable_lock,
    payable_lock_for_payer,
    payment_lock,
    payment_lock_find,
    open_payment_lock_find,
    refund_lock,
)
