"""Issue 16: `GET /ledger/statement`, a vendor's statement that adds up (JSON and CSV)."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import FoodVendorFactory, StaffFactory, StudentFactory
from ledger.selectors import vendor_summary
from ledger.services import ledger_payout
from ordering.tests.factories import MenuItemFactory, SlotFactory, place_order
from payments import services
from payments.models import Refund

from .test_release import _pay, _vendor_does

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/v1/ledger/statement"


class Clock:
    """Moves `django.utils.timezone.now` (and so every auto_now_add) back by `days_ago`."""

    def __init__(self, monkeypatch):
        self.real = timezone.now
        self.days_ago = 0
        monkeypatch.setattr(timezone, "now", lambda: self.real() - timedelta(days=self.days_ago))


def _order(vendor, sandbox, make_client, quantity=2):
    slot = SlotFactory(vendor=vendor)
    order = place_order(slot=slot, items=[MenuItemFactory(vendor=vendor)], quantity=quantity, student=StudentFactory())
    return order, _pay(sandbox, make_client, order)


def _fail_a_refund(sandbox, make_client, payment, amount):
    sandbox.fault("error")
    make_client(StaffFactory()).post(
        f"/api/v1/payments/{payment.pk}/refund", {"amount_paise": amount, "reason": "late"}, format="json"
    )
    sandbox.fault(None)
    refund = Refund.objects.get(payment=payment, status="pending")
    return services.refund_settle(refund_id=refund.pk, status="failed", source="webhook", failure_reason="bank")


@pytest.fixture
def month(sandbox, make_client, monkeypatch, settings):
    """One vendor's month: an order before it, then captures, a partial refund, a failed refund,
    a full refund that cancels, completions and a payout inside it."""
    settings.PLATFORM_FEE_BPS = 200  # 2 %: fee rows exist
    clock = Clock(monkeypatch)
    vendor = FoodVendorFactory()
    from ordering.tests.factories import ShopFactory

    ShopFactory(vendor=vendor)
    staff = make_client(StaffFactory())
    clock.days_ago = 40  # before the month: opening balance
    before, _ = _order(vendor, sandbox, make_client)
    _vendor_does(make_client, before, "accept", "ready", "complete")
    clock.days_ago = 20  # inside the month
    a, pay_a = _order(vendor, sandbox, make_client)
    b, pay_b = _order(vendor, sandbox, make_client, quantity=1)
    c, pay_c = _order(vendor, sandbox, make_client, quantity=1)
    staff.post(f"/api/v1/payments/{pay_a.pk}/refund", {"amount_paise": 1500, "reason": "cold"}, format="json")
    _fail_a_refund(sandbox, make_client, pay_b, 1000)
    staff.post(f"/api/v1/payments/{pay_c.pk}/refund", {"reason": "spilled"}, format="json")  # cancels c
    _vendor_does(make_client, a, "accept", "ready", "complete")
    clock.days_ago = 10
    _vendor_does(make_client, b, "accept", "ready", "complete")
    ledger_payout(vendor=vendor, amount_paise=5000, actor=StaffFactory(), reference="neft-1")
    clock.days_ago = 0
    today = timezone.localdate()
    return {
        "vendor": vendor,
        "from": (today - timedelta(days=30)).isoformat(),
        "to": today.isoformat(),
        "orders": (a, b, c),
        "payments": (pay_a, pay_b, pay_c),
    }


def test_a_month_adds_up_and_every_total_is_the_ledger(month, make_client, django_assert_max_num_queries):
    vendor = month["vendor"]
    client = make_client(vendor)
    body = client.get(URL, {"from": month["from"], "to": month["to"]}).json()
    rows, totals, opening, closing = body["rows"], body["totals"], body["opening"], body["closing"]
    assert opening["balance_paise"] > 0 and opening["pending_paise"] == 0  # the first order was completed
    for part in ("balance_paise", "pending_paise", "available_paise"):
        key = {"balance_paise": "amount_paise"}.get(part, part)
        assert opening[part] + sum(row[key] for row in rows) == closing[part], part
    running = opening["balance_paise"]
    for row in rows:
        running += row["amount_paise"]
        assert row["balance_paise"] == running
    summary = vendor_summary(vendor_id=vendor.pk)
    assert closing["pending_paise"] == totals["pending_paise"] == summary["pending_paise"]
    assert closing["available_paise"] == totals["available_paise"] == summary["available_paise"]
    assert closing["balance_paise"] == summary["payable_paise"]
    pay_a, pay_b, pay_c = month["payments"]
    assert totals["gross_paise"] == pay_a.captured_paise + pay_b.captured_paise + pay_c.captured_paise
    assert totals["refunds_processed_paise"] == 1500 + pay_c.captured_paise
    assert totals["refunds_delayed_paise"] == 1000 == totals["refunds_given_back_paise"]
    assert totals["refunds_pending_paise"] == 0
    assert totals["paid_out_paise"] == 5000 == summary["paid_out_paise"]
    fees = sum(p.platform_fee_paise for p in (pay_a, pay_b, pay_c))
    assert 0 < totals["fees_paise"] < fees  # charged on captures, given back in proportion to refunds
    assert (
        opening["balance_paise"]
        + totals["gross_paise"]
        - totals["refunds_processed_paise"]
        - totals["refunds_pending_paise"]
        - totals["refunds_delayed_paise"]
        + totals["refunds_given_back_paise"]
        - totals["fees_paise"]
        - totals["paid_out_paise"]
        + totals["adjustments_paise"]
        == closing["balance_paise"]
    )
    # Every row names what it belongs to.
    kinds = {row["type"] for row in rows}
    assert kinds == {"capture", "fee", "refund", "refund_reversal", "release", "payout"}
    order_ids = {o.pk for o in month["orders"]}
    for row in rows:
        if row["type"] != "payout":
            assert row["order"] in order_ids and row["payment"]
        if row["type"] in ("refund", "refund_reversal"):
            assert row["refund"] and row["refund_status"] in ("processed", "failed")
    failed = [row for row in rows if row["type"] == "refund" and row["refund_status"] == "failed"]
    assert len(failed) == 1 and failed[0]["amount_paise"] == -1000
    # Query count does not grow with the rows.
    with django_assert_max_num_queries(12):
        client.get(URL, {"from": month["from"], "to": month["to"]})


def test_the_query_count_is_constant_in_rows(month, make_client, django_assert_max_num_queries, sandbox):
    client = make_client(month["vendor"])
    small = client.get(URL, {"from": month["to"], "to": month["to"]}).json()
    assert small["rows"] == [] and small["opening"] == small["closing"]
    with django_assert_max_num_queries(12):
        assert len(client.get(URL, {"from": month["from"], "to": month["to"]}).json()["rows"]) > 10


def test_csv_has_the_same_rows(month, make_client):
    client = make_client(month["vendor"])
    params = {"from": month["from"], "to": month["to"]}
    rows = client.get(URL, params).json()["rows"]
    response = client.get(URL, {**params, "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    lines = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(int(r["amount_paise"]), r["type"]) for r in lines] == [(r["amount_paise"], r["type"]) for r in rows]


def test_staff_name_the_vendor_and_a_vendor_sees_only_its_own(month, make_client):
    vendor = month["vendor"]
    params = {"from": month["from"], "to": month["to"]}
    staff = make_client(StaffFactory())
    assert staff.get(URL, params).status_code == 400
    own = make_client(vendor).get(URL, params).json()
    assert staff.get(URL, {**params, "vendor": vendor.pk}).json()["closing"] == own["closing"]
    assert staff.get(URL, {**params, "vendor": 999999}).status_code == 404
    other = FoodVendorFactory()
    mine = make_client(other).get(URL, {**params, "vendor": vendor.pk}).json()
    assert mine["vendor"] == other.pk and mine["rows"] == [] and mine["closing"]["balance_paise"] == 0
    assert make_client(StaffFactory(perms=[])).get(URL, {**params, "vendor": vendor.pk}).status_code == 403
    assert make_client(StudentFactory()).get(URL, params).status_code == 403


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"from": "2026-01-01"},
        {"to": "2026-01-01"},
        {"from": "yesterday", "to": "2026-01-01"},
        {"from": "2026-02-30", "to": "2026-03-01"},
        {"from": "2026-03-02", "to": "2026-03-01"},
        {"from": "2025-01-01", "to": "2026-01-02"},
        {"from": "2026-01-01", "to": "2026-01-02", "format": "xml"},
    ],
)
def test_bad_dates_are_400(make_client, params):
    response = make_client(FoodVendorFactory()).get(URL, params)
    assert response.status_code == 400 and response.json()["error"]["code"] == "validation_error"
