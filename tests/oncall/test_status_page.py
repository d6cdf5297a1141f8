"""The admin status page: staff with the permission only; each threshold shown crossed and not crossed."""

import json
import re
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import StaffFactory, StudentFactory, admin_sign_in
from core.metrics_celery import reconcile_run_record, worker_heartbeat
from ordering.tests.factories import paid_order, place_order
from payments.models import Payment, Refund, WebhookEvent
from payments.tests.factories import open_payment
from tntproject.celery import app as celery_app

pytestmark = pytest.mark.django_db

URL = "/admin/status/"


@pytest.fixture
def staff_client() -> Client:
    return admin_sign_in(Client(), StaffFactory(perms=["ordering.view_order"]))


def states(response) -> dict[str, str]:
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    return dict(re.findall(r'<tr data-check="([^"]+)" data-state="(\w+)"', html))


def test_the_url_is_named_and_mounted_before_the_admin():
    assert reverse("admin_status") == URL


def test_signed_out_visitors_go_to_the_admin_sign_in():
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_staff_without_the_permission_and_students_are_refused():
    assert admin_sign_in(Client(), StaffFactory(perms=[])).get(URL).status_code == 403
    student = Client()
    student.force_login(StudentFactory())
    assert student.get(URL).status_code in (302, 403)


def test_a_session_signed_in_by_code_alone_does_not_open_it():
    client = Client()
    client.force_login(StaffFactory(perms=["ordering.view_order"]))
    assert client.get(URL).status_code == 302


def test_a_quiet_campus_crosses_no_threshold(staff_client):
    reconcile_run_record({"payments_checked": 0})
    found = states(staff_client.get(URL))
    assert found["webhook_lag"] == "ok"
    assert found["payment_open_age"] == "ok"
    assert found["refunds_failed"] == "ok"
    assert found["reconcile_age"] == "ok"
    assert "Nothing over its threshold." in staff_client.get(URL).content.decode()


def _webhook(lag_seconds: int) -> None:
    body = json.dumps({"event": "payment.captured", "created_at": int(time.time()) - lag_seconds})
    WebhookEvent.objects.create(
        event_id=f"evt_{lag_seconds}", event_type="payment.captured", body=body, processed_at=timezone.now()
    )


@pytest.mark.parametrize(("lag", "state"), [(100, "ok"), (118, "ok"), (122, "alert"), (600, "alert")])
def test_webhook_lag_over_two_minutes(staff_client, lag, state):
    _webhook(lag)
    assert states(staff_client.get(URL))["webhook_lag"] == state


@pytest.mark.parametrize(("minutes", "state"), [(0, "ok"), (29, "ok"), (31, "alert")])
def test_a_payment_open_over_thirty_minutes(staff_client, minutes, state):
    payment = open_payment(payer=StudentFactory(), order_=place_order())
    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - timedelta(minutes=minutes))
    response = staff_client.get(URL)
    assert states(response)["payment_open_age"] == state
    assert (b'data-alert="payment_open_age"' in response.content) is (state == "alert")


def test_the_thresholds_come_from_settings(staff_client, settings):
    payment = open_payment(payer=StudentFactory(), order_=place_order())
    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    assert states(staff_client.get(URL))["payment_open_age"] == "ok"
    settings.OPS_PAYMENT_OPEN_ALERT_MINUTES = 5
    assert states(staff_client.get(URL))["payment_open_age"] == "alert"


def test_a_failed_refund_not_retried(staff_client):
    payment = paid_order().payments.get()
    failed = Refund.objects.create(payment=payment, amount_paise=100, status=Refund.Status.FAILED, idempotency_key="f1")
    assert states(staff_client.get(URL))["refunds_failed"] == "alert"
    Refund.objects.create(payment=payment, amount_paise=100, idempotency_key="f2", retry_of=failed)
    assert states(staff_client.get(URL))["refunds_failed"] == "ok"


def test_the_last_reconciliation_run_and_what_it_changed(staff_client):
    response = staff_client.get(URL)
    assert states(response)["reconcile_age"] == "unknown"
    assert b"No run recorded yet." in response.content
    reconcile_run_record({"payments_checked": 3, "captured": 1, "closed": 2}, finished_at=time.time() - 11 * 60)
    response = staff_client.get(URL)
    assert states(response)["reconcile_age"] == "alert"
    html = response.content.decode()
    assert '<span data-fixed="captured">captured 1</span>' in html
    assert '<span data-fixed="closed">closed 2</span>' in html
    reconcile_run_record({"payments_checked": 3})
    response = staff_client.get(URL)
    assert states(response)["reconcile_age"] == "ok"
    assert b"Changed nothing." in response.content


def test_a_queue_over_a_hundred(staff_client, settings):
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.skip("the queue lengths are read from a Redis broker (REDIS_URL)")
    settings.OPS_QUEUE_ALERT_LENGTH = 2  # the same comparison as at 100, with fewer messages
    from celery.exceptions import AlwaysEagerIgnored

    for _ in range(2):
        with pytest.warns(AlwaysEagerIgnored):
            celery_app.send_task("tests.oncall.never_run")
    assert states(staff_client.get(URL))["queue:celery"] == "ok"
    with pytest.warns(AlwaysEagerIgnored):
        celery_app.send_task("tests.oncall.never_run")
    assert states(staff_client.get(URL))["queue:celery"] == "alert"


def test_workers_seen_in_the_last_minute(staff_client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.OPS_WORKERS_EXPECTED = 2
    worker_heartbeat("celery@web-1", now=time.time() - 30)
    worker_heartbeat("celery@old", now=time.time() - 90)
    response = staff_client.get(URL)
    assert states(response)["workers"] == "alert"
    assert b'data-worker="celery@web-1"' in response.content
    assert b'data-worker="celery@old"' not in response.content
    worker_heartbeat("celery@web-2")
    assert states(staff_client.get(URL))["workers"] == "ok"


def test_eager_mode_says_there_are_no_workers(staff_client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = staff_client.get(URL)
    assert "workers" not in states(response)
    assert b"there are no workers" in response.content


def test_the_page_reads_a_bounded_number_of_queries(staff_client, django_assert_max_num_queries):
    paid_order()
    staff_client.get(URL)
    with django_assert_max_num_queries(9):  # session, user, permissions + the five of the snapshot
        assert staff_client.get(URL).status_code == 200
