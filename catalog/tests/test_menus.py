"""The menu fields of issue 19 through the API: option groups, diet marks and the veg filter,
stock controls, the morning reset, sort order."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from catalog.models import MenuItem, Option, OptionGroup
from catalog.stock import stock_reset_daily

from .factories import FoodShopFactory, MenuItemFactory, OptionFactory, OptionGroupFactory

pytestmark = pytest.mark.django_db

SIZE = {
    "name": "Size",
    "min_choices": 1,
    "max_choices": 1,
    "options": [{"name": "Plain", "price_delta_paise": 0}, {"name": "Masala", "price_delta_paise": 1500}],
}


def _error(response):
    return response.status_code, response.json()["error"]["code"]


# --- option groups ----------------------------------------------------------------------


def test_the_owner_adds_an_option_group_and_the_menu_shows_it(make_client, api_client):
    item = MenuItemFactory(name="Dosa")
    response = make_client(item.vendor).post(f"/api/v1/menu-items/{item.pk}/option-groups", SIZE, format="json")
    assert response.status_code == 201, response.json()
    group = response.json()
    assert (group["name"], group["min_choices"], group["max_choices"]) == ("Size", 1, 1)
    assert [(o["name"], o["price_delta_paise"], o["is_available"]) for o in group["options"]] == [
        ("Plain", 0, True),
        ("Masala", 1500, True),
    ]
    menu = api_client.get(f"/api/v1/vendors/{item.vendor_id}/menu").json()
    assert menu[0]["option_groups"] == [{**group}]


@pytest.mark.parametrize(
    "body, field",
    [
        ({**SIZE, "min_choices": 2, "max_choices": 1}, "min_choices"),
        ({**SIZE, "min_choices": 3, "max_choices": 3}, "min_choices"),
        ({**SIZE, "options": []}, "options"),
        ({**SIZE, "options": [{"name": "A", "price_delta_paise": -1}]}, "options"),
        ({**SIZE, "options": [{"name": "A"}, {"name": "a"}]}, "options"),
        ({**SIZE, "max_choices": 0}, "max_choices"),
    ],
)
def test_a_bad_group_is_refused_and_nothing_is_written(make_client, body, field):
    item = MenuItemFactory()
    response = make_client(item.vendor).post(f"/api/v1/menu-items/{item.pk}/option-groups", body, format="json")
    assert _error(response) == (400, "validation_error")
    assert field in response.json()["error"]["details"]
    assert not OptionGroup.objects.exists() and not Option.objects.exists()


def test_patch_replaces_the_options_keeping_those_sent_with_their_id(make_client):
    item = MenuItemFactory()
    group = OptionGroupFactory(menu_item=item, name="Extras", max_choices=2)
    keep = OptionFactory(group=group, name="Cheese", price_delta_paise=2000)
    drop = OptionFactory(group=group, name="Butter")
    response = make_client(item.vendor).patch(
        f"/api/v1/option-groups/{group.pk}",
        {
            "max_choices": 3,
            "options": [
                {"id": keep.pk, "name": "Extra cheese", "price_delta_paise": 2500, "is_available": False},
                {"name": "Ghee", "price_delta_paise": 500},
            ],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["max_choices"] == 3
    assert [(o["id"] == keep.pk, o["name"], o["price_delta_paise"], o["is_available"]) for o in body["options"]] == [
        (True, "Extra cheese", 2500, False),
        (False, "Ghee", 500, True),
    ]
    assert not Option.objects.filter(pk=drop.pk).exists()


def test_another_vendors_group_and_item_are_not_found_and_unchanged(make_client):
    item = MenuItemFactory()
    group = OptionGroupFactory(menu_item=item, name="Size")
    OptionFactory(group=group, name="Plain")
    other = make_client(FoodShopFactory().vendor)
    assert _error(other.patch(f"/api/v1/option-groups/{group.pk}", {"name": "Mine"}, format="json")) == (
        404,
        "not_found",
    )
    assert _error(other.delete(f"/api/v1/option-groups/{group.pk}")) == (404, "not_found")
    assert _error(other.post(f"/api/v1/menu-items/{item.pk}/option-groups", SIZE, format="json")) == (
        404,
        "not_found",
    )
    group.refresh_from_db()
    assert group.name == "Size" and OptionGroup.objects.count() == 1


def test_the_owner_deletes_a_group(make_client):
    group = OptionGroupFactory(name="Size")
    OptionFactory(group=group)
    response = make_client(group.menu_item.vendor).delete(f"/api/v1/option-groups/{group.pk}")
    assert response.status_code == 204
    assert not OptionGroup.objects.exists() and not Option.objects.exists()


# --- diet, allergens, tags, sort order ---------------------------------------------------------


def test_the_owner_sets_diet_allergens_tags_and_stock(make_client):
    item = MenuItemFactory()
    response = make_client(item.vendor).patch(
        f"/api/v1/menu-items/{item.pk}",
        {
            "diet": "egg",
            "allergens": ["gluten", "egg"],
            "tags": ["spicy"],
            "stock": 40,
            "daily_stock": 40,
            "max_per_order": 2,
            "sort_order": 3,
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["diet"], body["allergens"], body["tags"]) == ("egg", ["gluten", "egg"], ["spicy"])
    assert (body["stock"], body["daily_stock"], body["max_per_order"], body["sort_order"]) == (40, 40, 2, 3)
    assert body["is_sold_out"] is False


@pytest.mark.parametrize(
    "body",
    [
        {"diet": "vegan"},
        {"allergens": ["gluten", "msg"]},
        {"tags": ["healthy"]},
        {"stock": -1},
        {"max_per_order": 21},
        {"max_per_order": 0},
    ],
)
def test_values_outside_the_fixed_lists_are_refused(make_client, body):
    item = MenuItemFactory()
    response = make_client(item.vendor).patch(f"/api/v1/menu-items/{item.pk}", body, format="json")
    assert _error(response) == (400, "validation_error")
    item.refresh_from_db()
    assert (item.diet, item.allergens, item.tags, item.stock, item.max_per_order) == (None, [], [], None, None)


def test_veg_filter_on_the_shop_list_and_the_menu(api_client):
    green = FoodShopFactory(name="Green Leaf")
    MenuItemFactory(vendor=green.vendor, name="Paneer roll", diet="veg")
    MenuItemFactory(vendor=green.vendor, name="Off today", diet="non_veg", is_available=False)
    mixed = FoodShopFactory(name="Mixed Grill")
    MenuItemFactory(vendor=mixed.vendor, name="Veg thali", diet="veg")
    MenuItemFactory(vendor=mixed.vendor, name="Chicken roll", diet="non_veg")
    MenuItemFactory(vendor=mixed.vendor, name="Unsure")  # diet not stated: not veg
    FoodShopFactory(name="Empty")

    shops = api_client.get("/api/v1/vendors?type=food").json()["results"]
    assert {s["shop_name"]: s["is_pure_veg"] for s in shops} == {
        "Green Leaf": True,
        "Mixed Grill": False,
        "Empty": False,
    }
    veg = api_client.get("/api/v1/vendors?diet=veg").json()["results"]
    assert [s["shop_name"] for s in veg] == ["Green Leaf"]
    menu = api_client.get(f"/api/v1/vendors/{mixed.vendor_id}/menu?diet=veg").json()
    assert [row["name"] for row in menu] == ["Veg thali"]
    assert len(api_client.get(f"/api/v1/vendors/{mixed.vendor_id}/menu").json()) == 3
    assert _error(api_client.get(f"/api/v1/vendors/{mixed.vendor_id}/menu?diet=pizza")) == (400, "validation_error")


def test_the_menu_follows_the_vendors_category_and_item_order(make_client, api_client):
    shop = FoodShopFactory()
    MenuItemFactory(vendor=shop.vendor, name="Chai", category="Drinks")
    MenuItemFactory(vendor=shop.vendor, name="Dosa", category="Tiffin", sort_order=2)
    MenuItemFactory(vendor=shop.vendor, name="Idli", category="Tiffin", sort_order=1)
    MenuItemFactory(vendor=shop.vendor, name="Coffee", category="Drinks")
    client = make_client(shop.vendor)
    response = client.patch("/api/v1/vendor/shop", {"category_order": ["Tiffin"]}, format="json")
    assert response.status_code == 200, response.json()
    # The vendor reads its order back (the dashboard shows its menu in it); students do not see it.
    assert response.json()["category_order"] == ["Tiffin"]
    assert client.get("/api/v1/vendor/shop").json()["category_order"] == ["Tiffin"]
    assert "category_order" not in api_client.get(f"/api/v1/vendors/{shop.vendor_id}").json()
    menu = api_client.get(f"/api/v1/vendors/{shop.vendor_id}/menu").json()
    assert [row["name"] for row in menu] == ["Idli", "Dosa", "Chai", "Coffee"]


# --- stock controls and the morning reset --------------------------------------------------


def test_quick_controls_sold_out_and_plus_ten(make_client, api_client):
    item = MenuItemFactory(stock=3)
    client = make_client(item.vendor)
    sold = client.post(f"/api/v1/menu-items/{item.pk}/stock", {"sold_out": True}, format="json")
    assert sold.status_code == 200 and (sold.json()["stock"], sold.json()["is_sold_out"]) == (0, True)
    menu = api_client.get(f"/api/v1/vendors/{item.vendor_id}/menu").json()
    assert menu[0]["is_sold_out"] is True  # the cached menu was dropped
    more = client.post(f"/api/v1/menu-items/{item.pk}/stock", {"add": 10}, format="json")
    assert more.status_code == 200 and more.json()["stock"] == 10
    assert _error(client.post(f"/api/v1/menu-items/{item.pk}/stock", {}, format="json")) == (400, "validation_error")
    other = make_client(FoodShopFactory().vendor)
    assert _error(other.post(f"/api/v1/menu-items/{item.pk}/stock", {"add": 5}, format="json")) == (404, "not_found")
    assert MenuItem.objects.get(pk=item.pk).stock == 10


def test_the_morning_reset_and_its_command(api_client):
    biryani = MenuItemFactory(stock=0, daily_stock=40)
    unlimited = MenuItemFactory(stock=None, daily_stock=None)
    manual = MenuItemFactory(stock=7, daily_stock=None)
    api_client.get(f"/api/v1/vendors/{biryani.vendor_id}/menu")  # cached while sold out
    assert stock_reset_daily() == 1
    assert MenuItem.objects.get(pk=biryani.pk).stock == 40
    assert api_client.get(f"/api/v1/vendors/{biryani.vendor_id}/menu").json()[0]["stock"] == 40
    assert (MenuItem.objects.get(pk=unlimited.pk).stock, MenuItem.objects.get(pk=manual.pk).stock) == (None, 7)
    MenuItem.objects.filter(pk=biryani.pk).update(stock=3)
    call_command("reset_stock")
    assert MenuItem.objects.get(pk=biryani.pk).stock == 40


def test_the_reset_runs_every_campus_morning_at_the_stock_reset_hour(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["reset-daily-stock"]
    assert entry["task"] == "catalog.tasks.reset_daily_stock"
    assert entry["schedule"].hour == {settings.STOCK_RESET_HOUR} and entry["schedule"].minute == {0}
    assert settings.CELERY_TIMEZONE == settings.TIME_ZONE == "Asia/Kolkata"
