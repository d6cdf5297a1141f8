"""What every payments service shares: sources, tunables, the payable of a payment, status moves
and their events, the platform fee."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import NotFound
from core.money import pro_rata
from core.services import status_transition

from .. import payables
from ..models import Payment, PaymentEvent

Status = Payment.Status
# Where a payment change came from (recorded on every PaymentEvent).
Source = PaymentEvent.Source
CURRENCY = "INR"

# A reservation whose creator never finalized it (the process died mid-call) is dropped after this.
RESERVATION_GRACE_SECONDS = 30
# Payments nobody paid are closed by reconciliation after this long.
ABANDON_AFTER = timedelta(hours=24)
# A failed payment's Razorpay order may still be paid by a retry in the same checkout for this long
# (Razorpay keeps an order payable for a day): reconciliation keeps asking about it until then.
FAILED_RECHECK_WINDOW = timedelta(hours=24)


def _is_staff(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_campus_staff)


def _actor_or_none(actor: Any) -> User | None:
    """The acting user to record, or None for the system (or an anonymous caller)."""
    return actor if getattr(actor, "pk", None) else None


def _payable_type(name: str) -> payables.PayableType:
    try:
        return payables.get(name)
    except KeyError:
        raise NotFound() from None


def _payable_of(payment: Payment) -> tuple[payables.PayableType, int]:
    """The payable type and object id of a payment, without loading the object."""
    for payable_type in payables.all_types():
        object_id = getattr(payment, f"{payable_type.name}_id", None)
        if object_id is not None:
            return payable_type, object_id
    raise LookupError(f"payment {payment.pk} has no registered payable")


def _vendor_id(payment: Payment) -> int:
    payable_type, _payable = _payable_of(payment)
    return payable_type.vendor_id(getattr(payment, payable_type.name))


def _payment_find(*, payment_id: int | None = None, razorpay_order_id: str | None = None) -> Payment | None:
    """The payment with this id (or else this Razorpay order id), unlocked; None when there is none."""
    if payment_id is not None:
        return Payment.objects.filter(pk=payment_id).first()
    if razorpay_order_id:
        return Payment.objects.filter(razorpay_order_id=razorpay_order_id).first()
    return None


def _payment_lookup(*, payment_id: int | None, razorpay_order_id: str | None) -> Payment:
    """Like `_payment_find`, but NotFound when there is none."""
    payment = _payment_find(payment_id=payment_id, razorpay_order_id=razorpay_order_id)
    if payment is None:
        raise NotFound(_("No such payment."))
    return payment


def _event(*, payment: Payment, from_status: str, to_status: str, source: str, note: str = "", actor=None) -> None:
    PaymentEvent.objects.create(
        payment=payment,
        from_status=from_status,
        to_status=to_status,
        source=Source(source),
        note=note[:300],
        actor=_actor_or_none(actor),
    )


def _payment_note(*, payment: Payment, source: str, note: str, actor=None) -> None:
    """An event that changes no status (a release, a refund step, a flag)."""
    _event(payment=payment, from_status=payment.status, to_status=payment.status, source=source, note=note, actor=actor)


def _payment_transition(
    *, payment: Payment, to_status: str, source: str, note: str = "", actor=None, fields: tuple[str, ...] = ()
) -> None:
    """Move a locked payment along `Payment.TRANSITIONS`, save the named fields, record the event.

    Staying in the same status is allowed (the fields are saved and the event recorded);
    any other move the transitions do not list is InvalidTransition (409), nothing saved.
    """
    status_transition(
        instance=payment,
        to_status=to_status,
        transitions=Payment.TRANSITIONS,
        describe=lambda from_status, to: f"A payment that is {from_status} cannot become {to}.",
        fields={name: getattr(payment, name) for name in fields},
        record=lambda from_status: _event(
            payment=payment, from_status=from_status, to_status=to_status, source=source, note=note, actor=actor
        ),
        allow_same=True,
    )


def _status_for_amounts(payment: Payment) -> str:
    if payment.refunded_paise == 0:
        return Status.CAPTURED
    if payment.refunded_paise >= payment.captured_paise:
        return Status.REFUNDED
    return Status.PARTIALLY_REFUNDED


def platform_fee(amount_paise: int) -> int:
    """The campus's fee on a capture: PLATFORM_FEE_BPS basis points, rounded down."""
    bps = int(getattr(settings, "PLATFORM_FEE_BPS", 0))
    return max(0, min(amount_paise, pro_rata(amount_paise, part=bps, whole=10000)))
