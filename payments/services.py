"""The only writers of payments, refunds and webhook events.

Money moves exactly once:

* Opening a payment reserves a `Payment` row (a partial unique index allows one
  open payment per payable), commits, calls Razorpay with no lock held, then
  finalizes the row with the Razorpay order id (reserve → call → finalize).
* `payment_capture` is the one capture path (checkout callback, webhook,
  reconciliation). It locks the payable row, then the payment row, re-reads
  them, and in one transaction marks the payment captured, marks the payable
  paid and posts the ledger `capture` (unique by the Razorpay payment id). A
  second, third or concurrent arrival finds the payment captured and changes
  nothing.
* The vendor's share of a capture is credited to its `pending` account; completing
  the order or print job (`payment_release_payable`, called by ordering and
  stationery in their completion transaction) posts a `release` moving what is left
  of it to the vendor's `payable` account, the available money payouts take from.
  A refund comes out of whichever of the two holds the payment's money then.
  Razorpay's fee (GST included) is booked to `expense:gateway_fees`, so
  `gateway:razorpay` holds what Razorpay will settle.
* A refund is reserved under the payment's row lock (never more than captured
  minus refunded; the ledger `refund` is posted in the same transaction), then
  sent to Razorpay after commit with `X-Refund-Idempotency`, so asking again
  never refunds twice.

Lock order everywhere: payable row → payment row → refund row → ledger.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from core.errors import Forbidden, GatewayError, InvalidTransition, NotFound, ValidationFailed
from core.money import is_paise, pro_rata
from ledger import chart
from ledger.models import Entry, Transaction
from ledger.services import ledger_post, ledger_reverse

from . import gateway, payables
from .conf import razorpay_config
from .errors import (
    AlreadyPaid,
    GatewayRejected,
    NotPayable,
    NotRefundable,
    PaymentInProgress,
    RefundExceedsCaptured,
    SignatureInvalid,
)
from .models import Payment, PaymentEvent, Refund, WebhookEvent

logger = logging.getLogger(__name__)

Status = Payment.Status
CURRENCY = "INR"


class Source:
    """Where a payment change came from (recorded on every PaymentEvent)."""

    PAY = "pay"
    VERIFY = "verify"
    WEBHOOK = "webhook"
    RECONCILE = "reconcile"
    STAFF = "staff"
    SYSTEM = "system"


# A reservation whose creator never finalized it (the process died mid-call) is dropped after this.
RESERVATION_GRACE_SECONDS = 30
# Payments nobody paid are closed by reconciliation after this long.
ABANDON_AFTER = timedelta(hours=24)
# A failed payment's Razorpay order may still be paid by a retry in the same checkout for this long
# (Razorpay keeps an order payable for a day): reconciliation keeps asking about it until then.
FAILED_RECHECK_WINDOW = timedelta(hours=24)


# --- helpers ------------------------------------------------------------------------


def _is_staff(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_campus_staff)


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


def _payable_lock(payable_type: payables.PayableType, object_id: int) -> Any:
    """The payable's row, locked for this transaction and read afresh."""
    return payable_type.model._base_manager.select_for_update().get(pk=object_id)


def _payment_lock(payment_id: int) -> Payment:
    return Payment.objects.select_for_update().get(pk=payment_id)


def _event(*, payment: Payment, from_status: str, to_status: str, source: str, note: str = "", actor=None) -> None:
    PaymentEvent.objects.create(
        payment=payment,
        from_status=from_status,
        to_status=to_status,
        source=source,
        note=note[:300],
        actor=actor if getattr(actor, "pk", None) else None,
    )


def _payment_transition(
    *, payment: Payment, to_status: str, source: str, note: str = "", actor=None, fields: tuple[str, ...] = ()
) -> None:
    """Move a locked payment along `Payment.TRANSITIONS`, save the named fields, record the event."""
    from_status = payment.status
    if to_status != from_status and to_status not in Payment.TRANSITIONS[from_status]:
        raise InvalidTransition(
            f"A payment that is {from_status} cannot become {to_status}.", details={"status": from_status}
        )
    payment.status = to_status
    payment.save(update_fields=["status", "updated_at", *fields])
    _event(payment=payment, from_status=from_status, to_status=to_status, source=source, note=note, actor=actor)


def _status_for_amounts(payment: Payment) -> str:
    if payment.refunded_paise == 0:
        return Status.CAPTURED
    if payment.refunded_paise >= payment.captured_paise:
        return Status.REFUNDED
    return Status.PARTIALLY_REFUNDED


def _vendor_id(payment: Payment) -> int:
    payable_type, _ = _payable_of(payment)
    return payable_type.vendor_id(getattr(payment, payable_type.name))


def platform_fee(amount_paise: int) -> int:
    """The campus's fee on a capture: PLATFORM_FEE_BPS basis points, rounded down."""
    bps = int(getattr(settings, "PLATFORM_FEE_BPS", 0))
    return max(0, min(amount_paise, pro_rata(amount_paise, part=bps, whole=10000)))


# --- ledger postings ------------------------------------------------------------------


def _ledger_capture(*, payment: Payment, vendor_id: int, actor=None) -> Transaction:
    """Gateway (less Razorpay's fee) and the fee expense on one side; the vendor's pending share
    and the commission on the other."""
    amount = payment.captured_paise
    fee = payment.platform_fee_paise
    gateway_fee = payment.gateway_fee_paise
    entries = [
        (chart.GATEWAY, amount - gateway_fee),
        (chart.GATEWAY_FEES, gateway_fee),
        (chart.vendor_pending(vendor_id), -(amount - fee)),
        (chart.COMMISSION, -fee),
    ]
    return ledger_post(
        kind=Transaction.Kind.CAPTURE,
        reference=payment.razorpay_payment_id,
        entries=[(code, value) for code, value in entries if value],
        memo=f"Payment #{payment.pk} captured ({payment.razorpay_order_id})",
        actor=actor if getattr(actor, "pk", None) else None,
    )


def _refund_reference(refund: Refund) -> str:
    return f"refund:{refund.pk}"


def _release_reference(payment: Payment) -> str:
    return f"payment:{payment.pk}"


def _captured_to_pending(*, payment: Payment, vendor_id: int) -> bool:
    """Did this payment's capture credit the vendor's pending account? (Captures booked before
    pending existed credited the payable account directly and have nothing to release.)"""
    return Entry.objects.filter(
        transaction__kind=Transaction.Kind.CAPTURE,
        transaction__reference=payment.razorpay_payment_id,
        account__code=chart.vendor_pending(vendor_id),
    ).exists()


def _vendor_account_now(*, payment: Payment, vendor_id: int) -> str:
    """The vendor account that holds this payment's money now: pending until it is released."""
    if payment.released_at is None and _captured_to_pending(payment=payment, vendor_id=vendor_id):
        return chart.vendor_pending(vendor_id)
    return chart.vendor_payable(vendor_id)


def _vendor_share_left(payment: Payment) -> int:
    """The vendor's share of this payment not refunded (or being refunded), by `_ledger_refund`'s own rounding."""
    captured = payment.captured_paise
    share = captured - payment.platform_fee_paise
    return share - pro_rata(share, part=payment.refunded_paise, whole=captured)


def _ledger_refund(*, payment: Payment, refund: Refund, refunded_before: int, vendor_id: int, actor=None) -> None:
    """Give back the vendor's share and the fee in proportion, so a full refund restores both exactly.

    The vendor's part comes out of its pending account while the order or job is not
    completed, out of its payable (available) account after."""
    captured = payment.captured_paise
    share = captured - payment.platform_fee_paise
    vendor_before = pro_rata(share, part=refunded_before, whole=captured)
    vendor_after = pro_rata(share, part=refunded_before + refund.amount_paise, whole=captured)
    vendor_part = vendor_after - vendor_before
    commission_part = refund.amount_paise - vendor_part
    entries = [
        (chart.GATEWAY, -refund.amount_paise),
        (_vendor_account_now(payment=payment, vendor_id=vendor_id), vendor_part),
        (chart.COMMISSION, commission_part),
    ]
    ledger_post(
        kind=Transaction.Kind.REFUND,
        reference=_refund_reference(refund),
        entries=[(code, value) for code, value in entries if value],
        memo=f"Refund #{refund.pk} of payment #{payment.pk}: {refund.reason}"[:300],
        actor=actor if getattr(actor, "pk", None) else None,
    )


def _ledger_release(*, reference: str, vendor_id: int, amount_paise: int, memo: str, actor=None) -> Transaction:
    return ledger_post(
        kind=Transaction.Kind.RELEASE,
        reference=reference,
        entries=[(chart.vendor_pending(vendor_id), amount_paise), (chart.vendor_payable(vendor_id), -amount_paise)],
        memo=memo[:300],
        actor=actor if getattr(actor, "pk", None) else None,
    )


def payment_release_payable(*, payable: str, obj: Any, actor: User | None) -> list[Payment]:
    """The order or print job `obj` is completed: its vendor money becomes available.

    For each captured payment of it, marks it released and posts a ledger `release`
    (unique by the payment) moving the vendor's share not refunded from `pending`
    to `payable`. Call it inside the payable's completion transaction with its row
    locked; a second call changes nothing. Returns the payments released now.
    """
    payable_type = _payable_type(payable)
    vendor_id = payable_type.vendor_id(obj)
    released: list[Payment] = []
    with transaction.atomic():
        payment_ids = list(
            Payment.objects.filter(
                **{payable_type.name: obj}, status__in=Payment.CAPTURED_STATUSES, released_at__isnull=True
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for payment_id in payment_ids:
            payment = _payment_lock(payment_id)
            if payment.released_at is not None:
                continue
            amount = _vendor_share_left(payment)
            if amount > 0 and _captured_to_pending(payment=payment, vendor_id=vendor_id):
                _ledger_release(
                    reference=_release_reference(payment),
                    vendor_id=vendor_id,
                    amount_paise=amount,
                    memo=f"Payment #{payment.pk}: {payable_type.name} #{obj.pk} completed",
                    actor=actor,
                )
            payment.released_at = timezone.now()
            payment.save(update_fields=["released_at", "updated_at"])
            _event(
                payment=payment,
                from_status=payment.status,
                to_status=payment.status,
                source=Source.SYSTEM,
                note=f"{payable_type.name} #{obj.pk} completed: {amount} paise available to the vendor",
                actor=actor,
            )
            released.append(payment)
    return released


# --- opening a payment (pay) -------------------------------------------------------------


@dataclass
class _Reservation:
    payment: Payment
    ready: bool  # True: it has its Razorpay order, hand it back; False: we reserved it and create the order


def _payment_reserve(*, payable_type: payables.PayableType, object_id: int, user: User) -> _Reservation | None:
    """Under the payable's lock: the open payment, or a fresh reservation, or None while another is in flight."""
    with transaction.atomic():
        obj = payable_type.queryset_for_payer(user).select_for_update(of=("self",)).filter(pk=object_id).first()
        if obj is None:
            raise NotFound()
        if not payable_type.is_payable(obj):
            accepted = (
                Payment.objects.filter(**{payable_type.name: obj}, status__in=Payment.CAPTURED_STATUSES)
                .filter(is_flagged=False)
                .exists()
            )
            raise AlreadyPaid() if accepted else NotPayable()
        amount = payable_type.amount_paise(obj)
        if not is_paise(amount):
            raise NotPayable("This has no amount to pay yet.")

        open_payment = (
            Payment.objects.select_for_update().filter(**{payable_type.name: obj}, status=Status.CREATED).first()
        )
        if open_payment is not None:
            if open_payment.razorpay_order_id is None:
                stale_before = timezone.now() - timedelta(seconds=razorpay_config().timeout + RESERVATION_GRACE_SECONDS)
                if open_payment.created_at > stale_before:
                    return None  # another request is creating the Razorpay order right now
                open_payment.delete()
            elif open_payment.amount_paise != amount or open_payment.payer_id != user.pk:
                # The amount to pay changed since (or someone else opened it): close the old one.
                open_payment.failure_reason = "Superseded: the amount to pay changed."
                _payment_transition(
                    payment=open_payment,
                    to_status=Status.FAILED,
                    source=Source.PAY,
                    note="superseded",
                    actor=user,
                    fields=("failure_reason",),
                )
            else:
                return _Reservation(payment=open_payment, ready=True)

        try:
            with transaction.atomic():
                payment = Payment.objects.create(
                    payer_id=payable_type.payer_id(obj),
                    amount_paise=amount,
                    currency=CURRENCY,
                    status=Status.CREATED,
                    **{payable_type.name: obj},
                )
        except IntegrityError:
            return None  # a concurrent request reserved first (databases without row locks)
        return _Reservation(payment=payment, ready=False)


def _payment_reservation_drop(payment: Payment) -> None:
    Payment.objects.filter(pk=payment.pk, razorpay_order_id__isnull=True, status=Status.CREATED).delete()


@transaction.atomic
def _payment_reservation_finalize(*, payment: Payment, razorpay_order: dict, user: User) -> Payment:
    locked = Payment.objects.select_for_update().filter(pk=payment.pk).first()
    if locked is None or locked.razorpay_order_id is not None or locked.status != Status.CREATED:
        # Our reservation was dropped as stale meanwhile; the Razorpay order is orphaned and
        # harmless (nobody can pay it without its id).
        raise PaymentInProgress()
    locked.razorpay_order_id = razorpay_order["id"]
    _payment_transition(
        payment=locked,
        to_status=Status.CREATED,
        source=Source.PAY,
        note=f"Razorpay order {razorpay_order['id']} created",
        actor=user,
        fields=("razorpay_order_id",),
    )
    return locked


def payment_open(*, payable: str, object_id: int, user: User) -> Payment:
    """The open payment for this payable, creating its Razorpay order if there is none.

    The payable is looked up through `queryset_for_payer(user)` (someone else's is
    NotFound). AlreadyPaid / NotPayable (409) when it cannot be paid now. Concurrent
    callers get the same payment and Razorpay order. No row lock is held while
    Razorpay is called; GatewayError (502) leaves nothing behind.
    """
    payable_type = _payable_type(payable)
    config = razorpay_config()
    deadline = time.monotonic() + config.timeout + 2
    while True:
        reservation = _payment_reserve(payable_type=payable_type, object_id=object_id, user=user)
        if reservation is not None:
            break
        if time.monotonic() > deadline:
            raise PaymentInProgress()
        time.sleep(0.1)
    if reservation.ready:
        return reservation.payment

    payment = reservation.payment
    notes = {"tnt_payment_id": str(payment.pk), f"tnt_{payable_type.name}_id": str(object_id)}
    try:
        razorpay_order = gateway.order_create(
            amount_paise=payment.amount_paise,
            currency=payment.currency,
            receipt=f"tnt-payment-{payment.pk}",
            notes=notes,
        )
    except BaseException:
        _payment_reservation_drop(payment)
        raise
    return _payment_reservation_finalize(payment=payment, razorpay_order=razorpay_order, user=user)


# --- the one capture path ---------------------------------------------------------------


def _capture_problem(
    *, payment: Payment, payable_type: payables.PayableType, obj: Any, amount_paise: int, currency: str
) -> str | None:
    """Why this capture must not pay the payable, or None when it may."""
    if currency != payment.currency:
        return f"Captured in {currency}, expected {payment.currency}."
    if amount_paise != payment.amount_paise:
        return f"Captured {amount_paise} paise, expected {payment.amount_paise}."
    if amount_paise != payable_type.amount_paise(obj):
        return f"Captured {amount_paise} paise, but the payable now costs {payable_type.amount_paise(obj)}."
    if not payable_type.is_payable(obj):
        return "Captured after the payable stopped being payable (expired, cancelled or already paid)."
    return None


def _gateway_fee(*, payment_pk: int, amount_paise: int, fee: Any, tax: Any) -> tuple[int, int]:
    """Razorpay's (fee, tax) on a capture as it reported them; (0, 0) when it reported none.

    A fee that is not an integer from 0 to the amount (or a tax above the fee) is
    logged and booked as 0 rather than refusing the capture: the money is captured.
    """
    if fee is None:
        return 0, 0
    tax = 0 if tax is None else tax
    valid = all(is_paise(value, minimum=None) for value in (fee, tax))
    if not (valid and 0 <= tax <= fee <= amount_paise):
        logger.error("payment %s: Razorpay reported an implausible fee %r / tax %r", payment_pk, fee, tax)
        return 0, 0
    return fee, tax


def _payment_lookup(*, payment_id: int | None, razorpay_order_id: str | None) -> Payment:
    if payment_id is not None:
        payment = Payment.objects.filter(pk=payment_id).first()
    elif razorpay_order_id:
        payment = Payment.objects.filter(razorpay_order_id=razorpay_order_id).first()
    else:
        payment = None
    if payment is None:
        raise NotFound("No such payment.")
    return payment


def payment_capture(
    *,
    razorpay_payment_id: str,
    amount_paise: int,
    currency: str,
    source: str,
    payment_id: int | None = None,
    razorpay_order_id: str | None = None,
    actor: User | None = None,
    fee_paise: Any = None,
    tax_paise: Any = None,
) -> Payment:
    """Apply a capture Razorpay reported, exactly once.

    `fee_paise` and `tax_paise` are the payment entity's `fee` (GST included) and
    `tax`: stored on the payment and booked to `expense:gateway_fees`.

    Locks the payable, then the payment, and re-reads both. The first arrival marks
    the payment captured, posts the ledger `capture` and marks the payable paid, all
    in this transaction; later or concurrent arrivals change nothing. A capture with
    the wrong amount or currency, or for a payable no longer payable, is kept as
    captured but flagged, and refunded in full automatically (the ledger shows both);
    the payable is not marked paid then. NotFound when no payment matches.
    """
    if not is_paise(amount_paise):
        raise ValidationFailed(details={"amount": ["must be a positive number of paise"]})
    found = _payment_lookup(payment_id=payment_id, razorpay_order_id=razorpay_order_id)
    payable_type, object_id = _payable_of(found)
    with transaction.atomic():
        obj = _payable_lock(payable_type, object_id)
        payment = _payment_lock(found.pk)
        if payment.status in Payment.CAPTURED_STATUSES:
            if payment.razorpay_payment_id != razorpay_payment_id:
                _payment_flag_second_capture(payment=payment, razorpay_payment_id=razorpay_payment_id, source=source)
            return payment

        payment.razorpay_payment_id = razorpay_payment_id
        payment.captured_paise = amount_paise
        payment.platform_fee_paise = platform_fee(amount_paise)
        payment.gateway_fee_paise, payment.gateway_tax_paise = _gateway_fee(
            payment_pk=payment.pk, amount_paise=amount_paise, fee=fee_paise, tax=tax_paise
        )
        payment.captured_at = timezone.now()
        _payment_transition(
            payment=payment,
            to_status=Status.CAPTURED,
            source=source,
            note=f"{razorpay_payment_id}: {amount_paise} paise {currency}",
            actor=actor,
            fields=(
                "razorpay_payment_id",
                "captured_paise",
                "platform_fee_paise",
                "gateway_fee_paise",
                "gateway_tax_paise",
                "captured_at",
            ),
        )
        vendor_id = payable_type.vendor_id(obj)
        _ledger_capture(payment=payment, vendor_id=vendor_id, actor=actor)

        problem = _capture_problem(
            payment=payment, payable_type=payable_type, obj=obj, amount_paise=amount_paise, currency=currency
        )
        if problem is None:
            try:
                with transaction.atomic():
                    payable_type.mark_paid(obj=obj, payment=payment)
            except InvalidTransition as exc:
                problem = f"The payable refused to be marked paid: {exc.message}"
        if problem is not None:
            logger.warning("payment %s captured but not accepted: %s", payment.pk, problem)
            payment.is_flagged = True
            payment.flag_reason = problem[:200]
            payment.save(update_fields=["is_flagged", "flag_reason", "updated_at"])
            refund = _refund_reserve(
                payment=payment,
                amount_paise=payment.refundable_paise,
                reason=f"Automatic refund: {problem}",
                actor=None,
                idempotency_key=_automatic_refund_key(payment),
                is_automatic=True,
                source=Source.SYSTEM,
                vendor_id=vendor_id,
            )
            _refund_submit_on_commit(refund)
        return payment


def _payment_flag_second_capture(*, payment: Payment, razorpay_payment_id: str, source: str) -> None:
    """Razorpay captured a second payment for an order we already hold money for: flag it for staff."""
    note = f"Second capture {razorpay_payment_id} for an already captured payment: refund it from Razorpay."
    if payment.flag_reason == note[:200]:
        return
    logger.error("payment %s: %s", payment.pk, note)
    payment.is_flagged = True
    payment.flag_reason = note[:200]
    payment.save(update_fields=["is_flagged", "flag_reason", "updated_at"])
    _event(payment=payment, from_status=payment.status, to_status=payment.status, source=source, note=note)


def payment_fail(*, payment_id: int, reason: str, source: str, razorpay_payment_id: str | None = None) -> Payment:
    """created → failed (Razorpay said the attempt failed). Anything else is left alone:
    a captured payment never moves back, and a later capture still wins over failed."""
    with transaction.atomic():
        payment = _payment_lock(payment_id)
        if payment.status != Status.CREATED:
            return payment
        payment.failure_reason = (reason or "Payment failed.")[:300]
        fields: tuple[str, ...] = ("failure_reason",)
        if razorpay_payment_id and not Payment.objects.filter(razorpay_payment_id=razorpay_payment_id).exists():
            payment.razorpay_payment_id = razorpay_payment_id
            fields += ("razorpay_payment_id",)
        _payment_transition(
            payment=payment, to_status=Status.FAILED, source=source, note=payment.failure_reason, fields=fields
        )
        return payment


def payment_verify(*, user: User, razorpay_order_id: str, razorpay_payment_id: str, razorpay_signature: str) -> Payment:
    """The checkout callback: the payer hands back Razorpay's signed fields.

    Only the payer finds the payment (NotFound otherwise). The signature is checked
    against the Razorpay order id stored on our payment (SignatureInvalid, nothing
    changes). Then Razorpay is asked what happened to the payment, and a capture goes
    through `payment_capture` like every other.
    """
    payment = Payment.objects.filter(payer=user, razorpay_order_id=razorpay_order_id).first()
    if payment is None:
        raise NotFound("No such payment.")
    if not gateway.payment_signature_valid(
        razorpay_order_id=payment.razorpay_order_id,
        razorpay_payment_id=razorpay_payment_id,
        signature=razorpay_signature,
    ):
        raise SignatureInvalid()
    if payment.status in Payment.CAPTURED_STATUSES and payment.razorpay_payment_id == razorpay_payment_id:
        return payment

    remote = gateway.payment_fetch(razorpay_payment_id=razorpay_payment_id)
    if remote.get("order_id") != payment.razorpay_order_id:
        logger.error("payment %s: Razorpay payment %s belongs to another order", payment.pk, razorpay_payment_id)
        raise SignatureInvalid()
    if remote.get("status") == "captured":
        return payment_capture(
            payment_id=payment.pk,
            razorpay_payment_id=razorpay_payment_id,
            amount_paise=remote.get("amount"),
            currency=remote.get("currency"),
            source=Source.VERIFY,
            actor=user,
            fee_paise=remote.get("fee"),
            tax_paise=remote.get("tax"),
        )
    if remote.get("status") == "failed":
        return payment_fail(
            payment_id=payment.pk,
            razorpay_payment_id=razorpay_payment_id,
            reason=str(remote.get("error_description") or "Payment failed."),
            source=Source.VERIFY,
        )
    # authorized: Razorpay captures it automatically and tells us by webhook.
    payment.refresh_from_db()
    return payment


# --- refunds ----------------------------------------------------------------------------------


def _automatic_refund_key(payment: Payment) -> str:
    return f"tnt-auto-{payment.pk}-{payment.refunds.count() + 1}"


def _staff_refund_key(*, actor: User, payment: Payment, idempotency_key: str) -> str:
    digest = hashlib.sha256(f"{actor.pk}:{payment.pk}:{idempotency_key}".encode()).hexdigest()
    return f"tnt-staff-{digest[:40]}"


def _refund_reserve(
    *,
    payment: Payment,
    amount_paise: int,
    reason: str,
    actor,
    idempotency_key: str,
    is_automatic: bool,
    source: str,
    vendor_id: int | None = None,
) -> Refund:
    """Under the payment's lock: record a pending refund, count it as refunded, post the ledger `refund`."""
    if payment.status not in Payment.CAPTURED_STATUSES:
        raise NotRefundable()
    if not is_paise(amount_paise):
        raise ValidationFailed(details={"amount_paise": ["must be a positive number of paise"]})
    if amount_paise > payment.refundable_paise:
        raise RefundExceedsCaptured(
            f"At most {payment.refundable_paise} paise can still be refunded on this payment.",
            details={"refundable_paise": payment.refundable_paise},
        )
    refund = Refund.objects.create(
        payment=payment,
        amount_paise=amount_paise,
        idempotency_key=idempotency_key,
        reason=reason[:300],
        is_automatic=is_automatic,
        requested_by=actor if getattr(actor, "pk", None) else None,
    )
    refunded_before = payment.refunded_paise
    payment.refunded_paise = refunded_before + amount_paise
    _payment_transition(
        payment=payment,
        to_status=_status_for_amounts(payment),
        source=source,
        note=f"Refund #{refund.pk} of {amount_paise} paise requested: {reason}",
        actor=actor,
        fields=("refunded_paise",),
    )
    _ledger_refund(
        payment=payment,
        refund=refund,
        refunded_before=refunded_before,
        vendor_id=vendor_id if vendor_id is not None else _vendor_id(payment),
        actor=actor,
    )
    return refund


def _refund_submit_on_commit(refund: Refund) -> None:
    from .tasks import refund_submit_task

    refund_id = refund.pk
    transaction.on_commit(lambda: refund_submit_task.delay(refund_id))


def payment_refund(
    *, payment_id: int, amount_paise: int | None, reason: str, actor: User, idempotency_key: str | None = None
) -> Refund:
    """Staff refunds a captured payment, in full (`amount_paise` None) or in part.

    Never more than captured minus refunded (RefundExceedsCaptured, 409). The same
    `idempotency_key` from the same staff member returns the first refund. The refund
    is sent to Razorpay after commit; if Razorpay is unreachable it stays pending and
    is retried (same X-Refund-Idempotency); if Razorpay refuses it, it is failed,
    given back, and GatewayRejected (502) is raised.
    """
    if not _is_staff(actor):
        raise Forbidden("Only campus staff can refund payments.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(details={"reason": ["Say why the money goes back."]})
    found = Payment.objects.filter(pk=payment_id).first()
    if found is None:
        raise NotFound("No such payment.")
    payable_type, object_id = _payable_of(found)
    with transaction.atomic():
        # Lock order: payable → payment → ledger, like capture and completion.
        obj = _payable_lock(payable_type, object_id)
        payment = _payment_lock(found.pk)
        if idempotency_key:
            key = _staff_refund_key(actor=actor, payment=payment, idempotency_key=idempotency_key)
            if existing := Refund.objects.filter(idempotency_key=key).first():
                return existing
        else:
            key = f"tnt-staff-{hashlib.sha256(f'{payment.pk}:{time.time_ns()}'.encode()).hexdigest()[:40]}"
        refund = _refund_reserve(
            payment=payment,
            amount_paise=payment.refundable_paise if amount_paise is None else amount_paise,
            reason=reason,
            actor=actor,
            idempotency_key=key,
            is_automatic=False,
            source=Source.STAFF,
            vendor_id=payable_type.vendor_id(obj),
        )
        _payable_cancel_if_refunded(payable_type=payable_type, obj=obj, payment=payment, actor=actor)
    return _refund_send_now(refund)


def _payable_cancel_if_refunded(
    *, payable_type: payables.PayableType, obj: Any, payment: Payment, actor: User | None
) -> bool:
    """A refund in full ends the handover: when this (accepted, not flagged) payment is now refunded
    up to its capture, the payable cancels itself if it is still live (its `cancel_refunded` hook).
    Runs in the refund's transaction, with the payable locked before the payment."""
    if payment.is_flagged or payment.refunded_paise < payment.captured_paise or payable_type.cancel_refunded is None:
        return False
    cancelled = bool(payable_type.cancel_refunded(obj=obj, actor=actor))
    if cancelled:
        _event(
            payment=payment,
            from_status=payment.status,
            to_status=payment.status,
            source=Source.STAFF,
            note=f"Refunded in full: {payable_type.name} #{obj.pk} cancelled, not to be handed over",
            actor=actor,
        )
    return cancelled


def _refund_send_now(refund: Refund) -> Refund:
    """Submit a just-reserved staff refund to Razorpay (after its transaction committed)."""
    try:
        return refund_submit(refund_id=refund.pk)
    except GatewayRejected:
        raise
    except GatewayError:
        logger.warning("refund %s stays pending: Razorpay unreachable; it will be retried", refund.pk)
        from .tasks import refund_submit_task

        if not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
            refund_submit_task.apply_async(args=[refund.pk], countdown=60)
        refund.refresh_from_db()
        return refund


def payment_refund_payable_in_full(*, payable: str, obj: Any, reason: str, actor: User | None) -> list[Refund]:
    """Refund whatever is captured and not yet refunded for this payable (its cancel/reject).

    Call it inside the payable's own transaction, with its row locked: the refunds
    are reserved and posted to the ledger there, and sent to Razorpay only after
    that transaction commits (a task), never under its locks.
    """
    payable_type = _payable_type(payable)
    refunds: list[Refund] = []
    with transaction.atomic():
        payment_ids = list(
            Payment.objects.filter(**{payable_type.name: obj}, status__in=Payment.CAPTURED_STATUSES)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for payment_id in payment_ids:
            payment = _payment_lock(payment_id)
            if payment.refundable_paise < 1:
                continue
            refund = _refund_reserve(
                payment=payment,
                amount_paise=payment.refundable_paise,
                reason=reason or "Automatic full refund",
                actor=actor,
                idempotency_key=_automatic_refund_key(payment),
                is_automatic=True,
                source=Source.SYSTEM,
                vendor_id=payable_type.vendor_id(obj),
            )
            _refund_submit_on_commit(refund)
            refunds.append(refund)
    return refunds


def refund_submit(*, refund_id: int) -> Refund:
    """Send a pending refund to Razorpay (no lock held during the call) and record the answer.

    Safe to run any number of times: X-Refund-Idempotency makes Razorpay answer a
    repeat with the same refund. GatewayError when Razorpay is unreachable (the
    refund stays pending); GatewayRejected after recording a refusal as failed.
    """
    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    if refund.status != Refund.Status.PENDING or refund.razorpay_refund_id:
        return refund
    Refund.objects.filter(pk=refund.pk).update(submit_attempts=F("submit_attempts") + 1)
    try:
        remote = gateway.refund_create(
            razorpay_payment_id=refund.payment.razorpay_payment_id,
            amount_paise=refund.amount_paise,
            idempotency_key=refund.idempotency_key,
            notes={"tnt_refund_id": str(refund.pk), "tnt_payment_id": str(refund.payment_id)},
        )
    except GatewayRejected as exc:
        refund_settle(
            refund_id=refund.pk,
            status=Refund.Status.FAILED,
            source=Source.SYSTEM,
            failure_reason=str(exc.details.get("gateway") or exc.message),
        )
        raise
    return refund_settle(
        refund_id=refund.pk,
        status=str(remote.get("status") or Refund.Status.PENDING),
        source=Source.SYSTEM,
        razorpay_refund_id=remote["id"],
    )


def refund_settle(
    *, refund_id: int, status: str, source: str, razorpay_refund_id: str | None = None, failure_reason: str = ""
) -> Refund:
    """Record what Razorpay says about a refund. Processed and failed are final; pending changes nothing
    but the Razorpay id. A failed refund gives its amount back to the payment and reverses its ledger
    posting."""
    with transaction.atomic():
        refund = Refund.objects.filter(pk=refund_id).only("payment_id").first()
        if refund is None:
            raise NotFound("No such refund.")
        payment = _payment_lock(refund.payment_id)
        refund = Refund.objects.select_for_update().get(pk=refund_id)
        fields = ["updated_at"]
        if razorpay_refund_id and not refund.razorpay_refund_id:
            refund.razorpay_refund_id = razorpay_refund_id
            fields.append("razorpay_refund_id")
        if refund.status != Refund.Status.PENDING or status not in (Refund.Status.PROCESSED, Refund.Status.FAILED):
            if len(fields) > 1:
                refund.save(update_fields=fields)
            return refund
        if status == Refund.Status.PROCESSED:
            if not refund.razorpay_refund_id:
                return refund  # processed needs Razorpay's id; the next report will carry it
            refund.status = Refund.Status.PROCESSED
            refund.processed_at = timezone.now()
            refund.save(update_fields=[*fields, "status", "processed_at"])
            _event(
                payment=payment,
                from_status=payment.status,
                to_status=payment.status,
                source=source,
                note=f"Refund #{refund.pk} processed ({refund.razorpay_refund_id})",
            )
            return refund

        refund.status = Refund.Status.FAILED
        refund.failure_reason = (failure_reason or "Refused by Razorpay")[:300]
        refund.save(update_fields=[*fields, "status", "failure_reason"])
        payment.refunded_paise -= refund.amount_paise
        _payment_transition(
            payment=payment,
            to_status=_status_for_amounts(payment),
            source=source,
            note=f"Refund #{refund.pk} failed: {refund.failure_reason}",
            fields=("refunded_paise",),
        )
        # Staff are alerted: this log line (ERROR, the refund's id) and the payment's event row in the
        # admin; the refund shows under "Failed, not retried" in the admin's refund list until retried.
        logger.error(
            "refund %s of payment %s failed at Razorpay (%s): its amount is back on the vendor's balance; "
            "staff must retry it (POST /api/v1/refunds/%s/retry)",
            refund.pk,
            payment.pk,
            refund.failure_reason,
            refund.pk,
        )
        _event(
            payment=payment,
            from_status=payment.status,
            to_status=payment.status,
            source=source,
            note=f"STAFF: refund #{refund.pk} failed and waits for a retry ({refund.amount_paise} paise)",
        )
        posted = Transaction.objects.filter(kind=Transaction.Kind.REFUND, reference=_refund_reference(refund)).first()
        if posted is not None:
            ledger_reverse(
                transaction=posted,
                reference=f"{_refund_reference(refund)}:failed",
                memo=f"Refund #{refund.pk} failed at Razorpay",
            )
            _release_after_failed_refund(payment=payment, refund=refund, posted=posted)
        return refund


def refund_retry(*, refund_id: int, actor: User) -> Refund:
    """Staff send a `failed` refund again: a new pending refund of the same amount (`retry_of` it),
    with a new idempotency key and its own ledger posting (the failed one and its reversal stay as
    they are: the ledger is append-only), submitted to Razorpay after commit.

    NotFound for an unknown refund; InvalidTransition (409) unless it is failed and not yet retried
    (the unique `retry_of` makes concurrent retries happen once); RefundExceedsCaptured (409) when the
    payment no longer has that much left to refund. Lock order: payable → payment → refund → ledger.
    """
    if not _is_staff(actor):
        raise Forbidden("Only campus staff can retry refunds.")
    found = Refund.objects.filter(pk=refund_id).select_related("payment").first()
    if found is None:
        raise NotFound("No such refund.")
    payable_type, object_id = _payable_of(found.payment)
    with transaction.atomic():
        obj = _payable_lock(payable_type, object_id)
        payment = _payment_lock(found.payment_id)
        failed = Refund.objects.select_for_update().get(pk=found.pk)
        if failed.status != Refund.Status.FAILED or Refund.objects.filter(retry_of=failed).exists():
            raise InvalidTransition(
                "Only a failed refund that has not been retried yet can be retried.",
                details={"status": failed.status},
            )
        refund = _refund_reserve(
            payment=payment,
            amount_paise=failed.amount_paise,
            reason=f"Retry of refund #{failed.pk}: {failed.reason}",
            actor=actor,
            idempotency_key=f"tnt-retry-{failed.pk}",
            is_automatic=False,
            source=Source.STAFF,
            vendor_id=payable_type.vendor_id(obj),
        )
        refund.retry_of = failed
        refund.save(update_fields=["retry_of", "updated_at"])
        _payable_cancel_if_refunded(payable_type=payable_type, obj=obj, payment=payment, actor=actor)
        logger.warning("refund %s retried as refund %s by staff %s", failed.pk, refund.pk, actor.pk)
        _refund_submit_on_commit(refund)
    return refund


def _release_after_failed_refund(*, payment: Payment, refund: Refund, posted: Transaction) -> None:
    """A refund taken from pending failed after the order or job was completed: its reversal put the
    vendor's part back into pending, so release it to available like the rest of the payment."""
    if payment.released_at is None:
        return
    pending = posted.entries.filter(account__code__endswith=":pending", amount_paise__gt=0).select_related("account")
    for entry in pending:
        _ledger_release(
            reference=f"{_refund_reference(refund)}:failed",
            vendor_id=entry.account.vendor_id,
            amount_paise=entry.amount_paise,
            memo=f"Refund #{refund.pk} failed after payment #{payment.pk} was released",
        )


# --- webhooks -------------------------------------------------------------------------------


def _entity(payload: dict, name: str) -> dict:
    entity = ((payload.get("payload") or {}).get(name) or {}).get("entity")
    if not isinstance(entity, dict):
        raise ValueError(f"no {name} entity")
    return entity


def _apply_captured(entity: dict, *, source: str) -> str:
    if entity.get("status") != "captured":
        return f"payment {entity.get('id')} is {entity.get('status')}, not captured"
    order_id = entity.get("order_id")
    payment = Payment.objects.filter(razorpay_order_id=order_id).only("pk").first() if order_id else None
    if payment is None:
        return f"no payment for Razorpay order {order_id}"
    payment = payment_capture(
        payment_id=payment.pk,
        razorpay_payment_id=str(entity.get("id")),
        amount_paise=entity.get("amount"),
        currency=entity.get("currency"),
        source=source,
        fee_paise=entity.get("fee"),
        tax_paise=entity.get("tax"),
    )
    return f"payment #{payment.pk} {payment.status}" + (" (flagged)" if payment.is_flagged else "")


def _apply_failed(entity: dict, *, source: str) -> str:
    order_id = entity.get("order_id")
    payment = Payment.objects.filter(razorpay_order_id=order_id).only("pk").first() if order_id else None
    if payment is None:
        return f"no payment for Razorpay order {order_id}"
    payment = payment_fail(
        payment_id=payment.pk,
        razorpay_payment_id=entity.get("id"),
        reason=str(entity.get("error_description") or "Payment failed."),
        source=source,
    )
    return f"payment #{payment.pk} {payment.status}"


def _refund_for(entity: dict) -> Refund | None:
    refund = Refund.objects.filter(razorpay_refund_id=entity.get("id")).first()
    if refund is not None:
        return refund
    # Razorpay may report a refund before our own request has recorded its id: match on our note.
    notes = entity.get("notes") if isinstance(entity.get("notes"), dict) else {}
    ours = str(notes.get("tnt_refund_id") or "")
    if ours.isdigit():
        return Refund.objects.filter(pk=int(ours), payment__razorpay_payment_id=entity.get("payment_id")).first()
    return None


def _apply_refund(entity: dict, *, status: str, source: str) -> str:
    refund = _refund_for(entity)
    if refund is None:
        return f"no refund for Razorpay refund {entity.get('id')}"
    refund = refund_settle(
        refund_id=refund.pk,
        status=status,
        source=source,
        razorpay_refund_id=str(entity.get("id")),
        failure_reason="Razorpay reported the refund failed",
    )
    return f"refund #{refund.pk} {refund.status}"


def _webhook_apply(event_type: str, payload: dict) -> str:
    try:
        if event_type in ("payment.captured", "order.paid"):
            return _apply_captured(_entity(payload, "payment"), source=Source.WEBHOOK)
        if event_type == "payment.failed":
            return _apply_failed(_entity(payload, "payment"), source=Source.WEBHOOK)
        if event_type == "refund.processed":
            return _apply_refund(_entity(payload, "refund"), status=Refund.Status.PROCESSED, source=Source.WEBHOOK)
        if event_type == "refund.failed":
            return _apply_refund(_entity(payload, "refund"), status=Refund.Status.FAILED, source=Source.WEBHOOK)
    except ValueError as exc:
        return f"malformed payload: {exc}"
    return "ignored"


def _webhook_seen(*, event_id: str, body_sha256: str) -> WebhookEvent | None:
    return (
        WebhookEvent.objects.filter(event_id=event_id).first()
        or WebhookEvent.objects.filter(body_sha256=body_sha256).first()
    )


def webhook_receive(*, event_id: str, event_type: str, body: str, payload: dict) -> tuple[WebhookEvent, bool]:
    """Store a (signature-checked) Razorpay event once and apply it, in one transaction.

    Returns the event and whether it was new. A duplicate changes nothing: the same
    event id, or the same raw body (by its SHA-256) under a new event id, since the
    `X-Razorpay-Event-Id` header is not covered by the signature and a captured body
    could otherwise be replayed. If applying fails unexpectedly nothing is stored, so
    Razorpay's retry applies it.
    """
    body_sha256 = hashlib.sha256(body.encode("utf-8")).hexdigest()
    with transaction.atomic():
        if seen := _webhook_seen(event_id=event_id, body_sha256=body_sha256):
            return seen, False
        try:
            with transaction.atomic():
                event = WebhookEvent.objects.create(
                    event_id=event_id, event_type=event_type[:60], body=body, body_sha256=body_sha256
                )
        except IntegrityError:
            seen = _webhook_seen(event_id=event_id, body_sha256=body_sha256)
            if seen is None:
                raise
            return seen, False
        event.result = _webhook_apply(event_type, payload)[:200]
        event.processed_at = timezone.now()
        event.save(update_fields=["result", "processed_at"])
        return event, True


# --- reconciliation ------------------------------------------------------------------------------


def _apply_captures(payment: Payment, attempts: list[dict]) -> bool:
    """Apply every captured attempt Razorpay reports for this payment's order; were there any?"""
    captured = [item for item in attempts if item.get("status") == "captured"]
    for item in captured:
        payment_capture(
            payment_id=payment.pk,
            razorpay_payment_id=str(item.get("id")),
            amount_paise=item.get("amount"),
            currency=item.get("currency"),
            source=Source.RECONCILE,
            fee_paise=item.get("fee"),
            tax_paise=item.get("tax"),
        )
    return bool(captured)


def _reconcile_payment(payment: Payment, *, now: datetime, summary: Counter) -> None:
    try:
        attempts = gateway.order_payments(razorpay_order_id=payment.razorpay_order_id)
    except GatewayError:
        summary["gateway_errors"] += 1
        return
    if _apply_captures(payment, attempts):
        summary["captured"] += 1
        return
    if any(item.get("status") in ("created", "authorized") for item in attempts):
        summary["still_open"] += 1
        return
    payable_type, _ = _payable_of(payment)
    payable_closed = not payable_type.is_payable(getattr(payment, payable_type.name))
    if payable_closed or payment.created_at < now - ABANDON_AFTER:
        failed = next((item for item in attempts if item.get("status") == "failed"), None)
        payment_fail(
            payment_id=payment.pk,
            razorpay_payment_id=str(failed["id"]) if failed else None,
            reason="Not paid at Razorpay; closed by reconciliation.",
            source=Source.RECONCILE,
        )
        summary["closed"] += 1
        return
    summary["still_open"] += 1


def _reconcile_failed_payment(payment: Payment, *, summary: Counter) -> None:
    """A failed payment whose Razorpay order a retry may have paid: apply any capture found, like any
    other (flagged and refunded automatically when its payable is no longer payable)."""
    try:
        attempts = gateway.order_payments(razorpay_order_id=payment.razorpay_order_id)
    except GatewayError:
        summary["gateway_errors"] += 1
        return
    if _apply_captures(payment, attempts):
        summary["captured_after_failure"] += 1


def refund_recheck(*, refund_id: int) -> Refund:
    """A pending refund, once more: sent again if Razorpay never answered (same idempotency key),
    else asked about and settled. GatewayError when Razorpay is unreachable."""
    refund = Refund.objects.get(pk=refund_id)
    if refund.status != Refund.Status.PENDING:
        return refund
    if not refund.razorpay_refund_id:
        return refund_submit(refund_id=refund.pk)
    remote = gateway.refund_fetch(razorpay_refund_id=refund.razorpay_refund_id)
    return refund_settle(
        refund_id=refund.pk,
        status=str(remote.get("status") or ""),
        source=Source.RECONCILE,
        razorpay_refund_id=refund.razorpay_refund_id,
        failure_reason="Razorpay reports the refund failed",
    )


def _reconcile_refund(refund: Refund, *, summary: Counter) -> None:
    try:
        refund = refund_recheck(refund_id=refund.pk)
    except GatewayError:
        summary["gateway_errors"] += 1
        return
    summary[f"refunds_{refund.status}"] += 1


def payments_reconcile(*, older_than_seconds: int | None = None, now: datetime | None = None) -> dict[str, int]:
    """Ask Razorpay about payments still open, payments failed within the last 24 hours (a retry may
    still pay their Razorpay order) and refunds still pending after the window, and apply what it says
    through the same services (so a lost webhook or a closed browser tab loses no money)."""
    now = now or timezone.now()
    window = settings.RECONCILE_AFTER_SECONDS if older_than_seconds is None else older_than_seconds
    cutoff = now - timedelta(seconds=max(0, int(window)))
    summary: Counter = Counter()

    stale_reservations = now - timedelta(seconds=razorpay_config().timeout + RESERVATION_GRACE_SECONDS)
    summary["reservations_dropped"] = Payment.objects.filter(
        status=Status.CREATED, razorpay_order_id__isnull=True, created_at__lt=min(cutoff, stale_reservations)
    ).delete()[0]

    open_payments = Payment.objects.filter(
        status=Status.CREATED, razorpay_order_id__isnull=False, created_at__lte=cutoff
    ).order_by("created_at", "pk")[:500]
    for payment in open_payments:
        summary["payments_checked"] += 1
        _reconcile_payment(payment, now=now, summary=summary)

    # A failed attempt does not close its Razorpay order: a retry in the same checkout may still pay
    # it, with the tab closed and the webhooks lost. Ask about failed payments while that can happen.
    recently_failed = Payment.objects.filter(
        status=Status.FAILED,
        razorpay_order_id__isnull=False,
        created_at__gte=now - FAILED_RECHECK_WINDOW,
        created_at__lte=cutoff,
    ).order_by("created_at", "pk")[:500]
    for payment in recently_failed:
        summary["failed_checked"] += 1
        _reconcile_failed_payment(payment, summary=summary)

    pending = Refund.objects.filter(status=Refund.Status.PENDING, created_at__lte=cutoff).order_by("created_at")[:500]
    for refund in pending:
        summary["refunds_checked"] += 1
        _reconcile_refund(refund, summary=summary)
    return dict(summary)


__all__ = [
    "payment_capture",
    "payment_fail",
    "payment_open",
    "payment_refund",
    "payment_refund_payable_in_full",
    "payment_release_payable",
    "payment_verify",
    "payments_reconcile",
    "refund_recheck",
    "refund_retry",
    "refund_settle",
    "refund_submit",
    "webhook_receive",
]
