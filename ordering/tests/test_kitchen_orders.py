"""Kitchen units, the shop's pause and its own cut-off, as orders see them."""

from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from accounts.tests.factories import StudentFactory
from catalog.models import Shop
from catalog.tests.factories import MenuItemFactory
from core.errors import ValidationFailed
from ordering import services
from ordering.errors import ShopPaused, SlotClosed, SlotOverlaps
from ordering.models import Order, Slot
from tests.concurrency import run_concurrently

from .factories import SlotFactory, place_order

pytestmark = pytest.mark.django_db


def _order_body(slot, item, quantity=1):
    return {"vendor": slot.vendor_id, "slot": slot.pk, "items": [{"menu_item": item.pk, "quantity": quantity}]}


class TestUnits:
    def test_an_order_takes_quantity_times_prep_units_and_a_cancel_gives_them_back(self):
        slot = SlotFactory(capacity_units=20)
        thali = MenuItemFactory(vendor=slot.vendor, prep_units=3)
        chai = MenuItemFactory(vendor=slot.vendor, prep_units=0)
        order = place_order(slot=slot, lines={thali: 2, chai: 5})
        slot.refresh_from_db()
        assert (order.slot_units, slot.reserved, slot.reserved_units, slot.remaining_units) == (6, 1, 6, 14)

        services.order_cancel(order_id=order.pk, student=order.student)
        slot.refresh_from_db()
        assert (slot.reserved, slot.reserved_units) == (0, 0)

    def test_expiry_and_reject_give_the_units_back(self):
        from ordering.tests.factories import paid_order

        slot = SlotFactory(capacity_units=20)
        item = MenuItemFactory(vendor=slot.vendor, prep_units=4)
        unpaid = place_order(slot=slot, lines={item: 1})
        paid = paid_order(slot=slot, lines={item: 2})
        slot.refresh_from_db()
        assert slot.reserved_units == 12
        services.order_reject(order_id=paid.pk, vendor=slot.vendor, reason="Out of gas")
        Order.objects.filter(pk=unpaid.pk).update(payment_due_by=timezone.now() - timedelta(minutes=1))
        assert services.order_expire(order_id=unpaid.pk)
        slot.refresh_from_db()
        assert (slot.reserved, slot.reserved_units) == (0, 0)

    def test_over_the_units_is_slot_full_and_nothing_is_written(self, make_client):
        slot = SlotFactory(capacity=10, capacity_units=5)
        item = MenuItemFactory(vendor=slot.vendor, prep_units=3)
        place_order(slot=slot, lines={item: 1})
        client = make_client(StudentFactory())

        response = client.post("/api/v1/orders", _order_body(slot, item), format="json")

        assert response.status_code == 409
        error = response.json()["error"]
        assert error["code"] == "slot_full" and error["details"] == {"remaining_units": 2, "units": 3}
        slot.refresh_from_db()
        assert (slot.reserved, slot.reserved_units, Order.objects.filter(slot=slot).count()) == (1, 3, 1)
        # Exactly the units left still fit.
        small = MenuItemFactory(vendor=slot.vendor, prep_units=1)
        assert client.post("/api/v1/orders", _order_body(slot, small, quantity=2), format="json").status_code == 201
        slot.refresh_from_db()
        assert (slot.reserved_units, slot.remaining_units) == (5, 0)

    def test_no_cap_takes_any_load(self):
        slot = SlotFactory(capacity_units=None)
        item = MenuItemFactory(vendor=slot.vendor, prep_units=100)
        place_order(slot=slot, lines={item: 20})
        slot.refresh_from_db()
        assert (slot.reserved_units, slot.remaining_units) == (2000, None)

    def test_the_cap_cannot_drop_below_the_units_taken(self, make_client):
        slot = SlotFactory(capacity_units=10)
        place_order(slot=slot, lines={MenuItemFactory(vendor=slot.vendor, prep_units=4): 1})
        client = make_client(slot.vendor)
        refused = client.patch(f"/api/v1/slots/{slot.pk}", {"capacity_units": 3}, format="json")
        assert refused.status_code == 400 and "capacity_units" in refused.json()["error"]["details"]
        assert (
            client.patch(f"/api/v1/slots/{slot.pk}", {"capacity_units": 4}, format="json").json()["remaining_units"]
            == 0
        )
        assert client.patch(f"/api/v1/slots/{slot.pk}", {"capacity_units": None}, format="json").status_code == 200

    def test_the_owner_sets_prep_units_on_an_item(self, make_client):
        item = MenuItemFactory()
        client = make_client(item.vendor)
        assert client.patch(f"/api/v1/menu-items/{item.pk}", {"prep_units": 0}, format="json").json()["prep_units"] == 0
        bad = client.patch(f"/api/v1/menu-items/{item.pk}", {"prep_units": -1}, format="json")
        assert bad.status_code == 400
        item.refresh_from_db()
        assert item.prep_units == 0
        other = make_client(MenuItemFactory().vendor)
        assert other.patch(f"/api/v1/menu-items/{item.pk}", {"prep_units": 5}, format="json").status_code in (403, 404)
        item.refresh_from_db()
        assert item.prep_units == 0


class TestPause:
    def test_a_paused_shop_refuses_new_orders_until_then(self, make_client):
        slot = SlotFactory()
        item = MenuItemFactory(vendor=slot.vendor)
        vendor = make_client(slot.vendor)
        response = vendor.patch("/api/v1/vendor/shop", {"pause_minutes": 15}, format="json")
        assert response.status_code == 200, response.content
        until = Shop.objects.get(pk=slot.vendor_id).paused_until
        assert timedelta(minutes=14) < until - timezone.now() <= timedelta(minutes=15)
        assert response.json()["paused_until"] is not None

        student = make_client(StudentFactory())
        refused = student.post("/api/v1/orders", _order_body(slot, item), format="json")
        assert refused.status_code == 409
        error = refused.json()["error"]
        assert error["code"] == "shop_paused" and error["details"]["paused_until"].startswith(
            timezone.localtime(until).strftime("%Y-%m-%dT%H:%M")
        )
        assert not Order.objects.exists() and Slot.objects.get(pk=slot.pk).reserved == 0
        public = student.get(f"/api/v1/vendors/{slot.vendor_id}").json()
        assert public["paused_until"] is not None

        assert vendor.patch("/api/v1/vendor/shop", {"paused_until": None}, format="json").json()["paused_until"] is None
        assert student.post("/api/v1/orders", _order_body(slot, item), format="json").status_code == 201

    def test_a_pause_that_has_passed_pauses_nothing(self):
        slot = SlotFactory()
        Shop.objects.filter(pk=slot.vendor_id).update(paused_until=timezone.now() - timedelta(seconds=1))
        assert place_order(slot=slot).status == Order.Status.PENDING_PAYMENT

    def test_the_service_says_until_when(self):
        slot = SlotFactory()
        Shop.objects.filter(pk=slot.vendor_id).update(paused_until=timezone.now() + timedelta(minutes=30))
        with pytest.raises(ShopPaused) as paused:
            place_order(slot=slot)
        assert "paused_until" in paused.value.details

    @pytest.mark.parametrize(
        "body",
        [
            {"paused_until": "2020-01-01T10:00:00+05:30"},
            {"paused_until": "2999-01-01T10:00:00+05:30"},
            {"pause_minutes": 13 * 60},
            {"pause_minutes": 0},
            {"order_cutoff_minutes": 241},
            {"order_cutoff_minutes": -1},
        ],
    )
    def test_bad_pauses_and_cutoffs_are_400_and_nothing_changes(self, make_client, body):
        slot = SlotFactory()
        response = make_client(slot.vendor).patch("/api/v1/vendor/shop", body, format="json")
        assert response.status_code == 400, response.content
        assert response.json()["error"]["code"] == "validation_error"
        shop = Shop.objects.get(pk=slot.vendor_id)
        assert (shop.paused_until, shop.order_cutoff_minutes) == (None, None)


class TestCutoff:
    def test_the_shops_own_cutoff_closes_its_slots_earlier(self, make_client, settings):
        settings.ORDER_CUTOFF_MINUTES = 10
        soon = timezone.now() + timedelta(minutes=30)
        slot = SlotFactory(starts_at=soon, ends_at=soon + timedelta(minutes=30))
        item = MenuItemFactory(vendor=slot.vendor)
        client = make_client(StudentFactory())
        assert [s["id"] for s in client.get(f"/api/v1/vendors/{slot.vendor_id}/slots").json()["results"]] == [slot.pk]

        answer = make_client(slot.vendor).patch("/api/v1/vendor/shop", {"order_cutoff_minutes": 45}, format="json")
        assert answer.json()["order_cutoff_minutes"] == 45

        assert client.get(f"/api/v1/vendors/{slot.vendor_id}/slots").json()["results"] == []
        refused = client.post("/api/v1/orders", _order_body(slot, item), format="json")
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "slot_closed"
        with pytest.raises(SlotClosed):
            place_order(slot=slot)

        make_client(slot.vendor).patch("/api/v1/vendor/shop", {"order_cutoff_minutes": 0}, format="json")
        assert client.post("/api/v1/orders", _order_body(slot, item), format="json").status_code == 201

    def test_null_is_the_campus_default(self, settings):
        settings.ORDER_CUTOFF_MINUTES = 50
        soon = timezone.now() + timedelta(minutes=30)
        slot = SlotFactory(starts_at=soon, ends_at=soon + timedelta(minutes=30))
        with pytest.raises(SlotClosed):
            place_order(slot=slot)
        assert Shop.objects.get(pk=slot.vendor_id).cutoff_minutes == 50


# --- under real concurrency (PostgreSQL) ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locking")
def test_twenty_students_into_ten_units_get_exactly_ten(make_client):
    slot = SlotFactory(capacity=100, capacity_units=10)
    item = MenuItemFactory(vendor=slot.vendor, prep_units=1)
    clients = [make_client(StudentFactory()) for _ in range(20)]

    def job(index):
        response = clients[index].post("/api/v1/orders", _order_body(slot, item), format="json")
        return response.status_code, response.json()

    results = run_concurrently(20, job)

    assert not [r for r in results if isinstance(r, Exception)], results
    outcomes = Counter(body["error"]["code"] if code >= 400 else code for code, body in results)
    assert outcomes == {201: 10, "slot_full": 10}
    slot.refresh_from_db()
    assert (slot.reserved, slot.reserved_units) == (10, 10)
    assert sum(Order.objects.filter(slot=slot).values_list("slot_units", flat=True)) == 10


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locking")
def test_concurrent_generation_makes_each_slot_once():
    from datetime import time

    from catalog.tests.factories import FoodShopFactory
    from ordering.models import SlotSchedule

    vendor = FoodShopFactory().vendor
    SlotSchedule.objects.create(
        vendor=vendor,
        weekdays=list(range(7)),
        first_start=time(9, 0),
        last_end=time(11, 0),
        slot_minutes=30,
        capacity=5,
    )
    now = timezone.now()

    results = run_concurrently(6, lambda index: services.slots_generate(vendor_id=vendor.pk, now=now).made)

    assert not [r for r in results if isinstance(r, Exception)], results
    starts = list(Slot.objects.filter(vendor=vendor).values_list("starts_at", flat=True))
    assert len(starts) == len(set(starts)) == sum(results) and len(starts) >= 24
    assert sorted(results)[:-1] == [0] * 5
    with pytest.raises(SlotOverlaps):  # a slot by hand over a generated one
        services.slot_create(vendor=vendor, starts_at=starts[0], ends_at=starts[0] + timedelta(minutes=5), capacity=1)


def test_the_menu_page_says_until_when_and_marks_the_slots_paused(client):
    from django.urls import reverse

    slot = SlotFactory()
    MenuItemFactory(vendor=slot.vendor)
    url = reverse("pages:menu", args=[slot.vendor_id])
    calm = client.get(url).content.decode()
    assert 'data-testid="paused-note"' not in calm and 'data-testid="paused-slot"' not in calm

    until = timezone.now() + timedelta(minutes=25)
    Shop.objects.filter(pk=slot.vendor_id).update(paused_until=until)
    page = client.get(url).content.decode()
    assert f"Paused until {timezone.localtime(until):%H:%M}" in page
    assert page.count('data-testid="paused-slot"') == 1
    home = client.get(reverse("pages:home")).content.decode()
    assert f'data-testid="shop-state">Paused until {timezone.localtime(until):%H:%M}<' in home


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locking")
def test_an_order_placed_while_its_schedule_moves_either_keeps_its_slot_or_is_refused():
    from datetime import time

    from catalog.tests.factories import FoodShopFactory

    vendor = FoodShopFactory().vendor
    item = MenuItemFactory(vendor=vendor)
    schedule = services.slot_schedule_create(
        vendor=vendor,
        data={
            "weekdays": list(range(7)),
            "first_start": time(3, 0),
            "last_end": time(4, 0),
            "slot_minutes": 30,
            "capacity": 5,
        },
    )
    for _ in range(3):
        target = Slot.objects.filter(
            schedule=schedule, reserved=0, starts_at__gt=timezone.now() + timedelta(hours=2)
        ).first()
        student = StudentFactory()

        def place(target=target, student=student):
            lines = [services.OrderLine(menu_item_id=item.pk, quantity=1)]
            return services.order_place(student=student, vendor_id=vendor.pk, slot_id=target.pk, lines=lines)

        def move(start=schedule.first_start):
            later = time(start.hour, start.minute + 10)
            return services.slot_schedule_update(
                schedule_id=schedule.pk,
                vendor=vendor,
                data={"first_start": later, "last_end": time(later.hour + 1, later.minute)},
            )

        placed, moved = run_concurrently(2, lambda index: place() if index == 0 else move())
        schedule.refresh_from_db()

        assert not isinstance(moved, Exception), moved
        if isinstance(placed, Exception):
            assert isinstance(placed, SlotClosed | ValidationFailed), placed
            assert not Slot.objects.filter(pk=target.pk).exists()
        else:
            kept = Slot.objects.get(pk=placed.slot_id)
            assert kept.pk == target.pk and kept.reserved == 1 and kept.starts_at == target.starts_at
