"""What stationery's services share: the limits, the file storage and the one status move.

Every status change goes through `_transition` (built on `core.services.status_transition`):
it checks `PrintJob.TRANSITIONS`, saves with `update_fields` and records a `PrintJobEvent`
in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import InvalidTransition
from core.services import status_transition

from ..events import print_job_event_publish
from ..models import PrintJob, PrintJobEvent

MAX_COPIES = 100
NOTE_MAX = PrintJob._meta.get_field("note").max_length
REASON_MAX = PrintJob._meta.get_field("reason").max_length
ORIGINAL_NAME_MAX = PrintJob._meta.get_field("original_name").max_length


def _file_storage():
    return PrintJob._meta.get_field("file").storage


def _job_refusal(from_status: str, to_status: str) -> str:
    # One sentence in the caller's language, the two statuses as the app names them.
    return _("A print job that is %(from_status)s cannot become %(to_status)s.") % {
        "from_status": str(PrintJob.Status(from_status).label).lower(),
        "to_status": str(PrintJob.Status(to_status).label).lower(),
    }


def _transition(
    *,
    job: PrintJob,
    to_status: str,
    actor: User | None,
    reason: str = "",
    fields: Mapping[str, Any] | None = None,
    refusal: InvalidTransition | None = None,
    now: datetime | None = None,
    transitions: Mapping[str, Iterable[str]] = PrintJob.TRANSITIONS,
) -> PrintJob:
    """Move a locked job to `to_status` if `transitions` allows it, saving `fields`, with its event row.

    InvalidTransition (409), or `refusal` when given, with nothing written otherwise. A job
    that ends gets `ended_at`.
    """
    if refusal is not None and to_status not in transitions[job.status]:
        raise refusal
    values = dict(fields or {})
    if to_status in PrintJob.ENDED_STATUSES:
        values["ended_at"] = now or timezone.now()

    def record(from_status: str) -> None:
        PrintJobEvent.objects.create(job=job, from_status=from_status, to_status=to_status, actor=actor, reason=reason)
        print_job_event_publish(job=job, from_status=from_status)

    status_transition(
        instance=job, to_status=to_status, transitions=transitions, describe=_job_refusal, fields=values, record=record
    )
    return job
