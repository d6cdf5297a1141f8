"""The ledger in the admin: read-only accounts (with balances) and transactions (with entries),
and the one write staff make here, a vendor payout, through `ledger_payout`."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from accounts.permissions import RECORD_PAYOUT as PAYOUT_PERMISSION  # the same permission as in the API
from core.admin_mixins import ReadOnlyAdminMixin, ReadOnlyTabularInline
from core.money import rupees

from . import selectors
from .errors import LedgerError
from .models import Account, Entry, Transaction
from .services import ledger_payout


class PayoutForm(forms.Form):
    amount_paise = forms.IntegerField(min_value=1, label="Amount (paise)")
    memo = forms.CharField(max_length=300, required=False, help_text="e.g. the bank transfer's UTR number")
    # Generated when the form is shown, so submitting the same form twice pays out once.
    reference = forms.CharField(max_length=100, widget=forms.HiddenInput)


@admin.register(Account)
class AccountAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "type", "vendor", "balance", "entry_count", "created_at")
    list_filter = ("type",)
    search_fields = ("code", "name", "vendor__phone", "vendor__name")
    readonly_fields = ("code", "name", "type", "vendor", "balance", "entry_count", "created_at", "payout_link")
    actions = ["record_payout"]

    def get_queryset(self, request):
        return selectors.accounts_with_balances()

    @admin.display(description="balance (debit +, credit −)", ordering="balance_paise")
    def balance(self, obj: Account) -> str:
        return rupees(obj.balance_paise)

    @admin.display(description="entries", ordering="entry_count")
    def entry_count(self, obj: Account) -> int:
        return obj.entry_count

    @admin.display(description="payout")
    def payout_link(self, obj: Account) -> str:
        if obj.vendor_id is None or not obj.code.endswith(":payable"):
            return "-"  # payouts take only available money (the payable account), never pending
        url = reverse("admin:ledger_account_payout", args=[obj.pk])
        return format_html('<a class="button" href="{}">Record a payout to this vendor</a>', url)

    def get_urls(self):
        return [
            path(
                "<int:account_id>/payout/",
                self.admin_site.admin_view(self.payout_view),
                name="ledger_account_payout",
            ),
            *super().get_urls(),
        ]

    @admin.action(description="Record a payout to the selected vendor", permissions=["record_payout"])
    def record_payout(self, request, queryset):
        accounts = list(
            queryset.filter(vendor__isnull=False, code__endswith=":payable").values_list("pk", flat=True)[:2]
        )
        if len(accounts) != 1 or queryset.count() != 1:
            self.message_user(request, "Select exactly one vendor payable account to pay out.", messages.ERROR)
            return None
        return HttpResponseRedirect(reverse("admin:ledger_account_payout", args=[accounts[0]]))

    def has_record_payout_permission(self, request) -> bool:
        return request.user.has_perm(PAYOUT_PERMISSION)

    def payout_view(self, request, account_id: int):
        if not self.has_record_payout_permission(request):
            raise PermissionDenied
        account = get_object_or_404(
            selectors.accounts_with_balances().filter(vendor__isnull=False, code__endswith=":payable"), pk=account_id
        )
        if request.method == "POST":
            form = PayoutForm(request.POST)
            if form.is_valid():
                try:
                    txn = ledger_payout(
                        vendor=account.vendor,
                        amount_paise=form.cleaned_data["amount_paise"],
                        actor=request.user,
                        reference=form.cleaned_data["reference"],
                        memo=form.cleaned_data["memo"],
                    )
                except LedgerError as error:
                    self.message_user(request, f"Payout refused: {error.message}", messages.ERROR)
                else:
                    self.message_user(
                        request,
                        f"Recorded payout {txn.reference} of {rupees(form.cleaned_data['amount_paise'])} "
                        f"to {account.vendor}.",
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:ledger_account_change", args=[account.pk]))
        else:
            form = PayoutForm(initial={"reference": f"admin-payout-{uuid.uuid4().hex}"})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Record a payout to {account.vendor}",
            "account": account,
            "owed": rupees(-account.balance_paise),
            "form": form,
        }
        return TemplateResponse(request, "admin/ledger/account/payout.html", context)


class EntryInline(ReadOnlyTabularInline):
    model = Entry
    fields = ("account", "amount_paise", "created_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("account")


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "kind", "reference", "memo", "actor", "reverses", "created_at")
    list_filter = ("kind",)
    list_select_related = ("actor", "reverses")
    search_fields = ("reference", "memo")
    date_hierarchy = "created_at"
    fields = ("kind", "reference", "memo", "actor", "reverses", "created_at")
    readonly_fields = fields
    inlines = [EntryInline]
