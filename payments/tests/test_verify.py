"""POST /payments/verify: the payer only, the signature over our stored order id, nothing on failure."""

import pytest

from accounts.tests.factories import StudentFactory
from ledger.models import Transaction
from ordering.models import Order
from payments.models import PaymentEvent
from payments.services import payment_capture

from .factories import PaymentFactory, checkout_signature

pytestmark = pytest.mark.django_db


def _fields(payment, razorpay_payment_id="pay_VERIFY00000001", signature=None):
    return {
        "razorpay_order_id": payment.razorpay_order_id,
        "razorpay_payment_id": razorpay_payment_id,
        "razorpay_signature": signature or checkout_signature(payment.razorpay_order_id, razorpay_payment_id),
    }


def test_another_students_payment_is_not_found(make_client):
    payment = PaymentFactory()
    response = make_client(StudentFactory()).post("/api/v1/payments/verify", _fields(payment), format="json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    payment.refresh_from_db()
    assert payment.status == "created"


@pytest.mark.parametrize(
    "signature",
    [
        "0" * 64,
        "not-hex",
        # Signed with the right secret but over another order id.
        checkout_signature("order_someoneelse", "pay_VERIFY00000001"),
    ],
)
def test_bad_signature_is_400_and_changes_nothing(make_client, signature):
    payment = PaymentFactory()
    client = make_client(payment.payer)
    response = client.post("/api/v1/payments/verify", _fields(payment, signature=signature), format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "signature_invalid"
    payment.refresh_from_db()
    assert payment.status == "created" and payment.razorpay_payment_id is None
    assert Order.objects.get(pk=payment.order_id).status == Order.Status.PENDING_PAYMENT
    assert Transaction.objects.count() == 0 and PaymentEvent.objects.count() == 0


def test_signature_for_our_order_id_with_the_webhook_secret_is_refused(make_client):
    payment = PaymentFactory()
    signature = checkout_signature(payment.razorpay_order_id, "pay_VERIFY00000001", secret="tnt-tests-webhook-secret")
    response = make_client(payment.payer).post(
        "/api/v1/payments/verify", _fields(payment, signature=signature), format="json"
    )
    assert response.status_code == 400


def test_missing_fields_are_a_validation_error(make_client):
    payment = PaymentFactory()
    response = make_client(payment.payer).post("/api/v1/payments/verify", {}, format="json")
    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "validation_error"
    assert set(body["details"]) == {"razorpay_order_id", "razorpay_payment_id", "razorpay_signature"}


def test_anonymous_verify_is_401(api_client):
    assert api_client.post("/api/v1/payments/verify", {}, format="json").status_code == 401


def test_verify_of_an_already_captured_payment_returns_it_without_calling_razorpay(make_client):
    """RAZORPAY_BASE_URL points nowhere in this test: no gateway call may happen."""
    payment = PaymentFactory()
    payment_capture(
        payment_id=payment.pk,
        razorpay_payment_id="pay_VERIFY00000001",
        amount_paise=payment.amount_paise,
        currency="INR",
        source="webhook",
    )
    response = make_client(payment.payer).post("/api/v1/payments/verify", _fields(payment), format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "captured"
    assert Transaction.objects.count() == 1


def test_verify_when_razorpay_is_unreachable_is_502_and_changes_nothing(make_client):
    payment = PaymentFactory()
    response = make_client(payment.payer).post("/api/v1/payments/verify", _fields(payment), format="json")
    assert response.status_code == 502
    payment.refresh_from_db()
    assert payment.status == "created"


def test_verify_is_rate_limited(make_client, settings):
    settings.RATE_LIMIT_PAYMENTS = "1/m"
    payment = PaymentFactory()
    client = make_client(payment.payer)
    client.post("/api/v1/payments/verify", {}, format="json")
    limited = client.post("/api/v1/payments/verify", {}, format="json")
    assert limited.status_code == 429 and limited["Retry-After"]


@pytest.mark.django_db(transaction=True)
def test_verify_a_failed_attempt_marks_the_payment_failed(sandbox, make_client):
    from ordering.tests.factories import place_order

    order = place_order()
    client = make_client(order.student)
    checkout = client.post(f"/api/v1/orders/{order.pk}/pay").json()
    sandbox.webhooks(False)
    failure = sandbox.fail(checkout["razorpay_order_id"])
    payment_id = failure["error"]["metadata"]["payment_id"]
    # A tampered page claims success for the failed attempt, with a valid signature.
    fields = {
        "razorpay_order_id": checkout["razorpay_order_id"],
        "razorpay_payment_id": payment_id,
        "razorpay_signature": checkout_signature(checkout["razorpay_order_id"], payment_id),
    }
    response = client.post("/api/v1/payments/verify", fields, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "failed"
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT
    assert Transaction.objects.count() == 0
    # The student may try again: a new payment with a new Razorpay order.
    again = client.post(f"/api/v1/orders/{order.pk}/pay").json()
    assert again["razorpay_order_id"] != checkout["razorpay_order_id"]
