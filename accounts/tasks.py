"""Celery tasks of accounts. `accounts.sms` imports them; they import from it inside their bodies."""

from __future__ import annotations

import logging
import random

from celery import shared_task

from core.metrics import count

logger = logging.getLogger(__name__)

SMS_MAX_RETRIES = 5
SMS_BACKOFF_BASE_SECONDS = 2
SMS_BACKOFF_MAX_SECONDS = 300


def sms_backoff_seconds(retries: int) -> int:
    """Exponential back-off with full jitter: up to 2, 4, 8 … seconds, capped at 5 minutes."""
    ceiling = min(SMS_BACKOFF_MAX_SECONDS, SMS_BACKOFF_BASE_SECONDS * 2**retries)
    return random.randint(max(1, ceiling // 2), ceiling)


@shared_task(bind=True, max_retries=SMS_MAX_RETRIES, acks_late=True)
def send_sms(self, *, to: str, body: str | None = None, body_ref: str | None = None) -> bool:
    """Deliver one SMS through the configured backend; True once sent.

    The text comes as `body`, or (from `queue_sms`) as `body_ref`, a reference to
    it in the cache so that it never sits in task arguments. Provider and network
    errors are retried with exponential back-off; after `SMS_MAX_RETRIES` retries,
    or on a permanent refusal, the task logs and gives up (returns False) rather
    than failing. The body is never logged.
    """
    from .sms import SmsError, SmsRejected, claim_body, get_backend

    where = {"to_suffix": to[-4:], "attempt": self.request.retries + 1}
    if body is None:
        body = claim_body(body_ref) if body_ref else None
        if body is None:
            logger.error("sms dropped: its text is no longer in the cache", extra=where)
            return False
    try:
        get_backend().send(to=to, body=body)
    except SmsRejected as exc:
        logger.error("sms refused, not retrying: %s", exc, extra=where)
        _forget(body_ref)
        count("sms_failed")
        return False
    except SmsError as exc:
        if self.request.retries >= self.max_retries:
            logger.error("sms failed, giving up after %d attempts: %s", self.request.retries + 1, exc, extra=where)
            _forget(body_ref)
            count("sms_failed")
            return False
        countdown = sms_backoff_seconds(self.request.retries)
        logger.warning("sms failed, retrying in %ss: %s", countdown, exc, extra=where)
        raise self.retry(exc=exc, countdown=countdown) from None
    _forget(body_ref)
    logger.info("sms sent", extra=where)
    count("sms_sent")
    return True


def _forget(body_ref: str | None) -> None:
    from .sms import forget_body

    if body_ref:
        forget_body(body_ref)


@shared_task
def unblock_expired_users() -> int:
    """Beat: let back in every account whose block's end date has passed; returns how many."""
    from .services import users_unblock_expired

    return len(users_unblock_expired())
