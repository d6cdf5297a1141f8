"""Celery tasks of push. `push.notify` imports them; they import what they need inside their bodies."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def push_deliver(*, user_id: int, body_ref: str, url: str, tag: str) -> str:
    """Deliver one notification (push.delivery.notification_deliver); returns the channel used.

    Not retried: a failed push falls back to SMS in the same run. Run twice (a worker lost
    after sending), the device shows one notification: the second replaces the first by `tag`.
    """
    from accounts.sms import claim_body, forget_body

    from .delivery import notification_deliver

    body = claim_body(body_ref)
    if body is None:
        logger.error("notification dropped: its text is no longer in the cache", extra={"user": user_id})
        return "dropped"
    channel = notification_deliver(user_id=user_id, body=body, url=url, tag=tag)
    forget_body(body_ref)
    return channel.value
