"""The dashboard's first-screen checklist: menu, slots, open, and whether the shop has taken an order."""

import pytest

from accounts.tests.factories import FoodVendorFactory, StationeryVendorFactory, StudentFactory
from catalog.models import Shop
from tests.fixtures import menu_item, paid_order, print_service, slot

pytestmark = pytest.mark.django_db


def _setup(client):
    response = client.get("/api/v1/dashboard/setup")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_food_shop_ticks_off_menu_slots_open_then_its_first_order(make_client):
    vendor = FoodVendorFactory()
    shop = Shop.objects.create(vendor=vendor, name="Fresh Canteen", vendor_type="food", is_open=False)
    client = make_client(vendor)
    assert _setup(client) == {"has_menu": False, "has_slots": False, "is_open": False, "has_orders": False}
    item = menu_item(vendor, name="Idli")
    assert _setup(client)["has_menu"] is True
    the_slot = slot(vendor)
    assert _setup(client)["has_slots"] is True
    assert client.patch("/api/v1/vendor/shop", {"is_open": True}, format="json").status_code == 200
    assert _setup(client) == {"has_menu": True, "has_slots": True, "is_open": True, "has_orders": False}
    shop.refresh_from_db()
    paid_order(StudentFactory(), the_slot, [item])
    assert _setup(client)["has_orders"] is True


def test_a_print_shop_has_no_slots_step(make_client):
    vendor = StationeryVendorFactory()
    Shop.objects.create(vendor=vendor, name="Fresh Xerox", vendor_type="stationery", is_open=True)
    print_service(vendor, name="B/W")
    assert _setup(make_client(vendor)) == {"has_menu": True, "has_slots": None, "is_open": True, "has_orders": False}


def test_students_and_unapproved_vendors_are_refused(make_client):
    assert make_client(StudentFactory()).get("/api/v1/dashboard/setup").status_code == 403
    assert make_client(FoodVendorFactory(is_approved=False)).get("/api/v1/dashboard/setup").status_code == 403


def test_the_page_is_served_with_the_checklist_as_it_stands(client, make_client):
    """Drawn at once from the page's config, the checklist never pushes the page down after load."""
    import json
    import re

    vendor = FoodVendorFactory()
    Shop.objects.create(vendor=vendor, name="Fresh Canteen", vendor_type="food", is_open=False)
    menu_item(vendor, name="Idli")
    client.force_login(vendor)
    page = client.get("/dashboard/").content.decode()
    config = json.loads(re.search(r'<script id="dashboard-config" type="application/json">(.*?)</script>', page).group(1))
    assert config["setup"] == _setup(make_client(vendor)) == {
        "has_menu": True,
        "has_slots": False,
        "is_open": False,
        "has_orders": False,
    }
