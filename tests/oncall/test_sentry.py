"""Sentry: on only with SENTRY_DSN; every event scrubbed of personal data and tagged with the request id."""

import io
import json
import subprocess
import sys

import pytest
import sentry_sdk
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from sentry_sdk.transport import Transport

from core.sentry import before_send, scrub, scrub_text, sentry_init

PERSONAL = ("9876543210", "98765 43210", "482913", "Aisha_thesis_final.pdf", "abab" * 10, "sessionid-value", "tok3n")


class CapturingTransport(Transport):
    """Keeps what the SDK would send, instead of sending it."""

    def __init__(self, options=None) -> None:
        super().__init__(options)
        self.events: list[dict] = []

    def capture_envelope(self, envelope) -> None:
        for item in envelope.items:
            if item.headers.get("type") in ("event", "transaction"):
                self.events.append(json.loads(item.get_bytes()))


@pytest.fixture
def sentry_events():
    transport = CapturingTransport()
    sentry_init(dsn="https://public@sentry.invalid/1", transport=transport, environment="test")
    yield transport.events
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: the SDK is off again


def _wsgi_post(path: str, query: str, body: bytes, **headers) -> tuple[str, dict]:
    """One request through Django's real WSGI handler (as gunicorn calls it, Sentry's WSGI wrapper included)."""
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "REMOTE_ADDR": "203.0.113.9",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        **headers,
    }
    answer: dict = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"] = status
        answer["headers"] = dict(response_headers)

    b"".join(WSGIHandler()(environ, start_response))
    return answer["status"], answer["headers"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.urls("tests.oncall.urls")
def test_an_error_in_a_request_reaches_sentry_scrubbed_with_its_request_id(sentry_events):
    status, headers = _wsgi_post(
        "/oncall-test/fails",
        "phone=9876543210&code=482913",
        b"phone=%2B919876543210&note=call+9876543210",
        HTTP_AUTHORIZATION="Token tok3n",
        HTTP_COOKIE="sessionid=sessionid-value",
        HTTP_X_REQUEST_ID="req-oncall-1",
    )
    assert status.startswith("500")
    assert headers["X-Request-ID"] == "req-oncall-1"
    assert len(sentry_events) == 1
    event = sentry_events[0]
    assert event["tags"]["request_id"] == "req-oncall-1"
    text = json.dumps(event)
    leaked = [value for value in PERSONAL if value in text]
    assert leaked == []
    # What helps the engineer is still there.
    (exception,) = event["exception"]["values"]
    assert exception["type"] == "RuntimeError"
    assert exception["value"] == "could not text [phone] the code [code] about [file], token [token]"
    assert exception["stacktrace"]["frames"][-1]["filename"].endswith("urls.py")
    assert all("vars" not in frame for frame in exception["stacktrace"]["frames"])
    request = event["request"]
    assert request["url"] == "http://testserver/oncall-test/fails"
    assert request["method"] == "POST"
    assert request["query_string"] == "[Filtered]"
    assert "cookies" not in request and "data" not in request
    assert request["headers"]["Authorization"] == "[Filtered]"
    assert request["headers"]["Cookie"] == "[Filtered]"
    assert event["environment"] == "test"


@pytest.mark.django_db
def test_a_failed_celery_task_reaches_sentry_without_its_arguments(sentry_events):
    from tntproject.celery import app

    @app.task(name="tests.oncall.sentry_task_fails")
    def texting_fails(*, to: str, body: str) -> None:
        raise RuntimeError(f"provider refused {to}")

    texting_fails.apply(kwargs={"to": "+919876543210", "body": "Your code is 482913"})
    assert sentry_events, "the task's failure was not reported"
    text = json.dumps(sentry_events)
    assert [value for value in PERSONAL if value in text] == []
    assert "provider refused [phone]" in text


def test_an_event_outside_a_request_has_no_request_id_tag():
    event = before_send({"message": "beat is late", "tags": {}})
    assert "request_id" not in event["tags"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("otp for +919876543210", "otp for [phone]"),
        ("otp for +91-98765-43210", "otp for [phone]"),
        ("student 9876543210 asked", "student [phone] asked"),
        ("code 123456 wrong", "code [code] wrong"),
        ("uploaded My Notes.PDF", "uploaded My [file]"),
        ("photo /var/uploads/print/ab12.jpeg gone", "photo /var/uploads/print/[file] gone"),
        ("Authorization: Bearer abc.def.ghi", "Authorization: Bearer [token]"),
        ("order #42 of 4500 paise", "order #42 of 4500 paise"),
    ],
)
def test_scrub_text(text, expected):
    assert scrub_text(text) == expected


def test_scrub_filters_secret_keys_wherever_they_are():
    event = {
        "request": {"headers": {"Cookie": "a=b", "X-CSRFToken": "x", "User-Agent": "pytest"}},
        "extra": {"celery-job": {"kwargs": {"to": "+919876543210", "body": "code 1"}, "task_name": "send_sms"}},
        "breadcrumbs": {"values": [{"message": "sent to 9876543210", "data": {"pickup_code": "A1B2C3"}}]},
        "contexts": {"job": {"original_name": "cv.docx", "password": "hunter2", "sms_body_ref": "r"}},
    }
    clean = scrub(event)
    assert clean["request"]["headers"] == {"Cookie": "[Filtered]", "X-CSRFToken": "[Filtered]", "User-Agent": "pytest"}
    assert clean["extra"]["celery-job"] == {"kwargs": {"to": "[Filtered]", "body": "[Filtered]"}, "task_name": "send_sms"}
    assert clean["breadcrumbs"]["values"][0]["message"] == "sent to [phone]"
    assert clean["contexts"]["job"]["original_name"] == "[Filtered]"
    assert clean["contexts"]["job"]["password"] == "[Filtered]"


def test_the_user_is_sent_by_id_only():
    event = before_send({"user": {"id": 7, "phone": "+919876543210", "username": "+919876543210", "ip_address": "1.2.3.4"}})
    assert event["user"] == {"id": 7}


def _sentry_active_in_a_fresh_process(dsn: str) -> str:
    code = "import django; django.setup(); import sentry_sdk; print(sentry_sdk.get_client().is_active())"
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "tntproject.settings", "DEBUG": "1", "SENTRY_DSN": dsn}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()[-1]


def test_sentry_is_off_without_a_dsn_and_on_with_one():
    assert _sentry_active_in_a_fresh_process("") == "False"
    assert _sentry_active_in_a_fresh_process("https://public@sentry.invalid/1") == "True"
