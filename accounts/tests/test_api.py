"""Logout, /me, the staff API and the shared permission classes."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import AccountEvent, User
from accounts.tests.factories import (
    FoodVendorFactory,
    StaffFactory,
    StationeryVendorFactory,
    StudentFactory,
)

pytestmark = pytest.mark.django_db


def _error(response) -> str:
    return response.json()["error"]["code"]


# --- logout and /me -------------------------------------------------------------------


def test_logout_revokes_the_token(sign_in):
    token = sign_in("+919812345678").json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert client.post("/api/v1/auth/logout").status_code == 204
    after = client.get("/api/v1/me")
    assert after.status_code == 401
    assert _error(after) == "authentication_failed"
    assert not Token.objects.filter(key=token).exists()


def test_logout_ends_the_session_too(sign_in):
    browser = APIClient()
    sign_in("+919812345678", browser)
    assert browser.get("/api/v1/me").status_code == 200  # by session: the client sends no token
    assert browser.post("/api/v1/auth/logout").status_code == 204
    assert browser.get("/api/v1/me").status_code == 401


def test_session_writes_need_the_csrf_token(sign_in):
    browser = APIClient(enforce_csrf_checks=True)
    sign_in("+919812345678", browser)
    browser.credentials()
    response = browser.patch("/api/v1/me", {"name": "X"}, format="json")
    assert response.status_code == 403


def test_logout_needs_a_signed_in_user():
    response = APIClient().post("/api/v1/auth/logout")
    assert response.status_code == 401
    assert _error(response) == "not_authenticated"


def test_me_shows_the_user(make_client):
    vendor = FoodVendorFactory(is_approved=False, name="Meera")
    response = make_client(vendor).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json() == {
        "id": vendor.pk,
        "phone": vendor.phone,
        "name": "Meera",
        "role": "vendor",
        "vendor_type": "food",
        "is_approved": False,
        "is_active": True,
    }


def test_me_patch_changes_only_the_name(make_client):
    student = StudentFactory()
    response = make_client(student).patch(
        "/api/v1/me", {"name": "  New Name ", "role": "staff", "is_approved": False}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["name"] == "New Name"
    student.refresh_from_db()
    assert (student.name, student.role, student.is_approved) == ("New Name", "student", True)


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "x" * 121}])
def test_me_patch_validates(make_client, body):
    response = make_client(StudentFactory()).patch("/api/v1/me", body, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["error"]["details"]


def test_me_needs_sign_in():
    assert APIClient().get("/api/v1/me").status_code == 401


# --- permission classes (what vendor, student and staff endpoints use) ----------------------


def test_a_new_vendor_cannot_use_vendor_endpoints_until_approved(sign_in, make_client):
    token = sign_in("+919812345678", role="vendor", shop_name="Dosa Den", vendor_type="food").json()["token"]
    vendor = APIClient()
    vendor.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    refused = vendor.get("/test/food-only")
    assert refused.status_code == 403
    assert _error(refused) == "vendor_not_approved"
    assert vendor.get("/api/v1/me").json()["is_approved"] is False  # can still see its pending state

    user = User.objects.get(phone="+919812345678")
    approved = make_client(StaffFactory()).post(f"/api/v1/staff/vendors/{user.pk}/approve")
    assert approved.status_code == 200 and approved.json()["is_approved"] is True
    assert vendor.get("/test/food-only").status_code == 200


def test_vendor_type_is_enforced(make_client):
    food = make_client(FoodVendorFactory())
    stationery = make_client(StationeryVendorFactory())
    assert food.get("/test/food-only").status_code == 200
    assert _error(food.get("/test/stationery-only")) == "wrong_vendor_type"
    assert _error(stationery.get("/test/food-only")) == "wrong_vendor_type"
    assert stationery.get("/test/vendor-only").status_code == 200


def test_vendor_endpoints_refuse_students_and_staff(make_client):
    assert _error(make_client(StudentFactory()).get("/test/vendor-only")) == "permission_denied"
    assert make_client(StaffFactory()).get("/test/vendor-only").status_code == 403


def test_student_endpoints_refuse_vendors(make_client):
    assert make_client(StudentFactory()).get("/test/student-only").status_code == 200
    response = make_client(FoodVendorFactory()).get("/test/student-only")
    assert response.status_code == 403 and _error(response) == "permission_denied"


def test_a_staff_only_endpoint_refuses_students_and_vendors(make_client):
    assert make_client(StaffFactory()).get("/test/staff-only").status_code == 200
    for user in (StudentFactory(), FoodVendorFactory(), FoodVendorFactory(is_approved=False)):
        response = make_client(user).get("/test/staff-only")
        assert response.status_code == 403 and _error(response) == "permission_denied"
    assert APIClient().get("/test/staff-only").status_code == 401


# --- staff API --------------------------------------------------------------------------


STAFF_URLS = [
    ("get", "/api/v1/staff/vendors"),
    ("post", "/api/v1/staff/vendors/{id}/approve"),
    ("post", "/api/v1/staff/vendors/{id}/reject"),
    ("post", "/api/v1/staff/users/{id}/block"),
    ("post", "/api/v1/staff/users/{id}/unblock"),
]


@pytest.mark.parametrize(("method", "url"), STAFF_URLS)
def test_staff_endpoints_need_staff(make_client, method, url):
    vendor = FoodVendorFactory(is_approved=False)
    path = url.format(id=vendor.pk)
    for user in (StudentFactory(), FoodVendorFactory()):
        response = getattr(make_client(user), method)(path)
        assert response.status_code == 403 and _error(response) == "permission_denied"
    assert getattr(APIClient(), method)(path).status_code == 401
    vendor.refresh_from_db()
    assert (vendor.is_approved, vendor.is_active) == (False, True)


def test_staff_list_vendors_with_their_shops(make_client, django_assert_max_num_queries, sign_in):
    sign_in("+919800000001", role="vendor", shop_name="Pending Snacks", vendor_type="food")
    FoodVendorFactory.create_batch(3)
    StudentFactory()
    staff = make_client(StaffFactory())

    with django_assert_max_num_queries(6):  # token, 2 for the staff's permissions, count, page, shops
        everyone = staff.get("/api/v1/staff/vendors")
    pending = staff.get("/api/v1/staff/vendors?is_approved=false")
    approved = staff.get("/api/v1/staff/vendors", {"is_approved": "true"})

    assert everyone.json()["count"] == 4
    [only] = pending.json()["results"]
    assert only["phone"] == "+919800000001" and only["is_approved"] is False
    assert only["shop"]["name"] == "Pending Snacks" and only["shop"]["vendor_type"] == "food"
    assert approved.json()["count"] == 3
    assert all(v["role"] == "vendor" for v in everyone.json()["results"])


def test_staff_list_refuses_a_bad_filter(make_client):
    response = make_client(StaffFactory()).get("/api/v1/staff/vendors?is_approved=maybe")
    assert response.status_code == 400
    assert "is_approved" in response.json()["error"]["details"]


def test_approve_is_recorded_and_texts_the_vendor(make_client, outbox, django_capture_on_commit_callbacks):
    staff = StaffFactory()
    vendor = FoodVendorFactory(is_approved=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = make_client(staff).post(f"/api/v1/staff/vendors/{vendor.pk}/approve")
    assert response.status_code == 200 and response.json()["is_approved"] is True
    event = AccountEvent.objects.get(user=vendor, kind="approved")
    assert event.actor == staff
    assert [m["to"] for m in outbox] == [vendor.phone]


def test_approving_twice_changes_nothing(make_client):
    vendor = FoodVendorFactory(is_approved=False)
    staff = make_client(StaffFactory())
    staff.post(f"/api/v1/staff/vendors/{vendor.pk}/approve")
    assert staff.post(f"/api/v1/staff/vendors/{vendor.pk}/approve").status_code == 200
    assert AccountEvent.objects.filter(user=vendor, kind="approved").count() == 1


def test_reject_unapproves_but_does_not_block(make_client):
    vendor = FoodVendorFactory(is_approved=True)
    response = make_client(StaffFactory()).post(
        f"/api/v1/staff/vendors/{vendor.pk}/reject", {"reason": "No FSSAI licence"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["is_approved"] is False and response.json()["is_active"] is True
    assert AccountEvent.objects.get(user=vendor, kind="rejected").reason == "No FSSAI licence"
    assert _error(make_client(vendor).get("/test/vendor-only")) == "vendor_not_approved"


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_approval_of_a_non_vendor_is_not_found(make_client, action):
    student = StudentFactory()
    response = make_client(StaffFactory()).post(f"/api/v1/staff/vendors/{student.pk}/{action}")
    assert response.status_code == 404
    assert _error(response) == "not_found"


@pytest.mark.parametrize("url", ["/api/v1/staff/vendors/999999/approve", "/api/v1/staff/users/999999/block"])
def test_unknown_users_are_not_found(make_client, url):
    assert make_client(StaffFactory()).post(url).status_code == 404


def test_schema_describes_the_accounts_endpoints_without_warnings():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    schema = SchemaGenerator(urlconf="accounts.urls").get_schema(request=None, public=True)
    assert not GENERATOR_STATS, (dict(GENERATOR_STATS._warn_cache), dict(GENERATOR_STATS._error_cache))

    paths = schema["paths"]
    assert {"/auth/otp/request", "/auth/otp/verify", "/auth/logout", "/me", "/staff/vendors"} <= set(paths)
    request_op = paths["/auth/otp/request"]["post"]
    assert "202" in request_op["responses"]
    assert request_op["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("OtpRequestInputRequest")
    verify = paths["/auth/otp/verify"]["post"]
    assert verify["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("SignInOutput")
    assert set(paths["/me"]) == {"get", "patch"}
