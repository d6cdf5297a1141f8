"""What each office role sees: Campus operations and Finance each only what their work needs; only
superusers see permissions, superuser and delete controls."""

from __future__ import annotations

import pytest

from accounts.tests.factories import StudentFactory, grant
from ordering.tests.factories import paid_order

pytestmark = pytest.mark.django_db


def _models(client) -> set[str]:
    response = client.get("/admin/")
    assert response.status_code == 200
    return {
        f"{app['app_label']}.{model['object_name'].lower()}"
        for app in response.context["app_list"]
        for model in app["models"]
    }


def test_operations_sees_people_shops_orders_and_jobs_but_no_money_tokens_or_groups(as_staff, operations):
    models = _models(as_staff(operations))
    assert {"accounts.user", "catalog.shop", "ordering.order", "stationery.printjob"} <= models
    assert not {m for m in models if m.split(".")[0] in {"payments", "ledger", "auth", "authtoken"}}


def test_finance_sees_money_but_not_people_tokens_or_groups(as_staff, finance):
    models = _models(as_staff(finance))
    assert {"payments.payment", "payments.refund", "ledger.account", "ordering.order"} <= models
    assert not {m for m in models if m.split(".")[0] in {"accounts", "auth", "authtoken"}}


@pytest.mark.parametrize(
    ("role", "url", "status"),
    [
        ("operations", "/admin/auth/group/", 403),
        ("operations", "/admin/authtoken/tokenproxy/", 403),
        ("operations", "/admin/payments/webhookevent/", 403),
        ("operations", "/admin/ledger/entry/", 404),  # entries are shown only inside their transaction
        ("operations", "/admin/ledger/transaction/", 403),
        ("operations", "/admin/ledger/account/statement/", 403),
        ("operations", "/admin/accounts/user/approvals/", 200),
        ("finance", "/admin/accounts/user/", 403),
        ("finance", "/admin/accounts/user/approvals/", 403),
        ("finance", "/admin/auth/group/", 403),
        ("finance", "/admin/ledger/account/statement/", 200),
        ("finance", "/admin/payments/refund/", 200),
    ],
)
def test_each_page_opens_to_its_role_only(as_staff, operations, finance, role, url, status):
    client = as_staff(operations if role == "operations" else finance)
    assert client.get(url).status_code == status


def test_only_superusers_see_privileges_and_delete_on_a_user(as_staff, operations, admin_client):
    student = StudentFactory()
    grant(operations, "accounts.change_user", "accounts.delete_user")  # even holding them
    page = as_staff(operations).get(f"/admin/accounts/user/{student.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200
    for control in ('name="is_superuser"', 'name="user_permissions"', 'name="groups"', "deletelink"):
        assert control not in html, control
    assert "superuser status" not in html.lower() and "user permissions" not in html.lower()  # not even read-only
    assert as_staff(operations).get(f"/admin/accounts/user/{student.pk}/delete/").status_code == 403
    assert as_staff(operations).post(f"/admin/accounts/user/{student.pk}/delete/", {"post": "yes"}).status_code == 403
    student.refresh_from_db()

    root_html = admin_client.get(f"/admin/accounts/user/{student.pk}/change/").content.decode()
    for control in ('name="is_superuser"', 'name="user_permissions"', 'name="groups"', "deletelink"):
        assert control in root_html, control


def test_operations_views_an_order_case_file_but_cannot_refund(as_staff, operations):
    order = paid_order()
    client = as_staff(operations)
    page = client.get(f"/admin/ordering/order/{order.pk}/change/")
    assert page.status_code == 200 and not page.context["case"]["may_refund"]
    assert "case-refund-form" not in page.content.decode()
    refused = client.post(
        f"/admin/ordering/order/{order.pk}/case-refund/", {"mode": "cancel", "reason": "x", "key": "k"}
    )
    assert refused.status_code == 403
    order.refresh_from_db()
    assert order.status == "paid"


def test_operations_reads_the_kitchen_plans_in_campus_time_and_cannot_change_them(as_staff, operations, finance):
    from datetime import date, time

    from accounts.tests.factories import FoodVendorFactory
    from ordering.models import Closure, SlotSchedule

    vendor = FoodVendorFactory()
    schedule = SlotSchedule.objects.create(
        vendor=vendor, weekdays=[0, 2], first_start=time(12), last_end=time(14), slot_minutes=30, capacity=20
    )
    closure = Closure.objects.create(vendor=vendor, date=date(2026, 12, 25), reason="Christmas")
    client = as_staff(operations)
    listing = client.get("/admin/ordering/slotschedule/").content.decode()
    assert "Mon, Wed" in listing and "12:00–14:00" in listing
    assert "Christmas" in client.get("/admin/ordering/closure/").content.decode()
    page = client.get(f"/admin/ordering/slotschedule/{schedule.pk}/change/")
    assert page.status_code == 200 and b'name="capacity"' not in page.content  # shown, never editable
    assert client.post(f"/admin/ordering/closure/{closure.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Closure.objects.filter(pk=closure.pk).exists()
    assert as_staff(finance).get("/admin/ordering/slotschedule/").status_code == 403
