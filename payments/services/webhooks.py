"""Razorpay's webhooks: each event stored once (by id and by body) and applied through the same
services as every other report."""

from __future__ import annotations

import hashlib

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import Payment, Refund, WebhookEvent
from .capture import payment_capture, payment_fail
from .core import Source
from .refund_gateway import refund_settle


def _entity(payload: dict, name: str) -> dict:
    entity = ((payload.get("payload") or {}).get(name) or {}).get("entity")
    if not isinstance(entity, dict):
        raise ValueError(f"no {name} entity")
    return entity


def _payment_id_for_order(razorpay_order_id: object) -> int | None:
    if not razorpay_order_id:
        return None
    return Payment.objects.filter(razorpay_order_id=razorpay_order_id).values_list("pk", flat=True).first()


def _apply_captured(entity: dict, *, source: str) -> str:
    if entity.get("status") != "captured":
        return f"payment {entity.get('id')} is {entity.get('status')}, not captured"
    order_id = entity.get("order_id")
    payment_id = _payment_id_for_order(order_id)
    if payment_id is None:
        return f"no payment for Razorpay order {order_id}"
    payment = payment_capture(
        payment_id=payment_id,
        razorpay_payment_id=str(entity.get("id")),
        amount_paise=entity.get("amount"),
        currency=entity.get("currency"),
        source=source,
        fee_paise=entity.get("fee"),
        tax_paise=entity.get("tax"),
        method=entity.get("method"),
    )
    return f"payment #{payment.pk} {payment.status}" + (" (flagged)" if payment.is_flagged else "")


def _apply_failed(entity: dict, *, source: str) -> str:
    order_id = entity.get("order_id")
    payment_id = _payment_id_for_order(order_id)
    if payment_id is None:
        return f"no payment for Razorpay order {order_id}"
    payment = payment_fail(
        payment_id=payment_id,
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
