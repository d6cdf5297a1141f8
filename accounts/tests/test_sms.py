"""SMS backends, the send_sms task and the SMS system check."""

from __future__ import annotations

import base64
import json
import logging
from urllib.parse import parse_qs

import pytest
from django.core.cache import cache
from django.db import transaction

from accounts import sms, tasks
from accounts.checks import check_sms_backend

PHONE = "+919812345678"
BODY = "482913 is your code"


@pytest.fixture
def msg91(settings, stub_server):
    settings.SMS_BACKEND = "msg91"
    settings.MSG91_BASE_URL = stub_server.url
    settings.MSG91_AUTH_KEY = "auth-key-123"
    settings.MSG91_TEMPLATE_ID = "tmpl-42"
    settings.SMS_SENDER_ID = "TAPNTK"
    stub_server.default = (200, {"type": "success", "message": "3463646a6b6a"})
    return stub_server


@pytest.fixture
def twilio(settings, stub_server):
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_BASE_URL = stub_server.url + "/"
    settings.TWILIO_ACCOUNT_SID = "AC0123456789abcdef"
    settings.TWILIO_AUTH_TOKEN = "secret-token"
    settings.TWILIO_FROM_NUMBER = "+15005550006"
    stub_server.default = (201, {"sid": "SM0123", "status": "queued"})
    return stub_server


# --- backends ------------------------------------------------------------------------------


def test_msg91_posts_the_documented_flow_request(msg91):
    sms.Msg91Backend().send(to=PHONE, body=BODY)

    [request] = msg91.requests
    assert request.path == "/api/v5/flow"
    assert request.headers["authkey"] == "auth-key-123"
    assert request.headers["content-type"] == "application/json"
    assert request.json() == {
        "template_id": "tmpl-42",
        "short_url": "0",
        "sender": "TAPNTK",
        "recipients": [{"mobiles": "919812345678", "body": BODY}],
    }


def test_msg91_error_answers_are_classified(msg91):
    msg91.answer((500, {}), (429, {}), (401, {"type": "error", "message": "bad key"}), (200, {"type": "error"}))
    with pytest.raises(sms.SmsError) as server_error:
        sms.Msg91Backend().send(to=PHONE, body=BODY)
    with pytest.raises(sms.SmsError) as throttled:
        sms.Msg91Backend().send(to=PHONE, body=BODY)
    with pytest.raises(sms.SmsRejected):
        sms.Msg91Backend().send(to=PHONE, body=BODY)
    with pytest.raises(sms.SmsRejected):
        sms.Msg91Backend().send(to=PHONE, body=BODY)
    assert not isinstance(server_error.value, sms.SmsRejected)
    assert not isinstance(throttled.value, sms.SmsRejected)
    assert BODY not in str(server_error.value)


def test_msg91_without_credentials_is_refused_without_a_request(msg91, settings):
    settings.MSG91_TEMPLATE_ID = ""
    with pytest.raises(sms.SmsRejected):
        sms.Msg91Backend().send(to=PHONE, body=BODY)
    assert msg91.requests == []


def test_twilio_posts_the_documented_messages_request(twilio):
    sms.TwilioBackend().send(to=PHONE, body=BODY)

    [request] = twilio.requests
    assert request.path == "/2010-04-01/Accounts/AC0123456789abcdef/Messages.json"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    expected_auth = base64.b64encode(b"AC0123456789abcdef:secret-token").decode()
    assert request.headers["authorization"] == f"Basic {expected_auth}"
    assert parse_qs(request.body.decode()) == {"To": [PHONE], "From": ["+15005550006"], "Body": [BODY]}


def test_twilio_client_errors_are_permanent_and_server_errors_retryable(twilio):
    twilio.answer((400, {"code": 21211, "message": "invalid To"}), (503, {}))
    with pytest.raises(sms.SmsRejected):
        sms.TwilioBackend().send(to=PHONE, body=BODY)
    with pytest.raises(sms.SmsError) as retryable:
        sms.TwilioBackend().send(to=PHONE, body=BODY)
    assert not isinstance(retryable.value, sms.SmsRejected)


def test_an_unreachable_provider_is_a_retryable_error(settings, unused_port):
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_BASE_URL = f"http://127.0.0.1:{unused_port}"
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, settings.TWILIO_FROM_NUMBER = "AC1", "t", "+15005550006"
    with pytest.raises(sms.SmsError) as error:
        sms.TwilioBackend().send(to=PHONE, body=BODY)
    assert not isinstance(error.value, sms.SmsRejected)


def test_a_provider_that_hangs_times_out(settings, stub_server, monkeypatch):
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the connection, never answers
    settings.SMS_BACKEND = "msg91"
    settings.MSG91_BASE_URL = f"http://127.0.0.1:{listener.getsockname()[1]}"
    settings.MSG91_AUTH_KEY, settings.MSG91_TEMPLATE_ID = "k", "t"
    settings.SMS_TIMEOUT_SECONDS = 0.3
    done = threading.Event()
    try:
        with pytest.raises(sms.SmsError):
            sms.Msg91Backend().send(to=PHONE, body=BODY)
        done.set()
    finally:
        listener.close()
    assert done.is_set()


def test_the_file_backend_appends_json_lines(settings, tmp_path):
    settings.SMS_FILE_PATH = str(tmp_path / "nested" / "sms.jsonl")
    sms.FileBackend().send(to=PHONE, body="one")
    sms.FileBackend().send(to=PHONE, body="two")
    lines = [json.loads(line) for line in (tmp_path / "nested" / "sms.jsonl").read_text().splitlines()]
    assert [line["body"] for line in lines] == ["one", "two"]
    assert all(set(line) == {"to", "body", "sent_at"} for line in lines)


def test_the_console_backend_prints(capsys):
    sms.ConsoleBackend().send(to=PHONE, body=BODY)
    assert BODY in capsys.readouterr().out


@pytest.mark.parametrize("name", ["console", "file", "locmem", "msg91", "twilio"])
def test_backends_are_chosen_by_setting(settings, name):
    settings.SMS_BACKEND = name
    assert sms.get_backend().name == name


# --- queue_sms and the task -----------------------------------------------------------------


@pytest.mark.django_db
def test_queue_sms_sends_only_after_commit(outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        sms.queue_sms(phone=PHONE, body=BODY)
        assert outbox == []
    assert len(callbacks) == 1
    assert outbox == [{"to": PHONE, "body": BODY, "sent_at": outbox[0]["sent_at"]}]


@pytest.mark.django_db(transaction=True)
def test_queue_sms_sends_nothing_when_the_transaction_rolls_back(outbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        sms.queue_sms(phone=PHONE, body=BODY)
        raise RuntimeError("rolled back")
    assert outbox == []


@pytest.mark.django_db
def test_the_task_arguments_never_carry_the_body(monkeypatch, django_capture_on_commit_callbacks, outbox):
    sent = []
    monkeypatch.setattr(tasks.send_sms, "apply_async", lambda *a, **kw: sent.append(kw))
    with django_capture_on_commit_callbacks(execute=True):
        sms.queue_sms(phone=PHONE, body=BODY)
    [call] = sent
    assert BODY not in repr(call)
    assert sms.claim_body(call["kwargs"]["body_ref"]) == BODY


def test_the_task_sends_by_reference_and_forgets_the_text(outbox):
    ref = sms.stash_body(BODY)
    assert tasks.send_sms.apply(kwargs={"to": PHONE, "body_ref": ref}).get() is True
    assert outbox[0]["body"] == BODY
    assert sms.claim_body(ref) is None


def test_the_task_gives_up_cleanly_when_the_text_expired(outbox, caplog):
    ref = sms.stash_body(BODY)
    cache.clear()
    assert tasks.send_sms.apply(kwargs={"to": PHONE, "body_ref": ref}).get() is False
    assert outbox == []
    assert any(r.levelno == logging.ERROR and "dropped" in r.getMessage() for r in caplog.records)


def test_send_sms_retries_a_provider_that_fails_twice_then_succeeds(twilio, monkeypatch, caplog):
    backoffs = []
    real_backoff = tasks.sms_backoff_seconds
    monkeypatch.setattr(tasks, "sms_backoff_seconds", lambda n: backoffs.append(n) or real_backoff(n))
    twilio.answer((500, {}), (503, {}))

    result = tasks.send_sms.apply(kwargs={"to": PHONE, "body_ref": sms.stash_body(BODY)})

    assert result.get() is True
    assert len(twilio.requests) == 3
    assert {parse_qs(r.body.decode())["Body"][0] for r in twilio.requests} == {BODY}
    assert backoffs == [0, 1]  # back-off grows with each retry
    assert all(BODY not in r.getMessage() + repr(vars(r)) for r in caplog.records)


def test_send_sms_gives_up_cleanly_after_the_retry_limit(twilio, caplog):
    twilio.default = (500, {})

    result = tasks.send_sms.apply(kwargs={"to": PHONE, "body_ref": sms.stash_body(BODY)})

    assert result.successful() and result.get() is False
    assert len(twilio.requests) == tasks.SMS_MAX_RETRIES + 1
    errors = [r for r in caplog.records if r.name == "accounts.tasks" and r.levelno == logging.ERROR]
    assert len(errors) == 1 and "giving up" in errors[0].getMessage()
    assert all(BODY not in r.getMessage() + repr(vars(r)) for r in caplog.records)


def test_send_sms_does_not_retry_a_permanent_refusal(twilio, caplog):
    twilio.default = (401, {"message": "auth"})
    result = tasks.send_sms.apply(kwargs={"to": PHONE, "body": BODY})
    assert result.get() is False
    assert len(twilio.requests) == 1


def test_the_back_off_is_exponential_and_capped():
    for retries in range(12):
        ceiling = min(tasks.SMS_BACKOFF_MAX_SECONDS, tasks.SMS_BACKOFF_BASE_SECONDS * 2**retries)
        for _ in range(20):
            assert ceiling // 2 <= tasks.sms_backoff_seconds(retries) <= ceiling
    assert tasks.sms_backoff_seconds(30) <= tasks.SMS_BACKOFF_MAX_SECONDS


def test_sending_through_msg91_from_the_task(msg91, outbox):
    assert tasks.send_sms.apply(kwargs={"to": PHONE, "body": BODY}).get() is True
    assert msg91.requests[0].json()["recipients"][0]["body"] == BODY
    assert outbox == []


# --- the system check -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["console", "locmem"])
def test_development_backends_are_refused_with_debug_off(settings, name):
    settings.DEBUG = False
    settings.SMS_BACKEND = name
    assert [e.id for e in check_sms_backend()] == ["accounts.E002"]


@pytest.mark.parametrize("name", ["console", "locmem", "file"])
def test_development_backends_are_fine_with_debug_on(settings, name):
    settings.DEBUG = True
    settings.SMS_BACKEND = name
    assert check_sms_backend() == []


def test_file_backend_is_allowed_with_debug_off(settings):
    settings.DEBUG = False
    settings.SMS_BACKEND = "file"
    assert check_sms_backend() == []


def test_an_unknown_backend_is_refused(settings):
    settings.SMS_BACKEND = "carrier-pigeon"
    assert [e.id for e in check_sms_backend()] == ["accounts.E001"]


def test_providers_need_their_credentials(settings):
    settings.DEBUG = False
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID = settings.TWILIO_AUTH_TOKEN = settings.TWILIO_FROM_NUMBER = ""
    assert [e.id for e in check_sms_backend()] == ["accounts.E003"]
    settings.SMS_BACKEND = "msg91"
    settings.MSG91_AUTH_KEY = "k"
    assert check_sms_backend() == []


def test_the_check_is_registered(settings):
    from django.core import checks

    settings.DEBUG = False
    settings.SMS_BACKEND = "locmem"
    assert "accounts.E002" in [e.id for e in checks.run_checks()]
