import datetime as dt

import pytest
from django.utils import timezone

from accounts.tests.factories import FoodVendorFactory, StaffFactory, StudentFactory
from core.errors import NotFound
from ledger import chart, selectors
from ledger.selectors import account_balance, entries_for, vendor_daily_sales, vendor_summary
from ledger.services import ledger_reverse

from .factories import post_capture, post_payout, post_refund, post_release

pytestmark = pytest.mark.django_db

IST = dt.timezone(dt.timedelta(hours=5, minutes=30))


def test_account_balance_is_the_signed_sum_of_postings(django_assert_num_queries):
    vendor = FoodVendorFactory()
    post_capture(vendor, 1_000, fee=50)
    post_capture(vendor, 500)
    post_refund(vendor, 200, fee=10)
    with django_assert_num_queries(1):
        assert account_balance(code=chart.GATEWAY) == 1_300
    assert account_balance(code=chart.vendor_payable(vendor.pk)) == -(950 + 500 - 190)
    assert account_balance(code=chart.COMMISSION) == -40
    assert account_balance(code="bank:unused") == 0


def test_vendor_summary_presents_what_the_campus_owes_as_positive_numbers(django_assert_num_queries):
    vendor, other = FoodVendorFactory(), FoodVendorFactory()
    post_capture(vendor, 10_000, fee=200)
    post_capture(vendor, 5_000)
    post_refund(vendor, 1_000, fee=20)
    post_payout(vendor, 4_000)
    post_capture(other, 777)
    mistaken = post_capture(vendor, 300)
    ledger_reverse(transaction=mistaken, reference="rev_1", memo="", actor=None)
    with django_assert_num_queries(1):
        summary = vendor_summary(vendor_id=vendor.pk)
    assert summary == {
        "vendor": vendor.pk,
        "payable_paise": 9_800 + 5_000 - 980 - 4_000,
        "pending_paise": 0,
        "available_paise": 9_800 + 5_000 - 980 - 4_000,
        "captured_paise": 9_800 + 5_000 + 300,
        "refunded_paise": 980,
        "paid_out_paise": 4_000,
    }


def test_vendor_summary_keeps_uncompleted_money_pending_until_released(django_assert_num_queries):
    vendor = FoodVendorFactory()
    post_capture(vendor, 10_000, fee=200, pending=True)
    post_capture(vendor, 4_000, pending=True)
    post_refund(vendor, 1_000, pending=True)
    post_release(vendor, 9_800)
    post_payout(vendor, 5_000)
    with django_assert_num_queries(1):
        summary = vendor_summary(vendor_id=vendor.pk)
    assert summary == {
        "vendor": vendor.pk,
        "payable_paise": 3_000 + 4_800,
        "pending_paise": 4_000 - 1_000,
        "available_paise": 9_800 - 5_000,
        "captured_paise": 9_800 + 4_000,
        "refunded_paise": 1_000,
        "paid_out_paise": 5_000,
    }


def test_book_check_reports_an_overdrawn_pending_account():
    vendor = FoodVendorFactory()
    post_capture(vendor, 1_000, pending=True)
    post_release(vendor, 1_000)
    assert selectors.book_check().ok
    post_release(vendor, 1)  # more released than was ever captured
    report = selectors.book_check()
    assert not report.ok
    assert report.overdrawn_pending == [(chart.vendor_pending(vendor.pk), 1)]
    assert "pending account" in report.problems[0]


def test_vendor_summary_of_a_vendor_without_postings_is_zero():
    vendor = FoodVendorFactory()
    assert vendor_summary(vendor_id=vendor.pk) == {
        "vendor": vendor.pk,
        "payable_paise": 0,
        "pending_paise": 0,
        "available_paise": 0,
        "captured_paise": 0,
        "refunded_paise": 0,
        "paid_out_paise": 0,
    }


def test_daily_sales_by_campus_day_with_gaps_filled(monkeypatch, django_assert_num_queries):
    vendor = FoodVendorFactory()
    now = dt.datetime(2026, 3, 10, 12, 0, tzinfo=IST)

    def post_at(moment, post, *args):
        monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(dt.UTC))
        post(vendor, *args)

    post_at(now - dt.timedelta(days=20), post_capture, 9_999)  # outside the window
    post_at(dt.datetime(2026, 3, 8, 0, 10, tzinfo=IST), post_capture, 1_000, 100)  # 7 March in UTC
    post_at(dt.datetime(2026, 3, 8, 23, 50, tzinfo=IST), post_capture, 500)
    post_at(dt.datetime(2026, 3, 8, 23, 55, tzinfo=IST), post_refund, 200)
    post_at(dt.datetime(2026, 3, 10, 9, 0, tzinfo=IST), post_capture, 300)
    post_at(dt.datetime(2026, 3, 10, 9, 5, tzinfo=IST), post_payout, 100)  # payouts are not sales
    post_capture(FoodVendorFactory(), 12_345)  # another vendor's
    monkeypatch.setattr(timezone, "now", lambda: now.astimezone(dt.UTC))

    with django_assert_num_queries(1):
        series = vendor_daily_sales(vendor_id=vendor.pk, days=3)
    assert series == [
        {"date": dt.date(2026, 3, 8), "captured_paise": 900 + 500, "refunded_paise": 200},
        {"date": dt.date(2026, 3, 9), "captured_paise": 0, "refunded_paise": 0},
        {"date": dt.date(2026, 3, 10), "captured_paise": 300, "refunded_paise": 0},
    ]
    assert len(vendor_daily_sales(vendor_id=vendor.pk)) == 14


@pytest.mark.parametrize("days", [0, -1, 367, True, "3"])
def test_daily_sales_refuses_silly_windows(days):
    with pytest.raises(ValueError):
        vendor_daily_sales(vendor_id=1, days=days)


def test_entries_for_scopes_by_user(django_assert_num_queries):
    vendor, other, staff = FoodVendorFactory(), FoodVendorFactory(), StaffFactory()
    post_capture(vendor, 100)
    post_capture(other, 200)
    own = chart.vendor_payable(vendor.pk)
    assert {e.account.code for e in entries_for(user=vendor)} == {own}
    assert {e.account.code for e in entries_for(user=vendor, account_code=own)} == {own}
    for foreign in (chart.vendor_payable(other.pk), chart.GATEWAY, "vendor:999:payable"):
        with pytest.raises(NotFound):
            entries_for(user=vendor, account_code=foreign)
    assert entries_for(user=staff).count() == 4
    assert {e.amount_paise for e in entries_for(user=staff, account_code=chart.GATEWAY)} == {100, 200}
    assert not entries_for(user=StudentFactory()).exists()
    with django_assert_num_queries(1):
        rows = [(e.account.code, e.transaction.kind, e.transaction.reference) for e in entries_for(user=staff)]
    assert len(rows) == 4


def test_accounts_with_balances_in_one_query(django_assert_num_queries):
    vendors = FoodVendorFactory.create_batch(4)
    for vendor in vendors:
        post_capture(vendor, 100)
    with django_assert_num_queries(1):
        balances = {a.code: (a.balance_paise, a.entry_count, a.vendor) for a in selectors.accounts_with_balances()}
    assert balances[chart.GATEWAY][:2] == (400, 4)
    assert balances[chart.vendor_payable(vendors[0].pk)] == (-100, 1, vendors[0])


def test_book_check_on_a_sound_book(django_assert_num_queries):
    vendor = FoodVendorFactory()
    post_capture(vendor, 100, fee=1)
    post_payout(vendor, 99)
    with django_assert_num_queries(4):
        report = selectors.book_check()
    assert report.ok and report.problems == []
    assert (report.transactions, report.entries, report.book_total_paise) == (2, 5, 0)


def test_book_check_report_names_every_problem():
    report = selectors.BookReport(
        transactions=3,
        entries=3,
        book_total_paise=5,
        unbalanced=[(1, "capture", "pay_1", 5)],
        empty=[(2, "refund", "r")],
    )
    assert not report.ok
    assert report.problems == [
        "transaction 1 (capture:pay_1) does not balance: its entries sum to 5 paise",
        "transaction 2 (refund:r) has no entries",
        "the whole book sums to 5 paise, not 0",
    ]
