"""Every staff action checks its Django permission, in the API as in the admin; the staff groups;
only superusers change privileges."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.test import Client
from rest_framework.test import APIClient

from accounts import services
from accounts.errors import PrivilegesOnlyBySuperuser
from accounts.groups import CAMPUS_OPERATIONS, FINANCE, STAFF_GROUPS, staff_groups_ensure
from accounts.models import AccountEvent, User
from accounts.tests.factories import (
    FoodVendorFactory,
    StaffFactory,
    StudentFactory,
    admin_sign_in,
    grant,
)
from catalog.models import MenuItem
from catalog.tests.factories import MenuItemFactory

pytestmark = pytest.mark.django_db


def _client(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _bare_staff(phone: str = "+919700000031") -> User:
    return User.objects.create_user(phone, role="staff", is_staff=True)


def _state() -> dict:
    return {
        "users": list(User.objects.order_by("pk").values("pk", "is_active", "is_approved")),
        "events": AccountEvent.objects.count(),
    }


# (method path template, permission, body)
ENDPOINTS = [
    ("/api/v1/staff/vendors/{vendor}/approve", "accounts.approve_vendor", None),
    ("/api/v1/staff/vendors/{approved}/reject", "accounts.reject_vendor", {"reason": "Hygiene"}),
    ("/api/v1/staff/users/{student}/block", "accounts.block_user", {"reason": "Spam"}),
    ("/api/v1/staff/users/{blocked}/unblock", "accounts.unblock_user", {"reason": "Appeal"}),
]


@pytest.fixture
def people():
    superuser = User.objects.create_superuser("+919700000030", "a-long-root-passphrase")
    blocked = StudentFactory()
    services.user_block(user=blocked, by=superuser)
    return {
        "vendor": FoodVendorFactory(is_approved=False),
        "approved": FoodVendorFactory(),
        "student": StudentFactory(),
        "blocked": blocked,
    }


def test_a_staff_account_from_create_user_has_no_permissions():
    staff = _bare_staff()
    assert staff.get_all_permissions() == set()
    assert not any(staff.has_perm(f"{a}.{c}") for perms in STAFF_GROUPS.values() for a, _, c, _ in perms)


@pytest.mark.parametrize(("path", "perm", "body"), ENDPOINTS)
def test_staff_without_the_permission_is_refused_and_nothing_changes(people, path, perm, body):
    url = path.format(**{k: v.pk for k, v in people.items()})
    staff = grant(_bare_staff(), *[p for _, p, _ in ENDPOINTS if p != perm], "accounts.view_user")
    before = _state()

    response = _client(staff).post(url, body, format="json")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert _state() == before


@pytest.mark.parametrize(("path", "perm", "body"), ENDPOINTS)
def test_the_one_permission_opens_its_endpoint(people, path, perm, body):
    url = path.format(**{k: v.pk for k, v in people.items()})
    response = _client(grant(_bare_staff(), perm)).post(url, body, format="json")
    assert response.status_code == 200, response.content


def test_the_staff_vendor_list_needs_view_user():
    staff = _bare_staff()
    refused = _client(staff).get("/api/v1/staff/vendors")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"
    assert _client(grant(staff, "accounts.view_user")).get("/api/v1/staff/vendors").status_code == 200


def test_staff_reads_of_everyones_payments_and_ledger_need_view_permissions(settings):
    settings.ROOT_URLCONF = "tntproject.urls"
    staff = _bare_staff()
    for url in ("/api/v1/payments", "/api/v1/ledger/entries"):
        refused = _client(staff).get(url)
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied", url
    grant(staff, "payments.view_payment", "ledger.view_entry")
    for url in ("/api/v1/payments", "/api/v1/ledger/entries"):
        assert _client(staff).get(url).status_code == 200, url
    # Students are not staff: they still list their own payments.
    assert _client(StudentFactory()).get("/api/v1/payments").status_code == 200


def test_a_superuser_has_every_permission(people):
    root = User.objects.get(phone="+919700000030")
    assert not root.user_permissions.exists() and not root.groups.exists()
    assert _client(root).post(f"/api/v1/staff/vendors/{people['vendor'].pk}/approve").status_code == 200


# --- the groups of the data migration ------------------------------------------------------


def test_the_migration_makes_the_two_groups_with_their_permissions():
    migration = importlib.import_module("accounts.migrations.0004_staff_groups")
    Group.objects.filter(name__in=[CAMPUS_OPERATIONS, FINANCE]).delete()  # as on a fresh database
    migration.create_staff_groups(django_apps, None)
    migration.create_staff_groups(django_apps, None)  # idempotent

    def codenames(name: str) -> set[str]:
        return {f"{p.content_type.app_label}.{p.codename}" for p in Group.objects.get(name=name).permissions.all()}

    operations, finance = codenames(CAMPUS_OPERATIONS), codenames(FINANCE)
    assert {
        "accounts.approve_vendor",
        "accounts.reject_vendor",
        "accounts.block_user",
        "accounts.unblock_user",
        "catalog.hide_menuitem",
        "catalog.hide_printservice",
    } <= operations
    assert {"payments.refund_payment", "ledger.record_payout"} <= finance
    assert not operations & {"payments.refund_payment", "ledger.record_payout"}
    assert not finance & {"accounts.approve_vendor", "accounts.block_user", "catalog.hide_menuitem"}


def test_group_members_can_do_their_groups_work_only(people):
    groups = staff_groups_ensure()
    operations = _bare_staff("+919700000032")
    operations.groups.add(groups[CAMPUS_OPERATIONS])
    finance = _bare_staff("+919700000033")
    finance.groups.add(groups[FINANCE])

    assert _client(finance).post(f"/api/v1/staff/vendors/{people['vendor'].pk}/approve").status_code == 403
    assert _client(operations).post(f"/api/v1/staff/vendors/{people['vendor'].pk}/approve").status_code == 200
    assert finance.has_perm("payments.refund_payment") and finance.has_perm("ledger.record_payout")
    assert not operations.has_perm("payments.refund_payment")


# --- the admin: the same permissions on its actions -------------------------------------------


def _admin(user: User) -> Client:
    return admin_sign_in(Client(), user)


def test_admin_account_actions_need_their_permissions(people):
    viewer = _admin(StaffFactory(perms=["accounts.view_user"]))
    before = _state()
    for action, target in [
        ("approve_vendors", "vendor"),
        ("reject_vendors", "approved"),
        ("block_users", "student"),
        ("unblock_users", "blocked"),
    ]:
        viewer.post("/admin/accounts/user/", {"action": action, "_selected_action": [people[target].pk]})
    assert _state() == before

    approver = _admin(StaffFactory(perms=["accounts.view_user", "accounts.approve_vendor"]))
    approver.post("/admin/accounts/user/", {"action": "approve_vendors", "_selected_action": [people["vendor"].pk]})
    assert User.objects.get(pk=people["vendor"].pk).is_approved


def test_admin_hide_and_restore_need_the_hide_permission():
    item = MenuItemFactory()
    viewer = _admin(StaffFactory(perms=["catalog.view_menuitem"]))
    viewer.post("/admin/catalog/menuitem/", {"action": "hide_entries", "_selected_action": [item.pk]})
    assert MenuItem.objects.get(pk=item.pk).is_deleted is False

    hider = _admin(StaffFactory(perms=["catalog.view_menuitem", "catalog.hide_menuitem"]))
    hider.post("/admin/catalog/menuitem/", {"action": "hide_entries", "_selected_action": [item.pk]})
    assert MenuItem.objects.get(pk=item.pk).is_deleted is True


# --- privileges: only superusers ---------------------------------------------------------------


def _change_data(client: Client, user: User) -> dict:
    form = client.get(f"/admin/accounts/user/{user.pk}/change/").context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.pop("last_login", None)
    data.update({f"account_events-{k}": v for k, v in {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0}.items()})
    for flag in ("is_active", "is_approved"):
        data[flag] = "on" if data.get(flag) else ""
    return data


def test_staff_with_change_user_cannot_raise_itself():
    staff = StaffFactory(perms=["accounts.view_user", "accounts.change_user"])
    client = _admin(staff)
    everything = staff_groups_ensure()
    data = _change_data(client, staff)
    data.update(name="Renamed", is_superuser="on", is_staff="on", groups=[g.pk for g in everything.values()])

    response = client.post(f"/admin/accounts/user/{staff.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    staff.refresh_from_db()
    assert staff.name == "Renamed"  # the ordinary edit went through, the privileges did not
    assert not staff.is_superuser and not staff.groups.exists()
    form = client.get(f"/admin/accounts/user/{staff.pk}/change/").context["adminform"].form
    assert not {"is_superuser", "is_staff", "groups", "user_permissions"} & set(form.fields)


def test_staff_with_change_user_cannot_edit_a_superuser():
    root = User.objects.create_superuser("+919700000034", "a-long-root-passphrase")
    client = _admin(StaffFactory(perms=["accounts.view_user", "accounts.change_user"]))
    page = client.get(f"/admin/accounts/user/{root.pk}/change/")
    assert page.status_code == 200 and not page.context["has_change_permission"]  # view only
    client.post(f"/admin/accounts/user/{root.pk}/change/", {"phone": root.phone, "name": "Owned", "role": "staff"})
    assert client.get(f"/admin/accounts/user/{root.pk}/password/").status_code == 403
    root.refresh_from_db()
    assert root.name != "Owned" and root.check_password("a-long-root-passphrase")


def test_only_a_superuser_adds_staff_accounts():
    client = _admin(StaffFactory(perms=["accounts.view_user", "accounts.add_user", "accounts.change_user"]))
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "phone": "9700000035",
            "role": "staff",
            "password1": "a-long-new-passphrase",
            "password2": "a-long-new-passphrase",
        },
    )
    assert response.status_code == 200 and "role" in response.context["adminform"].form.errors
    assert not User.objects.filter(phone="+919700000035").exists()


def test_the_service_guard_behind_the_admin_form():
    staff, root = StaffFactory(), User.objects.create_superuser("+919700000036", "a-long-root-passphrase")
    for user, changed in [
        (staff, {"is_superuser"}),
        (staff, {"groups"}),
        (staff, {"user_permissions"}),
        (root, {"name"}),
    ]:
        with pytest.raises(PrivilegesOnlyBySuperuser):
            services.user_ensure_may_change(by=staff, user=user, changed=changed)
    services.user_ensure_may_change(by=staff, user=StudentFactory(), changed={"name"})
    services.user_ensure_may_change(by=root, user=staff, changed={"is_superuser", "groups"})
    with pytest.raises(PrivilegesOnlyBySuperuser):
        services.user_create_by_staff(by=staff, phone="+919700000037", role="staff", password="a-long-passphrase-1")
