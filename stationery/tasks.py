"""Periodic work of the stationery app (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

import logging

from celery import shared_task
from django.db import DatabaseError

from .services import print_job_files_purge, print_job_orphan_files_purge, print_upload_purge_expired

logger = logging.getLogger(__name__)


@shared_task(
    name="stationery.tasks.purge_print_files",
    autoretry_for=(DatabaseError, OSError),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=3,
    acks_late=True,
)
def purge_print_files() -> dict[str, int]:
    """Delete the stored files of print jobs that ended more than PRINT_FILE_RETENTION_HOURS ago,
    files left behind by submissions that never committed, and files uploaded on the print form
    that were never sent (past PRINT_UPLOAD_TTL_MINUTES)."""
    return {
        "purged": print_job_files_purge(),
        "orphans": print_job_orphan_files_purge(),
        "uploads": print_upload_purge_expired(),
    }


@shared_task(
    name="stationery.tasks.expire_unaccepted_print_jobs",
    autoretry_for=(DatabaseError, OSError),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=3,
    acks_late=True,
)
def expire_unaccepted_print_jobs() -> int:
    """Cancel print jobs still `submitted` after PRINT_UNACCEPTED_EXPIRY_HOURS and delete their files."""
    from .services import print_job_expire_unaccepted

    return print_job_expire_unaccepted()


@shared_task(
    name="stationery.tasks.analyse_print_job",
    autoretry_for=(DatabaseError, OSError),
    retry_backoff=10,
    retry_backoff_max=120,
    max_retries=3,
    acks_late=True,
)
def analyse_print_job(job_id: int) -> str:
    """Read every selected page of a large print file: colour pages, previews, the estimate."""
    from .jobs import analysis_run

    return analysis_run(job_id=job_id)
