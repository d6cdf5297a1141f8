"""The one Razorpay sandbox fixture of the whole suite (registered by the root conftest.py).

The sandbox is the project's own stand-in for Razorpay (`razorpay_sandbox`), served by
a real HTTP server in a thread, so money-moving code goes through the official SDK
over HTTP exactly as in production. Which server depends on the test:

- a transactional test (`django_db(transaction=True)`, `live_server`): pytest-django's
  live server, the one the browser and the sandbox's own webhooks also reach (webhooks on);
- any other test: one threaded WSGI server for the whole run. The sandbox keeps its
  state in the cache, never in the database, so it works while the test's writes stay
  in an uncommitted transaction; its webhooks are off (they could not see those writes).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application

from payments.conf import SANDBOX_PATH
from razorpay_sandbox import state

# The credentials every test runs with (the sandbox checks them like Razorpay would).
KEY_ID = "rzp_test_tnttests01"
KEY_SECRET = "tnt-tests-key-secret"
WEBHOOK_SECRET = "tnt-tests-webhook-secret"


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


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args) -> None:
        pass


@pytest.fixture(scope="session")
def sandbox_origin() -> Iterator[str]:
    """http://127.0.0.1:<port> of a threaded WSGI server running this project, for the whole run."""
    server = ThreadedWSGIServer(("127.0.0.1", 0), _QuietHandler, allow_reuse_address=False)
    server.set_app(get_wsgi_application())
    thread = threading.Thread(target=server.serve_forever, name="razorpay-sandbox", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    return bool({"live_server", "transactional_db"} & set(request.fixturenames))


@pytest.fixture
def sandbox(request, settings) -> Iterator[Sandbox]:
    """Razorpay is the sandbox: the SDK is pointed at it with the tests' keys, faults are cleared."""
    transactional = _transactional(request)
    origin = request.getfixturevalue("live_server").url if transactional else request.getfixturevalue("sandbox_origin")
    settings.RAZORPAY_KEY_ID = KEY_ID
    settings.RAZORPAY_KEY_SECRET = KEY_SECRET
    settings.RAZORPAY_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.RAZORPAY_SANDBOX = True
    settings.RAZORPAY_BASE_URL = f"{origin}{SANDBOX_PATH}"
    state.set_fault(None)
    state.set_webhooks(transactional)
    yield Sandbox(origin=origin)
    state.set_fault(None)
