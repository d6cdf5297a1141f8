"""Exactly-once under real concurrency: PostgreSQL, real threads, one connection each."""

import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import IdempotencyKey
from accounts.tests.factories import StudentFactory
from core.errors import ValidationFailed
from ordering import services
from ordering.errors import SlotHasOrders
from ordering.models import Order, OrderEvent, Slot
from tests.concurrency import run_concurrently

from .factories import MenuItemFactory, SlotFactory, place_order

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locking"),
]


def run_together(jobs):
    """Run callables at the same moment, each in its own thread and DB connection; return results."""
    return run_concurrently(len(jobs), lambda index: jobs[index]())


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
        services.order_cancel(order_id=order.pk, student=order.student)
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
        jobs.append(lambda order=order: services.order_cancel(order_id=order.pk, student=order.student))
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
        return services.slot_update(slot_id=slot.pk, vendor=slot.vendor, data={"capacity": 3})

    shrunk, *orders = run_together([shrink, *[_post_order(c, slot, item) for c in clients]])

    # Every order got a clean answer: a place, or slot_full once the shrink had gone through.
    assert all(isinstance(result, tuple) for result in orders), orders
    outcomes = _outcomes(orders)
    assert set(outcomes) <= {201, "slot_full"} and sum(outcomes.values()) == 6
    slot.refresh_from_db()
    live = Order.objects.filter(slot=slot, status__in=Order.LIVE_STATUSES).count()
    assert slot.reserved == live == outcomes[201]
    if isinstance(shrunk, Slot):
        # The shrink won while at most three places were taken; nobody got in past three.
        assert shrunk.capacity == slot.capacity == 3
        assert outcomes[201] <= 3
    else:
        # The shrink came after more than three orders: refused, capacity untouched, all six placed.
        assert isinstance(shrunk, ValidationFailed), shrunk
        assert "capacity" in shrunk.details
        assert slot.capacity == 10 and outcomes == {201: 6}


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


def test_vendor_accepting_while_the_slot_starts_either_accepts_or_rejects_and_refunds():
    """The vendor accepts at the very moment the beat task rejects: exactly one of them wins."""
    from payments.models import Payment, Refund
    from tests.fixtures import food_vendor, menu_item, paid_order, slot

    outcomes = Counter()
    for round_ in range(4):
        vendor = food_vendor(name=f"Race Canteen {round_}")
        the_slot = slot(vendor, hours_ahead=2)
        order, payment = paid_order(StudentFactory(), the_slot, [menu_item(vendor, name="Dosa")])
        Slot.objects.filter(pk=the_slot.pk).update(starts_at=timezone.now() - timedelta(seconds=1))

        def accept(order_id=order.pk, vendor=vendor):
            return services.order_accept(order_id=order_id, vendor=vendor).status

        def reject(order_id=order.pk):
            return services.order_reject_not_accepted(order_id=order_id)

        accepted, rejected = run_together([accept, reject])
        order.refresh_from_db()
        payment.refresh_from_db()
        refunds = Refund.objects.filter(payment=payment)
        if order.status == Order.Status.ACCEPTED:
            assert accepted == "accepted" and rejected is False
            assert not refunds.exists() and payment.status == Payment.Status.CAPTURED
            assert Slot.objects.get(pk=the_slot.pk).reserved == 1
        else:
            assert order.status == Order.Status.REJECTED and rejected is True
            assert isinstance(accepted, Exception)
            assert refunds.count() == 1 and refunds.get().amount_paise == order.total_paise
            assert payment.status == Payment.Status.REFUNDED
            assert Slot.objects.get(pk=the_slot.pk).reserved == 0
        assert OrderEvent.objects.filter(order=order, to_status__in=["accepted", "rejected"]).count() == 1
        outcomes[order.status] += 1
    assert sum(outcomes.values()) == 4


def test_two_overlapping_slots_created_at_once_one_wins(make_client):
    from accounts.tests.factories import FoodVendorFactory

    from .factories import ShopFactory

    vendor = FoodVendorFactory()
    ShopFactory(vendor=vendor)
    start = timezone.now() + timedelta(days=1)
    clients = [make_client(vendor) for _ in range(4)]

    def create(client, offset):
        def job():
            response = client.post(
                "/api/v1/slots",
                {
                    "starts_at": (start + timedelta(minutes=offset)).isoformat(),
                    "ends_at": (start + timedelta(minutes=offset + 30)).isoformat(),
                    "capacity": 10,
                },
                format="json",
            )
            return response.status_code, response.json()

        return job

    results = run_together([create(client, offset) for client, offset in zip(clients, (0, 10, 15, 20), strict=True)])
    codes = Counter(status for status, _ in results)
    assert codes == {201: 1, 409: 3}, results
    assert all(body["error"]["code"] == "slot_overlaps" for status, body in results if status == 409)
    assert Slot.objects.filter(vendor=vendor).count() == 1


def test_the_database_itself_refuses_overlapping_slots():
    from django.db import IntegrityError, transaction

    from .factories import ShopFactory

    first = SlotFactory()
    ShopFactory(vendor=first.vendor)
    with pytest.raises(IntegrityError, match="slot_no_overlap_per_vendor"), transaction.atomic():
        Slot.objects.create(
            vendor=first.vendor,
            starts_at=first.starts_at + timedelta(minutes=10),
            ends_at=first.ends_at + timedelta(minutes=10),
            capacity=5,
        )
    # Back to back is fine, and a deleted slot no longer counts.
    Slot.objects.create(
        vendor=first.vendor, starts_at=first.ends_at, ends_at=first.ends_at + timedelta(minutes=30), capacity=5
    )
    Slot.objects.filter(pk=first.pk).update(is_deleted=True)
    Slot.objects.create(vendor=first.vendor, starts_at=first.starts_at, ends_at=first.ends_at, capacity=5)


def _wait_until_another_connection_waits_for_a_lock(timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.02)
    return False


def test_a_slot_cannot_be_moved_while_an_order_for_it_is_being_placed(monkeypatch):
    """An order placement is held inside its transaction right after it took its place; the vendor
    moves the slot meanwhile. The move must wait for the placement and then be refused."""
    slot = SlotFactory(capacity=5)
    item = MenuItemFactory(vendor=slot.vendor)
    student = StudentFactory()
    starts_at, ends_at = slot.starts_at, slot.ends_at
    place_taken, release = threading.Event(), threading.Event()
    real_reserve = services.placing._place_take

    def reserve_then_hold(**kwargs):
        real_reserve(**kwargs)
        place_taken.set()
        assert release.wait(timeout=30)

    monkeypatch.setattr(services.placing, "_place_take", reserve_then_hold)
    results: dict[str, object] = {}

    def run(name, job):
        try:
            results[name] = job()
        except Exception as exc:
            results[name] = exc
        finally:
            connection.close()

    def place():
        lines = [services.OrderLine(menu_item_id=item.pk, quantity=1)]
        return services.order_place(student=student, vendor_id=slot.vendor_id, slot_id=slot.pk, lines=lines)

    def move():
        later = {"starts_at": starts_at + timedelta(hours=1), "ends_at": ends_at + timedelta(hours=1)}
        return services.slot_update(slot_id=slot.pk, vendor=slot.vendor, data=later)

    placer = threading.Thread(target=run, args=("place", place))
    placer.start()
    try:
        assert place_taken.wait(timeout=30)
        mover = threading.Thread(target=run, args=("move", move))
        mover.start()
        _wait_until_another_connection_waits_for_a_lock()
    finally:
        release.set()
    placer.join(timeout=60)
    mover.join(timeout=60)

    assert isinstance(results["place"], Order), results
    assert isinstance(results["move"], SlotHasOrders), results
    assert results["move"].code == "slot_has_orders"
    slot.refresh_from_db()
    assert (slot.starts_at, slot.ends_at, slot.reserved) == (starts_at, ends_at, 1)
