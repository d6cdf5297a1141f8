"""Fixtures of the cross-cutting suites: a campus built once per module, and the Razorpay sandbox.

The sandbox is the project's own stand-in for Razorpay (`payments.sandbox`), served by
a real HTTP server in a thread, so money-moving endpoints go through the official
SDK over HTTP exactly as in production. The sandbox keeps its state in the cache,
never in the database, so it works while each test's writes stay in an uncommitted
transaction (unlike pytest-django's `live_server`, which forces transactional tests).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application
from django.test import override_settings

from accounts import sms
from payments.conf import SANDBOX_PATH
from payments.sandbox import state

from .fixtures import Campus, module_campus

KEY_ID = "rzp_test_tntcrosscut"
KEY_SECRET = "tnt-crosscut-key-secret"
WEBHOOK_SECRET = "tnt-crosscut-webhook-secret"


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args) -> None:
        pass


@pytest.fixture(scope="session")
def sandbox_origin() -> Iterator[str]:
    """http://127.0.0.1:<port> of a threaded WSGI server running this project."""
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


@pytest.fixture
def razorpay_sandbox(settings, sandbox_origin):
    """Point the Razorpay SDK at the sandbox; webhooks from the sandbox are off (tests post their own)."""
    settings.RAZORPAY_KEY_ID = KEY_ID
    settings.RAZORPAY_KEY_SECRET = KEY_SECRET
    settings.RAZORPAY_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.RAZORPAY_SANDBOX = True
    settings.RAZORPAY_BASE_URL = f"{sandbox_origin}{SANDBOX_PATH}"
    settings.RAZORPAY_TIMEOUT_SECONDS = 5
    state.set_fault(None)
    state.set_webhooks(False)
    yield settings
    state.set_fault(None)


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture(scope="module")
def campus(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Campus]:
    """The campus of `tests.fixtures`, built once per module and rolled back at its end.

    Tests using it must also use `db` (each then runs in its own savepoint)."""
    media = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=str(media)), module_campus(django_db_blocker) as built:
        yield built
