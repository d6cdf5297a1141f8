"""OTP sign-in: the code store and the request/verify endpoints."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from pathlib import Path

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts import otp
from accounts.models import User
from accounts.tests.conftest import VERIFY_URL, code_in
from accounts.tests.factories import StudentFactory
from tests.concurrency import run_concurrently

pytestmark = pytest.mark.django_db

PHONE = "+919812345678"


def _verify(phone: str, code: str, client: APIClient | None = None, **body):
    return (client or APIClient()).post(VERIFY_URL, {"phone": phone, "code": code, **body}, format="json")


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


# --- the happy path ------------------------------------------------------------------


def test_request_sends_exactly_one_sms_and_verify_gives_a_working_token(request_code, outbox):
    response, code = request_code("98123 45678")

    assert response.status_code == 202
    assert response.json() == {"expires_in": 300, "resend_after": 0}
    assert len(outbox) == 1 and outbox[0]["to"] == PHONE
    assert code in outbox[0]["body"]

    verified = _verify(PHONE, code)
    assert verified.status_code == 200, verified.content
    body = verified.json()
    assert body["user"]["phone"] == PHONE and body["user"]["role"] == "student"

    me = APIClient()
    me.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert me.get("/api/v1/me").json()["phone"] == PHONE


def test_the_file_backend_receives_the_code(settings, tmp_path, request_code):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = str(tmp_path / "sms" / "out.jsonl")

    response, _ = request_code(PHONE)

    lines = Path(settings.SMS_FILE_PATH).read_text().splitlines()
    assert response.status_code == 202 and len(lines) == 1
    message = json.loads(lines[0])
    assert set(message) == {"to", "body", "sent_at"} and message["to"] == PHONE
    assert _verify(PHONE, code_in(message)).status_code == 200


def test_a_code_works_only_once(request_code):
    _, code = request_code(PHONE)
    assert _verify(PHONE, code).status_code == 200

    again = _verify(PHONE, code)
    assert again.status_code == 400
    assert again.json()["error"]["code"] == "invalid_otp"


def test_verify_also_signs_the_session_in_for_the_pages(request_code):
    browser = APIClient()
    _, code = request_code(PHONE, browser)
    assert _verify(PHONE, code, browser).status_code == 200

    browser.credentials()  # no token: only the session cookie
    assert browser.get("/api/v1/me").json()["phone"] == PHONE


def test_a_new_code_replaces_the_old_one(request_code):
    _, first = request_code(PHONE)
    _, second = request_code(PHONE)
    if first == second:  # one in a million; the replacement is then invisible
        pytest.skip("the two random codes happened to be equal")

    assert _verify(PHONE, first).status_code == 400
    assert _verify(PHONE, second).status_code == 200


# --- wrong, dead, expired, never requested: one answer ----------------------------------------


def test_five_wrong_codes_kill_the_code(request_code, settings):
    assert settings.OTP_MAX_ATTEMPTS == 5
    _, code = request_code(PHONE)
    for _ in range(5):
        assert _verify(PHONE, _wrong(code)).status_code == 400

    refused = _verify(PHONE, code)
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "invalid_otp"


def test_four_wrong_codes_still_leave_the_right_one_usable(request_code):
    _, code = request_code(PHONE)
    for _ in range(4):
        _verify(PHONE, _wrong(code))
    assert _verify(PHONE, code).status_code == 200


def test_an_expired_code_fails(request_code, monkeypatch):
    _, code = request_code(PHONE)
    issued_clock = otp.clock()
    # Travel 300 s ahead: the record is still in the cache, only its expiry says no.
    monkeypatch.setattr(otp, "clock", lambda: issued_clock + 300)

    response = _verify(PHONE, code)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_otp"


def test_a_code_fails_at_the_very_moment_it_expires(request_code, monkeypatch):
    _, code = request_code(PHONE)
    expires_at = cache.get(otp.code_key(PHONE))["expires_at"]
    monkeypatch.setattr(otp, "clock", lambda: expires_at)
    assert _verify(PHONE, code).status_code == 400


def test_a_code_just_before_expiry_still_works(request_code, monkeypatch):
    _, code = request_code(PHONE)
    issued_clock = otp.clock()
    monkeypatch.setattr(otp, "clock", lambda: issued_clock + 295)
    assert _verify(PHONE, code).status_code == 200


def test_wrong_expired_dead_and_never_requested_codes_get_identical_answers(request_code, monkeypatch):
    def answer(response):
        body = response.json()
        return response.status_code, body["error"]["code"], body["error"]["message"], body["error"]["details"]

    _, code = request_code(PHONE)
    wrong = answer(_verify(PHONE, _wrong(code)))
    never = answer(_verify("+919800000001", "123456"))
    for _ in range(5):
        _verify(PHONE, _wrong(code))
    dead = answer(_verify(PHONE, code))
    _, code = request_code("+919800000002")
    now = otp.clock()
    monkeypatch.setattr(otp, "clock", lambda: now + 10_000)
    expired = answer(_verify("+919800000002", code))

    assert wrong == never == dead == expired
    assert wrong[:2] == (400, "invalid_otp")


def _expected_mac(secret_key: str, phone: str, nonce: str, code: str) -> str:
    """The code's MAC computed here from its definition (Django's salted HMAC: key = SHA-256 of
    salt + SECRET_KEY, message `phone|nonce|code`), not with the code under test."""
    key = hashlib.sha256(("tnt.accounts.otp.code" + secret_key).encode()).digest()
    return hmac.new(key, f"{phone}|{nonce}|{code}".encode(), hashlib.sha256).hexdigest()


def test_the_cache_holds_a_keyed_hash_not_the_code(request_code, settings):
    _, code = request_code(PHONE)
    record = cache.get(otp.code_key(PHONE))

    assert code not in json.dumps(record)
    assert record["mac"] == _expected_mac(settings.SECRET_KEY, PHONE, record["nonce"], code)
    # The hash depends on SECRET_KEY: without the key nobody can test guesses offline.
    assert record["mac"] != _expected_mac("another-secret-key-" + "y" * 40, PHONE, record["nonce"], code)
    assert record["mac"] != _expected_mac(settings.SECRET_KEY, PHONE, record["nonce"], _wrong(code))


def test_codes_are_six_digits_from_secrets(monkeypatch):
    calls = []
    monkeypatch.setattr(otp.secrets, "randbelow", lambda n: calls.append(n) or 42)
    assert otp.generate_code() == "000042"
    assert calls == [10**6]


def test_the_comparison_is_constant_time(request_code, monkeypatch, settings):
    """The wrong code's MAC is compared with the stored one by `constant_time_compare`, and its answer
    is what decides: force it to say "equal" and a wrong code is accepted."""
    compared = []
    real = otp.constant_time_compare
    monkeypatch.setattr(otp, "constant_time_compare", lambda a, b: compared.append((a, b)) or real(a, b))
    _, code = request_code(PHONE)
    record = cache.get(otp.code_key(PHONE))
    wrong = _wrong(code)
    assert _verify(PHONE, wrong).status_code == 400
    assert compared == [(_expected_mac(settings.SECRET_KEY, PHONE, record["nonce"], wrong), record["mac"])]

    monkeypatch.setattr(otp, "constant_time_compare", lambda a, b: True)
    assert _verify(PHONE, wrong).status_code == 200


# --- cool-down ---------------------------------------------------------------------------


def test_asking_again_inside_the_cool_down_is_refused_with_retry_after(request_code, settings, outbox):
    settings.OTP_RESEND_SECONDS = 30
    first, _ = request_code(PHONE)
    assert first.json()["resend_after"] == 30

    second, code = request_code(PHONE)
    assert second.status_code == 429
    assert second.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(second["Retry-After"]) <= 30
    assert code is None and len(outbox) == 1


def test_the_cool_down_ends(request_code, settings, monkeypatch):
    settings.OTP_RESEND_SECONDS = 30
    request_code(PHONE)
    cache.delete(otp._resend_key(PHONE))  # the cache entry's TTL ran out
    response, code = request_code(PHONE)
    assert response.status_code == 202 and code


# --- input -------------------------------------------------------------------------------


@pytest.mark.parametrize("phone", ["12345", "+911234567890", "+14155552671", "98123456789", "", "abcdefghij"])
def test_a_bad_phone_is_a_validation_error_and_sends_nothing(request_code, outbox, phone):
    response, _ = request_code(phone)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert "phone" in response.json()["error"]["details"]
    assert outbox == []


@pytest.mark.parametrize("code", ["12345", "1234567", "abcdef", ""])
def test_a_malformed_code_is_a_validation_error(code):
    response = _verify(PHONE, code)
    assert response.status_code == 400
    assert "code" in response.json()["error"]["details"]


def test_form_posts_are_refused_so_other_sites_cannot_sign_a_browser_in():
    response = APIClient().post(VERIFY_URL, {"phone": PHONE, "code": "123456"})  # multipart form
    assert response.status_code == 415


def test_a_stale_token_does_not_stop_signing_in(request_code):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response, code = request_code(PHONE, client)
    assert response.status_code == 202
    assert _verify(PHONE, code, client).status_code == 200


# --- sign-up -----------------------------------------------------------------------------


def test_an_existing_user_signs_in_as_themselves(sign_in):
    existing = StudentFactory(phone=PHONE, name="Asha")
    response = sign_in(PHONE, role="vendor", shop_name="Ignored", vendor_type="food", name="Other")
    user = response.json()["user"]
    assert user["id"] == existing.pk and user["role"] == "student" and user["name"] == "Asha"


def test_a_new_phone_becomes_a_student(sign_in):
    response = sign_in(PHONE, name="  Ravi  ")
    user = User.objects.get(phone=PHONE)
    assert response.json()["user"]["role"] == "student"
    assert user.role == User.Role.STUDENT and user.name == "Ravi" and user.is_approved
    assert not user.has_usable_password()


def test_a_new_vendor_starts_unapproved_with_its_shop(sign_in):
    response = sign_in(PHONE, role="vendor", shop_name="Chai Point", vendor_type="food")

    assert response.status_code == 200
    assert response.json()["user"] | {"id": 0} == {
        "id": 0,
        "phone": PHONE,
        "name": "",
        "role": "vendor",
        "vendor_type": "food",
        "is_approved": False,
        "is_active": True,
    }
    vendor = User.objects.get(phone=PHONE)
    assert vendor.shop.name == "Chai Point"  # created by catalog's sign-up hook


def test_the_vendor_hook_runs_inside_the_sign_up_transaction(sign_in, monkeypatch):
    from accounts import hooks

    def failing_handler(*, user, shop_name):
        raise RuntimeError("shop could not be created")

    monkeypatch.setattr(hooks, "_vendor_signup_handlers", [failing_handler])
    response = sign_in(PHONE, role="vendor", shop_name="Chai Point", vendor_type="food")
    assert response.status_code == 500
    assert not User.objects.filter(phone=PHONE).exists()


def test_the_vendor_hook_gets_the_new_user_and_shop_name(sign_in, monkeypatch):
    from accounts import hooks

    seen = []
    monkeypatch.setattr(
        hooks, "_vendor_signup_handlers", [lambda *, user, shop_name: seen.append((user.pk, shop_name))]
    )
    sign_in(PHONE, role="vendor", shop_name=" Xerox Hub ", vendor_type="stationery")
    assert seen == [(User.objects.get(phone=PHONE).pk, "Xerox Hub")]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"role": "vendor"}, {"shop_name", "vendor_type"}),
        ({"role": "vendor", "shop_name": "X"}, {"vendor_type"}),
        ({"role": "vendor", "vendor_type": "food"}, {"shop_name"}),
        ({"role": "staff"}, {"role"}),
        ({"role": "vendor", "shop_name": "X", "vendor_type": "bakery"}, {"vendor_type"}),
    ],
)
def test_bad_sign_up_fields_are_refused_before_the_code_is_spent(request_code, body, fields):
    _, code = request_code(PHONE)
    response = _verify(PHONE, code, **body)
    assert response.status_code == 400
    assert set(response.json()["error"]["details"]) == fields
    assert _verify(PHONE, code).status_code == 200  # the code was not used up


# --- logs ----------------------------------------------------------------------------------


def test_no_log_record_contains_the_code(request_code, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    codes = []
    for phone in (PHONE, "+919800000003"):
        _, code = request_code(phone)
        codes.append(code)
        _verify(phone, _wrong(code))
        _verify(phone, code)
    _verify(PHONE, codes[0])  # reused
    _, code = request_code("+919800000004")
    codes.append(code)
    now = otp.clock()
    monkeypatch.setattr(otp, "clock", lambda: now + 999)
    _verify("+919800000004", code)

    assert caplog.records, "the flow should log something (issued, rejected, sent)"
    for record in caplog.records:
        text = record.getMessage() + " " + repr(vars(record))
        for code in codes:
            assert code not in text, record


# --- concurrency -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_code_verified_concurrently_signs_in_exactly_once(request_code):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    _, code = request_code(PHONE)
    statuses = run_concurrently(8, lambda _: _verify(PHONE, code).status_code)

    assert sorted(statuses) == [200] + [400] * 7
    assert User.objects.filter(phone=PHONE).count() == 1
