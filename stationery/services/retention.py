"""Retention: stored PDFs are deleted once their job ended, unaccepted jobs are cancelled.

Each job is handled in its own short transaction with its row locked (SKIP LOCKED), so every
batch is safe to run twice and concurrently.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.services import model_update

from .. import notifications
from ..locks import job_lock_if_due
from ..models import PRINT_FILE_FOLDER, PrintJob
from ..previews import previews_delete
from .core import _file_storage, _transition

logger = logging.getLogger(__name__)

UNACCEPTED_REASON = "Not accepted in time."


def print_job_files_purge(*, now: datetime | None = None) -> int:
    """Delete the stored PDF of every job that ended over PRINT_FILE_RETENTION_HOURS ago.

    The job row stays, with `file` cleared and `file_deleted_at` set. Live jobs are
    never touched. Each job is handled in its own short transaction with its row
    locked; the file goes before the row is updated, so a crash in between leaves a
    row that the next run finishes (deleting a missing file is a no-op). Safe to run
    twice and concurrently. Returns how many jobs had their file deleted.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.PRINT_FILE_RETENTION_HOURS)
    due = dict(
        status__in=PrintJob.ENDED_STATUSES,
        ended_at__lt=cutoff,
        file_deleted_at__isnull=True,
    )
    storage = _file_storage()
    purged = 0
    for job_id in list(PrintJob.objects.filter(**due).values_list("pk", flat=True).order_by("ended_at")):
        with transaction.atomic():
            job = job_lock_if_due(job_id=job_id, due=due)
            if job is None:
                continue
            if job.file.name:
                storage.delete(job.file.name)
            previews_delete(job.preview_folder)
            model_update(
                instance=job,
                fields=("file", "file_deleted_at", "preview_folder"),
                data={"file": "", "file_deleted_at": now, "preview_folder": ""},
            )
            purged += 1
    if purged:
        logger.info("print files purged", extra={"count": purged})
    return purged


def print_job_expire_unaccepted(*, now: datetime | None = None) -> int:
    """Cancel every job still `submitted` PRINT_UNACCEPTED_EXPIRY_HOURS after it was sent; delete its file.

    Nobody has paid for such a job: `paid` is reachable only from `ready` (PrintJob.TRANSITIONS)
    and the database's `print_job_paid_at_iff_paid` constraint keeps `paid_at` empty outside
    `paid`/`completed`, so there is nothing to refund (a capture arriving later for a job that is
    no longer payable is refunded by payments' capture path, as for any ended job). Each job
    is handled in its own short transaction with its row locked (skip_locked: a vendor accepting
    it at this moment wins); the row's file is cleared in that transaction and the file itself
    deleted once it commits (a crash in between leaves an unreferenced file, which
    `print_job_orphan_files_purge` removes). The student gets an SMS. Safe to run twice and
    concurrently. Returns how many jobs were cancelled.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.PRINT_UNACCEPTED_EXPIRY_HOURS)
    due = dict(status=PrintJob.Status.SUBMITTED, created_at__lt=cutoff)
    storage = _file_storage()
    expired = 0
    for job_id in list(PrintJob.objects.filter(**due).order_by("created_at").values_list("pk", flat=True)):
        with transaction.atomic():
            job = job_lock_if_due(job_id=job_id, due=due)
            if job is None:
                continue
            stored_name, preview_folder = job.file.name, job.preview_folder
            _transition(
                job=job,
                to_status=PrintJob.Status.CANCELLED,
                actor=None,
                reason=UNACCEPTED_REASON,
                fields={"file": "", "file_deleted_at": now, "preview_folder": ""},
                now=now,
            )
            if stored_name:
                transaction.on_commit(lambda name=stored_name: storage.delete(name))
            transaction.on_commit(lambda folder=preview_folder: previews_delete(folder))
            notifications.print_job_not_accepted(job=job)
            expired += 1
    if expired:
        logger.info("unaccepted print jobs cancelled", extra={"count": expired})
    return expired


# A stored file with no job row this long after it was written belongs to a submission that
# never committed (the process died, or an enclosing transaction rolled back).
ORPHAN_GRACE = timedelta(hours=1)


def print_job_orphan_files_purge(*, now: datetime | None = None) -> int:
    """Delete stored print files that no job refers to and that are older than ORPHAN_GRACE."""
    now = now or timezone.now()
    storage = _file_storage()
    folder = PRINT_FILE_FOLDER
    try:
        _, names = storage.listdir(folder)
    except FileNotFoundError:
        return 0
    paths = {f"{folder}/{name}" for name in names}
    referenced = set(PrintJob.objects.filter(file__in=paths).values_list("file", flat=True))
    removed = 0
    for path in sorted(paths - referenced):
        try:
            if storage.get_modified_time(path) >= now - ORPHAN_GRACE:
                continue
        except FileNotFoundError:
            continue
        storage.delete(path)
        removed += 1
    if removed:
        logger.warning("orphaned print files removed", extra={"count": removed})
    return removed
