"""POST /orders/{id}/pay and /print-jobs/{id}/pay, and the happy path end to end through the sandbox."""


import pytest
from django.db import connection

from accounts.tests.factories import FoodVendorFactory, StudentFactory
from ledger import chart
from ledger.models import Entry, Transaction
from ordering.models import Order
from ordering.tests.factories import place_order
from payments.models import Payment, PaymentEvent
from razorpay_sandbox.state import fee_and_tax
from stationery.models import PrintJob
from stationery.tests.factories import PrintJobFactory
from tests.concurrency import run_concurrently

pytestmark = pytest.mark.django_db(transaction=True)


def _pay(client, order_id: int, **headers):
    return client.post(f"/api/v1/orders/{order_id}/pay", **headers)


def test_happy_path_pay_verify_paid_with_pickup_code_and_one_balanced_ledger_posting(sandbox, make_client):
    order = place_order(quantity=3)
    client = make_client(order.student)

    checkout = _pay(client, order.pk)
    assert checkout.status_code == 200, checkout.content
    body = checkout.json()
    assert set(body) >= {"payment_id", "razorpay_order_id", "razorpay_key_id", "amount_paise", "currency"}
    assert body["amount_paise"] == order.total_paise and body["currency"] == "INR"
    assert body["razorpay_key_id"] == "rzp_test_tnttests01"
    # The Razorpay order itself is for the stored total, not for anything the client said.
    assert sandbox.order(body["razorpay_order_id"])["amount"] == order.total_paise

    sandbox.webhooks(False)  # only the checkout callback this time
    signed = sandbox.pay(body["razorpay_order_id"])
    verified = client.post("/api/v1/payments/verify", signed, format="json")
    assert verified.status_code == 200, verified.content
    assert verified.json()["status"] == "captured"
    assert verified.json()["razorpay_payment_id"] == signed["razorpay_payment_id"]

    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert len(order.pickup_code) == 6 and order.pickup_code.isdigit()

    capture = Transaction.objects.get(kind="capture")
    assert capture.reference == signed["razorpay_payment_id"]
    entries = dict(capture.entries.values_list("account__code", "amount_paise"))
    # Razorpay keeps its fee (GST included): the gateway account holds what it will settle, and the
    # vendor's money waits in pending until the order is completed.
    fee, tax = fee_and_tax(order.total_paise)
    assert fee > tax > 0
    assert entries == {
        chart.GATEWAY: order.total_paise - fee,
        chart.GATEWAY_FEES: fee,
        chart.vendor_pending(order.vendor_id): -order.total_paise,
    }
    assert sum(entries.values()) == 0
    assert Transaction.objects.count() == 1
    payment = Payment.objects.get(order=order)
    assert (payment.gateway_fee_paise, payment.gateway_tax_paise) == (fee, tax)


def test_platform_fee_goes_to_commission(sandbox, make_client, settings):
    settings.PLATFORM_FEE_BPS = 250  # 2.5 %
    order = place_order(quantity=2)  # 9000 paise
    client = make_client(order.student)
    checkout = _pay(client, order.pk).json()
    client.post("/api/v1/payments/verify", sandbox.pay(checkout["razorpay_order_id"]), format="json")
    entries = dict(Transaction.objects.get(kind="capture").entries.values_list("account__code", "amount_paise"))
    fee, _ = fee_and_tax(9000)
    assert entries == {
        chart.GATEWAY: 9000 - fee,
        chart.GATEWAY_FEES: fee,
        chart.vendor_pending(order.vendor_id): -(9000 - 225),
        chart.COMMISSION: -225,
    }


def test_the_webhook_alone_pays_the_order_when_the_tab_is_closed(sandbox, make_client):
    order = place_order()
    checkout = _pay(make_client(order.student), order.pk).json()
    sandbox.pay(checkout["razorpay_order_id"])  # nobody calls verify; Razorpay's webhooks arrive
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert {d["event"] for d in sandbox.deliveries()} == {"payment.captured", "order.paid"}
    assert all(d["status"] == 200 for d in sandbox.deliveries())
    assert Transaction.objects.filter(kind="capture").count() == 1
    assert Entry.objects.count() == 3  # gateway, gateway fees, vendor pending


def test_asking_again_returns_the_same_razorpay_order(sandbox, make_client):
    order = place_order()
    client = make_client(order.student)
    first, second = _pay(client, order.pk).json(), _pay(client, order.pk).json()
    assert first == second
    assert Payment.objects.count() == 1


def test_paying_after_the_amount_changed_supersedes_the_open_payment(sandbox, make_client):
    order = place_order()
    client = make_client(order.student)
    first = _pay(client, order.pk).json()
    assert first["amount_paise"] == 4500
    Order.objects.filter(pk=order.pk).update(total_paise=5000)  # what is owed changed since

    second = _pay(client, order.pk)
    assert second.status_code == 200, second.content
    second = second.json()
    assert second["payment_id"] != first["payment_id"]
    assert second["razorpay_order_id"] != first["razorpay_order_id"]
    assert second["amount_paise"] == 5000
    assert sandbox.order(second["razorpay_order_id"])["amount"] == 5000
    old = Payment.objects.get(pk=first["payment_id"])
    assert old.status == "failed" and old.failure_reason == "Superseded: the amount to pay changed."
    assert PaymentEvent.objects.filter(payment=old, to_status="failed", note="superseded").count() == 1
    assert Payment.objects.get(pk=second["payment_id"]).status == "created"
    assert Payment.objects.filter(order=order, status="created").count() == 1


def test_concurrent_pay_gets_one_payment_and_one_razorpay_order(sandbox, make_client):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    order = place_order()
    results: list = run_concurrently(6, lambda _: _pay(make_client(order.student), order.pk))
    assert [r.status_code for r in results] == [200] * 6
    assert len({r.json()["razorpay_order_id"] for r in results}) == 1
    assert Payment.objects.count() == 1


def test_idempotency_key_replays_the_first_answer(sandbox, make_client):
    order = place_order()
    client = make_client(order.student)
    first = _pay(client, order.pk, HTTP_IDEMPOTENCY_KEY="pay-once-1")
    again = _pay(client, order.pk, HTTP_IDEMPOTENCY_KEY="pay-once-1")
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"


def test_someone_elses_order_is_not_found(sandbox, make_client):
    order = place_order()
    for stranger in (StudentFactory(), FoodVendorFactory()):
        response = _pay(make_client(stranger), order.pk)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert _pay(make_client(order.vendor), order.pk).status_code == 404
    assert Payment.objects.count() == 0


def test_anonymous_pay_is_401(api_client):
    assert api_client.post("/api/v1/orders/1/pay").status_code == 401


def test_paid_order_answers_already_paid(sandbox, make_client):
    order = place_order()
    client = make_client(order.student)
    checkout = _pay(client, order.pk).json()
    client.post("/api/v1/payments/verify", sandbox.pay(checkout["razorpay_order_id"]), format="json")
    response = _pay(client, order.pk)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_paid"


def test_cancelled_order_cannot_be_paid(sandbox, make_client):
    order = place_order()
    Order.objects.filter(pk=order.pk).update(status=Order.Status.CANCELLED)
    response = _pay(make_client(order.student), order.pk)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid_transition"


@pytest.mark.parametrize("fault", ["error", "hang"])
def test_razorpay_down_gives_502_order_untouched_then_paying_works(sandbox, make_client, settings, fault):
    settings.RAZORPAY_TIMEOUT_SECONDS = 0.5
    order = place_order()
    client = make_client(order.student)
    sandbox.fault(fault, seconds=1.5)

    response = _pay(client, order.pk, HTTP_IDEMPOTENCY_KEY="retry-me")
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "gateway_error"
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT
    assert Payment.objects.count() == 0 and PaymentEvent.objects.count() == 0

    sandbox.fault(None)
    settings.RAZORPAY_TIMEOUT_SECONDS = 5
    recovered = _pay(client, order.pk, HTTP_IDEMPOTENCY_KEY="retry-me")
    assert recovered.status_code == 200, recovered.content
    assert recovered.json()["amount_paise"] == order.total_paise
    assert Payment.objects.get().razorpay_order_id == recovered.json()["razorpay_order_id"]


def test_pay_is_rate_limited_per_user_with_retry_after(sandbox, make_client, settings):
    settings.RATE_LIMIT_PAYMENTS = "2/m"
    order = place_order()
    client = make_client(order.student)
    assert _pay(client, order.pk).status_code == 200
    assert _pay(client, order.pk).status_code == 200
    limited = _pay(client, order.pk)
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "rate_limited"
    assert int(limited["Retry-After"]) >= 1
    # Another student is not affected.
    other = place_order()
    assert _pay(make_client(other.student), other.pk).status_code == 200


def test_print_job_pay_uses_the_job_amount(sandbox, make_client):
    job = PrintJobFactory(status=PrintJob.Status.READY)
    client = make_client(job.student)
    response = client.post(f"/api/v1/print-jobs/{job.pk}/pay")
    assert response.status_code == 200, response.content
    assert response.json()["amount_paise"] == job.amount_paise
    client.post("/api/v1/payments/verify", sandbox.pay(response.json()["razorpay_order_id"]), format="json")
    job.refresh_from_db()
    assert job.status == PrintJob.Status.PAID
    capture = Transaction.objects.get(kind="capture")
    assert (
        dict(capture.entries.values_list("account__code", "amount_paise"))[chart.vendor_pending(job.vendor_id)]
        == -job.amount_paise
    )


def test_print_job_not_ready_cannot_be_paid(sandbox, make_client):
    job = PrintJobFactory(status=PrintJob.Status.SUBMITTED)
    response = make_client(job.student).post(f"/api/v1/print-jobs/{job.pk}/pay")
    assert response.status_code == 409
