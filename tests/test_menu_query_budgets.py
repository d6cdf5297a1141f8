"""Query budgets of issue 19: the menu with options and photos, POST /orders with options and
stock, constant in the number of items, options and lines."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import StudentFactory
from catalog.models import MenuItem
from catalog.tests.factories import FoodShopFactory, MenuItemFactory, OptionFactory, OptionGroupFactory
from ordering.tests.factories import SlotFactory

pytestmark = pytest.mark.django_db


def _dish(vendor, n: int) -> MenuItem:
    item = MenuItemFactory(
        vendor=vendor,
        name=f"Dish {n}",
        diet="veg",
        stock=100,
        image="a-640.webp",
        thumbnail="a-160.webp",
        image_width=640,
        image_height=480,
        thumbnail_width=160,
        thumbnail_height=120,
    )
    size = OptionGroupFactory(menu_item=item, name="Size", min_choices=1, max_choices=1)
    extras = OptionGroupFactory(menu_item=item, name="Extras", min_choices=0, max_choices=3)
    item.choice = [OptionFactory(group=size, name="Half").pk]
    OptionFactory(group=size, name="Full", price_delta_paise=3000)
    item.choice += [OptionFactory(group=extras, name=f"Extra {k}", price_delta_paise=500).pk for k in range(3)]
    return item


def _count(call) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = call()
    return len(queries.captured_queries), response


def test_the_menu_with_options_and_photos_is_four_queries_for_any_size(client):
    shop = FoodShopFactory()
    _dish(shop.vendor, 0)
    url = f"/api/v1/vendors/{shop.vendor_id}/menu"
    few, response = _count(lambda: client.get(url))
    assert response.status_code == 200 and len(response.json()[0]["option_groups"]) == 2
    for n in range(1, 15):
        _dish(shop.vendor, n)
    from django.core.cache import cache

    cache.clear()
    many, response = _count(lambda: client.get(url))
    assert len(response.json()) == 15 and all(row["thumbnail_url"] for row in response.json())
    assert many == few <= 4


def test_place_order_with_options_and_stock_is_constant_in_lines(make_client, settings):
    settings.MAX_UNPAID_ORDERS = 100
    slot = SlotFactory(capacity=100)
    dishes = [_dish(slot.vendor, n) for n in range(12)]
    client = make_client(StudentFactory())

    def place(count):
        body = {
            "vendor": slot.vendor_id,
            "slot": slot.pk,
            "items": [{"menu_item": d.pk, "quantity": 1, "options": d.choice} for d in dishes[:count]],
        }
        return lambda: client.post("/api/v1/orders", body, format="json")

    client.get("/api/v1/me")  # the token row is read the same way each time
    few, one = _count(place(1))
    many, twelve = _count(place(12))
    assert one.status_code == 201 and twelve.status_code == 201, twelve.json()
    assert len(twelve.json()["items"]) == 12 and all(len(line["options"]) == 4 for line in twelve.json()["items"])
    assert MenuItem.objects.get(pk=dishes[0].pk).stock == 98
    assert many == few <= 17
