"""The invariants that must hold after the load (run as `python -m bench.check`; prints JSON, exits 1 if broken).

- no slot holds more live orders than its capacity, and `reserved` equals its live orders;
- no item with a stock sold more than it (the two-node scenario's hot dish): for every item whose
  stock is counted from its `daily_stock` and was not reset since, what the lines of orders that
  still hold it took (`stock_taken`, orders not cancelled, rejected or expired) plus what is left
  is its `daily_stock`;
- every captured payment has exactly one ledger `capture` posting (by its Razorpay payment id),
  and there is no capture posting without a captured payment;
- `manage.py ledger_check` (every transaction and the whole book sum to zero) passes.
"""

from __future__ import annotations

import json
import os
import sys

import django


def check() -> dict:
    from django.core.management import call_command
    from django.core.management.base import CommandError
    from django.db.models import Count, F, Q, Sum

    from catalog.models import MenuItem
    from ledger.models import Transaction
    from ordering.models import Order, Slot
    from payments.models import Payment

    over_capacity = Slot.objects.filter(reserved__gt=F("capacity")).count()
    slots = Slot.objects.annotate(live=Count("orders", filter=Q(orders__status__in=Order.LIVE_STATUSES)))
    reserved_mismatch = [s.pk for s in slots if s.live != s.reserved]
    overfull = [s.pk for s in slots if s.live > s.capacity]

    stocked = MenuItem.objects.filter(daily_stock__isnull=False, stock_reset_at__isnull=True).annotate(
        sold=Sum("order_items__stock_taken", filter=~Q(order_items__order__status__in=Order.RELEASING_STATUSES))
    )
    over_stock = [i.pk for i in stocked if (i.sold or 0) > i.daily_stock]
    stock_mismatch = [i.pk for i in stocked if (i.sold or 0) + (i.stock or 0) != i.daily_stock]

    captured = Payment.objects.filter(status__in=Payment.CAPTURED_STATUSES)
    captured_ids = set(captured.values_list("razorpay_payment_id", flat=True))
    postings = Transaction.objects.filter(kind=Transaction.Kind.CAPTURE)
    per_reference = postings.values("reference").annotate(n=Count("id")).filter(n__gt=1).count()
    posted_ids = set(postings.values_list("reference", flat=True))
    paid_orders = Order.objects.filter(status__in=Order.PAID_STATUSES, note="webhook").count()

    try:
        call_command("ledger_check", stdout=open(os.devnull, "w"), stderr=open(os.devnull, "w"))  # noqa: SIM115
        ledger_ok = True
    except CommandError:
        ledger_ok = False

    report = {
        "slots_over_capacity": over_capacity + len(overfull),
        "slots_reserved_mismatch": len(reserved_mismatch),
        "stocked_items": len(stocked),
        "items_over_stock": len(over_stock),
        "items_stock_mismatch": len(stock_mismatch),
        "captured_payments": len(captured_ids),
        "capture_postings": postings.count(),
        "references_posted_twice": per_reference,
        "captures_without_posting": len(captured_ids - posted_ids),
        "postings_without_capture": len(posted_ids - captured_ids),
        "webhook_orders_paid": paid_orders,
        "ledger_check_ok": ledger_ok,
    }
    report["ok"] = (
        report["slots_over_capacity"] == 0
        and report["slots_reserved_mismatch"] == 0
        and report["items_over_stock"] == 0
        and report["items_stock_mismatch"] == 0
        and report["references_posted_twice"] == 0
        and report["captures_without_posting"] == 0
        and report["postings_without_capture"] == 0
        and report["capture_postings"] == report["captured_payments"]
        and ledger_ok
    )
    return report


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tntproject.settings")
    django.setup()
    result = check()
    print(json.dumps(result))
    sys.exit(0 if result["ok"] else 1)
