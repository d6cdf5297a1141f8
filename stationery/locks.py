"""Every row lock stationery takes, named once.

Each helper's docstring names the `core.locks.LOCK_ORDER` rank it takes (`Rank: <name>`);
one transaction takes them in that order: the student's user row, then the print job.
Services call only these helpers for `select_for_update`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import NotFound

from .models import PrintJob, PrintUpload


def student_lock(*, user_id: int) -> None:
    """Lock the student's own user row, FOR NO KEY UPDATE: their submissions take turns. Rank: `user`."""
    User.objects.select_for_update(no_key=True).filter(pk=user_id).values_list("pk", flat=True).first()


def job_lock(*, job_id: int, student_id: int | None = None, vendor_id: int | None = None) -> PrintJob:
    """The print job (only its own row), locked FOR UPDATE and read afresh. Rank: `payable`.

    With `student_id` or `vendor_id`, only that user's job: another user's is NotFound.
    """
    scope: dict[str, int] = {}
    if student_id is not None:
        scope["student_id"] = student_id
    if vendor_id is not None:
        scope["vendor_id"] = vendor_id
    job = PrintJob.objects.select_for_update(of=("self",)).filter(pk=job_id, **scope).first()
    if job is None:
        raise NotFound(_("No such print job."))
    return job


def job_lock_if_due(*, job_id: int, due: Mapping[str, Any]) -> PrintJob | None:
    """The job if it still matches the batch's `due` filter, locked; else None. Rank: `payable`.

    SKIP LOCKED: a job being changed right now (a vendor accepting it) is left alone.
    """
    return PrintJob.objects.select_for_update(skip_locked=True).filter(pk=job_id, **due).first()


def job_lock_if_analysis_pending(*, job_id: int) -> PrintJob | None:
    """The job if its file is still being read, locked (waiting for a writer); else None. Rank: `payable`."""
    return PrintJob.objects.select_for_update().filter(pk=job_id, analysis=PrintJob.Analysis.PENDING).first()


def upload_lock(*, upload_id: int, student_id: int) -> PrintUpload:
    """The student's own pending upload, locked FOR UPDATE; NotFound for anyone else's. Rank: `payable`.

    (It becomes a print job: sending it twice at once queues on this row, and the second finds it gone.)
    """
    upload = PrintUpload.objects.select_for_update().filter(pk=upload_id, student_id=student_id).first()
    if upload is None:
        raise NotFound(_("No such uploaded file. Choose the file again."))
    return upload
