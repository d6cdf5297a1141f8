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
from campus import office
from core.admin_display import RupeesField, money, money_column, person, shop_of, time_column
from core.admin_mixins import ReadOnlyAdminMixin, ReadOnlyTabularInline
from core.money import rupees

from . import admin_statement, selectors
from .errors import LedgerError
from .models import Account, Entry, Transaction
from .services import ledger_payout


class PayoutForm(forms.Form):
    amount = RupeesField(label="Amount (₹)", help_text="In rupees, e.g. 1500 or 1500.50.")
    memo = forms.CharField(max_length=300, required=False, help_text="e.g. the bank transfer's UTR number")
    # Generated when the form is shown, so submitting the same form twice pays out once.
    reference = forms.CharField(max_length=100, widget=forms.HiddenInput)


class AccountTodoFilter(admin.SimpleListFilter):
    """The home page's "payouts due" (campus.office.payable_accounts_owed)."""

    title = "to do"
    parameter_name = "todo"

    def lookups(self, request, model_admin):
        return [("owed", "A payout is due")]

    def queryset(self, request, queryset):
        if self.value() == "owed":
            return queryset.filter(pk__in=office.payable_accounts_owed().values("pk"))
        return queryset


@admin.register(Account)
class AccountAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "shop", "balance", "in_words", "entry_count", "opened")
    list_filter = (AccountTodoFilter, "type")
    search_fields = ("code", "name", "vendor__phone", "vendor__name", "vendor__shop__name")
    readonly_fields = ("code", "name", "type", "shop", "balance", "in_words", "entry_count", "opened", "payout_link")
    actions = ["record_payout"]
    opened = time_column("created_at", "opened")

    def get_queryset(self, request):
        return selectors.accounts_with_balances().select_related("vendor__shop")

    @admin.display(description="shop", ordering="vendor__shop__name")
    def shop(self, obj: Account) -> str:
        return shop_of(obj.vendor) if obj.vendor_id else "—"

    @admin.display(description="balance (book sign: money in +, money owed −)", ordering="balance_paise")
    def balance(self, obj: Account) -> str:
        return rupees(obj.balance_paise)

    @admin.display(description="in words")
    def in_words(self, obj: Account) -> str:
        if obj.vendor_id is None:
            return "—"
        owed = -obj.balance_paise  # a vendor account is a liability: a credit balance is owed to the shop
        part = "available to pay out" if obj.code.endswith(":payable") else "pending (not yet completed)"
        return f"{admin_statement.owed_in_words(shop_of(obj.vendor), owed)}, {part}"

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
            path(
                "statement/",
                self.admin_site.admin_view(lambda request: admin_statement.statement_view(self, request)),
                name="ledger_account_statement",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(
            request, {"statement_url": reverse("admin:ledger_account_statement"), **(extra_context or {})}
        )

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
                        amount_paise=form.cleaned_data["amount"],
                        actor=request.user,
                        reference=form.cleaned_data["reference"],
                        memo=form.cleaned_data["memo"],
                    )
                except LedgerError as error:
                    self.message_user(request, f"Payout refused: {error.message}", messages.ERROR)
                else:
                    self.message_user(
                        request,
                        f"Recorded payout {txn.reference} of {money(form.cleaned_data['amount'])} "
                        f"to {shop_of(account.vendor)}.",
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:ledger_account_change", args=[account.pk]))
        else:
            form = PayoutForm(initial={"reference": f"admin-payout-{uuid.uuid4().hex}"})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Record a payout to {shop_of(account.vendor)}",
            "shop": shop_of(account.vendor),
            "account": account,
            "owed": rupees(-account.balance_paise),
            "form": form,
        }
        return TemplateResponse(request, "admin/ledger/account/payout.html", context)


class EntryInline(ReadOnlyTabularInline):
    model = Entry
    fields = ("account", "amount", "when")
    readonly_fields = fields
    amount = money_column("amount_paise", "amount (book sign)")
    when = time_column("created_at", "when")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("account")


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "kind", "reference", "memo", "by", "reverses", "when")
    list_filter = ("kind",)
    list_select_related = ("actor", "reverses")
    search_fields = ("reference", "memo")
    date_hierarchy = "created_at"
    fields = ("kind", "reference", "memo", "by", "reverses", "when")
    readonly_fields = fields
    when = time_column("created_at", "when")

    @admin.display(description="by", ordering="actor__name")
    def by(self, txn: Transaction) -> str:
        return person(txn.actor) if txn.actor_id else "the system"

    inlines = [EntryInline]
