"""Print jobs in the Django admin: read-only views with filters and their event trail.

Staff look; they do not move jobs by hand (status changes go through the services,
driven by the student, the vendor and payments).
"""

from django.contrib import admin
from django.utils import timezone

from core.admin_mixins import ReadOnlyTabularInline

from .models import PrintJob, PrintJobEvent


class PrintJobEventInline(ReadOnlyTabularInline):
    model = PrintJobEvent
    fields = ("created_at", "from_status", "to_status", "actor", "reason")
    readonly_fields = fields
    ordering = ("created_at", "id")


@admin.register(PrintJob)
class PrintJobAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "status",
        "student",
        "vendor",
        "service",
        "pages",
        "copies",
        "double_sided",
        "estimated_paise",
        "amount_paise",
        "is_paid",
        "created_at",
    )
    list_filter = (
        "status",
        "double_sided",
        "service__unit",
        "service__is_colour",
        ("vendor", admin.RelatedOnlyFieldListFilter),
        ("paid_at", admin.EmptyFieldListFilter),
        ("file_deleted_at", admin.EmptyFieldListFilter),
        "created_at",
    )
    search_fields = ("=id", "student__phone", "student__name", "vendor__phone", "vendor__shop__name", "original_name")
    list_select_related = ("student", "vendor", "service")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    inlines = (PrintJobEventInline,)
    readonly_fields = (
        *(field.name for field in PrintJob._meta.fields if field.name != "file"),
        "is_paid",
        "stored_file",
    )
    fieldsets = (
        (None, {"fields": ("id", "status", "student", "vendor", "service", "reason")}),
        ("Document", {"fields": ("original_name", "stored_file", "pages", "copies", "double_sided", "note")}),
        ("Money", {"fields": ("estimated_paise", "amount_paise", "is_paid", "paid_at")}),
        ("Times", {"fields": ("created_at", "updated_at", "ended_at", "file_deleted_at")}),
    )

    @admin.display(boolean=True, description="paid")
    def is_paid(self, obj: PrintJob) -> bool:
        return obj.is_paid

    @admin.display(description="stored file")
    def stored_file(self, obj: PrintJob) -> str:
        # Never a link: uploads are not served from a public URL, only by the API to the job's student and vendor.
        if obj.is_file_available:
            return f"stored ({obj.file.name})"
        if obj.file_deleted_at:
            return f"deleted {timezone.localtime(obj.file_deleted_at):%Y-%m-%d %H:%M}"
        return "none"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # Viewing is allowed through the view permission; nothing here is editable.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
