"""Payments in the admin: read-only records (changes happen only through services), with a
refund action that goes through `payment_refund` like the staff API."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from accounts.permissions import REFUND_PAYMENT
from core.admin_mixins import ReadOnlyAdminMixin, ReadOnlyTabularInline
from core.errors import ApplicationError

from . import payables, services
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
    readonly_fields = ["refund_link", *[field.name for field in Payment._meta.fields]]
    inlines = [PaymentEventInline, RefundInline]
    actions = ["refund_in_full"]
    date_hierarchy = "created_at"

    def has_refund_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(REFUND_PAYMENT)

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields if self.has_refund_permission(request) else [f for f in fields if f != "refund_link"]

    def get_fields(self, request: HttpRequest, obj=None):
        return self.get_readonly_fields(request, obj)

    @admin.display(description="Refund")
    def refund_link(self, payment: Payment) -> str:
        if payment.refundable_paise < 1:
            return "Nothing left to refund"
        url = reverse("admin:payments_payment_refund", args=[payment.pk])
        return format_html('<a class="button" href="{}">Refund…</a>', url)

    @admin.action(description="Refund one payment… (asks amount and reason)", permissions=["refund"])
    def refund_in_full(self, request: HttpRequest, queryset: QuerySet[Payment]) -> HttpResponse | None:
        """One payment at a time, through its confirmation page: never many refunds in one click."""
        chosen = list(queryset.values_list("pk", flat=True)[:2])
        if len(chosen) != 1:
            self.message_user(
                request, "Refunds are made one payment at a time: select exactly one payment.", messages.WARNING
            )
            return None
        return HttpResponseRedirect(reverse("admin:payments_payment_refund", args=[chosen[0]]))

    def get_urls(self):
        return [
            path(
                "<int:object_id>/refund/",
                self.admin_site.admin_view(self.refund_view),
                name="payments_payment_refund",
            ),
            *super().get_urls(),
        ]

    def refund_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """The confirmation page of one refund: amount in rupees (default what is left), a required
        reason, the order or print job it belongs to. Submitting calls `payment_refund` like the API
        (a refund in full cancels a live payable); a hidden one-time key makes a double submit refund once."""
        if not self.has_refund_permission(request):
            raise PermissionDenied
        payment = get_object_or_404(Payment, pk=object_id)
        change_url = reverse("admin:payments_payment_change", args=[payment.pk])
        if request.method == "POST":
            form = RefundForm(request.POST, refundable_paise=payment.refundable_paise)
            if form.is_valid():
                try:
                    refund = services.payment_refund(
                        payment_id=payment.pk,
                        amount_paise=form.cleaned_data["amount_paise"],
                        reason=form.cleaned_data["reason"],
                        actor=request.user,
                        idempotency_key=form.cleaned_data["key"],
                    )
                except ApplicationError as exc:
                    form.add_error(None, exc.message)
                else:
                    self.message_user(
                        request,
                        f"Refund #{refund.pk} of ₹{Decimal(refund.amount_paise) / 100:.2f} is {refund.status}.",
                    )
                    return HttpResponseRedirect(change_url)
        else:
            form = RefundForm(
                initial={"amount": f"{Decimal(payment.refundable_paise) / 100:.2f}", "key": secrets.token_urlsafe(24)},
                refundable_paise=payment.refundable_paise,
            )
        try:
            payable_type, obj = payables.of_payment(payment)
            belongs_to = f"{payable_type.describe(obj)} ({obj.get_status_display().lower()})"
        except LookupError:
            belongs_to = "—"
        context = {
            **self.admin_site.each_context(request),
            "title": f"Refund payment #{payment.pk}",
            "opts": self.model._meta,
            "payment": payment,
            "belongs_to": belongs_to,
            "refundable_rupees": f"{Decimal(payment.refundable_paise) / 100:.2f}",
            "captured_rupees": f"{Decimal(payment.captured_paise) / 100:.2f}",
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/payments/refund_confirm.html", context)


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        label="Amount (₹)", max_digits=12, decimal_places=2, min_value=Decimal("0.01"), help_text="In rupees."
    )
    reason = forms.CharField(label="Reason", max_length=300, help_text="Required: why the money goes back.")
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, refundable_paise: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.refundable_paise = refundable_paise

    def clean_reason(self) -> str:
        reason = (self.cleaned_data.get("reason") or "").strip()
        if not reason:
            raise forms.ValidationError("Say why the money goes back.")
        return reason

    def clean(self):
        cleaned = super().clean()
        amount = cleaned.get("amount")
        if amount is not None:
            paise = int(amount * 100)
            if paise > self.refundable_paise:
                self.add_error("amount", f"At most ₹{Decimal(self.refundable_paise) / 100:.2f} is left to refund.")
            cleaned["amount_paise"] = paise
        return cleaned


class FailedNotRetriedFilter(admin.SimpleListFilter):
    """Failed refunds nobody has retried yet: the staff's to-do list (each one is also logged at ERROR)."""

    title = "needs staff"
    parameter_name = "needs_staff"

    def lookups(self, request, model_admin):
        return [("failed", "Failed, not retried")]

    def queryset(self, request, queryset):
        if self.value() == "failed":
            return queryset.filter(status=Refund.Status.FAILED, retried_by__isnull=True)
        return queryset


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "payment", "amount_paise", "status", "razorpay_refund_id", "is_automatic", "created_at"]
    list_filter = [FailedNotRetriedFilter, "status", "is_automatic", "created_at"]
    search_fields = ["=id", "razorpay_refund_id", "payment__razorpay_payment_id"]
    readonly_fields = [field.name for field in Refund._meta.fields]
    actions = ["recheck", "retry_failed"]

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

    @admin.action(description="Retry the selected failed refunds", permissions=["refund"])
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[Refund]) -> None:
        for failed in queryset.order_by("pk"):
            try:
                refund = services.refund_retry(refund_id=failed.pk, actor=request.user)
            except ApplicationError as exc:
                self.message_user(request, f"Refund #{failed.pk}: {exc.message}", messages.ERROR)
                continue
            self.message_user(request, f"Refund #{failed.pk} retried as refund #{refund.pk}.")


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["event_id", "event_type", "received_at", "processed_at", "result"]
    list_filter = ["event_type", "received_at"]
    search_fields = ["event_id", "body"]
    readonly_fields = [field.name for field in WebhookEvent._meta.fields]
