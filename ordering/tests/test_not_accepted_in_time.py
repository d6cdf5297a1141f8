"""Nobody's money waits forever: paid orders not accepted when their slot starts are rejected and refunded."""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from accounts import sms
from accounts.tests.factories import StudentFactory
from ordering import services
from ordering.models import Order, OrderEvent, Slot
from ordering.tasks import reject_unaccepted_orders
from payments.models import Payment, Refund
from tests.fixtures import food_vendor, menu_item, paid_order, slot

pytestmark = pytest.mark.django_db
S = Order.Status


def _started(the_slot: Slot, *, minutes_ago: int = 1) -> None:
    """The slot's start has come (moved in the database: services refuse past slots)."""
    starts_at = timezone.now() - timedelta(minutes=minutes_ago)
    Slot.objects.filter(pk=the_slot.pk).update(starts_at=starts_at, ends_at=starts_at + timedelta(minutes=30))


@pytest.fixture
def world():
    vendor = food_vendor(name="Late Canteen")
    the_slot = slot(vendor, hours_ahead=2)
    item = menu_item(vendor, name="Thali", price_paise=8000)
    order, payment = paid_order(StudentFactory(), the_slot, [item])
    return vendor, the_slot, item, order, payment


def test_a_paid_order_not_accepted_when_its_slot_starts_is_rejected_and_refunded_in_full(
    world, django_capture_on_commit_callbacks
):
    _vendor, the_slot, _item, order, payment = world
    _started(the_slot)
    sms.outbox.clear()

    with django_capture_on_commit_callbacks() as callbacks:
        assert services.order_reject_unaccepted() == 1

    order.refresh_from_db()
    assert order.status == S.REJECTED and order.reason == services.NOT_ACCEPTED_IN_TIME
    event = OrderEvent.objects.filter(order=order).last()
    assert (event.from_status, event.to_status, event.actor_id) == (S.PAID, S.REJECTED, None)
    assert Slot.objects.get(pk=the_slot.pk).reserved == 0
    refund = Refund.objects.get(payment=payment)
    assert refund.amount_paise == order.total_paise and refund.is_automatic and refund.status == "pending"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED and payment.refunded_paise == order.total_paise
    # The refund goes to Razorpay and the SMS to the student only after commit.
    assert len(callbacks) >= 2


def test_the_student_is_told_why_without_any_vendor_text(world, django_capture_on_commit_callbacks):
    _vendor, the_slot, _item, order, _payment = world
    _started(the_slot)
    sms.outbox.clear()
    with django_capture_on_commit_callbacks() as callbacks:
        services.order_reject_not_accepted(order_id=order.pk)
    # Run only the SMS: the refund's task would call Razorpay (covered in payments' tests).
    for callback in callbacks:
        if "_queue" in getattr(callback, "__qualname__", ""):
            callback()
    [message] = sms.outbox
    assert message["to"] == order.student.phone
    assert f"#{order.pk}" in message["body"]
    assert "not accepted before its pickup time" in message["body"] and "refunded in full" in message["body"]
    # No text a vendor typed or can rename: neither the item nor the shop's name.
    assert "Thali" not in message["body"] and "Late Canteen" not in message["body"]


def test_orders_not_due_accepted_or_unpaid_are_left_alone(world):
    vendor, the_slot, item, order, _payment = world
    # Not due: the slot has not started.
    assert services.order_reject_unaccepted() == 0
    # Accepted before the start: stays accepted after it.
    services.order_accept(order_id=order.pk, vendor=vendor)
    later = slot(vendor, hours_ahead=5)
    unpaid = services.order_place(
        student=StudentFactory(),
        vendor_id=vendor.pk,
        slot_id=later.pk,
        lines=[services.OrderLine(menu_item_id=item.pk, quantity=1)],
    )
    _started(the_slot)
    _started(later, minutes_ago=45)
    assert services.order_reject_unaccepted() == 0
    order.refresh_from_db()
    unpaid.refresh_from_db()
    assert order.status == S.ACCEPTED and unpaid.status == S.PENDING_PAYMENT
    assert Refund.objects.count() == 0


def test_running_twice_rejects_and_refunds_once(world):
    _vendor, the_slot, _item, order, payment = world
    _started(the_slot)
    assert services.order_reject_unaccepted() == 1
    assert services.order_reject_unaccepted() == 0
    assert services.order_reject_not_accepted(order_id=order.pk) is False
    assert Refund.objects.filter(payment=payment).count() == 1
    assert OrderEvent.objects.filter(order=order, to_status=S.REJECTED).count() == 1


def test_the_vendor_cannot_accept_it_afterwards(world):
    from core.errors import InvalidTransition

    vendor, the_slot, _item, order, _payment = world
    _started(the_slot)
    services.order_reject_unaccepted()
    with pytest.raises(InvalidTransition):
        services.order_accept(order_id=order.pk, vendor=vendor)


def test_the_api_shows_the_reason_and_the_refund(world, make_client):
    _vendor, the_slot, _item, order, _payment = world
    _started(the_slot)
    services.order_reject_unaccepted()
    body = make_client(order.student).get(f"/api/v1/orders/{order.pk}").json()
    assert body["status"] == "rejected" and body["reject_reason"] == "not accepted in time"
    assert body["refunded_paise"] == order.total_paise
    [refund] = body["refunds"]
    assert set(refund) == {"id", "amount_paise", "status", "reason", "created_at", "processed_at"}
    assert (refund["amount_paise"], refund["status"], refund["processed_at"]) == (order.total_paise, "pending", None)


def test_management_command_and_task_do_the_same(world):
    _vendor, the_slot, _item, order, _payment = world
    _started(the_slot)
    out = StringIO()
    call_command("reject_unaccepted_orders", stdout=out)
    assert "1 order" in out.getvalue()
    assert Order.objects.get(pk=order.pk).status == S.REJECTED
    assert reject_unaccepted_orders.apply().get() == 0


def test_beat_runs_it_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["reject-unaccepted-orders"]
    assert entry["task"] == "ordering.tasks.reject_unaccepted_orders"
    assert entry["schedule"] == 60.0
