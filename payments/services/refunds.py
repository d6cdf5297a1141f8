"""Refunds: reserved under the payment's row lock, sent to Razorpay after commit.

A refund is reserved under the payment's row lock (never more than captured minus
refunded; the ledger `refund` is posted in the same transaction), then sent to Razorpay
after commit with `X-Refund-Idempotency`, so asking again never refunds twice. Lock
order: payable → payment → refund → ledger.
"""

from __future__ import annotations

import hashlib
import logging
import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import Forbidden, GatewayError, InvalidTransition, NotFound, ValidationFailed
from core.money import is_paise

from .. import payables
from ..errors import GatewayRejected, NotRefundable, RefundExceedsCaptured
from ..locks import payable_lock as _payable_lock
from ..locks import payment_lock as _payment_lock
from ..locks import refund_lock as _refund_lock
from ..models import Payment, Refund
from ..tasks import refund_submit_task
from .core import (
    Source,
    _is_staff,
    _payable_of,
    _payable_type,
    _payment_note,
    _payment_transition,
    _status_for_amounts,
    _vendor_id,
)
from .postings import _ledger_refund
from .refund_gateway import refund_submit

logger = logging.getLogger(__name__)


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
        raise ValidationFailed(details={"amount_paise": [_("must be a positive number of paise")]})
    if amount_paise > payment.refundable_paise:
        raise RefundExceedsCaptured(
            _("At most %(refundable)s paise can still be refunded on this payment.")
            % {"refundable": payment.refundable_paise},
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


def _refund_submit_on_commit(*, refund_id: int) -> None:
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
        raise Forbidden(_("Only campus staff can refund payments."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(details={"reason": [_("Say why the money goes back.")]})
    found = Payment.objects.filter(pk=payment_id).first()
    if found is None:
        raise NotFound(_("No such payment."))
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
    return _refund_send_now(refund_id=refund.pk)


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
        _payment_note(
            payment=payment,
            source=Source.STAFF,
            note=f"Refunded in full: {payable_type.name} #{obj.pk} cancelled, not to be handed over",
            actor=actor,
        )
    return cancelled


def _refund_send_now(*, refund_id: int) -> Refund:
    """Submit a just-reserved staff refund to Razorpay (after its transaction committed)."""
    try:
        return refund_submit(refund_id=refund_id)
    except GatewayRejected:
        raise
    except GatewayError:
        logger.warning("refund %s stays pending: Razorpay unreachable; it will be retried", refund_id)
        if not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
            refund_submit_task.apply_async(args=[refund_id], countdown=60)
        return Refund.objects.get(pk=refund_id)


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
            _refund_submit_on_commit(refund_id=refund.pk)
            refunds.append(refund)
    return refunds


def refund_retry(*, refund_id: int, actor: User) -> Refund:
    """Staff send a `failed` refund again: a new pending refund of the same amount (`retry_of` it),
    with a new idempotency key and its own ledger posting (the failed one and its reversal stay as
    they are: the ledger is append-only), submitted to Razorpay after commit.

    NotFound for an unknown refund; InvalidTransition (409) unless it is failed and not yet retried
    (the unique `retry_of` makes concurrent retries happen once); RefundExceedsCaptured (409) when the
    payment no longer has that much left to refund. Lock order: payable → payment → refund → ledger.
    """
    if not _is_staff(actor):
        raise Forbidden(_("Only campus staff can retry refunds."))
    found = Refund.objects.filter(pk=refund_id).select_related("payment").first()
    if found is None:
        raise NotFound(_("No such refund."))
    payable_type, object_id = _payable_of(found.payment)
    with transaction.atomic():
        obj = _payable_lock(payable_type, object_id)
        payment = _payment_lock(found.payment_id)
        failed = _refund_lock(found.pk)
        if failed.status != Refund.Status.FAILED or Refund.objects.filter(retry_of=failed).exists():
            raise InvalidTransition(
                _("Only a failed refund that has not been retried yet can be retried."),
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
        _refund_submit_on_commit(refund_id=refund.pk)
    return refund
