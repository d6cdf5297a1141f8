"""The texts students get about their orders: exact words, one currency style, the link, and
"payment received" once per payment however often the capture arrives."""

from __future__ import annotations

import pytest
from django.utils import timezone

from ordering import services
from ordering.models import Order
from payments import services as payment_services
from payments.tests.factories import open_payment

from .factories import accepted_order, paid_order, place_order

pytestmark = pytest.mark.django_db

SITE = "https://tnt.example.edu"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE + "/"  # a trailing slash is not doubled in the links


def _bodies(outbox, order: Order) -> list[str]:
    return [message["body"] for message in outbox if message["to"] == order.student.phone]


def _capture(payment, *, razorpay_payment_id: str, source: str):
    return payment_services.payment_capture(
        payment_id=payment.pk,
        razorpay_payment_id=razorpay_payment_id,
        amount_paise=payment.amount_paise,
        currency="INR",
        source=source,
    )


def test_payment_received_names_the_amount_and_links_the_order(
    sms_outbox, django_capture_on_commit_callbacks
):
    order = place_order(quantity=3)  # 3 × ₹45 = ₹135
    with django_capture_on_commit_callbacks(execute=True):
        _capture(open_payment(payer=order.student, order_=order), razorpay_payment_id="pay_T1", source="webhook")
    order.refresh_from_db()
    assert _bodies(sms_outbox, order) == [
        f"Tap N Take: we received your payment of ₹135 for order #{order.pk}. "
        f"We will text you when it is ready. Open {SITE}/orders/{order.pk} to see your order."
    ]


def test_payment_received_is_sent_once_when_the_capture_arrives_again_and_again(
    sms_outbox, django_capture_on_commit_callbacks
):
    order = place_order()
    payment = open_payment(payer=order.student, order_=order)
    with django_capture_on_commit_callbacks(execute=True):
        _capture(payment, razorpay_payment_id="pay_T2", source="webhook")
    with django_capture_on_commit_callbacks(execute=True):
        _capture(payment, razorpay_payment_id="pay_T2", source="verify")  # the checkout callback, later
    with django_capture_on_commit_callbacks(execute=True):
        _capture(payment, razorpay_payment_id="pay_T2", source="webhook")  # Razorpay retries its webhook
    received = [body for body in _bodies(sms_outbox, order) if "we received your payment" in body]
    assert len(received) == 1


def test_a_second_payment_of_a_paid_order_sends_no_second_payment_received(
    sandbox, sms_outbox, django_capture_on_commit_callbacks
):
    order = place_order()
    first = open_payment(payer=order.student, order_=order)
    with django_capture_on_commit_callbacks(execute=True):
        _capture(first, razorpay_payment_id="pay_T3", source="webhook")
    second = open_payment(payer=order.student, order_=order)  # a second checkout paid too
    with django_capture_on_commit_callbacks(execute=True):
        _capture(second, razorpay_payment_id="pay_T4", source="webhook")  # refunded, not a payment of the order
    received = [body for body in _bodies(sms_outbox, order) if "we received your payment" in body]
    assert len(received) == 1


def test_ready_carries_the_pickup_code(sms_outbox, django_capture_on_commit_callbacks):
    order = accepted_order()
    sms_outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.order_mark_ready(order_id=order.pk, vendor=order.vendor)
    order.refresh_from_db()
    assert _bodies(sms_outbox, order) == [
        f"Tap N Take: your order #{order.pk} is ready. Show pickup code {order.pickup_code} at the counter. "
        f"Open {SITE}/orders/{order.pk} to see your order."
    ]


def test_accepted_says_when_to_pick_it_up(sms_outbox, django_capture_on_commit_callbacks):
    order = paid_order()
    sms_outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.order_accept(order_id=order.pk, vendor=order.vendor)
    start, end = timezone.localtime(order.slot.starts_at), timezone.localtime(order.slot.ends_at)
    assert _bodies(sms_outbox, order) == [
        f"Tap N Take: your order #{order.pk} was accepted. "
        f"Pick it up on {start:%d %b} between {start:%H:%M} and {end:%H:%M}. "
        f"Open {SITE}/orders/{order.pk} to see your order."
    ]


def test_a_cancelled_paid_order_says_the_refund_in_rupees_with_indian_grouping(
    sms_outbox, django_capture_on_commit_callbacks
):
    order = paid_order(quantity=3)
    Order.objects.filter(pk=order.pk).update(total_paise=1_23_456_00)  # only the text reads it here
    order.refresh_from_db()
    sms_outbox.clear()
    from ordering import notifications

    with django_capture_on_commit_callbacks(execute=True):
        notifications.order_cancelled_refunded(order=order)
        notifications.order_rejected(order=order, refunded=True)
    assert _bodies(sms_outbox, order) == [
        f"Tap N Take: your order #{order.pk} is cancelled. The ₹1,23,456 you paid will be refunded in full. "
        f"Open {SITE}/orders/{order.pk} to see your order.",
        f"Tap N Take: your order #{order.pk} could not be taken by the shop. "
        f"The ₹1,23,456 you paid will be refunded in full. Open {SITE}/orders/{order.pk} to see your order.",
    ]


def test_paise_are_written_only_when_there_are_some(sms_outbox, django_capture_on_commit_callbacks):
    order = paid_order()
    sms_outbox.clear()
    from ordering import notifications

    with django_capture_on_commit_callbacks(execute=True):
        notifications.order_refunded_by_staff(order=order, amount_paise=1250, cancelled=False)
    assert _bodies(sms_outbox, order) == [
        f"Tap N Take: campus staff refunded ₹12.50 for your order #{order.pk}. "
        f"Open {SITE}/orders/{order.pk} to see your order."
    ]
