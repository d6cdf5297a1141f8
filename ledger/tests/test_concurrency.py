"""Exactly once under real concurrency: threads with their own PostgreSQL connections."""


import pytest
from django.db import connection, transaction

from accounts.tests.factories import FoodVendorFactory, StaffFactory
from ledger import chart
from ledger.errors import AlreadyReversed, PayoutExceedsBalance
from ledger.models import Account, Entry, Transaction
from ledger.selectors import book_check, vendor_summary
from ledger.services import ledger_payout, ledger_post, ledger_reverse
from tests.concurrency import run_concurrently

from .factories import capture_entries, post_capture, post_release

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks and real concurrency"),
]

THREADS = 10


def run_together(target, count: int = THREADS) -> tuple[list, list[BaseException]]:
    """Run `target(i)` in `count` threads released at the same instant; collect results and errors."""
    outcomes = run_concurrently(count, target)
    errors = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
    return [outcome for outcome in outcomes if not isinstance(outcome, BaseException)], errors


@pytest.mark.parametrize("inside_callers_atomic", [False, True])
def test_ten_threads_posting_the_same_capture_write_one_transaction(inside_callers_atomic):
    vendor = FoodVendorFactory()  # its payable account does not exist yet: the threads race to create it too

    def post(i):
        if inside_callers_atomic:
            with transaction.atomic():
                txn = ledger_post(kind="capture", reference="pay_race", entries=capture_entries(vendor.pk, 1_000, 20))
                Transaction.objects.count()  # the caller's transaction must still be usable
                return txn.pk
        return ledger_post(kind="capture", reference="pay_race", entries=capture_entries(vendor.pk, 1_000, 20)).pk

    results, errors = run_together(post)
    assert errors == []
    assert len(results) == THREADS and len(set(results)) == 1
    assert Transaction.objects.count() == 1
    assert Entry.objects.count() == 3
    assert Account.objects.filter(code=chart.vendor_payable(vendor.pk)).count() == 1
    assert vendor_summary(vendor_id=vendor.pk)["payable_paise"] == 980
    assert book_check().ok


def test_concurrent_payouts_never_overdraw_the_payable():
    vendor, staff = FoodVendorFactory(), StaffFactory()
    post_capture(vendor, 1_000)

    def pay_out(i):
        return ledger_payout(vendor=vendor, amount_paise=300, actor=staff, reference=f"po_{i}").pk

    results, errors = run_together(pay_out)
    assert len(results) == 3
    assert len(errors) == THREADS - 3 and all(isinstance(e, PayoutExceedsBalance) for e in errors)
    summary = vendor_summary(vendor_id=vendor.pk)
    assert (summary["paid_out_paise"], summary["payable_paise"]) == (900, 100)


def test_concurrent_retries_of_one_payout_pay_once():
    vendor, staff = FoodVendorFactory(), StaffFactory()
    post_capture(vendor, 1_000)

    def pay_out(i):
        return ledger_payout(vendor=vendor, amount_paise=700, actor=staff, reference="po_same").pk

    results, errors = run_together(pay_out)
    assert errors == []
    assert len(set(results)) == 1
    assert vendor_summary(vendor_id=vendor.pk)["paid_out_paise"] == 700


def test_concurrent_reversals_of_one_transaction_reverse_it_once():
    vendor = FoodVendorFactory()
    original = post_capture(vendor, 1_000)

    def reverse(i):
        return ledger_reverse(transaction=original, reference=f"rev_{i}", memo="", actor=None).pk

    results, errors = run_together(reverse)
    assert len(results) == 1
    assert len(errors) == THREADS - 1 and all(isinstance(e, AlreadyReversed) for e in errors)
    assert Transaction.objects.filter(kind="reversal").count() == 1
    assert vendor_summary(vendor_id=vendor.pk)["payable_paise"] == 0


def test_two_payouts_at_once_take_no_more_than_the_available_money():
    """Pending money (orders not completed) is never paid out, however many payouts race."""
    vendor, staff = FoodVendorFactory(), StaffFactory()
    post_capture(vendor, 5_000, pending=True, reference="pay_open")  # not completed: pending
    post_capture(vendor, 1_000, pending=True, reference="pay_done")
    post_release(vendor, 1_000, reference="payment:done")  # completed: available

    def pay_out(i):
        return ledger_payout(vendor=vendor, amount_paise=700, actor=staff, reference=f"po_{i}").pk

    results, errors = run_together(pay_out, count=2)
    assert len(results) == 1
    assert len(errors) == 1 and isinstance(errors[0], PayoutExceedsBalance)
    summary = vendor_summary(vendor_id=vendor.pk)
    assert (summary["pending_paise"], summary["available_paise"], summary["paid_out_paise"]) == (5_000, 300, 700)
    assert book_check().ok
