"""Staff look at slots and orders here. Order statuses change only through the services (the API)."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from core.admin_mixins import ReadOnlyTabularInline

from .models import Order, OrderEvent, OrderItem, Slot


class OrderItemInline(ReadOnlyTabularInline):
    model = OrderItem
    fields = ["menu_item", "name", "unit_price_paise", "quantity", "line_total_paise"]
    readonly_fields = fields


class OrderEventInline(ReadOnlyTabularInline):
    model = OrderEvent
    fields = ["created_at", "from_status", "to_status", "actor", "reason"]
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["id", "status", "vendor", "student", "slot", "total_paise", "created_at"]
    list_filter = ["status", "vendor", ("slot__starts_at", admin.DateFieldListFilter)]
    search_fields = ["student__phone", "vendor__phone", "student__name"]
    search_help_text = "#123 for order 123; or digits of a phone number, or a name."
    list_select_related = ["vendor", "student", "slot"]
    date_hierarchy = "created_at"
    inlines = [OrderItemInline, OrderEventInline]
    # View only. The pickup code is left out: staff never need it, and it is the student's proof.
    fields = [
        "student",
        "vendor",
        "slot",
        "status",
        "total_paise",
        "note",
        "payment_due_by",
        "paid_at",
        "reason",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        term = search_term.strip()
        if term.startswith("#") and term[1:].isdigit():
            return queryset.filter(pk=int(term[1:])), False
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if term.isdigit():  # a bare number may be an order id as well as part of a phone
            results |= queryset.filter(pk=int(term))
        return results, may_have_duplicates

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ["id", "vendor", "starts_at", "ends_at", "capacity", "reserved", "is_active", "is_deleted"]
    list_filter = ["is_active", "is_deleted", "vendor", ("starts_at", admin.DateFieldListFilter)]
    search_fields = ["vendor__phone", "vendor__name"]
    list_select_related = ["vendor"]
    # Staff may close a slot; everything else belongs to the vendor, and `reserved`
    # (the count of live orders) only the services move.
    fields = ["vendor", "starts_at", "ends_at", "capacity", "reserved", "is_active", "is_deleted", "created_at"]
    readonly_fields = ["vendor", "starts_at", "ends_at", "capacity", "reserved", "is_deleted", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
