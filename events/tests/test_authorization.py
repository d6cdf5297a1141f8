"""Who hears of what: the authorization matrix of the event stream.

Student A and student B, food vendor V (A's orders are at V's shop) and food vendor W, print
shop P (A's print jobs go to P) and print shop Q each hold an open stream of this process, fed
through the real Redis pub/sub. For each kind of change, exactly the right streams receive the
event (its type, the object's id and its new status) and every other stream receives nothing.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.tests.factories import StudentFactory
from ordering import services as ordering
from ordering.tests.factories import SlotFactory, paid_order, place_order
from payments.tests.factories import capture, open_payment
from stationery import services as stationery
from tests.fixtures import print_service, stationery_vendor, submit_job

from .conftest import Streams

pytestmark = [pytest.mark.django_db(transaction=True)]

NAMES = ("student_a", "student_b", "vendor_v", "vendor_w", "shop_p", "shop_q")


@pytest.fixture
def cast(redis_bus):
    slot_v, slot_w = SlotFactory(), SlotFactory()
    users = {
        "student_a": StudentFactory(),
        "student_b": StudentFactory(),
        "vendor_v": slot_v.vendor,
        "vendor_w": slot_w.vendor,
        "shop_p": stationery_vendor(name="Copy Corner"),
        "shop_q": stationery_vendor(name="Print Hub"),
    }
    service_p = print_service(users["shop_p"], name="A4 mono")
    print_service(users["shop_q"], name="A4 mono")
    # B has an order at W and a print job at Q (before the streams open: they hear of neither).
    users["b_order"] = paid_order(student=users["student_b"], slot=slot_w)
    users["b_job"] = submit_job(users["student_b"], print_service(users["shop_q"], name="A3 mono"))
    streams = Streams({name: users[name] for name in NAMES})
    streams.take(0)  # what the set-up published may still be on its way: not part of any test
    yield users, streams, slot_v, service_p
    streams.close()


def only(**received) -> dict[str, list[tuple]]:
    """Every stream of the cast: those named got exactly these events, the others nothing."""
    return {name: received.get(name, []) for name in NAMES}


def test_an_order_paid_accepted_delayed_ready_and_collected(cast):
    users, streams, slot_v, _ = cast
    order = place_order(student=users["student_a"], slot=slot_v)
    assert streams.take(0) == only()  # an order waiting for payment is nobody's news

    capture(open_payment(payer=users["student_a"], order_=order))
    assert streams.take(2) == only(
        student_a=[("order.updated", order.pk, "paid")], vendor_v=[("order.created", order.pk, "paid")]
    )
    vendor = users["vendor_v"]
    ordering.order_accept(order_id=order.pk, vendor=vendor)
    updated = [("order.updated", order.pk, "accepted")]
    assert streams.take(2) == only(student_a=updated, vendor_v=updated)

    ordering.order_delay(order_id=order.pk, vendor=vendor, minutes=10)
    assert streams.take(2) == only(student_a=updated, vendor_v=updated)  # same status, later ready time

    ordering.order_mark_ready(order_id=order.pk, vendor=vendor)
    ready = [("order.updated", order.pk, "ready")]
    assert streams.take(2) == only(student_a=ready, vendor_v=ready)

    order.refresh_from_db()
    ordering.order_complete(order_id=order.pk, vendor=vendor, pickup_code=order.pickup_code)
    completed = [("order.updated", order.pk, "completed")]
    assert streams.take(2) == only(student_a=completed, vendor_v=completed)


def test_an_unpaid_order_cancelled_or_expired_reaches_its_student_only(cast):
    users, streams, slot_v, _ = cast
    cancelled = place_order(student=users["student_a"], slot=slot_v)
    ordering.order_cancel(order_id=cancelled.pk, student=users["student_a"])
    assert streams.take(1) == only(student_a=[("order.updated", cancelled.pk, "cancelled")])

    expired = place_order(student=users["student_a"], slot=slot_v)
    later = timezone.now() + timedelta(minutes=settings.PAYMENT_WINDOW_MINUTES + 1)
    assert ordering.order_expire(order_id=expired.pk, now=later)
    assert streams.take(1) == only(student_a=[("order.updated", expired.pk, "expired")])


def test_a_paid_order_rejected_reaches_the_student_and_its_vendor(cast):
    users, streams, slot_v, _ = cast
    order = paid_order(student=users["student_a"], slot=slot_v)
    streams.take(2)
    ordering.order_reject(order_id=order.pk, vendor=users["vendor_v"], reason="Out of paneer")
    rejected = [("order.updated", order.pk, "rejected")]
    assert streams.take(2) == only(student_a=rejected, vendor_v=rejected)


def test_a_print_job_submitted_priced_paid_and_collected(cast):
    users, streams, _, service_p = cast
    student, shop = users["student_a"], users["shop_p"]
    job = submit_job(student, service_p)
    assert streams.take(1) == only(shop_p=[("print_job.created", job.pk, "submitted")])

    stationery.print_job_accept(vendor=shop, job_id=job.pk)
    accepted = [("print_job.updated", job.pk, "accepted")]
    assert streams.take(2) == only(student_a=accepted, shop_p=accepted)

    job = stationery.print_job_mark_ready(vendor=shop, job_id=job.pk, amount_paise=job.estimated_paise)
    ready = [("print_job.updated", job.pk, "ready")]
    assert streams.take(2) == only(student_a=ready, shop_p=ready)

    capture(open_payment(payer=student, job=job))
    paid = [("print_job.updated", job.pk, "paid")]
    assert streams.take(2) == only(student_a=paid, shop_p=paid)

    job.refresh_from_db()
    stationery.print_job_complete(vendor=shop, job_id=job.pk, pickup_code=job.pickup_code)
    completed = [("print_job.updated", job.pk, "completed")]
    assert streams.take(2) == only(student_a=completed, shop_p=completed)


def test_a_print_job_rejected_or_cancelled_reaches_the_student_and_its_shop(cast):
    users, streams, _, service_p = cast
    student, shop = users["student_a"], users["shop_p"]
    rejected_job = submit_job(student, service_p)
    streams.take(1)
    stationery.print_job_reject(vendor=shop, job_id=rejected_job.pk, reason="Printer is broken")
    rejected = [("print_job.updated", rejected_job.pk, "rejected")]
    assert streams.take(2) == only(student_a=rejected, shop_p=rejected)

    cancelled_job = submit_job(student, service_p)
    streams.take(1)
    stationery.print_job_cancel(student=student, job_id=cancelled_job.pk)
    cancelled = [("print_job.updated", cancelled_job.pk, "cancelled")]
    assert streams.take(2) == only(student_a=cancelled, shop_p=cancelled)


def test_student_bs_changes_reach_b_and_bs_vendor_and_shop_only(cast):
    users, streams, _, _ = cast
    order, job = users["b_order"], users["b_job"]
    ordering.order_accept(order_id=order.pk, vendor=users["vendor_w"])
    stationery.print_job_accept(vendor=users["shop_q"], job_id=job.pk)
    assert streams.take(4) == only(
        student_b=[("order.updated", order.pk, "accepted"), ("print_job.updated", job.pk, "accepted")],
        vendor_w=[("order.updated", order.pk, "accepted")],
        shop_q=[("print_job.updated", job.pk, "accepted")],
    )
