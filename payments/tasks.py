"""Thin Celery tasks: they take ids, call a service, and are safe to run twice.

The services import these tasks (to queue them); a task imports its service inside its body,
so the import goes one way only."""

from __future__ import annotations

import logging

from celery import shared_task

from core.errors import GatewayError

from .errors import GatewayRejected

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, max_retries=8, ignore_result=True)
def refund_submit_task(self, refund_id: int) -> None:
    """Send a pending refund to Razorpay; retried with back-off while Razorpay is unreachable.

    Running eagerly (development, tests) there is no worker to retry on: the refund
    stays pending and `reconcile_payments` sends it again with the same idempotency key.
    """
    from .services import refund_submit

    try:
        refund_submit(refund_id=refund_id)
    except GatewayRejected:
        logger.warning("refund %s refused by Razorpay; recorded as failed", refund_id)
    except GatewayError as exc:
        if self.request.is_eager:
            logger.warning("refund %s stays pending: Razorpay unreachable", refund_id)
            return
        raise self.retry(exc=exc, countdown=min(900, 30 * 2**self.request.retries)) from exc


@shared_task(bind=True, acks_late=True, max_retries=None, ignore_result=True)
def webhook_apply_task(self, webhook_event_id: int) -> None:
    """Apply one stored Razorpay event (`services.webhook_apply`; applying twice changes nothing).

    An attempt that raises is recorded on the event, which stays pending, and retried with
    back-off (5 s, 10 s, … at most 5 minutes apart) until WEBHOOK_APPLY_MAX_ATTEMPTS have
    failed; then the event is `failed` and waits for an engineer's replay. Running eagerly
    (development, tests) there is no worker to retry on: the event stays pending and
    reconciliation's sweep queues it again.
    """
    from .models import WebhookEvent
    from .services import webhook_apply, webhook_attempt_failed

    try:
        webhook_apply(webhook_event_id=webhook_event_id)
    except Exception as exc:
        event = webhook_attempt_failed(webhook_event_id=webhook_event_id, error=f"{type(exc).__name__}: {exc}")
        if event is None or event.status != WebhookEvent.Status.PENDING:
            logger.error("webhook event %s failed to apply and is no longer retried: %s", webhook_event_id, exc)
            return
        if self.request.is_eager:
            logger.warning("webhook event %s stays pending: applying it raised %r", webhook_event_id, exc)
            return
        raise self.retry(exc=exc, countdown=min(300, 5 * 2**self.request.retries)) from exc


@shared_task(acks_late=True, ignore_result=True)
def reconcile_payments(older_than_seconds: int | None = None) -> dict[str, int]:
    """The periodic reconciliation (CELERY_BEAT_SCHEDULE): see `services.payments_reconcile`."""
    from .services import payments_reconcile

    summary = payments_reconcile(older_than_seconds=older_than_seconds)
    logger.info("payments reconciled: %s", summary)
    return summary
