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


@shared_task(acks_late=True, ignore_result=True)
def reconcile_payments(older_than_seconds: int | None = None) -> dict[str, int]:
    """The periodic reconciliation (CELERY_BEAT_SCHEDULE): see `services.payments_reconcile`."""
    from .services import payments_reconcile

    summary = payments_reconcile(older_than_seconds=older_than_seconds)
    logger.info("payments reconciled: %s", summary)
    return summary
