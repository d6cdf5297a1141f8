"""Issue 16: a staff refund of the whole capture of a live order or print job ends its handover."""

import pytest

from accounts.tests.factories import StaffFactory
from ledger.selectors import book_check, vendor_summary
from ordering.models import Order, OrderEvent, Slot
from ordering.tests.factories import place_order
from payments.models import Payment, PaymentEvent
from stationery.models import PrintJob, PrintJobEvent

from .test_release import TOTAL, _pay, _vendor_does

pytestmark = pytest.mark.django_db(transaction=True)


def _refund(make_client, payment, **body):
    return make_client(StaffFactory()).post(
        f"/api/v1/payments/{payment.pk}/refund", {"reason": "Food spilled", **body}, format="json"
    )


@pytest.mark.parametrize("steps", [(), ("accept",), ("accept", "ready")], ids=["paid", "accepted", "ready"])
def test_a_full_refund_cancels_a_live_order_gives_its_place_back_and_kills_the_code(sandbox, make_client, steps):
    order = place_order(quantity=2)
    payment = _pay(sandbox, make_client, order)
    if steps:
        _vendor_does(make_client, order, *steps)
    assert Slot.objects.get(pk=order.slot_id).reserved == 1
    live_status = Order.objects.get(pk=order.pk).status

    response = _refund(make_client, payment)
    assert response.status_code == 201, response.content

    order.refresh_from_db()
    assert order.status == "cancelled" and order.cancel_reason == "refunded"
    assert Slot.objects.get(pk=order.slot_id).reserved == 0
    assert OrderEvent.objects.filter(order=order, from_status=live_status, to_status="cancelled").count() == 1
    assert PaymentEvent.objects.filter(payment=payment, note__contains="cancelled, not to be handed over").exists()
    # The pickup code is dead: completing is 409, and nothing moves to the vendor's available money.
    done = make_client(order.vendor).post(
        f"/api/v1/orders/{order.pk}/complete", {"pickup_code": order.pickup_code}, format="json"
    )
    assert done.status_code == 409 and done.json()["error"]["code"] == "invalid_transition"
    summary = vendor_summary(vendor_id=order.vendor_id)
    assert summary["payable_paise"] == 0 and summary["available_paise"] == 0
    # The student sees it cancelled because refunded (and no pickup code any more).
    body = make_client(order.student).get(f"/api/v1/orders/{order.pk}").json()
    assert body["status"] == "cancelled" and body["cancel_reason"] == "refunded"
    assert body["pickup_code"] is None and body["refunded_paise"] == TOTAL
    assert book_check().ok


def test_a_partial_refund_changes_no_status(sandbox, make_client):
    order = place_order(quantity=2)
    payment = _pay(sandbox, make_client, order)
    _vendor_does(make_client, order, "accept", "ready")
    assert _refund(make_client, payment, amount_paise=TOTAL - 1).status_code == 201
    order.refresh_from_db()
    assert order.status == "ready" and order.cancel_reason == ""
    assert Slot.objects.get(pk=order.slot_id).reserved == 1
    # Refunding the rest is a refund in full: now it ends.
    assert _refund(make_client, payment, amount_paise=1).status_code == 201
    order.refresh_from_db()
    assert order.status == "cancelled" and order.cancel_reason == "refunded"
    assert Slot.objects.get(pk=order.slot_id).reserved == 0


def test_a_full_refund_after_completion_cancels_nothing_and_comes_out_of_available(sandbox, make_client):
    order = place_order(quantity=2)
    payment = _pay(sandbox, make_client, order)
    _vendor_does(make_client, order, "accept", "ready", "complete")
    assert _refund(make_client, payment).status_code == 201
    order.refresh_from_db()
    assert order.status == "completed" and order.cancel_reason == ""
    summary = vendor_summary(vendor_id=order.vendor_id)
    assert summary["pending_paise"] == 0 and summary["available_paise"] == 0
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED


def test_a_full_refund_cancels_a_paid_print_job(sandbox, make_client):
    from stationery.tests.factories import PrintJobFactory

    job = PrintJobFactory(status=PrintJob.Status.READY, amount_paise=1200)
    client = make_client(job.student)
    checkout = client.post(f"/api/v1/print-jobs/{job.pk}/pay").json()
    client.post("/api/v1/payments/verify", sandbox.pay(checkout["razorpay_order_id"]), format="json")
    job.refresh_from_db()
    assert job.status == "paid"
    payment = Payment.objects.get(print_job=job)

    assert _refund(make_client, payment).status_code == 201
    job.refresh_from_db()
    assert job.status == "cancelled" and job.cancel_reason == "refunded" and job.ended_at is not None
    assert PrintJobEvent.objects.filter(job=job, from_status="paid", to_status="cancelled").count() == 1
    done = make_client(job.vendor).post(f"/api/v1/print-jobs/{job.pk}/complete", {}, format="json")
    assert done.status_code == 409
    assert client.get(f"/api/v1/print-jobs/{job.pk}").json()["cancel_reason"] == "refunded"
    assert vendor_summary(vendor_id=job.vendor_id)["payable_paise"] == 0


def test_the_admin_refund_in_full_cancels_too(sandbox, make_client, client):
    from accounts.tests.factories import admin_sign_in

    order = place_order(quantity=2)
    payment = _pay(sandbox, make_client, order)
    _vendor_does(make_client, order, "accept", "ready")
    admin_sign_in(client, StaffFactory(is_superuser=True))
    response = client.post(
        f"/admin/payments/payment/{payment.pk}/refund/",
        {"amount": "90.00", "reason": "Spilled at the counter", "key": "one-time-1"},
    )
    assert response.status_code == 302, response.content
    order.refresh_from_db()
    assert order.status == "cancelled" and order.cancel_reason == "refunded"
