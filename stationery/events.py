"""Who hears of a print job, over `GET /api/v1/events`.

Its shop hears of it when it is submitted (`print_job.created`); from then on the student and
the shop hear of each change (`print_job.updated`).
"""

from __future__ import annotations

from events.publisher import event_publish

from .models import PrintJob


def print_job_event_publish(*, job: PrintJob, from_status: str) -> None:
    """Call once `job` was created (`from_status` "") or changed from `from_status`; sent on commit."""
    if not from_status:
        event_publish(user_ids=[job.vendor_id], type="print_job.created", id=job.pk, status=job.status)
        return
    event_publish(user_ids=[job.student_id, job.vendor_id], type="print_job.updated", id=job.pk, status=job.status)
