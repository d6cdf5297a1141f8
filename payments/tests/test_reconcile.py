"""Reconciliation (the beat task and `manage.py reconcile_payments`), and captures that come too late."""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from ledger import chart
from ledger.models import Transaction
from ledger.selectors import account_balance
from ordering.models import Order
from ordering.services import order_expire
from ordering.tests.factories import place_order
from payments.models import Payment, Refund
from payments.tasks import reconcile_payments

pytestmark = pytest.mark.django_db(transaction=True)


def _open_payment(make_client, order) -> dict:
    response = make_client(order.student).post(f"/api/v1/orders/{order.pk}/pay")
    assert response.status_code == 200, response.content
    return response.json()


def test_the_task_is_scheduled_by_beat_under_its_name():
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "payments.tasks.reconcile_payments" in schedule
    assert reconcile_payments.name == "payments.tasks.reconcile_payments"


def test_a_capture_whose_webhook_never_came_is_applied_by_the_command(sandbox, make_client):
    order = place_order()
    checkout = _open_payment(make_client, order)
    sandbox.webhooks(False)
    sandbox.pay(checkout["razorpay_order_id"])  # the tab closes; no verify, no webhook
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT

    out = StringIO()
    call_command("reconcile_payments", "--older-than", "0", stdout=out)
    assert "captured: 1" in out.getvalue()
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and order.pickup_code
    payment = Payment.objects.get()
    assert payment.status == "captured"
    assert payment.events.filter(to_status="captured").get().source == "reconcile"
    assert Transaction.objects.filter(kind="capture").count() == 1

    call_command("reconcile_payments", "--older-than", "0", stdout=StringIO())  # and again: nothing new
    assert Transaction.objects.count() == 1


def test_the_beat_task_does_the_same(sandbox, make_client):
    order = place_order()
    checkout = _open_payment(make_client, order)
    sandbox.webhooks(False)
    sandbox.pay(checkout["razorpay_order_id"])
    summary = reconcile_payments.delay(older_than_seconds=0).get()
    assert summary["captured"] == 1
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


def test_young_payments_are_left_alone_by_default(sandbox, make_client):
    order = place_order()
    checkout = _open_payment(make_client, order)
    sandbox.webhooks(False)
    sandbox.pay(checkout["razorpay_order_id"])
    call_command("reconcile_payments", stdout=StringIO())  # default window: 300 s
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT


def test_older_than_must_not_be_negative():
    with pytest.raises(CommandError):
        call_command("reconcile_payments", "--older-than", "-1", stdout=StringIO())


def test_reconcile_survives_razorpay_being_down(sandbox, make_client):
    order = place_order()
    _open_payment(make_client, order)
    sandbox.fault("error")
    out = StringIO()
    call_command("reconcile_payments", "--older-than", "0", stdout=out)
    assert "gateway_errors: 1" in out.getvalue()
    assert Payment.objects.get().status == "created"


def test_an_unpaid_payment_of_an_expired_order_is_closed(sandbox, make_client):
    order = place_order()
    _open_payment(make_client, order)
    Order.objects.filter(pk=order.pk).update(payment_due_by=timezone.now() - timedelta(minutes=1))
    assert order_expire(order_id=order.pk)
    payments = reconcile_payments.delay(older_than_seconds=0).get()
    assert payments["closed"] == 1
    assert Payment.objects.get().status == "failed"


def test_a_capture_after_the_order_expired_is_refunded_automatically(sandbox, make_client):
    order = place_order(quantity=2)
    checkout = _open_payment(make_client, order)
    Order.objects.filter(pk=order.pk).update(payment_due_by=timezone.now() - timedelta(minutes=1))
    assert order_expire(order_id=order.pk)

    signed = sandbox.pay(checkout["razorpay_order_id"])  # the student paid anyway; webhooks arrive

    order.refresh_from_db()
    assert order.status == Order.Status.EXPIRED and order.pickup_code == ""
    payment = Payment.objects.get()
    assert payment.is_flagged and "stopped being payable" in payment.flag_reason
    assert payment.status == "refunded" and payment.refunded_paise == payment.captured_paise == order.total_paise
    refund = Refund.objects.get()
    assert refund.is_automatic and refund.status == "processed"
    gateway_refunds = sandbox.refunds(signed["razorpay_payment_id"])
    assert [(r["amount"], r["status"]) for r in gateway_refunds] == [(order.total_paise, "processed")]
    # The ledger shows the capture and its refund; the vendor is owed nothing.
    assert sorted(Transaction.objects.values_list("kind", flat=True)) == ["capture", "refund"]
    assert account_balance(code=chart.vendor_payable(order.vendor_id)) == 0
    assert account_balance(code=chart.vendor_pending(order.vendor_id)) == 0
    # Razorpay keeps its fee on a refunded capture: the campus's loss, visible as an expense.
    assert account_balance(code=chart.GATEWAY) == -payment.gateway_fee_paise
    assert account_balance(code=chart.GATEWAY_FEES) == payment.gateway_fee_paise > 0

    # The checkout callback arriving late changes nothing more.
    client = make_client(order.student)
    assert client.post("/api/v1/payments/verify", signed, format="json").json()["status"] == "refunded"
    assert Transaction.objects.count() == 2


def test_a_pending_refund_whose_webhook_was_lost_is_settled_by_reconcile(sandbox, make_client):
    from accounts.tests.factories import StaffFactory

    order = place_order()
    checkout = _open_payment(make_client, order)
    make_client(order.student).post(
        "/api/v1/payments/verify", sandbox.pay(checkout["razorpay_order_id"]), format="json"
    )
    sandbox.webhooks(False)
    response = make_client(StaffFactory()).post(
        f"/api/v1/payments/{checkout['payment_id']}/refund", {"reason": "x"}, format="json"
    )
    assert response.json()["status"] == "pending" and response.json()["razorpay_refund_id"]
    summary = reconcile_payments.delay(older_than_seconds=0).get()
    assert summary["refunds_processed"] == 1
    assert Refund.objects.get().status == "processed"


# --- failed payments whose Razorpay order a retry still paid ---------------------------------------


def _fail_then_retry_with_webhooks_lost(sandbox, make_client, order) -> tuple[dict, dict]:
    """First attempt fails (its webhook arrives), the retry in the same checkout succeeds with the tab
    closed and every webhook lost."""
    checkout = _open_payment(make_client, order)
    sandbox.fail(checkout["razorpay_order_id"])
    payment = Payment.objects.get()
    assert payment.status == "failed"
    sandbox.webhooks(False)
    signed = sandbox.pay(checkout["razorpay_order_id"])
    assert sandbox.order(checkout["razorpay_order_id"])["status"] == "paid"
    assert Payment.objects.get().status == "failed"
    return checkout, signed


def test_a_retry_that_paid_a_failed_payment_is_found_and_pays_the_order(sandbox, make_client):
    order = place_order(quantity=2)
    _, signed = _fail_then_retry_with_webhooks_lost(sandbox, make_client, order)

    out = StringIO()
    call_command("reconcile_payments", "--older-than", "0", stdout=out)
    assert "captured_after_failure: 1" in out.getvalue() and "failed_checked: 1" in out.getvalue()
    payment = Payment.objects.get()
    assert payment.status == "captured" and payment.razorpay_payment_id == signed["razorpay_payment_id"]
    assert not payment.is_flagged and payment.gateway_fee_paise > 0
    assert payment.events.filter(to_status="captured").get().source == "reconcile"
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and order.pickup_code
    assert Transaction.objects.filter(kind="capture").count() == 1

    call_command("reconcile_payments", "--older-than", "0", stdout=StringIO())  # again: nothing new
    assert Transaction.objects.count() == 1


def test_a_retry_that_paid_after_the_order_expired_is_refunded_automatically(sandbox, make_client):
    order = place_order(quantity=2)
    _, signed = _fail_then_retry_with_webhooks_lost(sandbox, make_client, order)
    Order.objects.filter(pk=order.pk).update(payment_due_by=timezone.now() - timedelta(minutes=1))
    assert order_expire(order_id=order.pk)

    summary = reconcile_payments.delay(older_than_seconds=0).get()  # the beat task
    assert summary["captured_after_failure"] == 1
    payment = Payment.objects.get()
    assert payment.is_flagged and payment.status == "refunded" and payment.refunded_paise == order.total_paise
    refund = Refund.objects.get()
    # Sent to Razorpay (its refund.processed webhook is lost too; reconciliation would settle it later).
    assert refund.is_automatic and refund.razorpay_refund_id
    assert [(r["id"], r["amount"]) for r in sandbox.refunds(signed["razorpay_payment_id"])] == [
        (refund.razorpay_refund_id, order.total_paise)
    ]
    order.refresh_from_db()
    assert order.status == Order.Status.EXPIRED
    assert account_balance(code=chart.vendor_pending(order.vendor_id)) == 0
    assert account_balance(code=chart.vendor_payable(order.vendor_id)) == 0


def test_failed_payments_older_than_a_day_are_not_asked_about(sandbox, make_client):
    order = place_order(quantity=2)
    _fail_then_retry_with_webhooks_lost(sandbox, make_client, order)
    Payment.objects.update(created_at=timezone.now() - timedelta(hours=25))
    summary = reconcile_payments.delay(older_than_seconds=0).get()
    assert "failed_checked" not in summary and "captured_after_failure" not in summary
    assert Payment.objects.get().status == "failed"


def test_a_failed_payment_nobody_retried_stays_failed(sandbox, make_client):
    order = place_order()
    checkout = _open_payment(make_client, order)
    sandbox.fail(checkout["razorpay_order_id"])
    summary = reconcile_payments.delay(older_than_seconds=0).get()
    assert summary["failed_checked"] == 1 and "captured_after_failure" not in summary
    assert Payment.objects.get().status == "failed"
    assert not Transaction.objects.exists()
