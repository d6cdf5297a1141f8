"""Staff look at slots and orders here. An order's page is its case file (payments.admin_case_file):
the shop, the student, the lines, every payment and refund, a timeline, and the refund and cancel
actions, which go through payments' refund service and tell the student and the shop."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from campus import office
from catalog.admin import shop_filter
from core.admin_display import campus_span, money, money_column, person, shop_column, time_column
from core.admin_mixins import ReadOnlyTabularInline
from payments.admin_case_file import CaseFileAdminMixin

from . import notifications
from .models import Closure, Order, OrderEvent, OrderItem, Slot, SlotSchedule

ORDER_WORDS = {
    Order.Status.PENDING_PAYMENT: "Placed by the student, waiting for payment",
    Order.Status.PAID: "Paid",
    Order.Status.ACCEPTED: "Accepted by the shop",
    Order.Status.READY: "Ready for pickup",
    Order.Status.UNCLAIMED: "Not collected in time: still at the counter, no refund",
    Order.Status.COMPLETED: "Collected: the pickup code was checked at the counter",
    Order.Status.CANCELLED: "Cancelled",
    Order.Status.REJECTED: "Rejected by the shop",
    Order.Status.EXPIRED: "Expired: not paid in time",
}


class OrderItemInline(ReadOnlyTabularInline):
    model = OrderItem
    fields = ["name", "unit_price", "quantity", "line_total"]
    readonly_fields = fields
    unit_price = money_column("unit_price_paise", "unit price")
    line_total = money_column("line_total_paise", "line total")


class OrderEventInline(ReadOnlyTabularInline):
    model = OrderEvent
    fields = ["when", "from_status", "to_status", "actor", "reason"]
    readonly_fields = fields
    when = time_column("created_at", "when")


class OrderTodoFilter(admin.SimpleListFilter):
    """The home page's order to-dos (campus.office), so a count and its list agree."""

    title = "to do"
    parameter_name = "todo"

    def lookups(self, request, model_admin):
        return [
            ("waiting", f"Paid, not accepted after {office.PAID_WAITING_MINUTES} min"),
            ("unclaimed", "Unclaimed today"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return office.orders_waiting_too_long(queryset)
        if self.value() == "unclaimed":
            return office.orders_unclaimed_today(queryset)
        return queryset


@admin.register(Order)
class OrderAdmin(CaseFileAdminMixin, admin.ModelAdmin):
    payable = "order"
    list_display = ["id", "status", "shop", "student_name", "pickup", "total", "placed"]
    list_filter = [
        OrderTodoFilter,
        "status",
        shop_filter(vendor_type="food"),
        ("slot__starts_at", admin.DateFieldListFilter),
    ]
    search_fields = ["student__phone", "vendor__phone", "student__name", "vendor__shop__name"]
    search_help_text = "8 or #8 for order 8; or digits of a phone number, a name or a shop."
    list_select_related = ["vendor__shop", "student", "slot"]
    date_hierarchy = "created_at"
    inlines = [OrderItemInline, OrderEventInline]
    # View only. The pickup code is left out: staff never need it, and it is the student's proof.
    readonly_fields = [
        "student_name",
        "shop",
        "pickup",
        "status",
        "total",
        "note",
        "pay_by",
        "paid",
        "reason",
        "placed",
    ]
    fieldsets = [("The stored record", {"fields": readonly_fields, "classes": ["collapse"]})]
    shop = shop_column()
    total = money_column("total_paise", "total")
    placed = time_column("created_at", "placed")
    pay_by = time_column("payment_due_by", "payment due by")
    paid = time_column("paid_at", "paid at")

    @admin.display(description="student", ordering="student__name")
    def student_name(self, order: Order) -> str:
        return person(order.student)

    @admin.display(description="pickup (campus time)", ordering="slot__starts_at")
    def pickup(self, order: Order) -> str:
        return campus_span(order.slot.starts_at, order.slot.ends_at)

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        term = search_term.strip()
        if term.startswith("#") and term[1:].strip().isdigit():
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

    # --- the case file ---

    def case_file_context(self, request, obj):
        context = super().case_file_context(request, obj)
        context["case"]["pickup"] = self.pickup(obj)
        return context

    def case_lines(self, obj: Order) -> list[dict]:
        lines = [
            {
                "name": item.name,
                "detail": f"{item.quantity} × {money(item.unit_price_paise)}",
                "amount": money(item.line_total_paise),
            }
            for item in obj.items.order_by("pk")
        ]
        return [*lines, {"name": "Total", "detail": obj.note and f"Note: {obj.note}", "amount": money(obj.total_paise)}]

    case_words = ORDER_WORDS
    case_unattributed = (Order.Status.PENDING_PAYMENT, Order.Status.PAID)

    def case_notify(self, obj: Order, *, amount_paise: int, cancelled: bool) -> None:
        notifications.order_refunded_by_staff(order=obj, amount_paise=amount_paise, cancelled=cancelled)
        notifications.vendor_order_refunded_by_staff(order=obj, amount_paise=amount_paise, cancelled=cancelled)


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ["id", "shop", "times", "capacity", "reserved", "units", "is_active", "is_deleted"]
    list_filter = ["is_active", "is_deleted", shop_filter(vendor_type="food"), ("starts_at", admin.DateFieldListFilter)]
    search_fields = ["vendor__phone", "vendor__name", "vendor__shop__name"]
    list_select_related = ["vendor__shop"]
    # Staff may close a slot; everything else belongs to the vendor, and `reserved`
    # (the count of live orders) only the services move.
    fields = ["shop", "times", "capacity", "reserved", "units", "is_active", "is_deleted", "created"]
    readonly_fields = ["shop", "times", "capacity", "reserved", "units", "is_deleted", "created"]
    shop = shop_column()
    created = time_column("created_at", "created")

    @admin.display(description="when (campus time)", ordering="starts_at")
    def times(self, slot: Slot) -> str:
        return campus_span(slot.starts_at, slot.ends_at)

    @admin.display(description="kitchen units (taken / cap)")
    def units(self, slot: Slot) -> str:
        return "no cap" if slot.capacity_units is None else f"{slot.reserved_units} / {slot.capacity_units}"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


WEEKDAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


class _VendorOwnedAdmin(admin.ModelAdmin):
    """The vendor's own kitchen plan, shown to staff as it is: only the vendor's dashboard (through
    ordering's services, which make the slots again) changes it."""

    list_select_related = ["vendor__shop"]
    search_fields = ["vendor__phone", "vendor__name", "vendor__shop__name"]
    shop = shop_column()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(SlotSchedule)
class SlotScheduleAdmin(_VendorOwnedAdmin):
    list_display = ["id", "shop", "days", "hours", "slot_minutes", "capacity", "capacity_units", "is_active"]
    list_filter = ["is_active", shop_filter(vendor_type="food")]
    fields = ["shop", "days", "hours", "slot_minutes", "capacity", "capacity_units", "is_active"]
    readonly_fields = fields

    @admin.display(description="weekdays")
    def days(self, schedule: SlotSchedule) -> str:
        return ", ".join(WEEKDAY_NAMES[day] for day in sorted(schedule.weekdays))

    @admin.display(description="hours (campus time)")
    def hours(self, schedule: SlotSchedule) -> str:
        return f"{schedule.first_start:%H:%M}–{schedule.last_end:%H:%M}"


@admin.register(Closure)
class ClosureAdmin(_VendorOwnedAdmin):
    list_display = ["date", "shop", "reason"]
    list_filter = [shop_filter(vendor_type="food"), ("date", admin.DateFieldListFilter)]
    fields = ["shop", "date", "reason"]
    readonly_fields = fields
    ordering = ["-date"]
