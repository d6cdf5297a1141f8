"""A webhook is stored and answered at once; a worker applies it, once, and a failure leaves it pending.

`post_webhook(..., apply=False)` leaves the request's queued task unrun, as when no worker has taken
it yet; `webhook_apply_task` is then run as the worker would run it (eagerly, here).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone
from rest_framework.test import APIClient

from ledger.models import Transaction
from ordering.models import Order
from payments.models import Payment, PaymentEvent, WebhookEvent
from payments.services import payments_reconcile, webhook_apply, webhooks_replay, webhooks_requeue
from payments.tasks import webhook_apply_task

from .factories import PaymentFactory, event_body, payment_entity, post_webhook

pytestmark = pytest.mark.django_db


def _captured_body(payment: Payment) -> bytes:
    return event_body("payment.captured", payment=payment_entity(payment))


def _money(payment: Payment) -> tuple:
    payment.refresh_from_db()
    return (
        payment.status,
        Order.objects.get(pk=payment.order_id).status,
        # The capture's ledger postings: on the Razorpay payment id once captured, none before.
        Transaction.objects.filter(kind="capture", reference=payment.razorpay_payment_id or "-").count(),
        PaymentEvent.objects.filter(payment=payment, to_status="captured").count(),
    )


@pytest.fixture
def database_down_while_capturing(monkeypatch):
    """The capture path raises as when PostgreSQL drops the connection mid-apply, `calls["left"]` times."""
    from payments.services import webhooks

    real = webhooks.payment_capture
    calls = {"left": 10**6, "made": 0}

    def capture(**kwargs):
        calls["made"] += 1
        if calls["left"] > 0:
            calls["left"] -= 1
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kwargs)

    monkeypatch.setattr(webhooks, "payment_capture", capture)
    return calls


def test_the_answer_comes_before_the_capture_and_the_worker_applies_it():
    payment = PaymentFactory()
    response = post_webhook(APIClient(), _captured_body(payment), event_id="evt_LATER0000001", apply=False)

    assert response.status_code == 200 and response.json() == {"status": "accepted"}
    event = WebhookEvent.objects.get()
    assert (event.event_id, event.status, event.processed_at, event.result) == ("evt_LATER0000001", "pending", None, "")
    assert _money(payment) == ("created", Order.Status.PENDING_PAYMENT, 0, 0)

    webhook_apply_task.delay(event.pk)

    event.refresh_from_db()
    assert event.status == "applied" and event.processed_at >= event.received_at
    assert event.result == f"payment #{payment.pk} captured"
    assert _money(payment) == ("captured", Order.Status.PAID, 1, 1)


def test_a_duplicate_of_a_pending_event_is_answered_200_and_stored_once():
    payment = PaymentFactory()
    body = _captured_body(payment)
    post_webhook(APIClient(), body, event_id="evt_DUP00000001", apply=False)
    again = post_webhook(APIClient(), body, event_id="evt_DUP00000001")
    assert again.status_code == 200 and again.json() == {"status": "duplicate"}
    assert WebhookEvent.objects.get().status == "pending"  # the duplicate queued nothing
    assert _money(payment) == ("created", Order.Status.PENDING_PAYMENT, 0, 0)


def test_applying_an_applied_event_again_changes_nothing():
    payment = PaymentFactory()
    post_webhook(APIClient(), _captured_body(payment))
    event = WebhookEvent.objects.get()
    before = (event.status, event.processed_at, event.last_attempt_at, event.result, event.attempts)
    assert before[0] == "applied"

    again, applied_now = webhook_apply(webhook_event_id=event.pk)
    webhook_apply_task.delay(event.pk)

    assert again.pk == event.pk and applied_now is False
    event.refresh_from_db()
    assert (event.status, event.processed_at, event.last_attempt_at, event.result, event.attempts) == before
    assert _money(payment) == ("captured", Order.Status.PAID, 1, 1)


def test_an_unknown_event_id_is_nothing_to_apply():
    assert webhook_apply(webhook_event_id=987654) == (None, False)
    webhook_apply_task.delay(987654)  # a task for a row that is gone ends quietly
    assert WebhookEvent.objects.count() == 0


def test_a_failed_apply_is_still_answered_200_and_leaves_the_event_pending(database_down_while_capturing):
    payment = PaymentFactory()
    response = post_webhook(APIClient(), _captured_body(payment))

    assert response.status_code == 200 and response.json() == {"status": "accepted"}
    assert database_down_while_capturing["made"] == 1
    event = WebhookEvent.objects.get()
    assert (event.status, event.attempts, event.processed_at) == ("pending", 1, None)
    assert event.last_error == "OperationalError: server closed the connection unexpectedly"
    assert event.last_attempt_at is not None
    assert _money(payment) == ("created", Order.Status.PENDING_PAYMENT, 0, 0)  # rolled back whole


def test_reconciliation_requeues_a_pending_event_once_it_is_old_enough(database_down_while_capturing):
    payment = PaymentFactory()
    post_webhook(APIClient(), _captured_body(payment))
    database_down_while_capturing["left"] = 0  # the database is back
    event = WebhookEvent.objects.get()
    tried_at = event.last_attempt_at
    # It had waited an hour for a worker before this attempt: the last attempt, not the arrival, counts.
    WebhookEvent.objects.filter(pk=event.pk).update(received_at=tried_at - timedelta(hours=1))

    # Tried a moment ago: it may still be backing off in a worker, so the sweep waits.
    assert payments_reconcile(now=tried_at + timedelta(seconds=299))["webhooks_requeued"] == 0
    assert WebhookEvent.objects.get().status == "pending"

    summary = payments_reconcile(now=tried_at + timedelta(seconds=300))

    assert summary["webhooks_requeued"] == 1
    event.refresh_from_db()
    assert (event.status, event.attempts) == ("applied", 1)
    assert event.last_error.startswith("OperationalError")  # the history of the failed attempt stays
    assert _money(payment) == ("captured", Order.Status.PAID, 1, 1)
    assert payments_reconcile(now=tried_at + timedelta(hours=1))["webhooks_requeued"] == 0


def test_an_event_never_tried_is_requeued_by_its_arrival_time(settings):
    """The broker was down when the request queued it: nothing ever tried, the sweep finds it."""
    settings.WEBHOOK_REQUEUE_AFTER_SECONDS = 120
    payment = PaymentFactory()
    post_webhook(APIClient(), _captured_body(payment), apply=False)
    received = WebhookEvent.objects.get().received_at

    assert webhooks_requeue(now=received + timedelta(seconds=119)) == 0
    assert webhooks_requeue(now=received + timedelta(seconds=120)) == 1
    assert WebhookEvent.objects.get().status == "applied"
    assert _money(payment) == ("captured", Order.Status.PAID, 1, 1)


def test_after_the_last_attempt_the_event_is_failed_and_only_a_replay_applies_it(
    settings, database_down_while_capturing, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_APPLY_MAX_ATTEMPTS = 3
    payment = PaymentFactory()
    post_webhook(APIClient(), _captured_body(payment))
    event = WebhookEvent.objects.get()
    later = timezone.now() + timedelta(hours=1)
    for _ in range(2):
        assert webhooks_requeue(now=later) == 1
    event.refresh_from_db()
    assert (event.status, event.attempts) == ("failed", 3)

    database_down_while_capturing["left"] = 0
    assert webhooks_requeue(now=later + timedelta(hours=1)) == 0  # failed: no more automatic tries
    assert database_down_while_capturing["made"] == 3
    assert _money(payment) == ("created", Order.Status.PENDING_PAYMENT, 0, 0)

    with django_capture_on_commit_callbacks(execute=True):
        replayed = webhooks_replay(webhook_event_ids=[event.pk])

    assert [e.pk for e in replayed] == [event.pk]
    event.refresh_from_db()
    assert (event.status, event.attempts) == ("applied", 0)
    assert _money(payment) == ("captured", Order.Status.PAID, 1, 1)
    assert webhooks_replay(webhook_event_ids=[event.pk]) == []  # applied events are left alone


def test_replay_webhooks_command_replays_failed_events_by_event_id(
    settings, database_down_while_capturing, capsys, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_APPLY_MAX_ATTEMPTS = 1
    failed_payment, applied_payment = PaymentFactory(), PaymentFactory()
    post_webhook(APIClient(), _captured_body(failed_payment), event_id="evt_FAILED000001")
    database_down_while_capturing["left"] = 0
    post_webhook(APIClient(), _captured_body(applied_payment), event_id="evt_APPLIED00001")
    assert dict(WebhookEvent.objects.values_list("event_id", "status")) == {
        "evt_FAILED000001": "failed",
        "evt_APPLIED00001": "applied",
    }

    with django_capture_on_commit_callbacks(execute=True):
        call_command("replay_webhooks", "evt_FAILED000001", "evt_APPLIED00001", "evt_UNKNOWN")

    out = capsys.readouterr().out
    assert "evt_FAILED000001: queued (payment.captured, last error: OperationalError" in out
    assert "evt_APPLIED00001: already applied" in out
    assert "evt_UNKNOWN: no such event" in out
    assert WebhookEvent.objects.get(event_id="evt_FAILED000001").status == "applied"
    assert _money(failed_payment) == ("captured", Order.Status.PAID, 1, 1)


def test_replay_webhooks_failed_replays_every_failed_event(
    settings, database_down_while_capturing, capsys, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_APPLY_MAX_ATTEMPTS = 1
    payments = [PaymentFactory(), PaymentFactory()]
    for payment in payments:
        post_webhook(APIClient(), _captured_body(payment))
    assert set(WebhookEvent.objects.values_list("status", flat=True)) == {"failed"}
    database_down_while_capturing["left"] = 0

    with django_capture_on_commit_callbacks(execute=True):
        call_command("replay_webhooks", "--failed")

    assert set(WebhookEvent.objects.values_list("status", flat=True)) == {"applied"}
    assert [_money(payment)[0] for payment in payments] == ["captured", "captured"]
    assert "2 events queued" in capsys.readouterr().out


def test_the_admin_shows_unapplied_events_and_replays_them(
    admin_client, settings, database_down_while_capturing, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_APPLY_MAX_ATTEMPTS = 1
    failed_payment, applied_payment = PaymentFactory(), PaymentFactory()
    post_webhook(APIClient(), _captured_body(failed_payment), event_id="evt_ADMINFAILED01")
    database_down_while_capturing["left"] = 0
    post_webhook(APIClient(), _captured_body(applied_payment), event_id="evt_ADMINAPPLIED1")
    failed = WebhookEvent.objects.get(event_id="evt_ADMINFAILED01")

    page = admin_client.get("/admin/payments/webhookevent/?todo=unapplied").content.decode()
    assert "evt_ADMINFAILED01" in page and "evt_ADMINAPPLIED1" not in page
    assert 'value="replay"' in page  # the action is offered to staff who may refund
    assert "OperationalError: server closed the connection unexpectedly" in page
    assert admin_client.get(f"/admin/payments/webhookevent/{failed.pk}/change/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/payments/webhookevent/", {"action": "replay", "_selected_action": [failed.pk]}, follow=True
        )

    assert response.status_code == 200 and "1 events queued" in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == "applied"
    assert _money(failed_payment) == ("captured", Order.Status.PAID, 1, 1)


def test_replaying_in_the_admin_needs_the_refund_permission(
    client, settings, database_down_while_capturing, django_capture_on_commit_callbacks
):
    from accounts.tests.factories import StaffFactory, admin_sign_in

    settings.WEBHOOK_APPLY_MAX_ATTEMPTS = 1
    payment = PaymentFactory()
    post_webhook(APIClient(), _captured_body(payment))
    database_down_while_capturing["left"] = 0
    event = WebhookEvent.objects.get()
    admin_sign_in(client, StaffFactory(perms=["payments.view_webhookevent"]))

    page = client.get("/admin/payments/webhookevent/")
    assert page.status_code == 200 and 'value="replay"' not in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/payments/webhookevent/", {"action": "replay", "_selected_action": [event.pk]})

    event.refresh_from_db()
    assert event.status == "failed"
    assert _money(payment) == ("created", Order.Status.PENDING_PAYMENT, 0, 0)
