"""The Django admin for users: add form, filters, search, and actions that call services."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from rest_framework.authtoken.models import Token

from accounts import services
from accounts.models import AccountEvent, User
from accounts.tests.factories import (
    FoodVendorFactory,
    StaffFactory,
    StudentFactory,
    admin_login_through_the_form,
    admin_sign_in,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/accounts/user/"
ADD = "/admin/accounts/user/add/"
PASSWORD = "correct-Horse-battery-9"


@pytest.fixture
def superuser():
    return User.objects.create_superuser("+919700000001", PASSWORD, name="Root")


@pytest.fixture
def admin_client(superuser) -> Client:
    client = Client()
    admin_sign_in(client, superuser)
    return client


def _action(client: Client, action: str, users, **form) -> None:
    """Run an admin action; `form` (e.g. reason=...) answers its intermediate page."""
    data = {"action": action, "_selected_action": [u.pk for u in users]}
    if form:
        data.update(apply="1", **form)
    response = client.post(CHANGELIST, data)
    assert response.status_code == 302, response.content


def test_changelist_filters_and_searches(admin_client):
    vendor = FoodVendorFactory(is_approved=False, phone="+919811112222", name="Kiran Kumar")
    StudentFactory(name="Someone Else")

    page = admin_client.get(CHANGELIST, {"role": "vendor", "is_approved__exact": "0"})
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [vendor]
    for term in ("Kiran", "98111 12222", "9811112222", "+919811112222"):
        found = admin_client.get(CHANGELIST, {"q": term}).context["cl"].result_list
        assert list(found) == [vendor], term
    filters = [spec.title for spec in page.context["cl"].filter_specs]
    assert {"role", "approved", "active"} <= {t.lower().replace("is ", "") for t in filters}


def test_add_form_creates_a_student_without_a_password(admin_client):
    response = admin_client.post(ADD, {"phone": "98765 43210", "name": "Asha", "role": "student"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(phone="+919876543210")
    assert user.role == "student" and user.is_approved and not user.has_usable_password()


def test_add_form_creates_an_unapproved_vendor_with_its_shop(admin_client, superuser):
    response = admin_client.post(
        ADD, {"phone": "9876543210", "role": "vendor", "vendor_type": "stationery", "shop_name": "Copy Corner"}
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    vendor = User.objects.get(phone="+919876543210")
    assert (vendor.role, vendor.vendor_type, vendor.is_approved) == ("vendor", "stationery", False)
    assert vendor.shop.name == "Copy Corner"
    assert AccountEvent.objects.get(user=vendor, kind="signed_up").actor == superuser


def test_add_form_creates_staff_who_can_sign_in_to_the_admin(admin_client):
    response = admin_client.post(
        ADD, {"phone": "9876543210", "role": "staff", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    staff = User.objects.get(phone="+919876543210")
    assert staff.is_staff and staff.check_password(PASSWORD)
    assert Client().login(username="9876543210", password=PASSWORD)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"phone": "12345", "role": "student"}, "phone"),
        ({"phone": "+919700000001", "role": "student"}, "phone"),  # taken
        ({"phone": "9876543210", "role": "vendor", "vendor_type": "food"}, "shop_name"),
        ({"phone": "9876543210", "role": "vendor", "shop_name": "X"}, "vendor_type"),
        ({"phone": "9876543210", "role": "student", "vendor_type": "food"}, "vendor_type"),
        ({"phone": "9876543210", "role": "staff"}, "password1"),
        ({"phone": "9876543210", "role": "staff", "password1": PASSWORD, "password2": "other"}, "password2"),
        ({"phone": "9876543210", "role": "staff", "password1": "123", "password2": "123"}, "password1"),
    ],
)
def test_add_form_validates(admin_client, data, field):
    response = admin_client.post(ADD, data)
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not User.objects.filter(phone="+919876543210").exists()


def test_bulk_approve_and_reject_call_the_services(admin_client, superuser):
    pending = FoodVendorFactory.create_batch(2, is_approved=False)
    student = StudentFactory()

    _action(admin_client, "approve_vendors", [*pending, student])

    for vendor in pending:
        vendor.refresh_from_db()
        assert vendor.is_approved
        assert AccountEvent.objects.get(user=vendor, kind="approved").actor == superuser
    assert not AccountEvent.objects.filter(user=student).exists()

    asked = admin_client.post(CHANGELIST, {"action": "reject_vendors", "_selected_action": [pending[0].pk]})
    assert asked.status_code == 200 and "reason" in asked.context["form"].fields  # a reason first
    pending[0].refresh_from_db()
    assert pending[0].is_approved

    _action(admin_client, "reject_vendors", pending[:1], reason="Kitchen failed the hygiene check")
    pending[0].refresh_from_db()
    assert not pending[0].is_approved and pending[0].is_active
    assert AccountEvent.objects.get(user=pending[0], kind="rejected").reason == "Kitchen failed the hygiene check"


def test_bulk_block_and_unblock_revoke_tokens(admin_client, make_client):
    student = StudentFactory()
    api = make_client(student)

    _action(admin_client, "block_users", [student], reason="Abusive messages to a vendor")
    student.refresh_from_db()
    assert not student.is_active and student.blocked_reason == "Abusive messages to a vendor"
    assert not Token.objects.filter(user=student).exists()
    assert api.get("/api/v1/me").json()["error"]["code"] == "account_blocked"

    _action(admin_client, "unblock_users", [student])
    student.refresh_from_db()
    assert student.is_active


def test_bulk_block_does_not_block_yourself(admin_client, superuser):
    _action(admin_client, "block_users", [superuser], reason="Testing")
    superuser.refresh_from_db()
    assert superuser.is_active


def test_the_change_form_does_not_block_its_block_page_does_with_a_reason(admin_client, superuser, make_client):
    student = StudentFactory()
    make_client(student)
    page = admin_client.get(f"/admin/accounts/user/{student.pk}/change/")
    assert "is_active" not in page.context["adminform"].form.fields  # no silent tick-box block
    assert f"/admin/accounts/user/{student.pk}/block/" in page.content.decode()

    refused = admin_client.post(f"/admin/accounts/user/{student.pk}/block/", {"reason": "  "})
    assert refused.status_code == 200 and "reason" in refused.context["form"].errors
    student.refresh_from_db()
    assert student.is_active

    response = admin_client.post(f"/admin/accounts/user/{student.pk}/block/", {"reason": "Spam orders"})

    assert response.status_code == 302
    student.refresh_from_db()
    assert not student.is_active and student.blocked_reason == "Spam orders" and student.blocked_until is None
    assert not Token.objects.filter(user=student).exists()
    assert AccountEvent.objects.get(user=student, kind="blocked").actor == superuser


def test_the_admin_refuses_a_blocked_staff_account(superuser):
    staff = StaffFactory()
    staff.set_password(PASSWORD)
    staff.save()
    signed_in = Client()
    assert admin_login_through_the_form(signed_in, phone=staff.phone, password=PASSWORD).status_code == 302
    assert signed_in.get("/admin/").status_code == 200

    services.user_block(user=staff, by=superuser)

    kicked_out = signed_in.get("/admin/")
    assert kicked_out.status_code == 302 and "/admin/login/" in kicked_out["Location"]
    fresh = Client()
    login = fresh.post("/admin/login/", {"phone": staff.phone, "password": PASSWORD})
    assert login.status_code == 200  # the form again, with an error
    assert SESSION_KEY not in fresh.session


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The real hasher is slow on purpose; these tests are about the admin, not hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
