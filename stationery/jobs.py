"""What a print job keeps of its document, its release code and its place in the shop's queue.

Called from `stationery.services` (submission, accept, pay, complete) and from the background
analysis task; the job row is locked by the caller wherever it is written.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from core.pickup import (
    pickup_attempts_check,
    pickup_attempts_clear,
    pickup_attempts_record_miss,
    pickup_code_generate,
    pickup_code_matches,
)

from .analysis import analyse_pdf
from .documents import DocumentQuote, PrintChoices
from .errors import InvalidFile, InvalidPickupCode
from .locks import job_lock_if_analysis_pending
from .models import MAX_AMOUNT_PAISE, PrintJob
from .previews import previews_save
from .pricing import estimate_for

logger = logging.getLogger(__name__)

PICKUP_SCOPE = "stationery"


def document_job_fields(document: DocumentQuote, choices: PrintChoices) -> dict:
    """The PrintJob fields that come from the document and the choices."""
    return {
        "page_range": document.page_range,
        "pages_selected": len(document.selected),
        "colour_mode": choices.colour_mode,
        "colour_pages": document.colour_pages or [],
        "pages_per_sheet": choices.pages_per_sheet,
        "finishing": [extra.pk for extra in document.finishing],
        "sheets": document.sheets,
        "paper_size": document.paper_size,
        "analysis": document.analysis,
    }


def selected_pages(job: PrintJob) -> list[int]:
    from .pages import page_range_parse

    return page_range_parse(job.page_range, pages=job.pages)


# --- the background analysis ------------------------------------------------------


def analysis_enqueue(*, job_id: int) -> None:
    """Queue the analysis of a large file once the job's row is committed."""
    from .tasks import analyse_print_job

    transaction.on_commit(lambda: analyse_print_job.delay(job_id))


def analysis_run(*, job_id: int) -> str:
    """Render every selected page of a pending job: its colour pages, previews and estimate.

    A file that fails to render now (it rendered its first page when it was sent) keeps the
    black-and-white estimate; the vendor sets the final amount anyway. Returns the job's
    `analysis` afterwards ("done"), or "" when there is no such pending job.
    """
    job = PrintJob.objects.select_related("service").filter(pk=job_id, analysis=PrintJob.Analysis.PENDING).first()
    if job is None or not job.is_file_available:
        return ""
    selected = selected_pages(job)
    colour: list[int] = []
    images: dict[int, bytes] = {}
    try:
        with job.file.storage.open(job.file.name, "rb") as handle:
            rendered = analyse_pdf(
                handle, pages=selected, previews=True, timeout=settings.PRINT_ANALYSIS_TASK_TIMEOUT_SECONDS
            )
        colour, images = rendered.colour_pages, rendered.previews
    except (InvalidFile, FileNotFoundError) as exc:
        logger.warning("print job analysis failed", extra={"print_job": job.pk, "error": type(exc).__name__})
    folder = previews_save(images, folder=job.preview_folder) if images else job.preview_folder
    with transaction.atomic():
        locked = job_lock_if_analysis_pending(job_id=job.pk)
        if locked is None:
            return ""
        finishing = [extra for extra in finishing_for_stored(job)]
        estimate = estimate_for(
            service=job.service,
            selected=selected,
            colour_pages=colour,
            colour_mode=locked.colour_mode,
            copies=locked.copies,
            finishing=finishing,
        ).estimated_paise
        locked.colour_pages = colour
        locked.estimated_paise = min(estimate, MAX_AMOUNT_PAISE)
        locked.preview_folder = folder
        locked.analysis = PrintJob.Analysis.DONE
        locked.save(update_fields=["colour_pages", "estimated_paise", "preview_folder", "analysis", "updated_at"])
    return locked.analysis


def finishing_for_stored(job: PrintJob):
    """The finishing services a job was sent with (hidden or unavailable ones since included)."""
    from catalog.models import PrintService

    by_id = {extra.pk: extra for extra in PrintService.objects.filter(pk__in=job.finishing)}
    return [by_id[pk] for pk in job.finishing if pk in by_id]


# --- the release code ---------------------------------------------------------------


def pickup_code_new() -> str:
    return pickup_code_generate()


def pickup_code_check(*, job: PrintJob, given: str) -> None:
    """InvalidPickupCode unless `given` is the job's code; RateLimited after too many misses."""
    pickup_attempts_check(scope=PICKUP_SCOPE, pk=job.pk, noun="print job")
    if not pickup_code_matches(given=given, expected=job.pickup_code):
        pickup_attempts_record_miss(scope=PICKUP_SCOPE, pk=job.pk)
        raise InvalidPickupCode()
    transaction.on_commit(lambda: pickup_attempts_clear(scope=PICKUP_SCOPE, pk=job.pk))


# --- ready-by -----------------------------------------------------------------------


def printed_sides(job: PrintJob) -> int:
    """Sides the printer prints for the job (pages laid out per sheet, all copies)."""
    return -(-job.pages_selected // max(1, job.pages_per_sheet)) * job.copies


def ready_at_for(*, job: PrintJob, now: datetime | None = None) -> datetime:
    """When a job accepted now should be printed: the shop's accepted queue ahead of it, then itself,
    at the service's pages per minute."""
    now = now or timezone.now()
    ahead = (
        PrintJob.objects.filter(vendor_id=job.vendor_id, status=PrintJob.Status.ACCEPTED)
        .exclude(pk=job.pk)
        .aggregate(sides=Sum((F("pages_selected") + F("pages_per_sheet") - 1) / F("pages_per_sheet") * F("copies")))[
            "sides"
        ]
        or 0
    )
    per_minute = max(1, job.service.pages_per_minute)
    return now + timedelta(minutes=(ahead + printed_sides(job)) / per_minute)
