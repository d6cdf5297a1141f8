"""A paid order cancelled by its student or rejected by its vendor is refunded in full automatically."""

import pytest

from ledger import chart
from ledger.models import Transaction
from ledger.selectors import account_balance
from ordering.models import Order, Slot
from ordering.tests.factories import place_order
from payments.models import Payment, Refund

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def paid_order(sandbox, make_client):
    order = place_order(quantity=2)
    client = make_client(order.student)
    checkout = client.post(f"/api/v1/orders/{order.pk}/pay").json()
    client.post("/api/v1/payments/verify", sandbox.pay(checkout["razorpay_order_id"]), format="json")
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert Slot.objects.get(pk=order.slot_id).reserved == 1
    # Not completed: the vendor's money is pending, nothing of it available to pay out.
    assert account_balance(code=chart.vendor_pending(order.vendor_id)) == -order.total_paise
    assert account_balance(code=chart.vendor_payable(order.vendor_id)) == 0
    return order


def _assert_refunded_in_full(order, sandbox):
    payment = Payment.objects.get(order=order)
    assert payment.status == "refunded" and payment.refunded_paise == order.total_paise
    refund = Refund.objects.get(payment=payment)
    assert refund.is_automatic and refund.status == "processed" and refund.amount_paise == order.total_paise
    at_gateway = sandbox.refunds(payment.razorpay_payment_id)
    assert [(r["id"], r["amount"], r["status"]) for r in at_gateway] == [
        (refund.razorpay_refund_id, order.total_paise, "processed")
    ]
    assert Slot.objects.get(pk=order.slot_id).reserved == 0
    # The refund came out of pending (the order was never completed); available was never touched.
    assert account_balance(code=chart.vendor_pending(order.vendor_id)) == 0
    assert account_balance(code=chart.vendor_payable(order.vendor_id)) == 0
    assert Transaction.objects.filter(kind="refund").count() == 1


def test_vendor_reject_of_a_paid_order_refunds_in_full(paid_order, sandbox, make_client):
    response = make_client(paid_order.vendor).post(
        f"/api/v1/orders/{paid_order.pk}/reject", {"reason": "Out of paneer"}, format="json"
    )
    assert response.status_code == 200, response.content
    paid_order.refresh_from_db()
    assert paid_order.status == Order.Status.REJECTED
    _assert_refunded_in_full(paid_order, sandbox)


def test_student_cancel_of_a_paid_order_refunds_in_full(paid_order, sandbox, make_client):
    response = make_client(paid_order.student).post(f"/api/v1/orders/{paid_order.pk}/cancel", {}, format="json")
    assert response.status_code == 200, response.content
    paid_order.refresh_from_db()
    assert paid_order.status == Order.Status.CANCELLED
    _assert_refunded_in_full(paid_order, sandbox)


def test_reject_while_razorpay_is_down_still_rejects_and_refunds_later(paid_order, sandbox, make_client):
    from payments.services import payments_reconcile

    sandbox.fault("error")
    response = make_client(paid_order.vendor).post(
        f"/api/v1/orders/{paid_order.pk}/reject", {"reason": "Closed early"}, format="json"
    )
    assert response.status_code == 200
    refund = Refund.objects.get()
    assert refund.status == "pending" and refund.razorpay_refund_id is None
    # The money is already reserved for the student and off the vendor's payable.
    assert account_balance(code=chart.vendor_payable(paid_order.vendor_id)) == 0

    sandbox.fault(None)
    payments_reconcile(older_than_seconds=0)
    paid_order.refresh_from_db()
    _assert_refunded_in_full(paid_order, sandbox)


def test_cancel_of_an_unpaid_order_refunds_nothing(sandbox, make_client):
    order = place_order()
    make_client(order.student).post(f"/api/v1/orders/{order.pk}/pay")
    response = make_client(order.student).post(f"/api/v1/orders/{order.pk}/cancel", {}, format="json")
    assert response.status_code == 200
    assert Refund.objects.count() == 0
