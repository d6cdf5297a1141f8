"""The one capture path, and the other answers Razorpay gives about a payment (failed; verified
at checkout).

`payment_capture` is the one capture path (checkout callback, webhook, reconciliation).
It locks the payable row, then the payment row, re-reads them, and in one transaction
marks the payment captured, marks the payable paid and posts the ledger `capture`
(unique by the Razorpay payment id). A second, third or concurrent arrival finds the
payment captured and changes nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import InvalidTransition, NotFound, ValidationFailed
from core.money import is_paise

from .. import gateway, payables
from ..errors import SignatureInvalid
from ..locks import payable_lock as _payable_lock
from ..locks import payment_lock as _payment_lock
from ..models import PAYMENT_METHODS, Payment
from .core import Source, Status, _payable_of, _payment_lookup, _payment_note, _payment_transition, platform_fee
from .postings import _ledger_capture
from .refunds import _automatic_refund_key, _refund_reserve, _refund_submit_on_commit

logger = logging.getLogger(__name__)


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
    method: Any = None,
) -> Payment:
    """Apply a capture Razorpay reported, exactly once; returns the payment row it locked.

    `fee_paise` and `tax_paise` are the payment entity's `fee` (GST included) and
    `tax`: stored on the payment and booked to `expense:gateway_fees`. `method` is the
    entity's `method` (upi, card, …), kept for the receipt when it is one Razorpay names.

    Locks the payable, then the payment, and re-reads both. The first arrival marks
    the payment captured, posts the ledger `capture` and marks the payable paid, all
    in this transaction; later or concurrent arrivals change nothing. A capture with
    the wrong amount or currency, or for a payable no longer payable, is kept as
    captured but flagged, and refunded in full automatically (the ledger shows both);
    the payable is not marked paid then. NotFound when no payment matches.
    """
    if not is_paise(amount_paise):
        raise ValidationFailed(details={"amount": [_("must be a positive number of paise")]})
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
        payment.method = method if method in PAYMENT_METHODS else ""
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
                "method",
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
            _refund_submit_on_commit(refund_id=refund.pk)
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
    _payment_note(payment=payment, source=source, note=note)


def payment_fail(*, payment_id: int, reason: str, source: str, razorpay_payment_id: str | None = None) -> Payment:
    """created → failed (Razorpay said the attempt failed). Anything else is left alone:
    a captured payment never moves back, and a later capture still wins over failed.
    Returns the payment row it locked."""
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
        raise NotFound(_("No such payment."))
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
            method=remote.get("method"),
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
