"""Issue 17: the sandbox is an app of its own, mounted only when on, and it calls the server it runs in."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from django.http import HttpResponse
from django.test import RequestFactory
from rest_framework.authtoken.models import Token

from ordering.tests.factories import place_order
from payments.conf import SANDBOX_PATH, razorpay_config
from razorpay_sandbox import state
from razorpay_sandbox.middleware import SandboxOriginMiddleware

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import django
django.setup()
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import Resolver404, resolve
try:
    resolve("/api/v1/sandbox/razorpay/checkout.js")
    mounted = True
except Resolver404:
    mounted = False
middleware = "razorpay_sandbox.middleware.SandboxOriginMiddleware" in settings.MIDDLEWARE
status = Client().get("/api/v1/sandbox/razorpay/checkout.js").status_code
print(apps.is_installed("razorpay_sandbox"), mounted, middleware, status)
"""


def _probe(tmp_path, **env: str) -> list[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("RAZORPAY_")}
    environment.update(DATABASE_URL=f"sqlite:///{tmp_path / 'probe.sqlite3'}", **env)
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1].split()  # after the access-log lines


def test_with_the_sandbox_off_it_is_neither_installed_nor_mounted_and_its_paths_404(tmp_path):
    assert _probe(tmp_path, DEBUG="0", RAZORPAY_SANDBOX="0") == ["False", "False", "False", "404"]


def test_the_embedded_mode_installs_and_mounts_it(tmp_path):
    installed, mounted, middleware, status = _probe(tmp_path, DEBUG="1")
    assert (installed, mounted, middleware, status) == ("True", "True", "True", "200")


def _base_url_seen_while_serving(host: str) -> str:
    seen = []

    def view(request):
        seen.append(razorpay_config().base_url)
        return HttpResponse()

    SandboxOriginMiddleware(view)(RequestFactory().get("/", HTTP_HOST=host))
    return seen[0]


def test_the_sdk_is_pointed_at_the_host_and_port_of_the_request_being_served(settings):
    settings.RAZORPAY_SANDBOX = True
    settings.RAZORPAY_BASE_URL = "https://api.razorpay.com"
    settings.RAZORPAY_SANDBOX_BASE_URL = ""
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    assert _base_url_seen_while_serving("127.0.0.1:8123") == f"http://127.0.0.1:8123{SANDBOX_PATH}"
    assert _base_url_seen_while_serving("localhost:9001") == f"http://localhost:9001{SANDBOX_PATH}"
    settings.RAZORPAY_SANDBOX_BASE_URL = "http://sandbox.internal:7000/api/v1/sandbox/razorpay/"
    assert _base_url_seen_while_serving("127.0.0.1:8123") == "http://sandbox.internal:7000/api/v1/sandbox/razorpay"


@pytest.mark.django_db(transaction=True)
def test_a_server_on_another_port_sends_its_sandbox_calls_to_itself(live_server, settings):
    """The live server listens on a random port (never 8000): paying opens the Razorpay order at it."""
    settings.RAZORPAY_SANDBOX = True
    settings.RAZORPAY_KEY_ID = settings.RAZORPAY_KEY_SECRET = settings.RAZORPAY_WEBHOOK_SECRET = ""
    settings.RAZORPAY_BASE_URL = "https://api.razorpay.com"
    settings.RAZORPAY_SANDBOX_BASE_URL = ""
    state.set_fault(None)
    assert not live_server.url.endswith(":8000")
    order = place_order()
    token = Token.objects.create(user=order.student).key
    response = requests.post(
        f"{live_server.url}/api/v1/orders/{order.pk}/pay", headers={"Authorization": f"Token {token}"}, timeout=15
    )
    assert response.status_code == 200, response.text
    remote = state.order_get(response.json()["razorpay_order_id"])
    assert remote is not None and remote["amount"] == order.total_paise
    # The sandbox was reached at this server's own origin, so its webhooks come back here too.
    assert state._get("webhook-url", remote["id"]) == f"{live_server.url}/api/v1/payments/webhooks/razorpay"
