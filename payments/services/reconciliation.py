"""Reconciliation: ask Razorpay about what is still open and apply its answers through the same
services (so a lost webhook or a closed browser tab loses no money)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from core.errors import GatewayError

from .. import gateway
from ..conf import razorpay_config
from ..models import Payment, Refund
from .capture import payment_capture, payment_fail
from .core import ABANDON_AFTER, FAILED_RECHECK_WINDOW, RESERVATION_GRACE_SECONDS, Source, Status, _payable_of
from .refund_gateway import refund_recheck
from .webhooks import webhooks_requeue


def _apply_captures(*, payment_id: int, attempts: list[dict]) -> bool:
    """Apply every captured attempt Razorpay reports for this payment's order; were there any?"""
    captured = [item for item in attempts if item.get("status") == "captured"]
    for item in captured:
        payment_capture(
            payment_id=payment_id,
            razorpay_payment_id=str(item.get("id")),
            amount_paise=item.get("amount"),
            currency=item.get("currency"),
            source=Source.RECONCILE,
            fee_paise=item.get("fee"),
            tax_paise=item.get("tax"),
            method=item.get("method"),
        )
    return bool(captured)


def _reconcile_payment(payment: Payment, *, now: datetime, summary: Counter) -> None:
    try:
        attempts = gateway.order_payments(razorpay_order_id=payment.razorpay_order_id)
    except GatewayError:
        summary["gateway_errors"] += 1
        return
    if _apply_captures(payment_id=payment.pk, attempts=attempts):
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
    if _apply_captures(payment_id=payment.pk, attempts=attempts):
        summary["captured_after_failure"] += 1


def _reconcile_refund(*, refund_id: int, summary: Counter) -> None:
    try:
        refund = refund_recheck(refund_id=refund_id)
    except GatewayError:
        summary["gateway_errors"] += 1
        return
    summary[f"refunds_{refund.status}"] += 1


def payments_reconcile(*, older_than_seconds: int | None = None, now: datetime | None = None) -> dict[str, int]:
    """Ask Razorpay about payments still open, payments failed within the last 24 hours (a retry may
    still pay their Razorpay order) and refunds still pending after the window, and apply what it says
    through the same services (so a lost webhook or a closed browser tab loses no money). Stored
    webhooks still pending after WEBHOOK_REQUEUE_AFTER_SECONDS are queued again first."""
    now = now or timezone.now()
    window = settings.RECONCILE_AFTER_SECONDS if older_than_seconds is None else older_than_seconds
    cutoff = now - timedelta(seconds=max(0, int(window)))
    summary: Counter = Counter()
    summary["webhooks_requeued"] = webhooks_requeue(now=now)

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
        _reconcile_refund(refund_id=refund.pk, summary=summary)
    return dict(summary)
