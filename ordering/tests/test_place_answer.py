"""POST /orders answers in the shape GET /orders/{id} reads back, with a fixed number of queries."""

import pytest

from accounts.tests.factories import StudentFactory
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
    """Token, slot with vendor and shop, items, their option groups (issue 19; their options only
    when there are groups), the student's row lock and unpaid count, the slot's UPDATE, three
    INSERTs (the answer's lines are the ones written, not read back), and the two savepoint
    statements of the test's transaction (BEGIN/COMMIT outside tests). Stock adds its lock and UPDATE only for items with a limit."""
    slot = SlotFactory()
    item = MenuItemFactory(vendor=slot.vendor)
    client = make_client(StudentFactory())
    with django_assert_num_queries(12):
        placed = client.post(
            "/api/v1/orders",
            {"vendor": slot.vendor_id, "slot": slot.pk, "items": [{"menu_item": item.pk, "quantity": 1}]},
            format="json",
        )
    assert placed.status_code == 201
