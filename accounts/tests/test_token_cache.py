"""API token → user from the cache (accounts/token_cache.py): fewer queries, and revocation at once.

Each test first makes one request with the token so its user is in the cache, then changes the
account the way campus staff or the user would, and checks the very next request with that
token sees the change.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts import services, token_cache
from accounts.models import User
from accounts.selectors import credential_digest
from accounts.tests.factories import FoodVendorFactory, StaffFactory, StudentFactory, admin_sign_in
from accounts.tests.test_staff_permissions import _change_data

pytestmark = pytest.mark.django_db

PASSWORD = "correct-Horse-battery-9"


def _token_client(user) -> tuple[APIClient, str]:
    key = Token.objects.get_or_create(user=user)[0].key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client, key


def _error(response) -> str:
    return response.json()["error"]["code"]


def _me_queries(client: APIClient) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/me")
    assert response.status_code == 200, response.content
    return len(queries.captured_queries)


def _cached(key: str) -> bool:
    return token_cache.token_user_cached(token_key=key) is not None


def test_a_second_request_with_the_same_token_reads_no_token_or_user_from_the_database():
    client, _key = _token_client(StudentFactory(name="Asha"))

    first = _me_queries(client)
    second = _me_queries(client)

    assert first == 1  # the token joined with its user
    assert second == 0
    assert client.get("/api/v1/me").json()["name"] == "Asha"


def test_the_cache_holds_a_digest_of_the_token_never_the_token_itself():
    student = StudentFactory()
    client, key = _token_client(student)
    assert client.get("/api/v1/me").status_code == 200

    redis = cache._cache.get_client()
    names = [name.decode() for name in redis.keys("*")]
    assert any(credential_digest(key) in name for name in names)
    assert not any(key in name for name in names)
    for name in names:
        assert key.encode() not in (redis.get(name) or b"")
    user, token = token_cache.token_user_cached(token_key=key)
    assert (user.pk, token.key, token.user_id) == (student.pk, key, student.pk)
    assert "password" in user.get_deferred_fields()  # the password hash is not cached


def test_a_blocked_users_cached_token_is_refused_at_once():
    student = StudentFactory()
    client, key = _token_client(student)
    assert client.get("/api/v1/me").status_code == 200
    assert _cached(key)

    blocked = APIClient()
    blocked.force_authenticate(StaffFactory())
    assert blocked.post(f"/api/v1/staff/users/{student.pk}/block", {"reason": "abuse"}).status_code == 200

    response = client.get("/api/v1/me")
    assert (response.status_code, _error(response)) == (403, "account_blocked")


def test_a_user_blocked_through_the_admins_action_is_refused_at_once():
    student = StudentFactory()
    client, _key = _token_client(student)
    assert client.get("/api/v1/me").status_code == 200
    admin = admin_sign_in(Client(), User.objects.create_superuser("+919700000001", PASSWORD))

    response = admin.post(
        "/admin/accounts/user/",
        {"action": "block_users", "_selected_action": [student.pk], "apply": "1", "reason": "Spam orders"},
    )

    assert response.status_code == 302
    refused = client.get("/api/v1/me")
    assert (refused.status_code, _error(refused)) == (403, "account_blocked")


def test_a_user_deactivated_by_a_save_outside_the_services_is_refused_at_once():
    student = StudentFactory()
    client, _key = _token_client(student)
    assert client.get("/api/v1/me").status_code == 200

    student.is_active = False
    student.save()

    refused = client.get("/api/v1/me")
    assert (refused.status_code, _error(refused)) == (403, "account_blocked")


def test_logout_refuses_the_token_at_once():
    client, key = _token_client(StudentFactory())
    assert client.get("/api/v1/me").status_code == 200

    assert client.post("/api/v1/auth/logout").status_code == 204

    assert client.get("/api/v1/me").status_code == 401
    assert not _cached(key)


def test_a_replaced_token_is_refused_at_once_and_its_successor_works():
    student = StudentFactory()
    client, old_key = _token_client(student)
    assert client.get("/api/v1/me").status_code == 200

    Token.objects.filter(user=student).delete()
    successor = Token.objects.create(user=student)

    assert client.get("/api/v1/me").status_code == 401
    assert not _cached(old_key)
    fresh = APIClient()
    fresh.credentials(HTTP_AUTHORIZATION=f"Token {successor.key}")
    assert fresh.get("/api/v1/me").status_code == 200


def test_a_rejected_vendors_cached_token_loses_vendor_access_at_once():
    vendor = FoodVendorFactory(is_approved=True)
    client, _key = _token_client(vendor)
    assert client.get("/test/food-only").status_code == 200
    staff = APIClient()
    staff.force_authenticate(StaffFactory())

    assert staff.post(f"/api/v1/staff/vendors/{vendor.pk}/reject", {"reason": "Hygiene"}).status_code == 200

    refused = client.get("/test/food-only")
    assert (refused.status_code, _error(refused)) == (403, "vendor_not_approved")

    assert staff.post(f"/api/v1/staff/vendors/{vendor.pk}/approve").status_code == 200
    assert client.get("/test/food-only").status_code == 200


def test_a_role_changed_in_the_admins_change_form_shows_on_the_next_request():
    student = StudentFactory()
    client, _key = _token_client(student)
    assert client.get("/api/v1/me").json()["role"] == "student"
    admin = admin_sign_in(Client(), User.objects.create_superuser("+919700000002", PASSWORD))
    data = _change_data(admin, student)
    data.update(role="staff", is_staff="on")

    response = admin.post(f"/admin/accounts/user/{student.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert client.get("/api/v1/me").json()["role"] == "staff"


def test_a_profile_change_shows_on_the_next_request():
    client, _key = _token_client(StudentFactory(name="Old"))
    assert client.get("/api/v1/me").json()["name"] == "Old"

    assert client.patch("/api/v1/me", {"name": "New"}, format="json").status_code == 200

    assert client.get("/api/v1/me").json()["name"] == "New"


def test_signing_in_again_keeps_the_token_cached():
    student = StudentFactory()
    client, key = _token_client(student)
    assert client.get("/api/v1/me").status_code == 200

    student.last_login = student.created_at
    student.save(update_fields=["last_login"])  # what Django's login() saves

    assert _cached(key)


@pytest.mark.django_db(transaction=True)
def test_a_reader_that_stored_the_old_user_before_the_block_committed_is_overwritten_on_commit():
    """A request that read the user before the block committed may store it after the
    tombstone written at once is gone (expired, evicted): the commit writes it again."""
    student = StudentFactory()
    staff = StaffFactory()
    client, key = _token_client(student)
    stale = Token.objects.select_related("user").get(key=key)  # read before the block

    with transaction.atomic():
        services.user_block(user=student, by=staff, reason="abuse")
        cache.delete(token_cache._key(key))  # the tombstone written at once is gone …
        token_cache.token_user_store(token=stale)  # … and the reader stores what it read
        assert _cached(key)

    refused = client.get("/api/v1/me")
    assert (refused.status_code, _error(refused)) == (403, "account_blocked")


def test_a_stale_reader_cannot_overwrite_the_tombstone():
    student = StudentFactory()
    client, key = _token_client(student)
    stale = Token.objects.select_related("user").get(key=key)

    services.user_block(user=student, by=StaffFactory(), reason="abuse")
    token_cache.token_user_store(token=stale)

    assert not _cached(key)
    assert client.get("/api/v1/me").status_code == 403


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing listens
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
)
def test_without_the_cache_tokens_are_read_from_the_database_and_still_revoked(monkeypatch):
    stores = []
    monkeypatch.setattr(token_cache, "token_user_store", lambda **kwargs: stores.append(kwargs))
    student = StudentFactory()
    client, _key = _token_client(student)
    assert client.get("/api/v1/me").status_code == 200
    assert stores == []  # the read failed: no second wait on the cache to store

    services.user_block(user=student, by=StaffFactory(), reason="abuse")

    assert client.get("/api/v1/me").status_code == 403
