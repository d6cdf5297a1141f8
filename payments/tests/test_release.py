"""Vendor money is pending until its order or print job is completed, then available for payouts.

Through the sandbox over HTTP: the student pays, the vendor works the order, staff pay out.
"""

import pytest

from accounts.tests.factories import StaffFactory
from ledger import chart
from ledger.errors import PayoutExceedsBalance
from ledger.models import Transaction
from ledger.selectors import book_check, vendor_summary
from ledger.services import ledger_payout, ledger_post
from ordering.models import Order
from ordering.services import order_mark_paid
from ordering.tests.factories import place_order
from payments import services
from payments.models import Payment, Refund
from stationery.models import PrintJob
from stationery.tests.factories import PrintJobFactory

pytestmark = pytest.mark.django_db(transaction=True)

TOTAL = 9000  # place_order(quantity=2)


def _balance(vendor_id: int) -> tuple[int, int, int]:
    summary = vendor_summary(vendor_id=vendor_id)
    return summary["pending_paise"], summary["available_paise"], summary["payable_paise"]


def _pay(sandbox, make_client, order: Order) -> Payment:
    client = make_client(order.student)
    checkout = client.post(f"/api/v1/orders/{order.pk}/pay").json()
    client.post("/api/v1/payments/verify", sandbox.pay(checkout["razorpay_order_id"]), format="json")
    return Payment.objects.get(pk=checkout["payment_id"])


def _vendor_does(make_client, order: Order, *actions: str):
    client = make_client(order.vendor)
    for action in actions:
        body = {"pickup_code": Order.objects.get(pk=order.pk).pickup_code} if action == "complete" else {}
        if action == "reject":
            body = {"reason": "Out of paneer"}
        response = client.post(f"/api/v1/orders/{order.pk}/{action}", body, format="json")
        assert response.status_code == 200, response.content
    return response


@pytest.fixture
def paid(sandbox, make_client) -> tuple[Order, Payment]:
    order = place_order(quantity=2)
    payment = _pay(sandbox, make_client, order)
    assert payment.status == "captured" and payment.captured_paise == TOTAL
    return order, payment


def test_a_paid_order_is_pending_and_completion_makes_it_available(paid, make_client):
    order, payment = paid
    assert _balance(order.vendor_id) == (TOTAL, 0, TOTAL)
    balance = make_client(order.vendor).get("/api/v1/ledger/balance").json()
    assert (balance["pending_paise"], balance["available_paise"], balance["payable_paise"]) == (TOTAL, 0, TOTAL)

    _vendor_does(make_client, order, "accept", "ready")
    assert _balance(order.vendor_id) == (TOTAL, 0, TOTAL)  # ready is not handed over
    _vendor_does(make_client, order, "complete")

    assert _balance(order.vendor_id) == (0, TOTAL, TOTAL)
    release = Transaction.objects.get(kind="release")
    assert release.reference == f"payment:{payment.pk}" and release.actor == order.vendor
    assert dict(release.entries.values_list("account__code", "amount_paise")) == {
        chart.vendor_pending(order.vendor_id): TOTAL,
        chart.vendor_payable(order.vendor_id): -TOTAL,
    }
    payment.refresh_from_db()
    assert payment.released_at is not None
    # Completing again is refused by the order, and releasing again writes nothing.
    services.payment_release_payable(payable="order", obj=Order.objects.get(pk=order.pk), actor=None)
    assert Transaction.objects.filter(kind="release").count() == 1
    assert book_check().ok


def test_the_rogue_vendor_cannot_be_paid_out_for_an_order_it_then_rejects(paid, make_client):
    """Accept a big order, get it paid out, reject it: the campus refunds from its own pocket. Not any more."""
    order, payment = paid
    _vendor_does(make_client, order, "accept")
    with pytest.raises(PayoutExceedsBalance):
        ledger_payout(vendor=order.vendor, amount_paise=TOTAL, actor=StaffFactory(), reference="po-rogue")
    with pytest.raises(PayoutExceedsBalance):
        ledger_payout(vendor=order.vendor, amount_paise=1, actor=StaffFactory(), reference="po-rogue-1")
    assert not Transaction.objects.filter(kind="payout").exists()

    _vendor_does(make_client, order, "reject")
    payment.refresh_from_db()
    assert payment.status == "refunded"
    refund = Transaction.objects.get(kind="refund")
    assert dict(refund.entries.values_list("account__code", "amount_paise"))[chart.vendor_pending(order.vendor_id)] == (
        TOTAL
    )
    assert _balance(order.vendor_id) == (0, 0, 0)  # never negative
    assert book_check().ok


def test_a_refund_after_completion_comes_out_of_available(paid, make_client):
    order, payment = paid
    _vendor_does(make_client, order, "accept", "ready", "complete")
    response = make_client(StaffFactory()).post(
        f"/api/v1/payments/{payment.pk}/refund", {"amount_paise": 2000, "reason": "cold food"}, format="json"
    )
    assert response.status_code == 201, response.content
    refund = Transaction.objects.get(kind="refund")
    assert dict(refund.entries.values_list("account__code", "amount_paise")) == {
        chart.GATEWAY: -2000,
        chart.vendor_payable(order.vendor_id): 2000,
    }
    assert _balance(order.vendor_id) == (0, TOTAL - 2000, TOTAL - 2000)


def test_a_partial_refund_before_completion_leaves_the_rest_to_release(paid, make_client, settings):
    order, payment = paid
    make_client(StaffFactory()).post(
        f"/api/v1/payments/{payment.pk}/refund", {"amount_paise": 3000, "reason": "one item missing"}, format="json"
    )
    assert _balance(order.vendor_id) == (TOTAL - 3000, 0, TOTAL - 3000)
    _vendor_does(make_client, order, "accept", "ready", "complete")
    assert _balance(order.vendor_id) == (0, TOTAL - 3000, TOTAL - 3000)
    assert dict(Transaction.objects.get(kind="release").entries.values_list("account__code", "amount_paise")) == {
        chart.vendor_pending(order.vendor_id): TOTAL - 3000,
        chart.vendor_payable(order.vendor_id): -(TOTAL - 3000),
    }


def test_release_moves_the_vendor_share_and_leaves_the_commission(sandbox, make_client, settings):
    settings.PLATFORM_FEE_BPS = 250
    order = place_order(quantity=2)
    _pay(sandbox, make_client, order)
    _vendor_does(make_client, order, "accept", "ready", "complete")
    assert _balance(order.vendor_id) == (0, TOTAL - 225, TOTAL - 225)


def test_a_pending_refund_that_fails_after_completion_is_released_too(paid, make_client, sandbox):
    order, payment = paid
    sandbox.fault("error")  # the refund is reserved (from pending) but cannot reach Razorpay
    make_client(StaffFactory()).post(
        f"/api/v1/payments/{payment.pk}/refund", {"amount_paise": 1000, "reason": "x"}, format="json"
    )
    sandbox.fault(None)
    refund = Refund.objects.get()
    assert refund.status == "pending"
    _vendor_does(make_client, order, "accept", "ready", "complete")
    assert _balance(order.vendor_id) == (0, TOTAL - 1000, TOTAL - 1000)

    services.refund_settle(refund_id=refund.pk, status="failed", source="webhook", failure_reason="bank refused")
    # The reversal put the vendor's 1000 back where it was taken from (pending); it is released on.
    assert _balance(order.vendor_id) == (0, TOTAL, TOTAL)
    assert Transaction.objects.filter(kind="release").count() == 2
    assert book_check().ok


def test_a_capture_booked_before_pending_existed_releases_nothing_and_refunds_from_available(make_client):
    """Data from before this change stays valid: its captures credited the payable account directly."""
    from tests.fixtures import open_payment

    order = place_order(quantity=2)
    payment = open_payment(payer=order.student, order_=order)
    Payment.objects.filter(pk=payment.pk).update(
        status="captured", razorpay_payment_id="pay_legacy01", captured_paise=TOTAL, captured_at=order.created_at
    )
    ledger_post(
        kind="capture",
        reference="pay_legacy01",
        entries=[(chart.GATEWAY, TOTAL), (chart.vendor_payable(order.vendor_id), -TOTAL)],
    )
    order_mark_paid(order_id=order.pk, payment=Payment.objects.get(pk=payment.pk))
    _vendor_does(make_client, order, "accept", "ready", "complete")
    assert not Transaction.objects.filter(kind="release").exists()
    assert Payment.objects.get(pk=payment.pk).released_at is not None
    assert _balance(order.vendor_id) == (0, TOTAL, TOTAL)
    services.payment_refund_payable_in_full(payable="order", obj=Order.objects.get(pk=order.pk), reason="x", actor=None)
    refund = Transaction.objects.get(kind="refund")
    assert dict(refund.entries.values_list("account__code", "amount_paise"))[chart.vendor_payable(order.vendor_id)] == (
        TOTAL
    )
    assert _balance(order.vendor_id) == (0, 0, 0)
    assert book_check().ok


def test_completing_a_print_job_releases_its_money(sandbox, make_client):
    job = PrintJobFactory(status=PrintJob.Status.READY)
    client = make_client(job.student)
    checkout = client.post(f"/api/v1/print-jobs/{job.pk}/pay").json()
    client.post("/api/v1/payments/verify", sandbox.pay(checkout["razorpay_order_id"]), format="json")
    assert _balance(job.vendor_id) == (job.amount_paise, 0, job.amount_paise)
    with pytest.raises(PayoutExceedsBalance):
        ledger_payout(vendor=job.vendor, amount_paise=1, actor=StaffFactory(), reference="po-job")
    job.refresh_from_db()  # paid: the release code the student shows at the counter
    answer = make_client(job.vendor).post(f"/api/v1/print-jobs/{job.pk}/complete", {"pickup_code": job.pickup_code})
    assert answer.status_code == 200
    assert _balance(job.vendor_id) == (0, job.amount_paise, job.amount_paise)
    ledger_payout(vendor=job.vendor, amount_paise=job.amount_paise, actor=StaffFactory(), reference="po-job-2")
    assert _balance(job.vendor_id) == (0, 0, 0)
