"""Project-wide periodic work (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

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
