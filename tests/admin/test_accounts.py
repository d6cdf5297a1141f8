"""Approvals as a queue, and blocking with a reason and an optional end that beat lets pass."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from accounts import tasks
from accounts.models import AccountEvent, User
from accounts.tests.factories import FoodVendorFactory, StudentFactory
from catalog.tests.factories import ShopFactory
from core.admin_display import campus_time, campus_zone

pytestmark = pytest.mark.django_db

QUEUE = "/admin/accounts/user/approvals/"


@pytest.fixture
def applicant():
    vendor = FoodVendorFactory(is_approved=False, name="Lakshmi Devi", phone="+919876500011")
    ShopFactory(vendor=vendor, name="Annapurna Canteen")
    return User.objects.get(pk=vendor.pk)


def test_the_queue_shows_shop_type_owner_phone_and_when_they_applied(as_staff, operations, applicant):
    page = as_staff(operations).get(QUEUE)
    html = page.content.decode()
    [row] = page.context["rows"]
    assert row["shop"] == "Annapurna Canteen" and row["type"] == "Food"
    assert row["applied"] == campus_time(applicant.created_at)
    for text in ("Annapurna Canteen", "Food", "Lakshmi Devi", "+919876500011", campus_time(applicant.created_at)):
        assert text in html


def test_approving_from_the_queue_goes_through_the_service(
    as_staff, operations, applicant, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_staff(operations).post(QUEUE, {"vendor": applicant.pk, "decision": "approve"})
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.is_approved
    assert AccountEvent.objects.get(user=applicant, kind="approved").actor == operations
    assert [m["to"] for m in sms_outbox] == [applicant.phone]
    assert as_staff(operations).get(QUEUE).context["rows"] == []


def test_rejecting_needs_a_reason_and_the_vendor_sees_it(as_staff, operations, applicant):
    client = as_staff(operations)
    refused = client.post(QUEUE, {"vendor": applicant.pk, "decision": "reject", "reason": "  "})
    assert refused.status_code == 200 and refused.context["rows"][0]["error"]
    assert not AccountEvent.objects.filter(user=applicant, kind="rejected").exists()

    client.post(QUEUE, {"vendor": applicant.pk, "decision": "reject", "reason": "Upload your FSSAI licence"})

    event = AccountEvent.objects.get(user=applicant, kind="rejected")
    assert event.reason == "Upload your FSSAI licence" and event.actor == operations
    assert client.get(QUEUE).context["rows"] == []  # out of the queue
    vendor_page = Client()
    vendor_page.force_login(applicant)
    dashboard = vendor_page.get("/dashboard/").content.decode()
    assert "not approved" in dashboard and "Upload your FSSAI licence" in dashboard


def test_the_queue_refuses_bad_input_and_missing_permissions(as_staff, operations, finance, applicant):
    client = as_staff(operations)
    assert client.post(QUEUE, {"vendor": "abc", "decision": "approve"}).status_code == 400
    assert client.post(QUEUE, {"vendor": StudentFactory().pk, "decision": "approve"}).status_code == 404
    assert client.post(QUEUE, {"vendor": applicant.pk, "decision": "delete"}).status_code == 403
    assert as_staff(finance).post(QUEUE, {"vendor": applicant.pk, "decision": "approve"}).status_code == 403
    applicant.refresh_from_db()
    assert not applicant.is_approved


def test_blocking_with_a_reason_and_an_end_which_beat_lets_pass(as_staff, operations):
    student = StudentFactory()
    browser = Client()
    browser.force_login(student)
    ends = (timezone.now() + dt.timedelta(days=3)).astimezone(campus_zone()).replace(second=0, microsecond=0)

    response = as_staff(operations).post(
        f"/admin/accounts/user/{student.pk}/block/",
        {"reason": "Ordered and never collected, five times", "until": ends.strftime("%Y-%m-%dT%H:%M")},
    )

    assert response.status_code == 302
    student.refresh_from_db()
    assert not student.is_active and student.blocked_until == ends  # typed in campus time
    assert student.blocked_reason == "Ordered and never collected, five times"
    blocked = browser.get("/orders")
    assert blocked.status_code == 403
    html = blocked.content.decode()
    assert "Ordered and never collected, five times" in html and ends.strftime("%H:%M") in html

    assert tasks.unblock_expired_users() == 0  # not yet
    User.objects.filter(pk=student.pk).update(blocked_until=timezone.now() - dt.timedelta(seconds=1))
    assert tasks.unblock_expired_users() == 1
    student.refresh_from_db()
    assert student.is_active and student.blocked_reason == "" and student.blocked_until is None
    event = AccountEvent.objects.filter(user=student, kind="unblocked").get()
    assert event.actor is None
    assert tasks.unblock_expired_users() == 0  # once


def test_a_block_without_an_end_stays_and_an_end_in_the_past_is_refused(as_staff, operations, finance):
    student = StudentFactory()
    client = as_staff(operations)
    past = (timezone.now() - dt.timedelta(hours=1)).astimezone(campus_zone()).strftime("%Y-%m-%dT%H:%M")
    refused = client.post(f"/admin/accounts/user/{student.pk}/block/", {"reason": "Spam", "until": past})
    assert refused.status_code == 200 and "until" in refused.context["form"].errors
    assert as_staff(finance).post(f"/admin/accounts/user/{student.pk}/block/", {"reason": "Spam"}).status_code == 403
    student.refresh_from_db()
    assert student.is_active

    client.post(f"/admin/accounts/user/{student.pk}/block/", {"reason": "Spam"})
    User.objects.filter(pk=student.pk).update(updated_at=timezone.now() - dt.timedelta(days=400))
    assert tasks.unblock_expired_users() == 0
    student.refresh_from_db()
    assert not student.is_active

    client.post(f"/admin/accounts/user/{student.pk}/unblock/")
    student.refresh_from_db()
    assert student.is_active and student.blocked_reason == ""


def test_the_sign_in_of_a_blocked_phone_shows_the_reason(
    as_staff, operations, sms_outbox, django_capture_on_commit_callbacks
):
    student = StudentFactory()
    as_staff(operations).post(f"/admin/accounts/user/{student.pk}/block/", {"reason": "Abusive calls to a canteen"})
    browser = Client()
    with django_capture_on_commit_callbacks(execute=True):
        browser.post("/login", {"phone": student.phone})
    code = re.search(r"\b(\d{6})\b", sms_outbox[-1]["body"]).group(1)

    response = browser.post("/login/code", {"code": code})

    assert response.status_code == 403
    assert "Abusive calls to a canteen" in response.content.decode()
