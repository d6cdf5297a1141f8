"""POST /orders answers in the shape GET /orders/{id} reads back, with a fixed number of queries."""

import pytest

from accounts.tests.factories import StudentFactory
from catalog.tests.factories import OptionFactory, OptionGroupFactory
from ordering.tests.factories import MenuItemFactory, SlotFactory

pytestmark = pytest.mark.django_db


def test_the_answer_of_placing_equals_reading_the_order_back(make_client):
    slot = SlotFactory()
    items = [MenuItemFactory(vendor=slot.vendor, name=f"Dish {n}", price_paise=1000 + n) for n in range(3)]
    client = make_client(StudentFactory())
    body = {
        "vendor": slot.vendor_id,
        "slot": slot.pk,
        "items": [{"menu_item": item.pk, "quantity": n + 1} for n, item in enumerate(items)],
        "note": "Less spicy",
    }

    placed = client.post("/api/v1/orders", body, format="json")

    assert placed.status_code == 201, placed.json()
    assert placed.json() == client.get(f"/api/v1/orders/{placed.json()['id']}").json()


def test_placing_takes_a_fixed_number_of_queries(make_client, django_assert_num_queries):
    """Token, slot with vendor and shop, the items with their option groups and options (one
    query, ordering/pricing.py), the student's row lock, the slot's UPDATE (which counts the
    student's unpaid orders too), one INSERT of the order with its lines and first event (the
    answer's lines are the ones written, not read back), and the two savepoint statements of the
    test's transaction (BEGIN/COMMIT outside tests). Stock adds its lock and UPDATE only for
    items with a limit."""
    slot = SlotFactory()
    item = MenuItemFactory(vendor=slot.vendor)
    client = make_client(StudentFactory())
    with django_assert_num_queries(8):
        placed = client.post(
            "/api/v1/orders",
            {"vendor": slot.vendor_id, "slot": slot.pk, "items": [{"menu_item": item.pk, "quantity": 1}]},
            format="json",
        )
    assert placed.status_code == 201


def test_options_add_no_query_to_placing(make_client, django_assert_num_queries):
    """Three items, each with a required size and optional extras: the same eight statements as
    one plain item, and every chosen option priced and kept in the lines' snapshots."""
    slot = SlotFactory()
    client = make_client(StudentFactory())
    lines, expected = [], []
    for n in range(3):
        item = MenuItemFactory(vendor=slot.vendor, name=f"Dish {n}", price_paise=5000)
        size = OptionGroupFactory(menu_item=item, name="Size", min_choices=1, max_choices=1, sort_order=1)
        extras = OptionGroupFactory(menu_item=item, name="Extras", min_choices=0, max_choices=3, sort_order=0)
        OptionGroupFactory(menu_item=item, name="Empty", min_choices=0, max_choices=1)  # no options at all
        small = OptionFactory(group=size, name="Small", sort_order=0)
        large = OptionFactory(group=size, name="Large", price_delta_paise=1500, sort_order=1)
        cheese = OptionFactory(group=extras, name="Cheese", price_delta_paise=700, sort_order=2)
        onion = OptionFactory(group=extras, name="Onion", price_delta_paise=300, sort_order=1)
        chosen = [large.pk, cheese.pk, onion.pk] if n else [small.pk]
        lines.append({"menu_item": item.pk, "quantity": n + 1, "options": chosen})
        # The snapshot follows the menu's order: groups by sort_order (Extras before Size), then options.
        expected.append(
            [("Extras", "Onion", 300), ("Extras", "Cheese", 700), ("Size", "Large", 1500)] if n else [("Size", "Small", 0)]
        )
    with django_assert_num_queries(8):
        placed = client.post("/api/v1/orders", {"vendor": slot.vendor_id, "slot": slot.pk, "items": lines}, format="json")
    assert placed.status_code == 201, placed.json()
    answer = placed.json()
    assert [[(o["group"], o["name"], o["price_delta_paise"]) for o in line["options"]] for line in answer["items"]] == expected
    assert [line["unit_price_paise"] for line in answer["items"]] == [5000, 7500, 7500]
    assert answer["total_paise"] == 5000 + 2 * 7500 + 3 * 7500
    assert answer == client.get(f"/api/v1/orders/{answer['id']}").json()


def test_the_lean_answer_is_what_the_order_serializer_renders(rf):
    """POST /orders answers from ordering.listing, not OrderSerializer: field for field the same,
    for an order with options, a note and a stocked line."""
    from ordering.listing import order_placed_render
    from ordering.serializers import OrderSerializer
    from ordering.services import OrderLine, order_place

    slot = SlotFactory()
    student = StudentFactory()
    item = MenuItemFactory(vendor=slot.vendor, price_paise=4000, stock=5)
    plain = MenuItemFactory(vendor=slot.vendor, price_paise=2500)
    size = OptionGroupFactory(menu_item=item, name="Size", min_choices=1, max_choices=1)
    large = OptionFactory(group=size, name="Large", price_delta_paise=900)
    order = order_place(
        student=student,
        vendor_id=slot.vendor_id,
        slot_id=slot.pk,
        lines=[OrderLine(menu_item_id=item.pk, quantity=2, options=(large.pk,)), OrderLine(menu_item_id=plain.pk, quantity=1)],
        note="No onions",
    )
    request = rf.get("/")
    request.user = student
    expected = OrderSerializer(order, context={"request": request}).data
    assert order_placed_render(order, viewer=student) == expected
    assert expected["items"][0]["options"][0]["name"] == "Large" and expected["note"] == "No onions"


def test_the_placed_order_holds_the_ids_its_rows_were_written_with():
    """order_place writes the order, its lines and its first event in one statement
    (core.sql.family_insert) and hands back the instances with the ids PostgreSQL gave them:
    the lines' ids in the order sent, each pointing at the order."""
    from ordering import services
    from ordering.models import Order, OrderEvent, OrderItem

    slot = SlotFactory()
    student = StudentFactory()
    items = [MenuItemFactory(vendor=slot.vendor, name=f"Dish {n}") for n in (2, 0, 1)]
    lines = [services.OrderLine(menu_item_id=item.pk, quantity=1) for item in items]

    order = services.order_place(student=student, vendor_id=slot.vendor_id, slot_id=slot.pk, lines=lines)

    assert Order.objects.filter(pk=order.pk, student=student).exists()
    assert [(line.pk, line.order_id, line.name) for line in order.items.all()] == list(
        OrderItem.objects.order_by("id").values_list("id", "order_id", "name")
    )
    assert [line.name for line in order.items.all()] == ["Dish 2", "Dish 0", "Dish 1"]
    assert list(OrderEvent.objects.values_list("order_id", "from_status", "to_status", "actor_id")) == [
        (order.pk, "", "pending_payment", student.pk)
    ]
