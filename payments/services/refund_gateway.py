"""A reserved refund at Razorpay: sending it, recording Razorpay's answer, asking again."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import NotFound
from ledger.models import Transaction
from ledger.services import ledger_reverse

from .. import gateway
from ..errors import GatewayRejected
from ..locks import payment_lock as _payment_lock
from ..locks import refund_lock as _refund_lock
from ..models import Refund
from .core import Source, _payment_note, _payment_transition, _status_for_amounts
from .postings import _refund_reference
from .release import _release_after_failed_refund

logger = logging.getLogger(__name__)


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
    posting. Returns the refund row it locked."""
    with transaction.atomic():
        refund = Refund.objects.filter(pk=refund_id).only("payment_id").first()
        if refund is None:
            raise NotFound(_("No such refund."))
        payment = _payment_lock(refund.payment_id)
        refund = _refund_lock(refund_id)
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
            _payment_note(
                payment=payment, source=source, note=f"Refund #{refund.pk} processed ({refund.razorpay_refund_id})"
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
        _payment_note(
            payment=payment,
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
