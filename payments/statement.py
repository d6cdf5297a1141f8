"""A vendor's statement: every posting that moved its balance in a date range, as rows that add up.

A selector (it only reads). It lives in payments, not ledger, because each row names the
payment, refund and order or print job its posting belongs to, which only payments knows.

Each ledger transaction touching the vendor's accounts (`vendor:<id>:pending` and
`vendor:<id>:payable`) becomes one row, or two when the platform's commission moved with
it (a capture or a refund): the capture (or refund) at its full amount and a `fee` row with
the commission it charged (or gave back), so gross, refunds and fees show separately and
still sum to what the vendor's accounts moved. Amounts are the effect on the vendor's
balance (what the campus owes it): positive adds, negative takes away.

    opening + Σ rows.amount_paise == closing   (and so for pending and available apart)

Five queries whatever the number of rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import OrderedDict
from typing import Any

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from ledger import chart
from ledger.models import Entry, Transaction

from .models import Payment, Refund

MAX_DAYS = 366

CAPTURE = "capture"
FEE = "fee"
REFUND = "refund"
REFUND_REVERSAL = "refund_reversal"
RELEASE = "release"
PAYOUT = "payout"
ADJUSTMENT = "adjustment"

CSV_COLUMNS = [
    "date",
    "at",
    "type",
    "order",
    "print_job",
    "payment",
    "refund",
    "refund_status",
    "amount_paise",
    "pending_paise",
    "available_paise",
    "balance_paise",
    "transaction",
    "reference",
    "memo",
]


def _refund_id(reference: str) -> int | None:
    parts = reference.split(":")
    if len(parts) >= 2 and parts[0] == "refund" and parts[1].isdigit():
        return int(parts[1])
    return None


def _payment_id(reference: str) -> int | None:
    parts = reference.split(":")
    if len(parts) == 2 and parts[0] == "payment" and parts[1].isdigit():
        return int(parts[1])
    return None


def _row_type(txn: Transaction) -> str:
    kind = txn.kind
    if kind == Transaction.Kind.REVERSAL:
        target = txn.reverses
        return REFUND_REVERSAL if target is not None and target.kind == Transaction.Kind.REFUND else ADJUSTMENT
    return {
        Transaction.Kind.CAPTURE: CAPTURE,
        Transaction.Kind.REFUND: REFUND,
        Transaction.Kind.RELEASE: RELEASE,
        Transaction.Kind.PAYOUT: PAYOUT,
    }.get(kind, ADJUSTMENT)


def _balances(entries) -> dict[str, int]:
    return entries.aggregate(
        pending=Coalesce(Sum("amount_paise", filter=Q(account__code__endswith=":pending")), 0),
        available=Coalesce(Sum("amount_paise", filter=Q(account__code__endswith=":payable")), 0),
    )


def _balance(pending: int, available: int) -> dict[str, int]:
    return {"balance_paise": pending + available, "pending_paise": pending, "available_paise": available}


def vendor_statement(*, vendor_id: int, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """The vendor's statement from `date_from` to `date_to` (campus days, both included)."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    codes = chart.vendor_accounts(vendor_id)
    own = Entry.objects.filter(account__code__in=codes)

    opening = _balances(own.filter(created_at__lt=start))  # 1
    entries = list(  # 2
        own.filter(created_at__gte=start, created_at__lt=end)
        .select_related("account", "transaction", "transaction__reverses")
        .order_by("created_at", "transaction_id", "id")
    )
    by_txn: OrderedDict[int, dict[str, Any]] = OrderedDict()
    for entry in entries:
        moved = by_txn.setdefault(entry.transaction_id, {"txn": entry.transaction, "pending": 0, "available": 0})
        part = "pending" if entry.account.code.endswith(":pending") else "available"
        moved[part] -= entry.amount_paise  # a credit to a liability adds to what the vendor is owed
    txn_ids = list(by_txn)
    commission = dict(  # 3
        Entry.objects.filter(transaction_id__in=txn_ids, account__code=chart.COMMISSION)
        .values("transaction_id")
        .annotate(total=Sum("amount_paise"))
        .values_list("transaction_id", "total")
    )

    refund_ids: set[int] = set()
    payment_ids: set[int] = set()
    razorpay_ids: set[str] = set()
    for moved in by_txn.values():
        txn = moved["txn"]
        reference = txn.reverses.reference if txn.reverses_id else txn.reference
        if txn.kind == Transaction.Kind.CAPTURE:
            razorpay_ids.add(reference)
        elif (refund_id := _refund_id(reference)) is not None:
            refund_ids.add(refund_id)
        elif (payment_id := _payment_id(reference)) is not None:
            payment_ids.add(payment_id)
    refunds = {refund.pk: refund for refund in Refund.objects.filter(pk__in=refund_ids)}  # 4
    payment_ids |= {refund.payment_id for refund in refunds.values()}
    payments = list(  # 5
        Payment.objects.filter(Q(pk__in=payment_ids) | Q(razorpay_payment_id__in=razorpay_ids)).only(
            "pk", "order_id", "print_job_id", "razorpay_payment_id"
        )
    )
    payment_by_pk = {payment.pk: payment for payment in payments}
    payment_by_razorpay = {payment.razorpay_payment_id: payment for payment in payments}

    rows: list[dict[str, Any]] = []
    pending, available = -opening["pending"], -opening["available"]

    def add(*, txn, type_, payment, refund, pending_paise: int, available_paise: int) -> None:
        nonlocal pending, available
        pending += pending_paise
        available += available_paise
        at = timezone.localtime(txn.created_at, tz)
        rows.append(
            {
                "date": at.date(),
                "at": at,
                "type": type_,
                "order": payment.order_id if payment else None,
                "print_job": payment.print_job_id if payment else None,
                "payment": payment.pk if payment else None,
                "refund": refund.pk if refund else None,
                "refund_status": refund.status if refund else None,
                "amount_paise": pending_paise + available_paise,
                "pending_paise": pending_paise,
                "available_paise": available_paise,
                "balance_paise": pending + available,
                "transaction": txn.pk,
                "reference": txn.reference,
                "memo": txn.memo,
            }
        )

    for txn_id, moved in by_txn.items():
        txn = moved["txn"]
        type_ = _row_type(txn)
        reference = txn.reverses.reference if txn.reverses_id else txn.reference
        refund = refunds.get(_refund_id(reference) or 0) if type_ != CAPTURE else None
        if type_ == CAPTURE:
            payment = payment_by_razorpay.get(reference)
        elif refund is not None:
            payment = payment_by_pk.get(refund.payment_id)
        else:
            payment = payment_by_pk.get(_payment_id(reference) or 0)
        fee = commission.get(txn_id, 0)  # the commission credited (charged: negative) or debited (given back)
        in_pending = moved["pending"] != 0
        fee_pending, fee_available = (fee, 0) if in_pending else (0, fee)
        main_pending, main_available = moved["pending"] - fee_pending, moved["available"] - fee_available
        add(
            txn=txn,
            type_=type_,
            payment=payment,
            refund=refund,
            pending_paise=main_pending,
            available_paise=main_available,
        )
        if fee and type_ in (CAPTURE, REFUND, REFUND_REVERSAL):
            add(
                txn=txn,
                type_=FEE,
                payment=payment,
                refund=refund,
                pending_paise=fee_pending,
                available_paise=fee_available,
            )

    def total(types: tuple[str, ...], status: str | None = None) -> int:
        return sum(
            row["amount_paise"]
            for row in rows
            if row["type"] in types and (status is None or row["refund_status"] == status)
        )

    totals = {
        "gross_paise": total((CAPTURE,)),
        "refunds_processed_paise": -total((REFUND,), Refund.Status.PROCESSED),
        "refunds_pending_paise": -total((REFUND,), Refund.Status.PENDING),
        "refunds_delayed_paise": -total((REFUND,), Refund.Status.FAILED),
        "refunds_given_back_paise": total((REFUND_REVERSAL,)),
        "fees_paise": -total((FEE,)),
        "paid_out_paise": -total((PAYOUT,)),
        "adjustments_paise": total((ADJUSTMENT,)),
        "pending_paise": pending,
        "available_paise": available,
    }
    return {
        "vendor": vendor_id,
        "from": date_from,
        "to": date_to,
        "opening": _balance(-opening["pending"], -opening["available"]),
        "closing": _balance(pending, available),
        "totals": totals,
        "rows": rows,
    }


def statement_csv(statement: dict[str, Any]) -> str:
    """The statement's rows as CSV (a header line, then one line per row)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in statement["rows"]:
        writer.writerow(
            {
                **{key: "" if value is None else value for key, value in row.items()},
                "date": row["date"].isoformat(),
                "at": row["at"].isoformat(),
                # A memo typed by people must not start a spreadsheet formula.
                "memo": ("'" + row["memo"]) if row["memo"][:1] in ("=", "+", "-", "@") else row["memo"],
            }
        )
    return out.getvalue()
