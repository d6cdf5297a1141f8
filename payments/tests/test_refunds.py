"""Refunds: staff only, never more than captured, partial allowed, once per key, the ledger follows."""

import pytest

from accounts.tests.factories import FoodVendorFactory, StaffFactory, StudentFactory
from ledger import chart
from ledger.models import Transaction
from ledger.selectors import vendor_summary
from ordering.tests.factories import place_order
from payments.models import Payment, Refund
from payments.services import payments_reconcile

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def captured(sandbox, make_client):
    """A payment captured through the sandbox for a 9000-paise order, webhooks included."""
    order = place_order(quantity=2)
    client = make_client(order.student)
    checkout = client.post(f"/api/v1/orders/{order.pk}/pay").json()
    client.post("/api/v1/payments/verify", sandbox.pay(checkout["razorpay_order_id"]), format="json")
    payment = Payment.objects.get(pk=checkout["payment_id"])
    assert payment.status == "captured" and payment.captured_paise == 9000
    return payment


def _refund(client, payment_id, body=None, **headers):
    return client.post(f"/api/v1/payments/{payment_id}/refund", body or {"reason": "test"}, format="json", **headers)


def _owed(vendor_id: int) -> int:
    """What the campus owes the vendor (pending and available), in paise."""
    return vendor_summary(vendor_id=vendor_id)["payable_paise"]


def test_only_staff_may_refund(captured, make_client, api_client):
    assert _refund(api_client, captured.pk).status_code == 401
    for outsider in (captured.payer, StudentFactory(), FoodVendorFactory(), captured.order.vendor):
        response = _refund(make_client(outsider), captured.pk)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "permission_denied"
    assert Refund.objects.count() == 0


def test_staff_full_refund_is_processed_and_posted(captured, sandbox, make_client):
    response = _refund(make_client(StaffFactory()), captured.pk, {"reason": "Duplicate charge"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["amount_paise"] == 9000 and body["payment"] == captured.pk
    refund = Refund.objects.get()
    # Razorpay's refund.processed webhook settled it (before or after our own request recorded its id).
    assert refund.status == "processed" and refund.razorpay_refund_id
    assert [r["id"] for r in sandbox.refunds(captured.razorpay_payment_id)] == [refund.razorpay_refund_id]
    captured.refresh_from_db()
    assert captured.status == "refunded" and captured.refunded_paise == 9000
    posting = Transaction.objects.get(kind="refund")
    assert dict(posting.entries.values_list("account__code", "amount_paise")) == {
        chart.GATEWAY: -9000,
        chart.vendor_pending(captured.order.vendor_id): 9000,  # the order is not completed
    }
    assert _owed(captured.order.vendor_id) == 0


def test_refund_over_the_refundable_amount_is_409(captured, make_client):
    staff = make_client(StaffFactory())
    response = _refund(staff, captured.pk, {"amount_paise": 9001, "reason": "too much"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "refund_exceeds_captured"
    assert Refund.objects.count() == 0
    assert not Transaction.objects.filter(kind="refund").exists()


def test_two_partial_refunds_within_the_capture_both_succeed_a_third_is_409(captured, sandbox, make_client):
    staff = make_client(StaffFactory())
    assert _refund(staff, captured.pk, {"amount_paise": 4000, "reason": "cold"}).status_code == 201
    captured.refresh_from_db()
    assert captured.status == "partially_refunded" and captured.refunded_paise == 4000
    assert _refund(staff, captured.pk, {"amount_paise": 5000, "reason": "late"}).status_code == 201
    captured.refresh_from_db()
    assert captured.status == "refunded" and captured.refunded_paise == 9000
    third = _refund(staff, captured.pk, {"amount_paise": 1, "reason": "more"})
    assert third.status_code == 409 and third.json()["error"]["code"] == "refund_exceeds_captured"
    assert len(sandbox.refunds(captured.razorpay_payment_id)) == 2
    assert Transaction.objects.filter(kind="refund").count() == 2
    assert _owed(captured.order.vendor_id) == 0


def test_the_same_refund_request_with_the_same_key_refunds_once(captured, sandbox, make_client):
    staff = make_client(StaffFactory())
    body = {"amount_paise": 3000, "reason": "missing item"}
    first = _refund(staff, captured.pk, body, HTTP_IDEMPOTENCY_KEY="refund-key-1")
    again = _refund(staff, captured.pk, body, HTTP_IDEMPOTENCY_KEY="refund-key-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Refund.objects.count() == 1
    assert len(sandbox.refunds(captured.razorpay_payment_id)) == 1
    captured.refresh_from_db()
    assert captured.refunded_paise == 3000
    other_body = _refund(staff, captured.pk, {"amount_paise": 100, "reason": "x"}, HTTP_IDEMPOTENCY_KEY="refund-key-1")
    assert other_body.status_code == 409 and other_body.json()["error"]["code"] == "idempotency_conflict"


def test_refund_sends_razorpays_idempotency_header(captured, sandbox, make_client):
    _refund(make_client(StaffFactory()), captured.pk, {"amount_paise": 1000, "reason": "x"})
    refund = Refund.objects.get()
    from razorpay_sandbox import state

    assert state._get("refund-idem", refund.idempotency_key) == refund.razorpay_refund_id
    assert len(refund.idempotency_key) >= 10


def test_refund_of_a_payment_not_captured_is_409(sandbox, make_client):
    order = place_order()
    checkout = make_client(order.student).post(f"/api/v1/orders/{order.pk}/pay").json()
    response = _refund(make_client(StaffFactory()), checkout["payment_id"])
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid_transition"


def test_refund_of_an_unknown_payment_is_404(make_client):
    assert _refund(make_client(StaffFactory()), 999_999).status_code == 404


def test_refund_needs_a_reason(captured, make_client):
    response = _refund(make_client(StaffFactory()), captured.pk, {"amount_paise": 10})
    assert response.status_code == 400
    assert "reason" in response.json()["error"]["details"]


def test_refund_while_razorpay_is_down_stays_pending_and_reconcile_sends_it_once(captured, sandbox, make_client):
    sandbox.fault("error")
    response = _refund(make_client(StaffFactory()), captured.pk, {"amount_paise": 2500, "reason": "x"})
    assert response.status_code == 201
    assert response.json()["status"] == "pending" and response.json()["razorpay_refund_id"] is None
    captured.refresh_from_db()
    assert captured.refunded_paise == 2500  # reserved: nobody can refund it twice meanwhile

    sandbox.fault(None)
    summary = payments_reconcile(older_than_seconds=0)
    assert summary["refunds_checked"] == 1
    refund = Refund.objects.get()
    assert refund.status == "processed" and refund.submit_attempts == 2
    payments_reconcile(older_than_seconds=0)
    assert len(sandbox.refunds(captured.razorpay_payment_id)) == 1


def test_a_refund_razorpay_refuses_is_failed_given_back_and_reversed(captured, sandbox, make_client):
    # Someone refunded the whole payment from Razorpay's dashboard; our refund is then refused.
    from payments import gateway

    gateway.refund_create(
        razorpay_payment_id=captured.razorpay_payment_id, amount_paise=9000, idempotency_key="dashboard-1", notes={}
    )
    response = _refund(make_client(StaffFactory()), captured.pk, {"amount_paise": 1000, "reason": "x"})
    assert response.status_code == 502
    refund = Refund.objects.get()
    assert refund.status == "failed" and refund.failure_reason
    captured.refresh_from_db()
    assert captured.status == "captured" and captured.refunded_paise == 0
    assert Transaction.objects.filter(kind="reversal", reverses__kind="refund").count() == 1
    assert _owed(captured.order.vendor_id) == 9000


def test_vendor_balance_after_partial_refund(captured, make_client):
    _refund(make_client(StaffFactory()), captured.pk, {"amount_paise": 4000, "reason": "x"})
    assert _owed(captured.order.vendor_id) == 5000
