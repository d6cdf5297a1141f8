"""Razorpay's fee on each capture is an expense: the gateway account holds what Razorpay will settle."""

import pytest

from ledger import chart
from ledger.models import Account, Transaction
from ledger.selectors import account_balance, book_check
from ordering.tests.factories import place_order
from payments.models import Payment
from payments.services import Source, payment_capture
from razorpay_sandbox import state as sandbox_state

from .factories import PaymentFactory, event_body, payment_entity, post_webhook

# The real payload's numbers (a ₹500 netbanking capture): fee 1180 paise, of which 180 is GST.
SAMPLE_AMOUNT, SAMPLE_FEE, SAMPLE_TAX = 50_000, 1_180, 180


def test_the_sandbox_reports_razorpays_fee_with_gst_on_captures():
    assert sandbox_state.fee_and_tax(SAMPLE_AMOUNT) == (SAMPLE_FEE, SAMPLE_TAX)
    fee, tax = sandbox_state.fee_and_tax(9_000)
    assert (fee, tax) == (212, 32) and 0 < tax < fee < 9_000


def test_expense_gateway_fees_is_an_expense_account_in_the_chart():
    assert chart.GATEWAY_FEES == "expense:gateway_fees"
    assert chart.parse_code(chart.GATEWAY_FEES).type == Account.Type.EXPENSE


@pytest.mark.django_db
def test_a_webhook_capture_books_the_fee_and_stores_it_on_the_payment(client):
    order = place_order(quantity=2)
    payment = PaymentFactory(order=order, amount_paise=order.total_paise)
    entity = payment_entity(payment, fee=212, tax=32)
    assert post_webhook(client, event_body("payment.captured", payment=entity)).status_code == 200
    payment.refresh_from_db()
    assert (payment.status, payment.gateway_fee_paise, payment.gateway_tax_paise) == ("captured", 212, 32)
    capture = Transaction.objects.get(kind="capture")
    assert dict(capture.entries.values_list("account__code", "amount_paise")) == {
        chart.GATEWAY: order.total_paise - 212,
        chart.GATEWAY_FEES: 212,
        chart.vendor_pending(order.vendor_id): -order.total_paise,
    }
    assert Account.objects.get(code=chart.GATEWAY_FEES).type == "expense"
    assert book_check().ok


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fee", "tax"),
    [(None, None), (-1, 0), (9_001, 0), (100, 101), ("212", "32"), (True, 0), (2.5, 0)],
)
def test_no_or_implausible_fee_is_booked_as_zero_and_the_capture_still_counts(fee, tax):
    order = place_order(quantity=2)
    payment = PaymentFactory(order=order, amount_paise=order.total_paise)
    payment_capture(
        payment_id=payment.pk,
        razorpay_payment_id="pay_FEECHECK000001",
        amount_paise=order.total_paise,
        currency="INR",
        source=Source.WEBHOOK,
        fee_paise=fee,
        tax_paise=tax,
    )
    payment.refresh_from_db()
    assert payment.status == "captured" and (payment.gateway_fee_paise, payment.gateway_tax_paise) == (0, 0)
    assert account_balance(code=chart.GATEWAY) == order.total_paise
    assert account_balance(code=chart.GATEWAY_FEES) == 0


@pytest.mark.django_db(transaction=True)
def test_a_refund_loses_the_fee_and_the_gateway_account_matches_razorpays_settlement(sandbox, make_client):
    from accounts.tests.factories import StaffFactory

    order = place_order(quantity=2)
    client = make_client(order.student)
    checkout = client.post(f"/api/v1/orders/{order.pk}/pay").json()
    client.post("/api/v1/payments/verify", sandbox.pay(checkout["razorpay_order_id"]), format="json")
    payment = Payment.objects.get(pk=checkout["payment_id"])
    at_razorpay = sandbox.payment(payment.razorpay_payment_id)
    assert (payment.gateway_fee_paise, payment.gateway_tax_paise) == (at_razorpay["fee"], at_razorpay["tax"])
    # Razorpay settles the amount less its fee: exactly what the gateway account holds.
    assert account_balance(code=chart.GATEWAY) == at_razorpay["amount"] - at_razorpay["fee"]

    response = make_client(StaffFactory()).post(
        f"/api/v1/payments/{payment.pk}/refund", {"reason": "duplicate"}, format="json"
    )
    assert response.status_code == 201
    # The whole amount went back to the student; Razorpay kept its fee: the campus's visible loss.
    assert account_balance(code=chart.GATEWAY) == -at_razorpay["fee"]
    assert account_balance(code=chart.GATEWAY_FEES) == at_razorpay["fee"]
    assert book_check().ok
