"""Exactly-once under real concurrency: PostgreSQL, real threads, one connection each."""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import IdempotencyKey
from accounts.tests.factories import StudentFactory
from ordering import services
from ordering.models import Order, OrderEvent, Slot

from .factories import MenuItemFactory, SlotFactory, place_order

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locking"),
]


def run_together(jobs):
    """Run callables at the same moment, each in its own thread and DB connection; return results."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def worker(index, job):
        try:
            barrier.wait(timeout=30)
            results[index] = job()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _post_order(client, slot, item, **headers):
    def job():
        response = client.post(
            "/api/v1/orders",
            {"vendor": slot.vendor_id, "slot": slot.pk, "items": [{"menu_item": item.pk, "quantity": 1}]},
            format="json",
            **headers,
        )
        return response.status_code, response.json()

    return job


def _outcomes(results):
    return Counter(
        body["error"]["code"] if status >= 400 else status
        for status, body in results
        if not isinstance(status, Exception)
    )


def test_thirty_students_into_five_places(make_client):
    slot = SlotFactory(capacity=5)
    item = MenuItemFactory(vendor=slot.vendor)
    clients = [make_client(StudentFactory()) for _ in range(30)]

    results = run_together([_post_order(client, slot, item) for client in clients])

    assert not [r for r in results if isinstance(r, Exception)]
    assert _outcomes(results) == {201: 5, "slot_full": 25}
    slot.refresh_from_db()
    assert slot.reserved == 5
    assert Order.objects.filter(slot=slot, status=Order.Status.PENDING_PAYMENT).count() == 5

    # Two cancel; exactly two of the next rush get in.
    for order in Order.objects.filter(slot=slot)[:2]:
        services.order_cancel(order=order, student=order.student)
    slot.refresh_from_db()
    assert slot.reserved == 3

    late = [make_client(StudentFactory()) for _ in range(10)]
    results = run_together([_post_order(client, slot, item) for client in late])

    assert _outcomes(results) == {201: 2, "slot_full": 8}
    slot.refresh_from_db()
    assert slot.reserved == 5
    assert Order.objects.filter(slot=slot, status__in=Order.LIVE_STATUSES).count() == 5
    assert Order.objects.filter(slot=slot).count() == 7


def test_same_idempotency_key_concurrently_makes_one_order(make_client):
    slot = SlotFactory(capacity=50)
    item = MenuItemFactory(vendor=slot.vendor)
    student = StudentFactory()
    # Each thread its own client (and connection), same user and key.
    clients = [make_client(student) for _ in range(8)]

    results = run_together([_post_order(c, slot, item, HTTP_IDEMPOTENCY_KEY="tap-once") for c in clients])

    assert not [r for r in results if isinstance(r, Exception)]
    statuses = Counter(status for status, _ in results)
    assert set(statuses) <= {201, 409}
    assert statuses[201] >= 1
    created_ids = {body["id"] for status, body in results if status == 201}
    assert len(created_ids) == 1  # every 201 is the same order (the others replayed it)
    assert all(body["error"]["code"] == "idempotency_conflict" for status, body in results if status == 409)
    assert Order.objects.count() == 1
    slot.refresh_from_db()
    assert slot.reserved == 1
    assert IdempotencyKey.objects.get().state == IdempotencyKey.State.DONE

    # Once done, the key replays.
    status, body = _post_order(clients[0], slot, item, HTTP_IDEMPOTENCY_KEY="tap-once")()
    assert (status, body["id"]) == (201, created_ids.pop())


def test_cancel_and_expiry_racing_free_the_place_once():
    slot = SlotFactory(capacity=3)
    orders = [place_order(slot=slot) for _ in range(3)]
    Order.objects.filter(pk__in=[o.pk for o in orders]).update(payment_due_by=timezone.now() - timedelta(seconds=1))

    jobs = []
    for order in orders:
        jobs.append(lambda order=order: services.order_cancel(order=order, student=order.student))
    jobs += [services.order_expire_unpaid for _ in range(3)]
    results = run_together(jobs)

    assert not [r for r in results if isinstance(r, Exception) and r.__class__.__name__ != "InvalidTransition"]
    slot.refresh_from_db()
    assert slot.reserved == 0
    for order in orders:
        ends = OrderEvent.objects.filter(order=order, to_status__in=["cancelled", "expired"]).count()
        assert ends == 1


def test_expiry_running_twice_at_once_frees_each_place_once():
    slot = SlotFactory(capacity=6)
    orders = [place_order(slot=slot) for _ in range(6)]
    Order.objects.filter(pk__in=[o.pk for o in orders]).update(payment_due_by=timezone.now() - timedelta(seconds=1))

    results = run_together([services.order_expire_unpaid for _ in range(4)])

    assert sum(results) == 6
    assert Slot.objects.get(pk=slot.pk).reserved == 0
    assert OrderEvent.objects.filter(to_status="expired").count() == 6


def test_capacity_change_racing_orders_never_drops_below_reserved(make_client):
    slot = SlotFactory(capacity=10)
    item = MenuItemFactory(vendor=slot.vendor)
    clients = [make_client(StudentFactory()) for _ in range(6)]

    def shrink():
        try:
            return services.slot_update(slot=slot, vendor=slot.vendor, data={"capacity": 3})
        except Exception as exc:
            return exc

    results = run_together([shrink, *[_post_order(c, slot, item) for c in clients]])

    slot.refresh_from_db()
    live = Order.objects.filter(slot=slot, status__in=Order.LIVE_STATUSES).count()
    assert slot.reserved == live <= slot.capacity
    assert results


def test_one_student_placing_concurrently_never_holds_more_than_max_unpaid_orders(make_client, settings):
    """Eight simultaneous placements of one student: exactly MAX_UNPAID_ORDERS succeed (the student row is locked)."""
    settings.MAX_UNPAID_ORDERS = 3
    slot = SlotFactory(capacity=50)
    item = MenuItemFactory(vendor=slot.vendor)
    student = StudentFactory()
    clients = [make_client(student) for _ in range(8)]
    results = run_together([_post_order(client, slot, item) for client in clients])
    codes = Counter(status for status, _ in results)
    assert codes == {201: 3, 409: 5}, results
    assert {body["error"]["code"] for status, body in results if status == 409} == {"too_many_unpaid_orders"}
    assert Order.objects.filter(student=student, status=Order.Status.PENDING_PAYMENT).count() == 3
    slot.refresh_from_db()
    assert slot.reserved == 3
