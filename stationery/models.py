import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Where uploaded print files live in the (private) default storage.
PRINT_FILE_FOLDER = "print-jobs"
# Files chosen on the print form, uploaded once and not yet sent as a job (PrintUpload).
PRINT_UPLOAD_FOLDER = "print-uploads"


def print_file_path(instance, filename: str) -> str:
    """A random name: nothing about the student or the original file leaks into storage."""
    return f"{PRINT_FILE_FOLDER}/{secrets.token_hex(16)}.pdf"


def print_upload_path(instance, filename: str) -> str:
    """A random name, like a job's file, in the pending uploads' folder."""
    return f"{PRINT_UPLOAD_FOLDER}/{secrets.token_hex(16)}.pdf"


# The longest page range a student may type ("1-3,7,12-40" …).
PAGE_RANGE_MAX = 200

# The most one print job may cost (₹10,000), for the estimate and the vendor's final amount alike.
MAX_AMOUNT_PAISE = 10_00_000


def amount_exceeds_tolerance(*, amount_paise: int, estimated_paise: int) -> bool:
    """True when `amount_paise` is more than PRINT_PRICE_TOLERANCE_PCT percent above the estimate (read at use)."""
    return amount_paise * 100 > estimated_paise * (100 + settings.PRINT_PRICE_TOLERANCE_PCT)


class PrintJob(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        READY = "ready", _("Ready to pay")
        PAID = "paid", _("Paid")
        COMPLETED = "completed", _("Completed")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.SUBMITTED: frozenset({Status.ACCEPTED, Status.REJECTED, Status.CANCELLED}),
        Status.ACCEPTED: frozenset({Status.READY, Status.REJECTED, Status.CANCELLED}),
        Status.READY: frozenset({Status.PAID, Status.REJECTED, Status.CANCELLED}),
        Status.PAID: frozenset({Status.COMPLETED}),
        Status.COMPLETED: frozenset(),
        Status.REJECTED: frozenset(),
        Status.CANCELLED: frozenset(),
    }

    class ColourMode(models.TextChoices):
        BW = "bw", "Black and white"
        AUTO = "auto", "Colour pages in colour"

    class Analysis(models.TextChoices):
        DONE = "done", "Done"
        PENDING = "pending", "Pending"

    ENDED_STATUSES = (Status.COMPLETED, Status.REJECTED, Status.CANCELLED)
    # Statuses in which the vendor has set the final amount / the student has paid it.
    PRICED_STATUSES = (Status.READY, Status.PAID, Status.COMPLETED)
    PAID_STATUSES = (Status.PAID, Status.COMPLETED)
    # A refund of the whole capture cancels a job in these statuses (CANCEL_REFUNDED below).
    REFUND_CANCELS_STATUSES = (Status.PAID,)
    CANCEL_REFUNDED = "refunded"

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="print_jobs")
    vendor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="vendor_print_jobs")
    service = models.ForeignKey("catalog.PrintService", on_delete=models.PROTECT, related_name="print_jobs")
    file = models.FileField(upload_to=print_file_path, max_length=200, blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    pages = models.PositiveIntegerField()
    # The selection (`page_range` normalised, empty = every page) and what it comes to.
    page_range = models.CharField(max_length=PAGE_RANGE_MAX, blank=True)
    pages_selected = models.PositiveIntegerField(default=0)
    colour_mode = models.CharField(max_length=4, choices=ColourMode.choices, default=ColourMode.BW)
    # The document's page numbers, within the selection, that have colour on them (once analysed).
    colour_pages = models.JSONField(default=list, blank=True)
    pages_per_sheet = models.PositiveSmallIntegerField(default=1)
    # Ids of the shop's `job` services (binding, lamination), each charged once per copy.
    finishing = models.JSONField(default=list, blank=True)
    sheets = models.PositiveIntegerField(default=0)
    paper_size = models.CharField(max_length=6, default="A4")
    analysis = models.CharField(max_length=7, choices=Analysis.choices, default=Analysis.DONE)
    # Where the page previews (PNG) of this job are stored; empty once deleted.
    preview_folder = models.CharField(max_length=100, blank=True)
    pickup_code = models.CharField(max_length=6, blank=True)
    estimated_ready_at = models.DateTimeField(null=True, blank=True)
    copies = models.PositiveSmallIntegerField(default=1)
    double_sided = models.BooleanField(default=False)
    note = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    estimated_paise = models.PositiveIntegerField()
    amount_paise = models.PositiveIntegerField(null=True, blank=True)
    # Why the final amount is well above the estimate (required beyond PRINT_PRICE_TOLERANCE_PCT).
    amount_reason = models.CharField(max_length=300, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    file_deleted_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    # "refunded" when staff refunded the whole capture of a paid job (which ends its handover).
    cancel_reason = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        # Status literals: the class attributes above are not in scope inside Meta.
        constraints = [
            models.CheckConstraint(condition=Q(copies__gte=1) & Q(copies__lte=100), name="print_job_copies_1_100"),
            models.CheckConstraint(condition=Q(pages__gte=1), name="print_job_pages_positive"),
            models.CheckConstraint(condition=Q(pages_per_sheet__in=[1, 2, 4]), name="print_job_pages_per_sheet_1_2_4"),
            models.CheckConstraint(
                condition=Q(pickup_code="") | Q(pickup_code__regex=r"^[0-9]{6}$"), name="print_job_pickup_code_6_digits"
            ),
            models.CheckConstraint(
                condition=Q(amount_paise__isnull=True)
                | (Q(amount_paise__gte=1) & Q(amount_paise__lte=MAX_AMOUNT_PAISE)),
                name="print_job_amount_in_range",
            ),
            models.CheckConstraint(
                condition=Q(estimated_paise__gte=1) & Q(estimated_paise__lte=MAX_AMOUNT_PAISE),
                name="print_job_estimate_in_range",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["ready", "paid", "completed"]) | Q(amount_paise__isnull=False),
                name="print_job_priced_has_amount",
            ),
            models.CheckConstraint(
                condition=(Q(status__in=["paid", "completed"]) & Q(paid_at__isnull=False))
                # A paid job that staff refunded in full was cancelled after it was paid (issue 16).
                | (Q(status="cancelled") & Q(cancel_reason="refunded") & Q(paid_at__isnull=False))
                | (~Q(status__in=["paid", "completed"]) & Q(paid_at__isnull=True)),
                name="print_job_paid_at_iff_paid",
            ),
            models.CheckConstraint(
                condition=(Q(status__in=["completed", "rejected", "cancelled"]) & Q(ended_at__isnull=False))
                | (~Q(status__in=["completed", "rejected", "cancelled"]) & Q(ended_at__isnull=True)),
                name="print_job_ended_at_iff_ended",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reason=""),
                name="print_job_rejected_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(file_deleted_at__isnull=True) | Q(ended_at__isnull=False),
                name="print_job_file_deleted_only_when_ended",
            ),
        ]
        indexes = [
            models.Index(fields=["student", "created_at"], name="print_job_student_created"),
            models.Index(fields=["vendor", "status"], name="print_job_vendor_status"),
            models.Index(fields=["status", "ended_at"], name="print_job_status_ended"),
        ]

    def __str__(self) -> str:
        return f"Print job #{self.pk}"

    @property
    def is_above_estimate_tolerance(self) -> bool:
        """The final amount exceeds the estimate by more than PRINT_PRICE_TOLERANCE_PCT percent."""
        return self.amount_paise is not None and amount_exceeds_tolerance(
            amount_paise=self.amount_paise, estimated_paise=self.estimated_paise
        )

    @property
    def is_paid(self) -> bool:
        return self.paid_at is not None

    @property
    def is_file_available(self) -> bool:
        """The uploaded PDF is still stored (the retention task has not deleted it)."""
        return bool(self.file.name) and self.file_deleted_at is None


class PrintJobEvent(models.Model):
    job = models.ForeignKey(PrintJob, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["job", "created_at"], name="print_job_event_job_created")]


class PrintUpload(models.Model):
    """A file a student chose on the print form, uploaded once: re-priced and sent by its id.

    Only its student can use it (another student's id is not found). It lives until
    `expires_at` (PRINT_UPLOAD_TTL_MINUTES after the upload); sending it as a job moves
    its file to the job and deletes the row; `print_upload_purge_expired` deletes the rest.
    The stored file is always a PDF (a photo is made into one when it is uploaded).
    """

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="print_uploads")
    file = models.FileField(upload_to=print_upload_path, max_length=200)
    original_name = models.CharField(max_length=200, blank=True)
    pages = models.PositiveIntegerField()
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(pages__gte=1), name="print_upload_pages_positive"),
        ]
        indexes = [
            models.Index(fields=["student", "created_at"], name="print_upload_student_created"),
            models.Index(fields=["expires_at"], name="print_upload_expires"),
        ]

    def __str__(self) -> str:
        return f"Print upload #{self.pk}"
