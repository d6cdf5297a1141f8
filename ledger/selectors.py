"""The readers of the ledger. Every function here runs a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TypedDict

from django.db.models import Count, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import NotFound

from . import chart
from .models import Account, Entry, Transaction


def account_balance(*, code: str) -> int:
    """The signed sum of the account's entries in paise (debits positive, credits negative); 0 if unused.

    Liabilities and income are credit-normal, so what the campus owes a vendor is
    `-account_balance(code=vendor_payable(id))`; `vendor_summary` presents it positive.
    """
    return Entry.objects.filter(account__code=code).aggregate(total=Coalesce(Sum("amount_paise"), 0))["total"]


def accounts_with_balances() -> QuerySet[Account]:
    """Every account annotated with `balance_paise` (signed, debits positive) and `entry_count`, in one query."""
    return (
        Account.objects.select_related("vendor")
        .annotate(balance_paise=Coalesce(Sum("entries__amount_paise"), 0), entry_count=Count("entries"))
        .order_by("code")
    )


# Entries of reversals of refunds: a refund Razorpay reported failed, given back to the vendor.
_REFUND_REVERSAL = Q(transaction__kind=Transaction.Kind.REVERSAL, transaction__reverses__kind=Transaction.Kind.REFUND)


class VendorSummary(TypedDict):
    vendor: int
    payable_paise: int
    pending_paise: int
    available_paise: int
    captured_paise: int
    refunded_paise: int
    paid_out_paise: int


def vendor_summary(*, vendor_id: int) -> VendorSummary:
    """What the campus owes the vendor and how it got there, in paise, as positive numbers.

    `pending_paise` is the credit balance of the vendor's pending account (money of
    orders and print jobs not yet completed, less their refunds), `available_paise`
    that of its payable account (released by completion, less refunds after it and
    payouts: what a payout may take) and `payable_paise` their sum. `captured_paise`
    sums the credits of captures, `refunded_paise` the debits of refunds (both
    accounts) less those of refunds that failed and were given back (never counted as
    refunded), and `paid_out_paise` the debits of payouts. One query.
    """
    kind = "transaction__kind"
    pending_code, payable_code = chart.vendor_accounts(vendor_id)
    totals = Entry.objects.filter(account__code__in=[pending_code, payable_code]).aggregate(
        pending=Coalesce(Sum("amount_paise", filter=Q(account__code=pending_code)), 0),
        available=Coalesce(Sum("amount_paise", filter=Q(account__code=payable_code)), 0),
        captured=Coalesce(Sum("amount_paise", filter=Q(**{kind: Transaction.Kind.CAPTURE}, amount_paise__lt=0)), 0),
        refunded=Coalesce(Sum("amount_paise", filter=Q(**{kind: Transaction.Kind.REFUND}, amount_paise__gt=0)), 0),
        # A refund that failed was given back by a reversal: it is not refunded (issue 16).
        refund_failed=Coalesce(Sum("amount_paise", filter=_REFUND_REVERSAL & Q(amount_paise__lt=0)), 0),
        paid_out=Coalesce(Sum("amount_paise", filter=Q(**{kind: Transaction.Kind.PAYOUT}, amount_paise__gt=0)), 0),
    )
    return {
        "vendor": vendor_id,
        "payable_paise": -(totals["pending"] + totals["available"]),
        "pending_paise": -totals["pending"],
        "available_paise": -totals["available"],
        "captured_paise": -totals["captured"],
        "refunded_paise": totals["refunded"] + totals["refund_failed"],
        "paid_out_paise": totals["paid_out"],
    }


class DailySales(TypedDict):
    date: dt.date
    captured_paise: int
    refunded_paise: int


def vendor_daily_sales(*, vendor_id: int, days: int = 14) -> list[DailySales]:
    """The vendor's captures and refunds per local (campus time zone) day, oldest first.

    Exactly `days` rows ending today, days without sales as zeros, so a chart needs
    no gap filling. Amounts are the vendor's share (what its pending and payable
    accounts moved; releases between them are not sales). One query.
    """
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 366:
        raise ValueError("days must be an integer from 1 to 366")
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    first_day = today - dt.timedelta(days=days - 1)
    since = dt.datetime.combine(first_day, dt.time.min, tzinfo=tz)
    rows = (
        Entry.objects.filter(
            account__code__in=chart.vendor_accounts(vendor_id),
            created_at__gte=since,
            transaction__kind__in=[Transaction.Kind.CAPTURE, Transaction.Kind.REFUND, Transaction.Kind.REVERSAL],
        )
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day")
        .annotate(
            captured=Coalesce(
                Sum("amount_paise", filter=Q(transaction__kind=Transaction.Kind.CAPTURE, amount_paise__lt=0)), 0
            ),
            refunded=Coalesce(
                Sum("amount_paise", filter=Q(transaction__kind=Transaction.Kind.REFUND, amount_paise__gt=0)), 0
            ),
            refund_failed=Coalesce(Sum("amount_paise", filter=_REFUND_REVERSAL & Q(amount_paise__lt=0)), 0),
        )
        .order_by("day")
    )
    by_day = {row["day"]: row for row in rows}
    series: list[DailySales] = []
    for offset in range(days):
        day = first_day + dt.timedelta(days=offset)
        row = by_day.get(day)
        series.append(
            {
                "date": day,
                "captured_paise": -row["captured"] if row else 0,
                "refunded_paise": row["refunded"] + row["refund_failed"] if row else 0,
            }
        )
    return series


def _is_staff(user) -> bool:
    return bool(getattr(user, "is_campus_staff", False))


def entries_for(*, user: User, account_code: str | None = None) -> QuerySet[Entry]:
    """The entries `user` may read, newest first, with account and transaction joined (no N+1).

    Staff read every entry, optionally of one account. A vendor reads only its own
    accounts (pending and payable); naming any other account raises `NotFound` (404),
    exactly as for an account that does not exist. Anyone else reads nothing.
    """
    entries = Entry.objects.select_related("account", "transaction").order_by("-created_at", "-id")
    if _is_staff(user):
        return entries.filter(account__code=account_code) if account_code else entries
    if getattr(user, "role", None) != "vendor":
        return entries.none()
    own = chart.vendor_accounts(user.pk)
    if account_code and account_code not in own:
        raise NotFound(_("No such ledger account."))
    return entries.filter(account__code=account_code) if account_code else entries.filter(account__code__in=own)


def entries_of_transaction(*, transaction_id: int) -> QuerySet[Entry]:
    return Entry.objects.select_related("account").filter(transaction_id=transaction_id).order_by("id")


@dataclass
class BookReport:
    """What `book_check` found: the book is sound when `problems` is empty."""

    transactions: int = 0
    entries: int = 0
    book_total_paise: int = 0
    unbalanced: list[tuple[int, str, str, int]] = field(default_factory=list)  # (id, kind, reference, sum)
    empty: list[tuple[int, str, str]] = field(default_factory=list)  # (id, kind, reference)
    # Vendor pending accounts with a debit balance: more released or refunded than was captured.
    overdrawn_pending: list[tuple[str, int]] = field(default_factory=list)  # (code, balance)

    @property
    def problems(self) -> list[str]:
        found = [
            f"transaction {txn_id} ({kind}:{reference}) does not balance: its entries sum to {total} paise"
            for txn_id, kind, reference, total in self.unbalanced
        ]
        found += [f"transaction {txn_id} ({kind}:{reference}) has no entries" for txn_id, kind, reference in self.empty]
        found += [
            f"pending account {code} has a debit balance of {total} paise: more left it than was captured"
            for code, total in self.overdrawn_pending
        ]
        if self.book_total_paise != 0:
            found.append(f"the whole book sums to {self.book_total_paise} paise, not 0")
        return found

    @property
    def ok(self) -> bool:
        return not self.problems


def book_check() -> BookReport:
    """Check the whole book: every transaction has entries summing to zero, all entries sum to zero, and
    no vendor pending account is overdrawn (releases and refunds never take more than was captured). Four queries."""
    report = BookReport()
    totals = Entry.objects.aggregate(n=Count("id"), total=Coalesce(Sum("amount_paise"), 0))
    report.entries, report.book_total_paise = totals["n"], totals["total"]
    per_txn = Transaction.objects.order_by().annotate(
        total=Coalesce(Sum("entries__amount_paise"), Value(0)), legs=Count("entries")
    )
    report.transactions = Transaction.objects.count()
    bad = per_txn.filter(~Q(total=0) | Q(legs=0)).order_by("id")
    for row in bad.values("id", "kind", "reference", "total", "legs"):
        if row["legs"] == 0:
            report.empty.append((row["id"], row["kind"], row["reference"]))
        else:
            report.unbalanced.append((row["id"], row["kind"], row["reference"], row["total"]))
    overdrawn = (
        Account.objects.filter(code__startswith="vendor:", code__endswith=":pending")
        .annotate(total=Coalesce(Sum("entries__amount_paise"), 0))
        .filter(total__gt=0)
        .order_by("code")
    )
    report.overdrawn_pending = list(overdrawn.values_list("code", "total"))
    return report


__all__ = [
    "BookReport",
    "DailySales",
    "VendorSummary",
    "account_balance",
    "accounts_with_balances",
    "book_check",
    "entries_for",
    "entries_of_transaction",
    "vendor_daily_sales",
    "vendor_summary",
]
