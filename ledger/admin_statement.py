"""A vendor's statement in the admin, in words: what the campus owes the shop, what moved its
balance in the period (from `payments.statement.vendor_statement`, the same rows as the API),
its payout history, and the same CSV export as `GET /api/v1/ledger/statement?format=csv`.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import VIEW_LEDGER_ENTRY
from catalog.models import Shop
from core.admin_display import campus_time, money, person
from payments import statement

from . import chart
from .models import Entry, Transaction

PAYOUT_HISTORY = 50


def _row_words(row: dict) -> str:
    """One statement row as staff say it."""
    what = f"order #{row['order']}" if row["order"] else (f"print job #{row['print_job']}" if row["print_job"] else "")
    type_ = row["type"]
    if type_ == statement.CAPTURE:
        paid = f"Paid by the student for {what}" if what else "Paid by a student"
        return paid + (f" (payment #{row['payment']})" if row["payment"] else "")
    if type_ == statement.FEE:
        return (
            f"Platform fee on {what or 'the payment'}"
            if row["amount_paise"] < 0
            else f"Platform fee given back on {what}"
        )
    if type_ == statement.REFUND:
        return f"Refund #{row['refund']} to the student for {what} ({row['refund_status']})"
    if type_ == statement.REFUND_REVERSAL:
        return f"Refund #{row['refund']} failed at Razorpay: the money came back"
    if type_ == statement.RELEASE:
        return f"{what.capitalize() or 'Money'} completed: now available to pay out"
    if type_ == statement.PAYOUT:
        return "Paid out to the shop's bank" + (f" ({row['memo']})" if row["memo"] else "")
    return "Adjustment" + (f": {row['memo']}" if row["memo"] else "")


def owed_in_words(shop: str, balance_paise: int) -> str:
    """`Owed to Annapurna Canteen ₹200.00`, `Nothing is owed to …`, or `… owes the campus ₹5.00`."""
    if balance_paise > 0:
        return f"Owed to {shop} {money(balance_paise)}"
    if balance_paise < 0:
        return f"{shop} owes the campus {money(-balance_paise)}"
    return f"Nothing is owed to {shop}"


class StatementForm(forms.Form):
    vendor = forms.TypedChoiceField(coerce=int, label="Shop")
    date_from = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vendor"].choices = list(Shop.objects.order_by("name").values_list("vendor_id", "name"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end:
            if start > end:
                raise forms.ValidationError(_("The period starts after it ends."))
            if (end - start).days >= statement.MAX_DAYS:
                raise forms.ValidationError(f"At most {statement.MAX_DAYS} days at a time.")
        return cleaned


def payout_history(vendor_id: int) -> list[dict]:
    payable = chart.vendor_payable(vendor_id)
    payouts = (
        Transaction.objects.filter(kind=Transaction.Kind.PAYOUT, entries__account__code=payable)
        .select_related("actor")
        .order_by("-created_at", "-pk")[:PAYOUT_HISTORY]
    )
    amounts = dict(
        Entry.objects.filter(transaction__in=[t.pk for t in payouts], account__code=payable).values_list(
            "transaction_id", "amount_paise"
        )
    )
    return [
        {
            "at": campus_time(txn.created_at),
            "amount": money(amounts.get(txn.pk, 0)),
            "memo": txn.memo or "—",
            "by": person(txn.actor),
        }
        for txn in payouts
    ]


def statement_view(model_admin, request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(VIEW_LEDGER_ENTRY):
        raise PermissionDenied
    today = timezone.localdate()
    data = request.GET if "vendor" in request.GET else None
    form = StatementForm(data, initial={"date_from": today.replace(day=1), "date_to": today})
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Vendor statement",
        "form": form,
    }
    if data is not None and form.is_valid():
        vendor_id = form.cleaned_data["vendor"]
        start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        found = statement.vendor_statement(vendor_id=vendor_id, date_from=start, date_to=end)
        if request.GET.get("format") == "csv":
            response = HttpResponse(statement.statement_csv(found), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = (
                f'attachment; filename="statement-{vendor_id}-{start:%Y%m%d}-{end:%Y%m%d}.csv"'
            )
            return response
        vendor = User.objects.select_related("shop").get(pk=vendor_id)
        shop = vendor.shop.name
        closing, opening, totals = found["closing"], found["opening"], found["totals"]
        context.update(
            title=f"Statement of {shop}",
            shop=shop,
            period=f"{start:%d %b %Y} to {end:%d %b %Y}",
            owed=owed_in_words(shop, closing["balance_paise"]),
            available=money(closing["available_paise"]),
            pending=money(closing["pending_paise"]),
            opening=owed_in_words(shop, opening["balance_paise"]),
            totals=[
                ("Paid by students", money(totals["gross_paise"])),
                ("Refunded to students", money(totals["refunds_processed_paise"])),
                ("Refunds on their way", money(totals["refunds_pending_paise"])),
                ("Refunds that failed (money back with the shop)", money(totals["refunds_delayed_paise"])),
                ("Platform fees", money(totals["fees_paise"])),
                ("Paid out to the shop", money(totals["paid_out_paise"])),
            ],
            rows=[
                {
                    "at": campus_time(row["at"]),
                    "what": _row_words(row),
                    "amount": money(row["amount_paise"]),
                    "balance": money(row["balance_paise"]),
                }
                for row in found["rows"]
            ],
            payouts=payout_history(vendor_id),
            csv_query=f"vendor={vendor_id}&date_from={start:%Y-%m-%d}&date_to={end:%Y-%m-%d}&format=csv",
        )
    return TemplateResponse(request, "admin/ledger/statement.html", context)
