"""The development sandbox: off unless enabled, refuses DEBUG off, the checkout page works."""

import pytest
import requests
from django.core.exceptions import ImproperlyConfigured

from payments import checks
from payments.conf import SANDBOX_KEY_ID, SANDBOX_PATH, razorpay_config, sandbox_enabled

pytestmark = pytest.mark.django_db


def test_sandbox_is_off_by_default_in_tests_and_its_urls_404(client, settings):
    settings.RAZORPAY_SANDBOX = False
    assert client.post(f"{SANDBOX_PATH}/v1/orders").status_code == 404
    assert client.get(f"{SANDBOX_PATH}/checkout/order_x").status_code == 404
    assert client.get(f"{SANDBOX_PATH}/checkout.js").status_code == 404


def test_embedded_mode_turns_the_sandbox_on_with_dev_keys(settings):
    del settings.RAZORPAY_SANDBOX
    settings.DEBUG = True
    settings.RAZORPAY_KEY_ID = settings.RAZORPAY_KEY_SECRET = settings.RAZORPAY_WEBHOOK_SECRET = ""
    settings.RAZORPAY_BASE_URL = "https://api.razorpay.com"
    assert sandbox_enabled()
    config = razorpay_config()
    assert config.key_id == SANDBOX_KEY_ID and config.key_secret and config.webhook_secret
    assert config.base_url.endswith(SANDBOX_PATH) and "razorpay.com" not in config.base_url
    assert checks.check_sandbox() == []


def test_real_keys_turn_the_embedded_sandbox_off(settings):
    del settings.RAZORPAY_SANDBOX
    settings.DEBUG = True
    settings.RAZORPAY_KEY_ID = "rzp_live_x"
    assert not sandbox_enabled()


def test_the_sandbox_refuses_to_start_with_debug_off(settings):
    settings.DEBUG = False
    settings.RAZORPAY_SANDBOX = True
    errors = checks.check_sandbox()
    assert [error.id for error in errors] == ["payments.E001"]
    with pytest.raises(ImproperlyConfigured):
        checks.guard_sandbox()
    settings.RAZORPAY_SANDBOX = False
    assert checks.check_sandbox() == []
    checks.guard_sandbox()


def test_deploy_check_warns_without_razorpay_keys(settings):
    settings.RAZORPAY_SANDBOX = False
    settings.RAZORPAY_KEY_ID = ""
    assert [w.id for w in checks.check_razorpay_keys()] == ["payments.W001"]
    settings.RAZORPAY_KEY_ID = "rzp_live_x"
    assert checks.check_razorpay_keys() == []


@pytest.mark.django_db(transaction=True)
def test_checkout_page_pay_button_hands_back_signed_fields_and_sends_webhooks(sandbox, make_client):
    from ordering.models import Order
    from ordering.tests.factories import place_order

    order = place_order()
    checkout = make_client(order.student).post(f"/api/v1/orders/{order.pk}/pay").json()
    assert checkout["sandbox"] is True
    assert checkout["checkout_url"] == f"{SANDBOX_PATH}/checkout/{checkout['razorpay_order_id']}"

    page = requests.get(f"{sandbox.origin}{checkout['checkout_url']}?callback_url=/orders/1", timeout=5)
    assert page.status_code == 200
    assert "₹" in page.text and 'data-testid="pay"' in page.text and 'data-testid="fail"' in page.text
    evil = requests.get(f"{sandbox.origin}{checkout['checkout_url']}?callback_url=https://evil.example/", timeout=5)
    assert "evil.example" not in evil.text

    result = requests.post(
        f"{sandbox.origin}{checkout['checkout_url']}/pay", data={"callback_url": "/orders/1"}, timeout=10
    )
    assert result.status_code == 200
    assert "sandbox-result" in result.text and 'action="/orders/1"' in result.text
    assert "razorpay_signature" in result.text
    order.refresh_from_db()
    assert order.status == Order.Status.PAID  # the signed webhook arrived
    again = requests.post(f"{sandbox.origin}{checkout['checkout_url']}/pay", timeout=10)
    assert again.status_code == 400  # an order is paid once


@pytest.mark.django_db(transaction=True)
def test_checkout_js_stands_in_for_razorpays(sandbox):
    response = requests.get(f"{sandbox.base_url}/checkout.js", timeout=5)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/javascript")
    assert "window.Razorpay" in response.text and f"{SANDBOX_PATH}/checkout/ORDER_ID" in response.text
