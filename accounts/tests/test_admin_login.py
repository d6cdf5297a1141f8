"""`/admin/login/`: phone and password, then a code by SMS; wrong passwords limited per phone and per IP."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from accounts import sms
from accounts.admin_site import ADMIN_AUTH_METHOD, AUTH_METHOD_SESSION_KEY
from accounts.models import User
from accounts.tests.factories import ADMIN_LOGIN_URL, FoodVendorFactory, admin_login_through_the_form

pytestmark = pytest.mark.django_db

PHONE = "+919700000021"
PASSWORD = "a-long-staff-passphrase"


@pytest.fixture
def staff():
    return User.objects.create_user(PHONE, PASSWORD, role="staff", is_staff=True)


def _password_step(client: Client, phone: str = PHONE, password: str = PASSWORD, **extra):
    return client.post(ADMIN_LOGIN_URL, {"phone": phone, "password": password}, **extra)


def test_password_then_code_opens_the_admin(staff, django_capture_on_commit_callbacks):
    client = Client()
    response = admin_login_through_the_form(client, phone="97000 00021", password=PASSWORD, next_url="/admin/accounts/")
    assert response.status_code == 302 and response["Location"] == "/admin/accounts/"
    assert client.session[SESSION_KEY] == str(staff.pk)
    assert client.session[AUTH_METHOD_SESSION_KEY] == ADMIN_AUTH_METHOD
    assert client.get("/admin/").status_code == 200


def test_the_password_alone_signs_nobody_in(staff, django_capture_on_commit_callbacks):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = _password_step(client)
    assert response.status_code == 302  # on to the code step
    assert SESSION_KEY not in client.session
    assert "password" not in str(dict(client.session))
    assert client.get("/admin/").status_code == 302
    page = client.get(ADMIN_LOGIN_URL)
    assert "code" in page.content.decode() and "0021" in page.content.decode()
    (text,) = [m for m in sms.outbox if m["to"] == PHONE]
    assert "sign-in code" in text["body"]


def test_a_wrong_code_signs_nobody_in(staff, django_capture_on_commit_callbacks):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        _password_step(client)
    response = client.post(ADMIN_LOGIN_URL, {"code": "000000"})
    assert response.status_code == 200
    assert "not valid" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("password", ["wrong-password", ""])
def test_a_wrong_password_sends_no_code(staff, password, django_capture_on_commit_callbacks):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = _password_step(client, password=password)
    assert response.status_code == 200
    assert not sms.outbox
    assert SESSION_KEY not in client.session


def test_a_vendor_with_a_password_is_not_let_in(django_capture_on_commit_callbacks):
    vendor = FoodVendorFactory(phone="+919700000022")
    vendor.set_password(PASSWORD)
    vendor.save()
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = _password_step(client, phone=vendor.phone)
    assert response.status_code == 200 and not sms.outbox


def test_wrong_passwords_are_limited_per_phone(staff, settings, django_capture_on_commit_callbacks):
    settings.RATE_LIMIT_ADMIN_LOGIN = "3/h"
    for n in range(3):
        assert _password_step(Client(), password=f"guess-{n}", REMOTE_ADDR=f"10.1.0.{n}").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        refused = _password_step(Client(), REMOTE_ADDR="10.1.0.99")  # the right password, another address
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 3600
    assert not sms.outbox


def test_wrong_passwords_are_limited_per_ip(staff, settings, django_capture_on_commit_callbacks):
    settings.RATE_LIMIT_ADMIN_LOGIN = "3/h"
    for n in range(3):
        _password_step(Client(), phone=f"+91970000010{n}", password="guess", REMOTE_ADDR="10.2.0.1")
    with django_capture_on_commit_callbacks(execute=True):
        refused = _password_step(Client(), REMOTE_ADDR="10.2.0.1")
    assert refused.status_code == 429 and not sms.outbox
    # From another address the staff member still signs in.
    with django_capture_on_commit_callbacks(execute=True):
        assert _password_step(Client(), REMOTE_ADDR="10.2.0.2").status_code == 302


def test_right_passwords_do_not_use_up_the_budget(staff, settings, django_capture_on_commit_callbacks):
    settings.RATE_LIMIT_ADMIN_LOGIN = "2/h"
    settings.OTP_RESEND_SECONDS = 0
    for _ in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            assert _password_step(Client()).status_code == 302
