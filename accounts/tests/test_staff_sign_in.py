"""Staff sign in with password and code; a session made by a code alone never opens the admin;
wrong codes are limited per phone across codes."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import SESSION_KEY
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.admin_site import AUTH_METHOD_SESSION_KEY
from accounts.models import User
from accounts.tests.conftest import VERIFY_URL
from accounts.tests.factories import StudentFactory

pytestmark = pytest.mark.django_db

STAFF_PHONE = "+919700000011"
PASSWORD = "a-long-staff-passphrase"


@pytest.fixture
def staff():
    return User.objects.create_user(STAFF_PHONE, PASSWORD, role="staff", is_staff=True, name="Meera")


def _verify(phone: str, code: str, client: APIClient | None = None, **body):
    return (client or APIClient()).post(VERIFY_URL, {"phone": phone, "code": code, **body}, format="json")


def test_staff_sign_in_needs_the_password_as_well_as_the_code(staff, request_code):
    _, code = request_code(STAFF_PHONE)

    missing = _verify(STAFF_PHONE, code)
    wrong = _verify(STAFF_PHONE, code, password="not-the-password")

    for refused in (missing, wrong):
        assert refused.status_code == 400
        assert refused.json()["error"]["code"] == "invalid_credentials"
    assert not Token.objects.filter(user=staff).exists()
    # Both counted as wrong tries of the code, which is still unused: with both factors it works.
    signed_in = _verify(STAFF_PHONE, code, password=PASSWORD)
    assert signed_in.status_code == 200, signed_in.content
    assert signed_in.json()["user"]["id"] == staff.pk


def test_a_missing_password_counts_as_a_wrong_try_of_the_code(staff, request_code, settings):
    settings.OTP_MAX_ATTEMPTS = 3
    _, code = request_code(STAFF_PHONE)
    for _ in range(3):
        assert _verify(STAFF_PHONE, code).json()["error"]["code"] == "invalid_credentials"
    # The code died after OTP_MAX_ATTEMPTS tries, the right password cannot revive it.
    dead = _verify(STAFF_PHONE, code, password=PASSWORD)
    assert dead.status_code == 400 and dead.json()["error"]["code"] == "invalid_otp"


def test_the_right_password_with_a_wrong_code_is_still_refused(staff, request_code):
    request_code(STAFF_PHONE)
    response = _verify(STAFF_PHONE, "000000", password=PASSWORD)
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_otp"


def test_students_and_vendors_sign_in_without_a_password(sign_in):
    StudentFactory(phone="+919812300001")
    assert sign_in("+919812300001").status_code == 200
    vendor = sign_in("+919812300002", role="vendor", shop_name="Chai", vendor_type="food")
    assert vendor.status_code == 200, vendor.content
    # A password sent by a student is ignored, not an error.
    assert sign_in("+919812300001", password="whatever").status_code == 200


def test_a_session_made_through_the_api_never_opens_the_admin(request_code):
    User.objects.create_superuser(STAFF_PHONE, PASSWORD)
    browser = APIClient()
    _, code = request_code(STAFF_PHONE, browser)
    assert _verify(STAFF_PHONE, code, browser, password=PASSWORD).status_code == 200
    assert SESSION_KEY in browser.session
    assert browser.session[AUTH_METHOD_SESSION_KEY] == "otp"

    admin = browser.get("/admin/")
    assert admin.status_code == 302 and admin["Location"].startswith("/admin/login/")
    assert browser.get("/admin/accounts/user/").status_code == 302


def test_a_signed_in_staff_session_without_the_admin_mark_does_not_open_the_admin(client):
    # As the pages' sign-in (a code only) leaves a session.
    client.force_login(User.objects.create_superuser(STAFF_PHONE, PASSWORD))
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


# --- wrong codes per phone, all codes together --------------------------------------------


def test_wrong_codes_are_limited_per_phone_across_codes(request_code, settings, monkeypatch):
    settings.OTP_MAX_FAILURES_PER_HOUR = 3
    settings.OTP_MAX_ATTEMPTS = 5
    phone = "+919812300009"
    request_code(phone)
    assert _verify(phone, "000000").json()["error"]["code"] == "invalid_otp"
    assert _verify(phone, "000001").json()["error"]["code"] == "invalid_otp"
    request_code(phone)  # a new code does not reset the phone's budget
    assert _verify(phone, "000002").json()["error"]["code"] == "invalid_otp"

    _, code = request_code(phone)
    refused = _verify(phone, code)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(refused["Retry-After"]) <= 3600
    assert not User.objects.filter(phone=phone).exists()
    # Another phone is not affected.
    _, other = request_code("+919812300010")
    assert _verify("+919812300010", other).status_code == 200

    # Once the hour has passed, the right code works again.
    later = time.time() + 3601
    monkeypatch.setattr(time, "time", lambda: later)
    _, code = request_code(phone)
    assert _verify(phone, code).status_code == 200


def test_wrong_staff_passwords_count_against_the_phone_too(staff, request_code, settings):
    settings.OTP_MAX_FAILURES_PER_HOUR = 2
    _, code = request_code(STAFF_PHONE)
    _verify(STAFF_PHONE, code, password="guess-1")
    _verify(STAFF_PHONE, code, password="guess-2")
    refused = _verify(STAFF_PHONE, code, password=PASSWORD)
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "rate_limited"
