"""Stock under real concurrency (PostgreSQL, real threads, one connection each)."""

from collections import Counter

import pytest
from django.db import connection

from accounts.tests.factories import StudentFactory
from catalog.models import MenuItem
from ordering import services
from ordering.models import Order, Slot
from tests.concurrency import run_concurrently

from .factories import MenuItemFactory, SlotFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locking"),
]


def _order(client, slot, lines):
    def job(_index):
        response = client.post(
            "/api/v1/orders", {"vendor": slot.vendor_id, "slot": slot.pk, "items": lines}, format="json"
        )
        return response.status_code, response.json()

    return job


def _outcomes(results):
    assert not [r for r in results if isinstance(r, Exception)], results
    return Counter(body["error"]["code"] if status >= 400 else status for status, body in results)


def test_twenty_students_five_biryanis_then_every_cancel_gives_one_back(make_client):
    slot = SlotFactory(capacity=100)
    biryani = MenuItemFactory(vendor=slot.vendor, name="Biryani", stock=5)
    clients = [make_client(StudentFactory()) for _ in range(20)]
    jobs = [_order(client, slot, [{"menu_item": biryani.pk, "quantity": 1}]) for client in clients]

    results = run_concurrently(20, lambda index: jobs[index](index))

    assert _outcomes(results) == {201: 5, "item_sold_out": 15}
    assert MenuItem.objects.get(pk=biryani.pk).stock == 0
    assert Order.objects.filter(slot=slot).count() == 5
    assert Slot.objects.get(pk=slot.pk).reserved == 5  # refused orders kept no place either

    placed = list(Order.objects.filter(slot=slot))
    for expected, order in enumerate(placed, start=1):
        services.order_cancel(order_id=order.pk, student=order.student)
        assert MenuItem.objects.get(pk=biryani.pk).stock == expected
    assert Slot.objects.get(pk=slot.pk).reserved == 0


def test_orders_taking_two_items_in_opposite_orders_never_deadlock_or_oversell(make_client):
    slot = SlotFactory(capacity=100)
    rice = MenuItemFactory(vendor=slot.vendor, name="Rice", stock=6)
    dal = MenuItemFactory(vendor=slot.vendor, name="Dal", stock=6)
    forward = [{"menu_item": rice.pk, "quantity": 1}, {"menu_item": dal.pk, "quantity": 1}]
    backward = list(reversed(forward))
    jobs = [_order(make_client(StudentFactory()), slot, forward if n % 2 else backward) for n in range(16)]

    results = run_concurrently(16, lambda index: jobs[index](index))

    assert _outcomes(results) == {201: 6, "item_sold_out": 10}
    assert MenuItem.objects.get(pk=rice.pk).stock == 0 and MenuItem.objects.get(pk=dal.pk).stock == 0


def test_cancels_racing_new_orders_give_back_and_take_exactly(make_client):
    slot = SlotFactory(capacity=100)
    item = MenuItemFactory(vendor=slot.vendor, stock=4)
    holders = [StudentFactory() for _ in range(4)]
    placed = [
        services.order_place(
            student=student,
            vendor_id=slot.vendor_id,
            slot_id=slot.pk,
            lines=[services.OrderLine(menu_item_id=item.pk, quantity=1)],
        )
        for student in holders
    ]
    assert MenuItem.objects.get(pk=item.pk).stock == 0
    newcomers = [_order(make_client(StudentFactory()), slot, [{"menu_item": item.pk, "quantity": 1}]) for _ in range(6)]

    def job(index):
        if index < 4:
            services.order_cancel(order_id=Order.objects.get(pk=placed[index].pk).pk, student=holders[index])
            return "cancelled"
        return newcomers[index - 4](index)

    results = run_concurrently(10, job)

    assert results[:4] == ["cancelled"] * 4
    won = sum(1 for status, _body in results[4:] if status == 201)
    assert MenuItem.objects.get(pk=item.pk).stock == 4 - won
    assert Order.objects.filter(slot=slot, status__in=Order.LIVE_STATUSES).count() == won
