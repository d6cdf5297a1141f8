"""Blocking takes effect at once everywhere: tokens, sessions, OTP sign-in."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts import services
from accounts.errors import CannotActOnSelf, StaffOnlyBySuperuser
from accounts.models import AccountEvent, RevokedCredential
from accounts.tests.factories import FoodVendorFactory, StaffFactory, StudentFactory

pytestmark = pytest.mark.django_db


def _error(response) -> str:
    return response.json()["error"]["code"]


def _session_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_blocked_users_token_and_session_stop_working_on_the_next_request(make_client):
    student = StudentFactory()
    api = make_client(student)
    browser = _session_client(student)
    bystander = StudentFactory()
    bystander_browser = _session_client(bystander)
    assert api.get("/api/v1/me").status_code == 200
    assert browser.get("/api/v1/me").status_code == 200

    blocked = make_client(StaffFactory()).post(f"/api/v1/staff/users/{student.pk}/block", {"reason": "abuse"})

    assert blocked.status_code == 200 and blocked.json()["is_active"] is False
    for client in (api, browser):
        response = client.get("/api/v1/me")
        assert response.status_code == 403
        assert _error(response) == "account_blocked"
    assert not Token.objects.filter(user=student).exists()
    assert all(s.get_decoded().get("_auth_user_id") != str(student.pk) for s in Session.objects.all())
    assert bystander_browser.get("/api/v1/me").status_code == 200  # other sessions untouched
    assert AccountEvent.objects.get(user=student, kind="blocked").reason == "abuse"


def test_a_blocked_phone_is_refused_at_otp_verify(sign_in, make_client):
    student = StudentFactory(phone="+919812345678")
    services.user_block(user=student, by=StaffFactory())

    response = sign_in("+919812345678")

    assert response.status_code == 403
    assert _error(response) == "account_blocked"
    assert not Token.objects.filter(user=student).exists()


def test_a_blocked_phone_with_a_wrong_code_learns_nothing(request_code):
    student = StudentFactory(phone="+919812345678")
    services.user_block(user=student, by=StaffFactory())
    _, code = request_code(student.phone)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    response = APIClient().post("/api/v1/auth/otp/verify", {"phone": student.phone, "code": wrong}, format="json")
    assert response.status_code == 400 and _error(response) == "invalid_otp"


def test_unblocking_lets_them_sign_in_again(sign_in, make_client):
    student = StudentFactory(phone="+919812345678")
    old_api = make_client(student)
    staff = make_client(StaffFactory())
    staff.post(f"/api/v1/staff/users/{student.pk}/block")

    response = staff.post(f"/api/v1/staff/users/{student.pk}/unblock")
    assert response.status_code == 200 and response.json()["is_active"] is True

    signed_in = sign_in("+919812345678")
    assert signed_in.status_code == 200
    fresh = APIClient()
    fresh.credentials(HTTP_AUTHORIZATION=f"Token {signed_in.json()['token']}")
    assert fresh.get("/api/v1/me").status_code == 200
    # The token revoked by the block stays dead; it is merely no longer called blocked.
    stale = old_api.get("/api/v1/me")
    assert stale.status_code == 401 and _error(stale) == "authentication_failed"
    assert not RevokedCredential.objects.filter(user=student).exists()


def test_an_account_deactivated_outside_the_service_is_refused_too(make_client):
    student = StudentFactory()
    api = make_client(student)
    browser = _session_client(student)
    student.is_active = False
    student.save(update_fields=["is_active"])

    assert _error(api.get("/api/v1/me")) == "account_blocked"
    assert _error(browser.get("/api/v1/me")) == "account_blocked"


def test_a_blocked_vendor_is_refused_on_vendor_endpoints(make_client):
    vendor = FoodVendorFactory()
    api = make_client(vendor)
    services.user_block(user=vendor, by=StaffFactory())
    assert _error(api.get("/test/food-only")) == "account_blocked"


def test_staff_cannot_block_themselves():
    staff = StaffFactory()
    with pytest.raises(CannotActOnSelf):
        services.user_block(user=staff, by=staff)
    response = APIClient()
    response.force_authenticate(staff)
    answer = response.post(f"/api/v1/staff/users/{staff.pk}/block")
    assert answer.status_code == 403 and _error(answer) == "permission_denied"
    staff.refresh_from_db()
    assert staff.is_active


def test_only_a_superuser_blocks_staff():
    target = StaffFactory()
    with pytest.raises(StaffOnlyBySuperuser):
        services.user_block(user=target, by=StaffFactory())
    services.user_block(user=target, by=StaffFactory(is_superuser=True))
    target.refresh_from_db()
    assert not target.is_active


def test_blocking_twice_is_harmless():
    student, staff = StudentFactory(), StaffFactory()
    services.user_block(user=student, by=staff)
    services.user_block(user=student, by=staff)
    assert AccountEvent.objects.filter(user=student, kind="blocked").count() == 1
    services.user_unblock(user=student, by=staff)
    services.user_unblock(user=student, by=staff)
    assert AccountEvent.objects.filter(user=student, kind="unblocked").count() == 1
