"""Payments in the admin: read-only records (changes happen only through services), with a
refund action that goes through `payment_refund` like the staff API."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.permissions import REFUND_PAYMENT
from core.admin_mixins import ReadOnlyAdminMixin, ReadOnlyTabularInline
from core.errors import ApplicationError

from . import services
from .models import Payment, PaymentEvent, Refund, WebhookEvent


class PaymentEventInline(ReadOnlyTabularInline):
    model = PaymentEvent
    fields = ["created_at", "from_status", "to_status", "source", "actor", "note"]
    readonly_fields = fields


class RefundInline(ReadOnlyTabularInline):
    model = Refund
    fields = ["created_at", "amount_paise", "status", "razorpay_refund_id", "reason", "is_automatic", "requested_by"]
    readonly_fields = fields
    show_change_link = True


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "id",
        "status",
        "amount_paise",
        "captured_paise",
        "refunded_paise",
        "payer",
        "order",
        "print_job",
        "is_flagged",
        "razorpay_order_id",
        "created_at",
    ]
    list_filter = ["status", "is_flagged", "created_at"]
    search_fields = ["=id", "razorpay_order_id", "razorpay_payment_id", "payer__phone"]
    list_select_related = ["payer"]
    readonly_fields = [field.name for field in Payment._meta.fields]
    inlines = [PaymentEventInline, RefundInline]
    actions = ["refund_in_full"]
    date_hierarchy = "created_at"

    def has_refund_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(REFUND_PAYMENT)

    @admin.action(description="Refund what is left of the selected payments, in full", permissions=["refund"])
    def refund_in_full(self, request: HttpRequest, queryset: QuerySet[Payment]) -> None:
        done = 0
        for payment in queryset.order_by("pk"):
            if payment.refundable_paise < 1:
                continue
            try:
                refund = services.payment_refund(
                    payment_id=payment.pk,
                    amount_paise=None,
                    reason=f"Refunded by {request.user} from the admin",
                    actor=request.user,
                )
            except ApplicationError as exc:
                self.message_user(request, f"Payment #{payment.pk}: {exc.message}", messages.ERROR)
                continue
            done += 1
            self.message_user(
                request,
                f"Payment #{payment.pk}: refund #{refund.pk} of {refund.amount_paise} paise is {refund.status}.",
            )
        if not done:
            self.message_user(request, "Nothing was left to refund on the selected payments.", messages.WARNING)


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "payment", "amount_paise", "status", "razorpay_refund_id", "is_automatic", "created_at"]
    list_filter = ["status", "is_automatic", "created_at"]
    search_fields = ["=id", "razorpay_refund_id", "payment__razorpay_payment_id"]
    readonly_fields = [field.name for field in Refund._meta.fields]
    actions = ["recheck"]

    def has_refund_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(REFUND_PAYMENT)

    @admin.action(
        description="Send again / re-check the selected pending refunds with Razorpay", permissions=["refund"]
    )
    def recheck(self, request: HttpRequest, queryset: QuerySet[Refund]) -> None:
        for refund in queryset.filter(status=Refund.Status.PENDING).order_by("pk"):
            try:
                refund = services.refund_recheck(refund_id=refund.pk)
            except ApplicationError as exc:
                self.message_user(request, f"Refund #{refund.pk}: {exc.message}", messages.ERROR)
                continue
            self.message_user(request, f"Refund #{refund.pk} is {refund.status}.")


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["event_id", "event_type", "received_at", "processed_at", "result"]
    list_filter = ["event_type", "received_at"]
    search_fields = ["event_id", "body"]
    readonly_fields = [field.name for field in WebhookEvent._meta.fields]
