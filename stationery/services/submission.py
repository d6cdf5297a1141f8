"""Pricing and submitting print jobs: every check runs before the file is stored."""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from catalog.errors import ShopClosed
from catalog.models import PrintService, Shop
from core.errors import Forbidden, ValidationFailed
from core.money import rupees

from ..documents import DocumentQuote, PrintChoices, document_read
from ..errors import FileTooLarge, PrintServiceUnavailable, TooManyOpenJobs
from ..events import print_job_event_publish
from ..jobs import analysis_enqueue, document_job_fields
from ..locks import student_lock
from ..models import MAX_AMOUNT_PAISE, PrintJob, PrintJobEvent, print_file_path
from ..previews import previews_delete, previews_save
from ..selectors import print_service_orderable
from ..uploads import max_upload_bytes
from .core import MAX_COPIES, NOTE_MAX, ORIGINAL_NAME_MAX, _file_storage

logger = logging.getLogger(__name__)


def _clean_name(name: str) -> str:
    """The uploaded file's own name, for display: last path part, no control characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    return name.strip()[:ORIGINAL_NAME_MAX]


# --- pricing -------------------------------------------------------------------


def print_job_estimate(*, service: PrintService, pages: int, copies: int) -> int:
    """The estimate in paise: pages × copies × price for `page` services, the flat price for `job` ones.

    Double-sided printing does not change the estimate: a `page` service is priced
    per page of the document, and the vendor sets the final amount when the job is ready.
    """
    if service.unit == PrintService.Unit.JOB:
        return service.price_paise
    return pages * copies * service.price_paise


# --- submission ----------------------------------------------------------------


def _service_for_submission(*, service_id: int) -> PrintService:
    service = print_service_orderable(service_id=service_id)
    if service is None:
        raise ValidationFailed(details={"service": [_("No such print service.")]})
    try:
        shop = service.vendor.shop
    except Shop.DoesNotExist:
        shop = None
    if shop is None or not shop.is_open:
        raise ShopClosed()
    if not service.is_available:
        raise PrintServiceUnavailable()
    return service


def _open_jobs_check(*, student: User, lock: bool) -> None:
    """TooManyOpenJobs once `student` has PRINT_MAX_OPEN_JOBS jobs that have not ended.

    With `lock` (inside the submission's transaction) the student's row is locked first,
    so concurrent submissions of one student queue and each counts the others' jobs.
    """
    if lock:
        student_lock(user_id=student.pk)
    limit = settings.PRINT_MAX_OPEN_JOBS
    open_jobs = PrintJob.objects.filter(student_id=student.pk).exclude(status__in=PrintJob.ENDED_STATUSES).count()
    if open_jobs >= limit:
        raise TooManyOpenJobs(details={"max_open_jobs": limit})


@dataclass(frozen=True)
class PrintQuote:
    """What a document would cost at a service, before anything is stored."""

    service: PrintService
    pages: int
    copies: int
    estimated_paise: int
    document: DocumentQuote


def print_job_quote(
    *,
    student: User,
    service_id: int,
    upload: UploadedFile,
    copies: int = 1,
    note: str = "",
    choices: PrintChoices | None = None,
) -> PrintQuote:
    """Check a submission and price it, storing nothing.

    Checks, cheapest first: the upload size, copies and note, the service (live, of an
    approved and active stationery vendor, available) and its shop (open), then the
    file itself (a complete, unencrypted PDF of 1 … PRINT_MAX_PAGES pages; its page
    count prices the job) and the estimate (at most MAX_AMOUNT_PAISE).
    Raises Forbidden, FileTooLarge, ValidationFailed, ShopClosed, PrintServiceUnavailable, InvalidFile.
    """
    choices = choices or PrintChoices(copies=copies)
    copies = choices.copies
    if not student.is_student:
        raise Forbidden(_("Only students can send print jobs."))
    if upload.size is not None and upload.size > max_upload_bytes():
        raise FileTooLarge(max_mb=settings.PRINT_MAX_UPLOAD_MB)
    if not 1 <= copies <= MAX_COPIES:
        raise ValidationFailed(
            details={"copies": [_("Choose between 1 and %(max_copies)s copies.") % {"max_copies": MAX_COPIES}]}
        )
    if len((note or "").strip()) > NOTE_MAX:
        raise ValidationFailed(details={"note": [_("At most %(note_max)s characters.") % {"note_max": NOTE_MAX}]})

    service = _service_for_submission(service_id=service_id)
    # The page range, colour pages, sheets and finishing: stationery.documents.
    document = document_read(service=service, upload=upload, choices=choices)
    estimate = document.estimated_paise
    if estimate > MAX_AMOUNT_PAISE:
        raise ValidationFailed(
            _(
                "This job would cost about %(estimate)s; one print job can cost at most %(maximum)s. "
                "Send fewer copies or split the document."
            )
            % {"estimate": rupees(estimate), "maximum": rupees(MAX_AMOUNT_PAISE)},
            details={"copies": [_("Too many pages × copies for one print job.")]},
        )
    return PrintQuote(service=service, pages=document.pages, copies=copies, estimated_paise=estimate, document=document)


def print_job_submit(
    *,
    student: User,
    service_id: int,
    upload: UploadedFile,
    copies: int = 1,
    double_sided: bool = False,
    note: str = "",
    choices: PrintChoices | None = None,
) -> PrintJob:
    """A student sends a PDF to a stationery shop's print service.

    Everything `print_job_quote` checks is checked first. Only then is the file stored,
    under a random name, and the job created with its first event in one transaction;
    if that fails the stored file is removed again. (Files cannot take part in a
    database transaction: if an enclosing one rolls back later, the file is left without
    a row and `print_job_orphan_files_purge` removes it.)
    Raises what `print_job_quote` raises, and TooManyOpenJobs when the student already has
    PRINT_MAX_OPEN_JOBS jobs not ended (checked before the file is read, and again under the
    student's row lock before the job is created).
    """
    _open_jobs_check(student=student, lock=False)
    choices = choices or PrintChoices(copies=copies, double_sided=double_sided)
    quote = print_job_quote(student=student, service_id=service_id, upload=upload, note=note, choices=choices)
    service = quote.service
    note = (note or "").strip()

    storage = _file_storage()
    stored_name = storage.save(print_file_path(None, upload.name or ""), quote.document.upload)
    preview_folder = ""
    try:
        preview_folder = previews_save(quote.document.previews)
        with transaction.atomic():
            _open_jobs_check(student=student, lock=True)
            job = PrintJob.objects.create(
                student=student,
                vendor=service.vendor,
                service=service,
                file=stored_name,
                original_name=_clean_name(upload.name or ""),
                pages=quote.pages,
                copies=choices.copies,
                double_sided=choices.double_sided,
                note=note,
                estimated_paise=quote.estimated_paise,
                preview_folder=preview_folder,
                **document_job_fields(quote.document, choices),
            )
            PrintJobEvent.objects.create(job=job, from_status="", to_status=job.status, actor=student)
            print_job_event_publish(job=job, from_status="")
            if job.analysis == PrintJob.Analysis.PENDING:
                analysis_enqueue(job_id=job.pk)
    except BaseException:
        storage.delete(stored_name)
        previews_delete(preview_folder)
        raise
    logger.info("print job submitted", extra={"print_job": job.pk, "pages": quote.pages, "copies": copies})
    return job
