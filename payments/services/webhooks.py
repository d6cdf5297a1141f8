"""Razorpay's webhooks: each event verified by the view, stored once (by id and by body) and answered
at once; a worker applies it afterwards through the same services as every other report.

`webhook_receive` stores (the request), `webhook_apply` applies (the task, under the event's row
lock, so a second or concurrent attempt changes nothing), `webhook_attempt_failed` keeps a failed
attempt's error on the still-pending event, `webhooks_requeue` is reconciliation's sweep of the
events left pending and `webhooks_replay` is the engineer's replay of failed ones.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..locks import webhook_event_lock_find
from ..models import Payment, Refund, WebhookEvent
from ..tasks import webhook_apply_task
from .capture import payment_capture, payment_fail
from .core import Source
from .refund_gateway import refund_settle

PENDING = WebhookEvent.Status.PENDING


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
    return WebhookEvent.objects.filter(Q(event_id=event_id) | Q(body_sha256=body_sha256)).order_by("pk").first()


def _apply_on_commit(webhook_event_id: int) -> None:
    # Robust: a broker that cannot take the task must not fail the answer; the event is stored and
    # pending, and reconciliation's sweep queues it again.
    transaction.on_commit(lambda: webhook_apply_task.delay(webhook_event_id), robust=True)


def webhook_receive(*, event_id: str, event_type: str, body: str) -> tuple[WebhookEvent, bool]:
    """Store a signature-checked Razorpay event once, `pending`, and queue its application after commit.

    Returns the event and whether it was new. A duplicate changes nothing and queues nothing: the
    same event id, or the same raw body (by its SHA-256) under a new event id, since the
    `X-Razorpay-Event-Id` header is not covered by the signature and a captured body could
    otherwise be replayed. Nothing is applied here: `webhook_apply` does that in a worker.

    The unique constraints on both decide it: a new event is one INSERT (its own transaction,
    not a look-up first), and a duplicate is the INSERT refused, then the stored row read.
    """
    body_sha256 = hashlib.sha256(body.encode("utf-8")).hexdigest()
    try:
        with transaction.atomic():
            event = WebhookEvent.objects.create(
                event_id=event_id, event_type=event_type[:60], body=body, body_sha256=body_sha256
            )
            _apply_on_commit(event.pk)
    except IntegrityError:
        seen = _webhook_seen(event_id=event_id, body_sha256=body_sha256)
        if seen is None:
            raise
        return seen, False
    return event, True


def webhook_apply(*, webhook_event_id: int) -> tuple[WebhookEvent | None, bool]:
    """Apply one stored event, once: under its row lock, a pending event's effects and its `applied`
    mark commit together. Returns the event (None for an unknown id) and whether this call applied
    it; an event already applied (or failed) is returned unchanged.

    Whatever applying raises rolls everything back and propagates, so the event stays pending
    (the caller records the attempt with `webhook_attempt_failed`). Lock order: webhook event →
    payable → payment → refund → ledger.
    """
    with transaction.atomic():
        event = webhook_event_lock_find(webhook_event_id)
        if event is None or event.status != PENDING:
            return event, False
        # The view stored only bodies that are JSON objects.
        result = _webhook_apply(event.event_type, json.loads(event.body))
        now = timezone.now()
        event.status = WebhookEvent.Status.APPLIED
        event.result = result[:200]
        event.processed_at = now
        event.last_attempt_at = now
        event.save(update_fields=["status", "result", "processed_at", "last_attempt_at"])
        return event, True


def webhook_attempt_failed(*, webhook_event_id: int, error: str) -> WebhookEvent | None:
    """Count an attempt that raised on the still-pending event and keep its error; after
    WEBHOOK_APPLY_MAX_ATTEMPTS it is `failed` (no more automatic retries: an engineer replays it).
    An event applied meanwhile is returned unchanged; None for an unknown id."""
    with transaction.atomic():
        event = webhook_event_lock_find(webhook_event_id)
        if event is None or event.status != PENDING:
            return event
        event.attempts += 1
        event.last_error = error[:300]
        event.last_attempt_at = timezone.now()
        if event.attempts >= settings.WEBHOOK_APPLY_MAX_ATTEMPTS:
            event.status = WebhookEvent.Status.FAILED
        event.save(update_fields=["attempts", "last_error", "last_attempt_at", "status"])
        return event


def webhooks_requeue(*, older_than_seconds: int | None = None, now: datetime | None = None) -> int:
    """Queue again every pending event untouched (not received, not tried) for WEBHOOK_REQUEUE_AFTER_SECONDS:
    its task was lost (a broker down at delivery, a worker gone) or is still backing off. Applying
    twice changes nothing, so a task still queued does no harm. The events were committed long ago,
    so they are queued at once, not on commit. Returns how many were queued."""
    now = now or timezone.now()
    window = settings.WEBHOOK_REQUEUE_AFTER_SECONDS if older_than_seconds is None else older_than_seconds
    cutoff = now - timedelta(seconds=max(0, int(window)))
    stale = list(
        WebhookEvent.objects.filter(status=PENDING)
        .alias(touched=Coalesce("last_attempt_at", "received_at"))
        .filter(touched__lte=cutoff)
        .order_by("received_at", "pk")
        .values_list("pk", flat=True)[:500]
    )
    for webhook_event_id in stale:
        webhook_apply_task.delay(webhook_event_id)
    return len(stale)


def webhooks_replay(*, webhook_event_ids: list[int]) -> list[WebhookEvent]:
    """The engineer's replay: failed (or pending) events back to pending with their attempts reset,
    and queued to apply again after commit. Applied events are left alone (applying twice would
    change nothing anyway). Returns the events queued."""
    queued: list[WebhookEvent] = []
    with transaction.atomic():
        for webhook_event_id in sorted(set(webhook_event_ids)):
            event = webhook_event_lock_find(webhook_event_id)
            if event is None or event.status == WebhookEvent.Status.APPLIED:
                continue
            event.status = PENDING
            event.attempts = 0
            event.save(update_fields=["status", "attempts"])
            _apply_on_commit(event.pk)
            queued.append(event)
    return queued

