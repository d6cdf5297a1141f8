"""The gateway module, through the real razorpay SDK against the sandbox over HTTP."""

import pytest
import requests

from core.errors import GatewayError
from payments import gateway
from payments.errors import GatewayRejected

from .factories import KEY_ID, KEY_SECRET, WEBHOOK_SECRET, checkout_signature, sign

pytestmark = pytest.mark.django_db(transaction=True)


def _order(amount: int = 12_300) -> dict:
    return gateway.order_create(amount_paise=amount, currency="INR", receipt="tnt-test", notes={"k": "v"})


def test_order_create_returns_razorpay_order_for_our_amount(sandbox):
    order = _order(12_300)
    assert order["id"].startswith("order_")
    assert order["amount"] == 12_300 and order["currency"] == "INR" and order["status"] == "created"
    assert sandbox.order(order["id"])["notes"] == {"k": "v"}
    assert gateway.order_payments(razorpay_order_id=order["id"]) == []


@pytest.mark.parametrize("mode", ["error", "garbage"])
def test_server_errors_and_garbage_become_gateway_error(sandbox, mode):
    sandbox.fault(mode)
    with pytest.raises(GatewayError) as caught:
        _order()
    assert not isinstance(caught.value, GatewayRejected)
    assert caught.value.status_code == 502 and caught.value.code == "gateway_error"


def test_timeout_becomes_gateway_error(sandbox, settings):
    settings.RAZORPAY_TIMEOUT_SECONDS = 0.3
    sandbox.fault("hang", seconds=1.5)
    with pytest.raises(GatewayError):
        _order()


def test_unreachable_razorpay_becomes_gateway_error(razorpay_settings):
    with pytest.raises(GatewayError):
        _order()


def test_sandbox_checks_basic_auth_like_razorpay(sandbox):
    import razorpay
    from razorpay.errors import BadRequestError

    intruder = razorpay.Client(auth=(KEY_ID, "not-the-secret"), base_url=sandbox.base_url)
    with pytest.raises(BadRequestError, match="Authentication failed"):
        intruder.order.create({"amount": 100, "currency": "INR"}, timeout=5)
    anonymous = requests.post(f"{sandbox.base_url}/v1/orders", json={"amount": 100, "currency": "INR"}, timeout=5)
    assert anonymous.status_code == 401


def test_refusals_become_gateway_rejected(sandbox):
    with pytest.raises(GatewayRejected):
        gateway.payment_fetch(razorpay_payment_id="pay_doesnotexist")


def test_payment_fetch_and_refund_with_idempotency_header(sandbox):
    order = _order(5_000)
    paid = sandbox.pay(order["id"])
    payment = gateway.payment_fetch(razorpay_payment_id=paid["razorpay_payment_id"])
    assert payment["status"] == "captured" and payment["amount"] == 5_000 and payment["order_id"] == order["id"]

    first = gateway.refund_create(
        razorpay_payment_id=payment["id"], amount_paise=2_000, idempotency_key="tnt-test-key-1", notes={}
    )
    again = gateway.refund_create(
        razorpay_payment_id=payment["id"], amount_paise=2_000, idempotency_key="tnt-test-key-1", notes={}
    )
    assert first["id"] == again["id"]
    assert len(sandbox.refunds(payment["id"])) == 1
    assert gateway.refund_fetch(razorpay_refund_id=first["id"])["status"] == "processed"
    with pytest.raises(GatewayRejected):
        gateway.refund_create(
            razorpay_payment_id=payment["id"], amount_paise=3_001, idempotency_key="tnt-test-key-2", notes={}
        )


def test_checkout_signature_is_checked_against_the_key_secret(razorpay_settings):
    good = checkout_signature("order_A", "pay_B")
    assert gateway.payment_signature_valid(razorpay_order_id="order_A", razorpay_payment_id="pay_B", signature=good)
    assert not gateway.payment_signature_valid(razorpay_order_id="order_X", razorpay_payment_id="pay_B", signature=good)
    assert not gateway.payment_signature_valid(
        razorpay_order_id="order_A", razorpay_payment_id="pay_B", signature=checkout_signature("order_A", "pay_B", "x")
    )
    assert not gateway.payment_signature_valid(razorpay_order_id="order_A", razorpay_payment_id="pay_B", signature="")
    assert KEY_SECRET


def test_checkout_signature_matches_razorpays_published_example(razorpay_settings):
    """The example of the official SDK's own test suite (razorpay-python, tests/test_client_utility.py,
    `test_verify_payment_signature`, a client made with key secret "key_secret"): order "fake_order_id",
    payment "fake_payment_id". Neither side of this check comes from our code."""
    razorpay_settings.RAZORPAY_KEY_SECRET = "key_secret"
    published = "b2335e3b0801106b84a7faff035df56ecffde06918c9ddd1f0fafbb37a51cc89"
    assert gateway.payment_signature_valid(
        razorpay_order_id="fake_order_id", razorpay_payment_id="fake_payment_id", signature=published
    )
    # The message is "<order id>|<payment id>" in that order, keyed by the key secret.
    assert not gateway.payment_signature_valid(
        razorpay_order_id="fake_payment_id", razorpay_payment_id="fake_order_id", signature=published
    )
    razorpay_settings.RAZORPAY_KEY_SECRET = "another_secret"
    assert not gateway.payment_signature_valid(
        razorpay_order_id="fake_order_id", razorpay_payment_id="fake_payment_id", signature=published
    )


def test_the_production_hmac_helper_agrees_with_the_standard_library():
    assert gateway.hmac_sha256_hex("key_secret", "fake_order_id|fake_payment_id") == (
        "b2335e3b0801106b84a7faff035df56ecffde06918c9ddd1f0fafbb37a51cc89"
    )
    assert gateway.hmac_sha256_hex(WEBHOOK_SECRET, b"{}") == sign(WEBHOOK_SECRET, b"{}")


def test_webhook_signature_is_over_raw_bytes_with_the_webhook_secret(razorpay_settings):
    body = b'{"event": "payment.captured"}'
    assert gateway.webhook_signature_valid(body=body, signature=sign(WEBHOOK_SECRET, body))
    assert not gateway.webhook_signature_valid(
        body=body + b" ", signature=sign(WEBHOOK_SECRET, body)
    )
    assert not gateway.webhook_signature_valid(body=body, signature=sign(KEY_SECRET, body))
    assert not gateway.webhook_signature_valid(body=body, signature=None)
