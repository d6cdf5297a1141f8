"""Project-wide periodic work (scheduled in settings.CELERY_BEAT_SCHEDULE).

The tasks keep the names they were first registered under (`name=`): beat entries and
messages already queued address a task by that name, not by the module it lives in.
"""

from __future__ import annotations

from celery import shared_task
from django.core.management import call_command
from django.db import DatabaseError


@shared_task(
    name="tntproject.tasks.clear_expired_sessions",
    autoretry_for=(DatabaseError,),
    retry_backoff=60,
    max_retries=3,
    acks_late=True,
)
def clear_expired_sessions() -> None:
    """Delete expired sessions (`manage.py clearsessions`): the database backend never removes them itself."""
    call_command("clearsessions")


@shared_task(name="accounts.tasks.purge_idempotency_keys", acks_late=True)
def purge_idempotency_keys() -> int:
    """Beat: forget Idempotency-Key records past their retention."""
    from .idempotency import idempotency_keys_purge

    return idempotency_keys_purge()
