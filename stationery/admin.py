"""Print jobs in the Django admin: a read-only case file per job (payments.admin_case_file) with its
payments, refunds and timeline, and the refund and cancel actions, which go through payments'
refund service and tell the student and the print shop.

Staff do not move jobs by hand otherwise: status changes go through the services, driven by the
student, the vendor and payments.
"""

from django.contrib import admin

from catalog.admin import shop_filter
from core.admin_display import campus_time, money, money_column, person, shop_column, time_column
from core.admin_mixins import ReadOnlyTabularInline
from payments.admin_case_file import CaseFileAdminMixin

from . import notifications
from .models import PrintJob, PrintJobEvent

JOB_WORDS = {
    PrintJob.Status.SUBMITTED: "Sent by the student",
    PrintJob.Status.ACCEPTED: "Accepted by the print shop",
    PrintJob.Status.READY: "Printed: the final price is set, waiting for payment",
    PrintJob.Status.PAID: "Paid",
    PrintJob.Status.COMPLETED: "Collected",
    PrintJob.Status.REJECTED: "Rejected by the print shop",
    PrintJob.Status.CANCELLED: "Cancelled",
}


class PrintJobEventInline(ReadOnlyTabularInline):
    model = PrintJobEvent
    fields = ("when", "from_status", "to_status", "actor", "reason")
    readonly_fields = fields
    ordering = ("created_at", "id")
    when = time_column("created_at", "when")


@admin.register(PrintJob)
class PrintJobAdmin(CaseFileAdminMixin, admin.ModelAdmin):
    payable = "print_job"
    list_display = (
        "id",
        "status",
        "shop",
        "student_name",
        "service",
        "pages",
        "copies",
        "double_sided",
        "estimate",
        "amount",
        "is_paid",
        "sent",
    )
    list_filter = (
        "status",
        "double_sided",
        "service__unit",
        "service__is_colour",
        shop_filter(vendor_type="stationery"),
        ("paid_at", admin.EmptyFieldListFilter),
        ("file_deleted_at", admin.EmptyFieldListFilter),
        "created_at",
    )
    search_fields = ("=id", "student__phone", "student__name", "vendor__phone", "vendor__shop__name", "original_name")
    list_select_related = ("student", "vendor__shop", "service")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    inlines = (PrintJobEventInline,)
    readonly_fields = (
        "id",
        "status",
        "student_name",
        "shop",
        "service",
        "reason",
        "original_name",
        "stored_file",
        "pages",
        "copies",
        "double_sided",
        "note",
        "estimate",
        "amount",
        "amount_reason",
        "is_paid",
        "paid",
        "sent",
        "changed",
        "ended",
    )
    fieldsets = (
        ("The stored record", {"fields": ("id", "status", "student_name", "shop", "service", "reason")}),
        ("Document", {"fields": ("original_name", "stored_file", "pages", "copies", "double_sided", "note")}),
        ("Money", {"fields": ("estimate", "amount", "amount_reason", "is_paid", "paid")}),
        ("Times (campus)", {"fields": ("sent", "changed", "ended")}),
    )
    shop = shop_column()
    estimate = money_column("estimated_paise", "estimate")
    amount = money_column("amount_paise", "final price")
    sent = time_column("created_at", "sent")
    changed = time_column("updated_at", "last changed")
    ended = time_column("ended_at", "ended")
    paid = time_column("paid_at", "paid at")

    @admin.display(description="student", ordering="student__name")
    def student_name(self, job: PrintJob) -> str:
        return person(job.student)

    @admin.display(boolean=True, description="paid")
    def is_paid(self, obj: PrintJob) -> bool:
        return obj.is_paid

    @admin.display(description="stored file")
    def stored_file(self, obj: PrintJob) -> str:
        # Never a link: uploads are not served from a public URL, only by the API to the job's student and vendor.
        if obj.is_file_available:
            return f"stored ({obj.file.name})"
        if obj.file_deleted_at:
            return f"deleted {campus_time(obj.file_deleted_at)}"
        return "none"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # Viewing is allowed through the view permission; nothing here is editable.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    # --- the case file ---

    def case_lines(self, obj: PrintJob) -> list[dict]:
        sides = "double-sided" if obj.double_sided else "single-sided"
        return [
            {
                "name": f"{obj.service.name}: {obj.original_name or 'document'}",
                "detail": f"{obj.pages} pages × {obj.copies} copies, {sides}",
                "amount": money(obj.amount_paise if obj.amount_paise is not None else obj.estimated_paise),
            },
            {"name": "Estimate", "detail": "", "amount": money(obj.estimated_paise)},
            {"name": "Final price", "detail": obj.amount_reason, "amount": money(obj.amount_paise)},
        ]

    case_words = JOB_WORDS
    case_unattributed = (PrintJob.Status.SUBMITTED, PrintJob.Status.PAID)

    def case_notify(self, obj: PrintJob, *, amount_paise: int, cancelled: bool) -> None:
        notifications.print_job_refunded_by_staff(job=obj, amount_paise=amount_paise, cancelled=cancelled)
        notifications.vendor_print_job_refunded_by_staff(job=obj, amount_paise=amount_paise, cancelled=cancelled)
