"""The case file of an order or print job in the admin: who, what, every payment and refund with
its state, a plain-language timeline, and the staff actions (a refund with a reason; cancel, which
is a refund of everything left and so cancels a paid order or job not yet handed over).

`CaseFileAdminMixin` goes on the order's and the print job's ModelAdmin. Each names its payable
and implements `case_lines`, `case_events` and `case_refund` (the one place it calls
`payments.services.payment_refund` and its app's notifications).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _

from accounts.permissions import REFUND_PAYMENT
from core.admin_display import RupeesField, campus_time, money, person, shop_of
from core.errors import ApplicationError

from .models import Payment, Refund
from .services import payment_refund

PAYMENT_WORDS = {
    Payment.Status.CREATED: "opened, not paid",
    Payment.Status.CAPTURED: "paid",
    Payment.Status.FAILED: "failed",
    Payment.Status.PARTIALLY_REFUNDED: "paid, partly refunded",
    Payment.Status.REFUNDED: "refunded",
}
REFUND_WORDS = {
    Refund.Status.PENDING: "sent to Razorpay, not yet confirmed",
    Refund.Status.PROCESSED: "processed: the money is on its way back",
    Refund.Status.FAILED: "failed at Razorpay: the money was not returned",
}


@dataclass(frozen=True)
class Moment:
    at: Any  # an aware datetime
    text: str

    @property
    def when(self) -> str:
        return campus_time(self.at)


def who(user: Any) -> str:
    if user is None:
        return "the system"
    if getattr(user, "is_campus_staff", False):
        return f"{user.name or user.phone} (campus staff)"
    if getattr(user, "role", "") == "vendor":
        return shop_of(user)
    return user.name or user.phone


def payment_rows(payments: list[Payment]) -> list[dict]:
    rows = []
    for payment in payments:
        rows.append(
            {
                "payment": payment,
                "state": PAYMENT_WORDS.get(payment.status, payment.status),
                "amount": money(payment.amount_paise),
                "captured": money(payment.captured_paise),
                "refunded": money(payment.refunded_paise),
                "left": money(payment.refundable_paise),
                "razorpay": payment.razorpay_payment_id or payment.razorpay_order_id or "—",
                "flag": payment.flag_reason if payment.is_flagged else "",
                "at": campus_time(payment.created_at),
                "refunds": [
                    {
                        "refund": refund,
                        "amount": money(refund.amount_paise),
                        "state": REFUND_WORDS.get(refund.status, refund.status),
                        "reason": refund.reason,
                        "by": "automatic" if refund.is_automatic else who(refund.requested_by),
                        "at": campus_time(refund.created_at),
                    }
                    for refund in sorted(payment.refunds.all(), key=lambda r: (r.created_at, r.pk))
                ],
            }
        )
    return rows


def payment_moments(payments: list[Payment]) -> list[Moment]:
    moments = []
    for payment in payments:
        moments.append(Moment(payment.created_at, f"Payment #{payment.pk} of {money(payment.amount_paise)} opened"))
        for event in payment.events.all():
            if event.from_status == event.to_status:
                moments.append(Moment(event.created_at, f"Payment #{payment.pk}: {event.note}"))
                continue
            if event.to_status == Payment.Status.CAPTURED and event.from_status in ("", Payment.Status.CREATED):
                # The note is Razorpay's technical trail (ids, paise): the payment's own row shows those.
                text = f"Payment #{payment.pk}: {money(payment.captured_paise)} captured by Razorpay"
            else:
                text = f"Payment #{payment.pk} {PAYMENT_WORDS.get(event.to_status, event.to_status)}"
                if event.to_status == Payment.Status.FAILED and payment.failure_reason:
                    text += f" ({payment.failure_reason})"
            moments.append(Moment(event.created_at, text))
        for refund in payment.refunds.all():
            by = "automatically" if refund.is_automatic else f"by {who(refund.requested_by)}"
            text = f"Refund #{refund.pk} of {money(refund.amount_paise)} asked {by}"
            moments.append(Moment(refund.created_at, text + (f": {refund.reason}" if refund.reason else "")))
            if refund.status != Refund.Status.PENDING:
                moments.append(
                    Moment(
                        refund.processed_at or refund.updated_at, f"Refund #{refund.pk} {REFUND_WORDS[refund.status]}"
                    )
                )
    return moments


class CaseRefundForm(forms.Form):
    """`refund`: one payment, an amount in rupees (empty: all that is left), a reason.
    `cancel`: every payment's remainder, a reason."""

    mode = forms.ChoiceField(choices=[("refund", "refund"), ("cancel", "cancel")])
    payment = forms.TypedChoiceField(coerce=int, required=False, choices=())
    amount = RupeesField(required=False, label="Amount (₹)", help_text="Empty: everything left on the payment.")
    reason = forms.CharField(max_length=300)
    key = forms.CharField(max_length=64)

    def __init__(self, *args, payments: dict[int, Payment], **kwargs):
        super().__init__(*args, **kwargs)
        self.payments = payments
        self.fields["payment"].choices = [(pk, f"Payment #{pk}") for pk in payments]

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why the money goes back."))
        return reason

    def clean(self):
        cleaned = super().clean()
        if not self.payments:
            raise forms.ValidationError(_("Nothing is left to refund."))
        if cleaned.get("mode") == "cancel":
            cleaned["payment_ids"], cleaned["amount_paise"] = sorted(self.payments), None
            return cleaned
        payment_id = cleaned.get("payment")
        if payment_id not in self.payments:
            raise forms.ValidationError(_("Choose the payment to refund."))
        amount = cleaned.get("amount")
        left = self.payments[payment_id].refundable_paise
        if amount is not None and amount > left:
            raise forms.ValidationError(
                _("At most %(left)s is left to refund on payment #%(payment_id)s.")
                % {"left": money(left), "payment_id": payment_id}
            )
        cleaned["payment_ids"], cleaned["amount_paise"] = [payment_id], amount
        return cleaned


class CaseFileAdminMixin:
    payable: str = ""  # the Payment foreign key's name: "order" or "print_job"
    change_form_template = "admin/case_file.html"

    def case_lines(self, obj) -> list[dict]:
        """What was bought: [{"name", "detail", "amount"}]."""
        raise NotImplementedError

    # Each status in words; the statuses nobody acted on by hand (no "by …": the first and paid).
    case_words: dict[str, str] = {}
    case_unattributed: tuple[str, ...] = ()

    def case_events(self, obj) -> list[Moment]:
        """The payable's own event rows, in words."""
        moments = []
        for event in obj.events.select_related("actor").order_by("created_at", "pk"):
            text = self.case_words.get(event.to_status, event.to_status)
            if event.to_status not in self.case_unattributed:
                text += f" (by {who(event.actor)})"
            # The paid event's reason ("Payment #n captured") is said by the payment's own line.
            reason = event.reason if event.to_status != "paid" else ""
            moments.append(Moment(event.created_at, text + (f": {reason}" if reason else "")))
        return moments

    def case_may_cancel(self, obj) -> bool:
        """Would a refund in full cancel it now (paid, not handed over)?"""
        return obj.status in obj.REFUND_CANCELS_STATUSES

    def case_notify(self, obj, *, amount_paise: int, cancelled: bool) -> None:
        """Text the student and the shop what staff refunded."""
        raise NotImplementedError

    def case_refund(
        self, *, request: HttpRequest, obj, payment_ids: list[int], amount_paise: int | None, reason: str, key: str
    ) -> list[Refund]:
        """The one call into payments' refund service from a case file, then the two texts."""
        refunds = [
            payment_refund(
                payment_id=payment_id,
                amount_paise=amount_paise,
                reason=reason,
                actor=request.user,
                idempotency_key=f"{key}:{payment_id}",
            )
            for payment_id in payment_ids
        ]
        obj.refresh_from_db()
        refunded = sum(refund.amount_paise for refund in refunds)
        self.case_notify(obj, amount_paise=refunded, cancelled=obj.status == "cancelled")
        return refunds

    def case_payments(self, obj) -> list[Payment]:
        return list(
            Payment.objects.filter(**{self.payable: obj})
            .select_related("payer")
            .prefetch_related("refunds__requested_by", "events")
            .order_by("created_at", "pk")
        )

    def case_file_context(self, request: HttpRequest, obj) -> dict:
        payments = self.case_payments(obj)
        refundable = [p for p in payments if p.refundable_paise > 0]
        may_refund = request.user.has_perm(REFUND_PAYMENT) and bool(refundable)
        moments = sorted([*self.case_events(obj), *payment_moments(payments)], key=lambda m: m.at)
        return {
            "case": {
                "kind": obj._meta.verbose_name.capitalize(),
                "shop": shop_of(obj.vendor),
                "vendor_phone": obj.vendor.phone,
                "student": person(obj.student),
                "status": obj.get_status_display(),
                "reason": obj.reason,
                "created": campus_time(obj.created_at),
                "lines": self.case_lines(obj),
                "payments": payment_rows(payments),
                "timeline": moments,
                "refundable": [(p.pk, f"Payment #{p.pk} · {money(p.refundable_paise)} left") for p in refundable],
                "refundable_total": money(sum(p.refundable_paise for p in refundable)),
                "may_refund": may_refund,
                "may_cancel": may_refund and self.case_may_cancel(obj),
                "key": secrets.token_urlsafe(24),
                "action_url": reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_case_refund", args=[obj.pk]),
            }
        }

    def change_view(self, request: HttpRequest, object_id, form_url="", extra_context=None):
        context = dict(extra_context or {})
        obj = self.get_object(request, object_id)
        if obj is not None and self.has_view_permission(request, obj):
            context.update(self.case_file_context(request, obj))
        return super().change_view(request, object_id, form_url, context)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<int:object_id>/case-refund/",
                self.admin_site.admin_view(self.case_refund_view),
                name="{}_{}_case_refund".format(*info),
            ),
            *super().get_urls(),
        ]

    def case_refund_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """POST: a refund, or (`mode=cancel`) a refund of everything left, which cancels it."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm(REFUND_PAYMENT):
            raise PermissionDenied
        obj = get_object_or_404(self.model, pk=object_id)
        change_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
        payments = {p.pk: p for p in self.case_payments(obj) if p.refundable_paise > 0}
        form = CaseRefundForm(request.POST, payments=payments)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    self.message_user(request, f"Nothing refunded: {error}", messages.ERROR)
            return HttpResponseRedirect(change_url)
        data = form.cleaned_data
        try:
            refunds = self.case_refund(
                request=request,
                obj=obj,
                payment_ids=data["payment_ids"],
                amount_paise=data["amount_paise"],
                reason=data["reason"],
                key=data["key"],
            )
        except ApplicationError as exc:
            self.message_user(request, f"Refund refused: {exc.message}", messages.ERROR)
            return HttpResponseRedirect(change_url)
        obj.refresh_from_db()
        done = ", ".join(f"refund #{refund.pk} {refund.status}" for refund in refunds)
        self.message_user(
            request,
            f"Refunded {money(sum(r.amount_paise for r in refunds))} ({done}). {obj} is now "
            f"{obj.get_status_display().lower()}; the student and the shop were told by SMS.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(change_url)
