"""Fixtures of the accounts tests: the SMS outbox, sign-in helpers and a recording HTTP server."""

from __future__ import annotations

import json
import re
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from rest_framework.test import APIClient

from accounts import sms

REQUEST_URL = "/api/v1/auth/otp/request"
VERIFY_URL = "/api/v1/auth/otp/verify"


@pytest.fixture
def outbox(sms_outbox):
    """The SMS outbox (`sms_outbox` of accounts/tests/fixtures.py, emptied for every test)."""
    return sms_outbox


@pytest.fixture(autouse=True)
def _no_resend_cool_down(settings):
    # Most tests ask for several codes in a row; the cool-down has its own tests.
    settings.OTP_RESEND_SECONDS = 0


def code_in(message: dict) -> str:
    return re.search(r"\b(\d{6})\b", message["body"]).group(1)


@pytest.fixture
def request_code(django_capture_on_commit_callbacks):
    """POST /auth/otp/request (running on-commit SMS) and return (response, code or None)."""

    def _request(phone: str, client: APIClient | None = None, **extra):
        client = client or APIClient()
        before = len(sms.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(REQUEST_URL, {"phone": phone}, format="json", **extra)
        sent = sms.outbox[before:]
        return response, (code_in(sent[-1]) if sent else None)

    return _request


@pytest.fixture
def sign_in(request_code):
    """Request and verify a code; return the verify response."""

    def _sign_in(phone: str, client: APIClient | None = None, **body):
        client = client or APIClient()
        response, code = request_code(phone, client)
        assert response.status_code == 202, response.content
        return client.post(VERIFY_URL, {"phone": phone, "code": code, **body}, format="json")

    return _sign_in


# --- A real HTTP server on loopback that records what it receives ----------------------


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class StubServer:
    url: str
    requests: list[Recorded] = field(default_factory=list)
    script: deque = field(default_factory=deque)
    default: tuple[int, dict] = (200, {})

    def answer(self, *responses: tuple[int, dict]) -> None:
        """Queue answers for the next requests; afterwards `default` is used."""
        self.script.extend(responses)


@pytest.fixture
def stub_server():
    state = StubServer(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            state.requests.append(
                Recorded(
                    method="POST", path=self.path, headers={k.lower(): v for k, v in self.headers.items()}, body=body
                )
            )
            status, payload = state.script.popleft() if state.script else state.default
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):  # keep test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(autouse=True)
def _accounts_urls(settings):
    settings.ROOT_URLCONF = "accounts.tests.urls"


@pytest.fixture
def unused_port() -> int:
    """A loopback port nothing listens on."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
