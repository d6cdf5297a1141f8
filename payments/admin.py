"""Payments in the admin: read-only records (changes happen only through services), with a
refund action that goes through `payment_refund` like the staff API."""

from __future__ import annotations

import secrets

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from accounts.permissions import REFUND_PAYMENT
from campus import office
from core.admin_display import RupeesField, money, money_column, person, time_column
from core.admin_mixins import ReadOnlyAdminMixin, ReadOnlyTabularInline
from core.errors import ApplicationError

from . import payables, services
from .models import Payment, PaymentEvent, Refund, WebhookEvent


class PaymentEventInline(ReadOnlyTabularInline):
    model = PaymentEvent
    fields = ["when", "from_status", "to_status", "source", "actor", "note"]
    readonly_fields = fields
    when = time_column("created_at", "when")


class RefundInline(ReadOnlyTabularInline):
    model = Refund
    fields = ["when", "amount", "status", "razorpay_refund_id", "reason", "is_automatic", "requested_by"]
    readonly_fields = fields
    show_change_link = True
    when = time_column("created_at", "when")
    amount = money_column("amount_paise", "amount")


class PaymentTodoFilter(admin.SimpleListFilter):
    """The home page's flagged-payment to-dos (campus.office.FLAG_KINDS)."""

    title = "to do"
    parameter_name = "todo"

    def lookups(self, request, model_admin):
        return [(kind, f"Flagged: {label}") for kind, (label, _) in office.FLAG_KINDS.items()]

    def queryset(self, request, queryset):
        if self.value() in office.FLAG_KINDS:
            return office.payments_flagged(self.value(), queryset)
        return queryset


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "id",
        "status",
        "amount",
        "captured",
        "refunded",
        "payer_name",
        "order",
        "print_job",
        "is_flagged",
        "razorpay_order_id",
        "opened",
    ]
    list_filter = [PaymentTodoFilter, "status", "is_flagged", "created_at"]
    search_fields = ["=id", "razorpay_order_id", "razorpay_payment_id", "payer__phone", "payer__name"]
    list_select_related = ["payer", "order", "print_job"]
    # Money in rupees and times in campus time; the raw paise and UTC fields stay out of the page.
    readonly_fields = [
        "refund_link",
        "id",
        "status",
        "payer_name",
        "order",
        "print_job",
        "amount",
        "captured",
        "refunded",
        "platform_fee",
        "gateway_fee",
        "gateway_tax",
        "currency",
        "razorpay_order_id",
        "razorpay_payment_id",
        "is_flagged",
        "flag_reason",
        "failure_reason",
        "opened",
        "captured_time",
        "released_time",
        "changed",
    ]
    inlines = [PaymentEventInline, RefundInline]
    actions = ["refund_in_full"]
    date_hierarchy = "created_at"
    amount = money_column("amount_paise", "amount")
    captured = money_column("captured_paise", "captured")
    refunded = money_column("refunded_paise", "refunded")
    opened = time_column("created_at", "opened")
    platform_fee = money_column("platform_fee_paise", "platform fee")
    gateway_fee = money_column("gateway_fee_paise", "Razorpay fee")
    gateway_tax = money_column("gateway_tax_paise", "GST on the Razorpay fee")
    captured_time = time_column("captured_at", "captured at")
    released_time = time_column("released_at", "released to the vendor at")
    changed = time_column("updated_at", "last changed")

    @admin.display(description="payer", ordering="payer__name")
    def payer_name(self, payment: Payment) -> str:
        return person(payment.payer)

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
                        request, f"Refund #{refund.pk} of {money(refund.amount_paise)} is {refund.status}."
                    )
                    return HttpResponseRedirect(change_url)
        else:
            form = RefundForm(
                initial={"amount": payment.refundable_paise, "key": secrets.token_urlsafe(24)},
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
            "refundable_rupees": money(payment.refundable_paise),
            "captured_rupees": money(payment.captured_paise),
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/payments/refund_confirm.html", context)


class RefundForm(forms.Form):
    amount = RupeesField(label="Amount (₹)", help_text="In rupees, e.g. 120.50 (at most two decimals).")
    reason = forms.CharField(label="Reason", max_length=300, help_text="Required: why the money goes back.")
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, refundable_paise: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.refundable_paise = refundable_paise

    def clean_reason(self) -> str:
        reason = (self.cleaned_data.get("reason") or "").strip()
        if not reason:
            raise forms.ValidationError(_("Say why the money goes back."))
        return reason

    def clean(self):
        cleaned = super().clean()
        paise = cleaned.get("amount")
        if paise is not None:
            if paise > self.refundable_paise:
                self.add_error("amount", f"At most {money(self.refundable_paise)} is left to refund.")
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


class RefundTodoFilter(admin.SimpleListFilter):
    """The home page's delayed refunds (campus.office.refunds_delayed)."""

    title = "to do"
    parameter_name = "todo"

    def lookups(self, request, model_admin):
        return [("delayed", f"Delayed (failed, or pending over {office.REFUND_DELAYED_HOURS} h)")]

    def queryset(self, request, queryset):
        return office.refunds_delayed(queryset) if self.value() == "delayed" else queryset


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "payment", "amount", "status", "razorpay_refund_id", "is_automatic", "asked"]
    list_filter = [RefundTodoFilter, FailedNotRetriedFilter, "status", "is_automatic", "created_at"]
    search_fields = ["=id", "razorpay_refund_id", "payment__razorpay_payment_id"]
    readonly_fields = [
        {"amount_paise": "amount", "created_at": "asked", "updated_at": "changed", "processed_at": "processed"}.get(
            field.name, field.name
        )
        for field in Refund._meta.fields
    ]
    actions = ["recheck", "retry_failed"]
    amount = money_column("amount_paise", "amount")
    asked = time_column("created_at", "asked")
    changed = time_column("updated_at", "last changed")
    processed = time_column("processed_at", "processed at")

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


class WebhookEventTodoFilter(admin.SimpleListFilter):
    """Events stored and not applied yet: pending (a worker has them, or the sweep will) or failed (replay)."""

    title = "to do"
    parameter_name = "todo"

    def lookups(self, request, model_admin):
        return [("unapplied", "Not applied (pending or failed)")]

    def queryset(self, request, queryset):
        if self.value() == "unapplied":
            return queryset.exclude(status=WebhookEvent.Status.APPLIED)
        return queryset


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every stored Razorpay event: whether a worker has applied it, its attempts and last error.
    Replaying moves money like a refund does, so it needs the refund permission."""

    list_display = ["event_id", "event_type", "status", "received", "processed", "attempts", "last_error", "result"]
    list_filter = [WebhookEventTodoFilter, "status", "event_type", "received_at"]
    search_fields = ["event_id", "body"]
    readonly_fields = [
        {"received_at": "received", "processed_at": "processed", "last_attempt_at": "last_attempt"}.get(
            field.name, field.name
        )
        for field in WebhookEvent._meta.fields
    ]
    actions = ["replay"]
    received = time_column("received_at", "received")
    processed = time_column("processed_at", "processed")
    last_attempt = time_column("last_attempt_at", "last attempt")

    def has_refund_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(REFUND_PAYMENT)

    @admin.action(description="Apply the selected events again (failed or pending)", permissions=["refund"])
    def replay(self, request: HttpRequest, queryset: QuerySet[WebhookEvent]) -> None:
        queued = services.webhooks_replay(webhook_event_ids=list(queryset.values_list("pk", flat=True)))
        skipped = queryset.count() - len(queued)
        self.message_user(request, f"{len(queued)} events queued to apply again; a worker applies them.")
        if skipped:
            self.message_user(request, f"{skipped} already applied, left alone.", messages.WARNING)
