"""Property: whatever sequence of captures, refunds, releases, payouts and retries happens, the book
balances, pending money is never paid out and never overdrawn."""

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.tests.factories import FoodVendorFactory, StaffFactory
from ledger import chart
from ledger.errors import PayoutExceedsBalance
from ledger.models import Account, Entry
from ledger.selectors import account_balance, book_check, vendor_summary
from ledger.services import ledger_payout, ledger_post

VENDORS = 3

capture = st.tuples(
    st.just("capture"),
    st.integers(0, VENDORS - 1),
    st.integers(1, 500_000),
    st.integers(0, 1_000),  # fee bps
)
refund = st.tuples(st.just("refund"), st.integers(0, 50), st.floats(0.01, 1.0), st.just(0))  # which capture, share
payout = st.tuples(st.just("payout"), st.integers(0, VENDORS - 1), st.integers(1, 600_000), st.just(0))
retry = st.tuples(st.just("retry"), st.integers(0, 50), st.just(0), st.just(0))  # repeat an earlier posting
release = st.tuples(st.just("release"), st.integers(0, 50), st.just(0), st.just(0))  # complete a capture's order
operations = st.lists(st.one_of(capture, refund, release, payout, retry), min_size=1, max_size=25)
GATEWAY_FEE_BPS = 236  # Razorpay's 2% plus 18% GST


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=operations)
def test_random_postings_keep_the_book_balanced(ops):
    with transaction.atomic():  # each example starts from an empty book
        vendors = FoodVendorFactory.create_batch(VENDORS)
        staff = StaffFactory()
        expected: dict[str, int] = {}  # the model: account code -> signed balance
        summaries = {v.pk: {"captured": 0, "refunded": 0, "paid_out": 0} for v in vendors}
        captures: list[dict] = []  # captures with what is still refundable
        posted: list[tuple[str, str, list]] = []

        def apply(entries):
            for code, amount in entries:
                expected[code] = expected.get(code, 0) + amount

        for step, (op, a, b, c) in enumerate(ops):
            if op == "capture":
                vendor = vendors[a]
                fee = b * c // 10_000
                gateway_fee = b * GATEWAY_FEE_BPS // 10_000
                entries = [
                    (chart.GATEWAY, b - gateway_fee),
                    (chart.GATEWAY_FEES, gateway_fee),
                    (chart.vendor_pending(vendor.pk), -(b - fee)),
                    (chart.COMMISSION, -fee),
                ]
                entries = [e for e in entries if e[1]]
                ledger_post(kind="capture", reference=f"pay_{step}", entries=entries)
                apply(entries)
                summaries[vendor.pk]["captured"] += b - fee
                captures.append(
                    {"vendor": vendor, "refunded": 0, "amount": b, "fee": fee, "released": False, "ref": step}
                )
                posted.append(("capture", f"pay_{step}", entries))
            elif op == "refund" and captures:
                cap = captures[a % len(captures)]
                amount = min(cap["amount"] - cap["refunded"], max(1, int(cap["amount"] * b)))
                if amount == 0:
                    continue
                # As payments does: the vendor's part by cumulative rounding, never more than its share.
                share = cap["amount"] - cap["fee"]
                vendor_part = (cap["refunded"] + amount) * share // cap["amount"] - cap["refunded"] * share // cap[
                    "amount"
                ]
                vendor_code = (chart.vendor_payable if cap["released"] else chart.vendor_pending)(cap["vendor"].pk)
                entries = [
                    (chart.GATEWAY, -amount),
                    (vendor_code, vendor_part),
                    (chart.COMMISSION, amount - vendor_part),
                ]
                entries = [e for e in entries if e[1]]
                ledger_post(kind="refund", reference=f"rfnd_{step}", entries=entries)
                apply(entries)
                cap["refunded"] += amount
                summaries[cap["vendor"].pk]["refunded"] += vendor_part
                posted.append(("refund", f"rfnd_{step}", entries))
            elif op == "release" and captures:
                cap = captures[a % len(captures)]
                share = cap["amount"] - cap["fee"]
                left = share - cap["refunded"] * share // cap["amount"]
                if cap["released"] or left == 0:
                    continue
                vendor_id = cap["vendor"].pk
                entries = [(chart.vendor_pending(vendor_id), left), (chart.vendor_payable(vendor_id), -left)]
                ledger_post(kind="release", reference=f"payment:{cap['ref']}", entries=entries)
                apply(entries)
                cap["released"] = True
                posted.append(("release", f"payment:{cap['ref']}", entries))
            elif op == "payout":
                vendor = vendors[a]
                owed = -expected.get(chart.vendor_payable(vendor.pk), 0)
                if b > owed:
                    with pytest.raises(PayoutExceedsBalance):
                        ledger_payout(vendor=vendor, amount_paise=b, actor=staff, reference=f"po_{step}")
                    continue
                ledger_payout(vendor=vendor, amount_paise=b, actor=staff, reference=f"po_{step}")
                entries = [(chart.vendor_payable(vendor.pk), b), (chart.PAYOUTS, -b)]
                apply(entries)
                summaries[vendor.pk]["paid_out"] += b
                posted.append(("payout", f"po_{step}", entries))
            elif op == "retry" and posted:
                kind, reference, entries = posted[a % len(posted)]
                ledger_post(kind=kind, reference=reference, entries=entries)  # changes nothing

        # Every account's balance equals the sum of its postings, as the model predicts.
        postings = dict(Entry.objects.values_list("account__code").annotate(total=Sum("amount_paise")))
        for account in Account.objects.all():
            assert account_balance(code=account.code) == postings[account.code] == expected[account.code]
        assert set(postings) == {code for code, total in expected.items() if total or code in postings}
        assert sum(postings.values()) == 0
        for vendor in vendors:
            summary = vendor_summary(vendor_id=vendor.pk)
            pending = -expected.get(chart.vendor_pending(vendor.pk), 0)
            available = -expected.get(chart.vendor_payable(vendor.pk), 0)
            # Pending is never overdrawn (refunds and releases take at most what was captured); available
            # goes below zero only through a refund after completion that followed a payout.
            assert pending >= 0
            assert (summary["pending_paise"], summary["available_paise"]) == (pending, available)
            assert summary["payable_paise"] == pending + available
            assert summary["captured_paise"] == summaries[vendor.pk]["captured"]
            assert summary["refunded_paise"] == summaries[vendor.pk]["refunded"]
            assert summary["paid_out_paise"] == summaries[vendor.pk]["paid_out"]
        report = book_check()
        assert report.ok and report.entries == Entry.objects.count()
        call_command("ledger_check", stdout=_Sink())  # raises CommandError if it disagrees
        transaction.set_rollback(True)


class _Sink:
    def write(self, text):
        pass

    def flush(self):
        pass
