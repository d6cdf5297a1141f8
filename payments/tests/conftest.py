"""The sandbox served by a live server, reached by the real razorpay SDK over HTTP."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import requests

from accounts import sms
from payments.conf import SANDBOX_PATH
from payments.sandbox import state

from .factories import KEY_ID, KEY_SECRET, WEBHOOK_SECRET


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture(autouse=True)
def razorpay_settings(settings):
    """Every payments test: known keys and a short timeout. The sandbox stays off unless a test asks."""
    settings.RAZORPAY_KEY_ID = KEY_ID
    settings.RAZORPAY_KEY_SECRET = KEY_SECRET
    settings.RAZORPAY_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.RAZORPAY_SANDBOX = False
    settings.RAZORPAY_BASE_URL = "http://127.0.0.1:9/unreachable"
    settings.RAZORPAY_TIMEOUT_SECONDS = 1.5
    settings.PLATFORM_FEE_BPS = 0
    return settings


@dataclass
class Sandbox:
    """Drives the sandbox the way a person at the checkout page, or a broken Razorpay, would."""

    origin: str

    @property
    def base_url(self) -> str:
        return f"{self.origin}{SANDBOX_PATH}"

    def _checkout(self, razorpay_order_id: str, outcome: str) -> dict:
        response = requests.post(
            f"{self.base_url}/checkout/{razorpay_order_id}/{outcome}",
            headers={"Accept": "application/json"},
            timeout=15,
        )
        assert response.status_code == 200, response.text
        return response.json()

    def pay(self, razorpay_order_id: str) -> dict:
        """Click "Pay": returns the signed fields checkout hands back to our page."""
        return self._checkout(razorpay_order_id, "pay")

    def fail(self, razorpay_order_id: str) -> dict:
        return self._checkout(razorpay_order_id, "fail")

    def fault(self, mode: str | None, seconds: float = 3.0) -> None:
        state.set_fault(mode, seconds=seconds)

    def webhooks(self, enabled: bool) -> None:
        state.set_webhooks(enabled)

    def deliveries(self) -> list[dict]:
        return state.deliveries()

    def order(self, razorpay_order_id: str) -> dict:
        return state.order_get(razorpay_order_id)

    def payment(self, razorpay_payment_id: str) -> dict:
        return state.payment_get(razorpay_payment_id)

    def refunds(self, razorpay_payment_id: str) -> list[dict]:
        return state.payment_refunds(razorpay_payment_id)


@pytest.fixture
def sandbox(live_server, razorpay_settings) -> Sandbox:
    """The sandbox on a live server; RAZORPAY_BASE_URL points the SDK at it. Needs transactional tests."""
    razorpay_settings.RAZORPAY_SANDBOX = True
    razorpay_settings.RAZORPAY_BASE_URL = f"{live_server.url}{SANDBOX_PATH}"
    state.set_fault(None)
    state.set_webhooks(True)
    yield Sandbox(origin=live_server.url)
    state.set_fault(None)
