"""Writes to print jobs: submission, the vendor's workflow, payment, file retention.

Every status change goes through `_transition`, which checks `PrintJob.TRANSITIONS`,
saves with `update_fields` and records a `PrintJobEvent` in the same transaction.
Vendor and student actions lock the job row scoped to the acting user, so another
user's job is not found and two concurrent actions cannot both succeed.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from catalog.errors import ShopClosed
from catalog.models import PrintService, Shop
from core.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from core.money import is_paise, rupees
from payments.models import Payment
from payments.services import payment_release_payable

from . import notifications
from .documents import DocumentQuote, PrintChoices, document_read
from .errors import FileTooLarge, PrintJobNotPaid, PrintServiceUnavailable, TooManyOpenJobs
from .jobs import analysis_enqueue, document_job_fields, pickup_code_check, pickup_code_new, ready_at_for
from .models import (
    MAX_AMOUNT_PAISE,
    PRINT_FILE_FOLDER,
    PrintJob,
    PrintJobEvent,
    amount_exceeds_tolerance,
    print_file_path,
)
from .previews import previews_delete, previews_save
from .selectors import print_service_orderable
from .uploads import max_upload_bytes

logger = logging.getLogger(__name__)

MAX_COPIES = 100
NOTE_MAX = PrintJob._meta.get_field("note").max_length
# A job in one of these has not been paid yet and could still be.
_UNPAID_LIVE_STATUSES = (PrintJob.Status.SUBMITTED, PrintJob.Status.ACCEPTED, PrintJob.Status.READY)
REASON_MAX = PrintJob._meta.get_field("reason").max_length
ORIGINAL_NAME_MAX = PrintJob._meta.get_field("original_name").max_length
UNACCEPTED_REASON = "Not accepted in time."


def _file_storage():
    return PrintJob._meta.get_field("file").storage


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
        raise ValidationFailed(details={"service": ["No such print service."]})
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
        User.objects.select_for_update(no_key=True).filter(pk=student.pk).values_list("pk", flat=True).first()
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
        raise Forbidden("Only students can send print jobs.")
    if upload.size is not None and upload.size > max_upload_bytes():
        raise FileTooLarge(max_mb=settings.PRINT_MAX_UPLOAD_MB)
    if not 1 <= copies <= MAX_COPIES:
        raise ValidationFailed(details={"copies": [f"Choose between 1 and {MAX_COPIES} copies."]})
    if len((note or "").strip()) > NOTE_MAX:
        raise ValidationFailed(details={"note": [f"At most {NOTE_MAX} characters."]})

    service = _service_for_submission(service_id=service_id)
    # The page range, colour pages, sheets and finishing: stationery.documents.
    document = document_read(service=service, upload=upload, choices=choices)
    estimate = document.estimated_paise
    if estimate > MAX_AMOUNT_PAISE:
        raise ValidationFailed(
            f"This job would cost about {rupees(estimate)}; one print job can cost at most "
            f"{rupees(MAX_AMOUNT_PAISE)}. Send fewer copies or split the document.",
            details={"copies": ["Too many pages × copies for one print job."]},
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
            if job.analysis == PrintJob.Analysis.PENDING:
                analysis_enqueue(job_id=job.pk)
    except BaseException:
        storage.delete(stored_name)
        previews_delete(preview_folder)
        raise
    logger.info("print job submitted", extra={"print_job": job.pk, "pages": quote.pages, "copies": copies})
    return job


# --- the lifecycle -------------------------------------------------------------


def _transition(
    *,
    job: PrintJob,
    to_status: str,
    actor: User | None,
    reason: str = "",
    update_fields: tuple[str, ...] = (),
    refusal: InvalidTransition | None = None,
    now: datetime | None = None,
) -> PrintJob:
    """Move a locked job to `to_status` if the map allows it, with its event row."""
    if to_status not in PrintJob.TRANSITIONS[job.status]:
        raise refusal or InvalidTransition(
            f"A print job that is {job.get_status_display().lower()} cannot become {to_status}.",
            details={"status": job.status},
        )
    from_status = job.status
    job.status = to_status
    fields = {"status", "updated_at", *update_fields}
    if to_status in PrintJob.ENDED_STATUSES:
        job.ended_at = now or timezone.now()
        fields.add("ended_at")
    job.save(update_fields=sorted(fields))
    PrintJobEvent.objects.create(job=job, from_status=from_status, to_status=to_status, actor=actor, reason=reason)
    return job


def _lock_job(*, job_id: int, **scope) -> PrintJob:
    job = PrintJob.objects.select_for_update(of=("self",)).filter(pk=job_id, **scope).first()
    if job is None:
        raise NotFound("No such print job.")
    return job


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(details={"reason": ["Say why."]})
    if len(reason) > REASON_MAX:
        raise ValidationFailed(details={"reason": [f"At most {REASON_MAX} characters."]})
    return reason


@transaction.atomic
def print_job_accept(*, vendor: User, job_id: int) -> PrintJob:
    """The vendor takes on a submitted job. NotFound if it is not theirs; InvalidTransition otherwise."""
    job = _lock_job(job_id=job_id, vendor_id=vendor.pk)
    if job.status == PrintJob.Status.SUBMITTED:
        job.estimated_ready_at = ready_at_for(job=job)
    return _transition(job=job, to_status=PrintJob.Status.ACCEPTED, actor=vendor, update_fields=("estimated_ready_at",))


@transaction.atomic
def print_job_mark_ready(*, vendor: User, job_id: int, amount_paise: int, reason: str = "") -> PrintJob:
    """The vendor has printed an accepted job and sets what the student pays (1 … 10,00,000 paise).

    An amount more than PRINT_PRICE_TOLERANCE_PCT percent above the estimate needs a `reason`
    (ValidationFailed `reason` without one); it is kept as `amount_reason` and shown to the
    student beside the estimate. Within the tolerance a reason is kept if given.
    The student gets an SMS with the amount once this commits.
    """
    if not is_paise(amount_paise, maximum=MAX_AMOUNT_PAISE):
        raise ValidationFailed(details={"amount_paise": [f"Enter a whole number of paise, 1 to {MAX_AMOUNT_PAISE}."]})
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise ValidationFailed(details={"reason": [f"At most {REASON_MAX} characters."]})
    job = _lock_job(job_id=job_id, vendor_id=vendor.pk)
    if (
        not reason
        and job.status == PrintJob.Status.ACCEPTED
        and amount_exceeds_tolerance(amount_paise=amount_paise, estimated_paise=job.estimated_paise)
    ):
        raise ValidationFailed(
            f"This is more than {settings.PRINT_PRICE_TOLERANCE_PCT}% above the estimate; tell the student why.",
            details={"reason": ["Say why the amount is above the estimate."]},
        )
    job.amount_paise = amount_paise
    job.amount_reason = reason
    _transition(job=job, to_status=PrintJob.Status.READY, actor=vendor, update_fields=("amount_paise", "amount_reason"))
    notifications.print_job_ready(job=job)
    return job


@transaction.atomic
def print_job_complete(*, vendor: User, job_id: int, pickup_code: str = "") -> PrintJob:
    """The vendor hands a paid job over to the student showing its pickup code.

    An unpaid job cannot be completed (409); a wrong code is InvalidPickupCode (400), and
    too many wrong codes for the job RateLimited (429), as for orders (core.pickup).
    """
    job = _lock_job(job_id=job_id, vendor_id=vendor.pk)
    refusal = PrintJobNotPaid(details={"status": job.status}) if job.status in _UNPAID_LIVE_STATUSES else None
    if PrintJob.Status.COMPLETED in PrintJob.TRANSITIONS[job.status]:
        pickup_code_check(job=job, given=pickup_code)
    _transition(job=job, to_status=PrintJob.Status.COMPLETED, actor=vendor, refusal=refusal)
    # Handed over: the vendor's money of this job moves from pending to available (payouts).
    payment_release_payable(payable="print_job", obj=job, actor=vendor)
    return job


@transaction.atomic
def print_job_reject(*, vendor: User, job_id: int, reason: str) -> PrintJob:
    """The vendor turns a job down before it is paid, saying why; the student gets an SMS
    pointing to the app, where the reason is shown (a vendor's text never goes into an SMS)."""
    reason = _clean_reason(reason)
    job = _lock_job(job_id=job_id, vendor_id=vendor.pk)
    job.reason = reason
    _transition(job=job, to_status=PrintJob.Status.REJECTED, actor=vendor, reason=reason, update_fields=("reason",))
    notifications.print_job_rejected(job=job)
    return job


@transaction.atomic
def print_job_cancel(*, student: User, job_id: int) -> PrintJob:
    """The student withdraws a job before it is printed (submitted or accepted).

    Once it is `ready` the shop has printed it, so the student may cancel only when the
    final amount is more than PRINT_PRICE_TOLERANCE_PCT percent above the estimate;
    otherwise, and from any later status, InvalidTransition (409).
    """
    job = _lock_job(job_id=job_id, student_id=student.pk)
    if job.status == PrintJob.Status.READY and not job.is_above_estimate_tolerance:
        raise InvalidTransition(
            "This job is printed at about its estimate; it can no longer be cancelled.",
            details={"status": job.status},
        )
    return _transition(job=job, to_status=PrintJob.Status.CANCELLED, actor=student)


def print_job_mark_paid(*, job: PrintJob, payment: Payment) -> PrintJob:
    """A captured payment pays a ready job: status `paid`, `paid_at`, an event.

    Called by payments inside its capture transaction with `job` locked
    (select_for_update); raises InvalidTransition if the job is not `ready`.
    """
    if payment.print_job_id != job.pk:
        raise ValueError(f"payment {payment.pk} is not for print job {job.pk}")
    job.paid_at = timezone.now()
    job.pickup_code = pickup_code_new()
    return _transition(
        job=job,
        to_status=PrintJob.Status.PAID,
        actor=payment.payer,
        reason=f"payment {payment.pk}",
        update_fields=("paid_at", "pickup_code"),
    )


@transaction.atomic
def print_job_cancel_refunded(*, job: PrintJob, actor: User | None) -> bool:
    """Staff refunded the whole capture of a paid job: it is cancelled and not handed over.

    Called by payments (through the payable registry) inside the refund's transaction, with
    the job row locked before the payment's. From `paid`: status `cancelled`, `cancel_reason`
    "refunded", `ended_at` and an event row; completing it is then 409. Any other status: False.
    """
    locked = _lock_job(job_id=job.pk)
    if locked.status not in PrintJob.REFUND_CANCELS_STATUSES:
        return False
    from_status = locked.status
    reason = "Refunded in full by campus staff."
    locked.status = PrintJob.Status.CANCELLED
    locked.cancel_reason = PrintJob.CANCEL_REFUNDED
    locked.reason = reason
    locked.ended_at = timezone.now()
    locked.save(update_fields=["status", "cancel_reason", "reason", "ended_at", "updated_at"])
    PrintJobEvent.objects.create(
        job=locked, from_status=from_status, to_status=PrintJob.Status.CANCELLED, actor=actor, reason=reason
    )
    for name in ("status", "cancel_reason", "reason", "ended_at", "updated_at"):
        setattr(job, name, getattr(locked, name))
    return True


# --- retention -----------------------------------------------------------------


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
            job = PrintJob.objects.select_for_update(skip_locked=True).filter(pk=job_id, **due).first()
            if job is None:
                continue
            if job.file.name:
                storage.delete(job.file.name)
            previews_delete(job.preview_folder)
            job.preview_folder = ""
            job.file = ""
            job.file_deleted_at = now
            job.save(update_fields=["file", "file_deleted_at", "preview_folder", "updated_at"])
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
            job = PrintJob.objects.select_for_update(skip_locked=True).filter(pk=job_id, **due).first()
            if job is None:
                continue
            stored_name, preview_folder = job.file.name, job.preview_folder
            job.file = ""
            job.preview_folder = ""
            job.file_deleted_at = now
            _transition(
                job=job,
                to_status=PrintJob.Status.CANCELLED,
                actor=None,
                reason=UNACCEPTED_REASON,
                update_fields=("file", "file_deleted_at", "preview_folder"),
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
