import pytest
from django.forms.models import model_to_dict

from accounts.tests.factories import FoodVendorFactory, StationeryVendorFactory, StudentFactory
from catalog.models import MenuItem, PrintService
from catalog.tests.factories import (
    FoodShopFactory,
    MenuItemFactory,
    PrintServiceFactory,
    StationeryShopFactory,
)

pytestmark = pytest.mark.django_db

VENDOR_FIELDS = {
    "id",
    "shop_name",
    "vendor_type",
    "is_open",
    "description",
    "opening_note",
    "is_pure_veg",
    "paused_until",
    "order_cutoff_minutes",
}
ITEM_FIELDS = {
    "id",
    "vendor",
    "name",
    "description",
    "price_paise",
    "is_available",
    "category",
    # the second stage (issue 19)
    "diet",
    "allergens",
    "tags",
    "image_url",
    "image_width",
    "image_height",
    "thumbnail_url",
    "thumbnail_width",
    "thumbnail_height",
    "stock",
    "daily_stock",
    "is_sold_out",
    "max_per_order",
    "prep_units",
    "sort_order",
    "option_groups",
}
SERVICE_FIELDS = {
    "id",
    "vendor",
    "name",
    "unit",
    "price_paise",
    "is_colour",
    "is_available",
    # issue 21
    "colour_price_paise",
    "paper_size",
    "pages_per_minute",
}


def snapshot(obj) -> dict:
    """Every column of the row as stored, to show a refused write changed nothing."""
    return type(obj).objects.filter(pk=obj.pk).values().get()


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"]["code"] == code, body
    return body["error"]


def hidden_vendors():
    """Shops of an unapproved vendor and of a blocked vendor (with items and services)."""
    unapproved = FoodShopFactory(vendor=FoodVendorFactory(is_approved=False))
    blocked = FoodShopFactory(vendor=FoodVendorFactory(is_active=False))
    blocked_print = StationeryShopFactory(vendor=StationeryVendorFactory(is_active=False))
    return unapproved, blocked, blocked_print


# --- GET /vendors, /vendors/{id}, /vendors/{id}/menu ---------------------------------------


def test_vendor_list_shows_only_approved_active_vendors(api_client):
    food = FoodShopFactory(name="Annapurna")
    paper = StationeryShopFactory(name="Xerox")
    hidden_vendors()
    response = api_client.get("/api/v1/vendors")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and body["next"] is None and body["previous"] is None
    assert {row["id"] for row in body["results"]} == {food.vendor_id, paper.vendor_id}
    row = next(r for r in body["results"] if r["id"] == food.vendor_id)
    assert set(row) == VENDOR_FIELDS
    assert row.items() >= {
        "id": food.vendor_id,
        "shop_name": "Annapurna",
        "vendor_type": "food",
        "is_open": True,
        "description": food.description,
        "opening_note": "",
    }.items()


def test_vendor_list_filters_by_type(api_client):
    food = FoodShopFactory()
    paper = StationeryShopFactory()
    assert [r["id"] for r in api_client.get("/api/v1/vendors?type=food").json()["results"]] == [food.vendor_id]
    assert [r["id"] for r in api_client.get("/api/v1/vendors?type=stationery").json()["results"]] == [paper.vendor_id]
    assert api_client.get("/api/v1/vendors?type=").json()["count"] == 2
    error = assert_error(api_client.get("/api/v1/vendors?type=pharmacy"), 400, "validation_error")
    assert "type" in error["details"]


def test_closed_shop_shows_is_open_false(api_client):
    shop = FoodShopFactory(is_open=False)
    assert api_client.get("/api/v1/vendors").json()["results"][0]["is_open"] is False
    assert api_client.get(f"/api/v1/vendors/{shop.vendor_id}").json()["is_open"] is False


def test_vendor_detail(api_client):
    shop = StationeryShopFactory(opening_note="9 to 7")
    body = api_client.get(f"/api/v1/vendors/{shop.vendor_id}").json()
    assert body["id"] == shop.vendor_id and body["vendor_type"] == "stationery" and body["opening_note"] == "9 to 7"


def test_hidden_vendors_are_404_everywhere(api_client):
    for shop in hidden_vendors():
        MenuItemFactory(vendor=shop.vendor)
        assert_error(api_client.get(f"/api/v1/vendors/{shop.vendor_id}"), 404, "not_found")
        assert_error(api_client.get(f"/api/v1/vendors/{shop.vendor_id}/menu"), 404, "not_found")
    student = StudentFactory()
    assert_error(api_client.get(f"/api/v1/vendors/{student.pk}"), 404, "not_found")
    assert_error(api_client.get("/api/v1/vendors/999999999"), 404, "not_found")
    assert_error(api_client.get(f"/api/v1/vendors/{2**70}"), 404, "not_found")
    assert_error(api_client.get("/api/v1/vendors/abc"), 404, "not_found")
    assert api_client.get("/api/v1/vendors").json()["count"] == 0


def test_vendor_menu_lists_available_live_items_unpaginated(api_client):
    shop = FoodShopFactory()
    chai = MenuItemFactory(vendor=shop.vendor, name="Chai", category="Beverages", price_paise=1200)
    dosa = MenuItemFactory(vendor=shop.vendor, name="Dosa", category="Tiffin")
    MenuItemFactory(vendor=shop.vendor, name="Sold out", is_available=False)
    MenuItemFactory(vendor=shop.vendor, name="Gone", is_deleted=True)
    MenuItemFactory(name="Someone else's")
    response = api_client.get(f"/api/v1/vendors/{shop.vendor_id}/menu")
    assert response.status_code == 200
    body = response.json()
    assert isinstance(body, list)
    assert [row["id"] for row in body] == [chai.pk, dosa.pk]
    assert set(body[0]) == ITEM_FIELDS
    assert body[0].items() >= {
        "id": chai.pk,
        "vendor": shop.vendor_id,
        "name": "Chai",
        "description": "",
        "price_paise": 1200,
        "is_available": True,
        "category": "Beverages",
    }.items()


def test_public_reads_work_with_a_token_too(make_client):
    shop = FoodShopFactory()
    MenuItemFactory(vendor=shop.vendor)
    client = make_client(StudentFactory())
    assert client.get("/api/v1/vendors").status_code == 200
    assert len(client.get(f"/api/v1/vendors/{shop.vendor_id}/menu").json()) == 1


# --- /vendor/shop ----------------------------------------------------------------------


@pytest.mark.parametrize("factory", [FoodShopFactory, StationeryShopFactory])
def test_vendor_patches_own_shop(make_client, factory):
    shop = factory()
    response = make_client(shop.vendor).patch(
        "/api/v1/vendor/shop",
        {"shop_name": "New name", "description": "Best chai", "is_open": False, "opening_note": "Back at 5"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "id": shop.vendor_id,
        "shop_name": "New name",
        "vendor_type": shop.vendor_type,
        "is_open": False,
        "description": "Best chai",
        "opening_note": "Back at 5",
        "is_pure_veg": False,
        "category_order": [],
        "paused_until": None,
        "order_cutoff_minutes": 10,
    }
    shop.refresh_from_db()
    assert (shop.name, shop.is_open) == ("New name", False)


def test_vendor_shop_patch_is_partial_and_ignores_read_only_fields(make_client):
    shop = FoodShopFactory(name="Keep me")
    client = make_client(shop.vendor)
    body = client.patch(
        "/api/v1/vendor/shop", {"is_open": False, "vendor_type": "stationery", "id": 1}, format="json"
    ).json()
    assert body["shop_name"] == "Keep me" and body["vendor_type"] == "food" and body["id"] == shop.vendor_id
    # A form post that leaves out is_open does not close the shop.
    shop.is_open = True
    shop.save()
    assert client.patch("/api/v1/vendor/shop", {"description": "x"}, format="multipart").json()["is_open"] is True


def test_vendor_shop_patch_refusals(api_client, make_client):
    pending = FoodShopFactory(vendor=FoodVendorFactory(is_approved=False))
    before = snapshot(pending)
    assert_error(
        make_client(pending.vendor).patch("/api/v1/vendor/shop", {"is_open": False}, format="json"),
        403,
        "vendor_not_approved",
    )
    assert snapshot(pending) == before
    assert_error(
        make_client(StudentFactory()).patch("/api/v1/vendor/shop", {"is_open": False}, format="json"),
        403,
        "permission_denied",
    )
    assert_error(api_client.patch("/api/v1/vendor/shop", {"is_open": False}, format="json"), 401, "not_authenticated")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"shop_name": ""}, "shop_name"),
        ({"shop_name": "   "}, "shop_name"),
        ({"shop_name": "x" * 10_000}, "shop_name"),
        ({"description": "x" * 1001}, "description"),
        ({"is_open": "maybe"}, "is_open"),
        ({"is_open": None}, "is_open"),
        ({"colour_scheme": "red"}, "colour_scheme"),
    ],
)
def test_vendor_shop_patch_validation(make_client, body, field):
    shop = FoodShopFactory()
    before = snapshot(shop)
    error = assert_error(
        make_client(shop.vendor).patch("/api/v1/vendor/shop", body, format="json"), 400, "validation_error"
    )
    assert field in error["details"]
    assert snapshot(shop) == before


def test_unapproved_vendor_can_read_own_pending_shop(make_client):
    shop = FoodShopFactory(vendor=FoodVendorFactory(is_approved=False), name="Pending Pav")
    response = make_client(shop.vendor).get("/api/v1/vendor/shop")
    assert response.status_code == 200 and response.json()["shop_name"] == "Pending Pav"
    assert_error(make_client(StudentFactory()).get("/api/v1/vendor/shop"), 403, "permission_denied")


# --- /menu-items: reads ------------------------------------------------------------------


def test_menu_item_list_is_public_and_hides_hidden_vendors_and_deleted_items(api_client):
    visible = MenuItemFactory()
    for shop in hidden_vendors():
        MenuItemFactory(vendor=shop.vendor)
    MenuItemFactory(vendor=visible.vendor, is_deleted=True)
    body = api_client.get("/api/v1/menu-items").json()
    assert body["count"] == 1
    assert set(body["results"][0]) == ITEM_FIELDS
    assert body["results"][0]["vendor"] == visible.vendor_id


def test_menu_item_list_filters(api_client):
    vendor = FoodVendorFactory()
    tea = MenuItemFactory(vendor=vendor, category="Beverages")
    sold_out = MenuItemFactory(vendor=vendor, category="Beverages", is_available=False)
    rice = MenuItemFactory(vendor=vendor, category="Meals")
    other = MenuItemFactory(category="Beverages")

    def ids(query: str) -> set[int]:
        response = api_client.get(f"/api/v1/menu-items{query}")
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids("") == {tea.pk, sold_out.pk, rice.pk, other.pk}
    assert ids(f"?vendor={vendor.pk}") == {tea.pk, sold_out.pk, rice.pk}
    assert ids("?category=Beverages") == {tea.pk, sold_out.pk, other.pk}
    assert ids("?available=true") == {tea.pk, rice.pk, other.pk}
    assert ids("?available=false") == {sold_out.pk}
    assert ids(f"?vendor={vendor.pk}&category=Beverages&available=true") == {tea.pk}
    for bad in ("?vendor=abc", "?vendor=0", f"?vendor={2**70}", "?available=perhaps"):
        assert_error(api_client.get(f"/api/v1/menu-items{bad}"), 400, "validation_error")


def test_menu_item_list_is_paginated(api_client):
    MenuItemFactory.create_batch(25)
    first = api_client.get("/api/v1/menu-items").json()
    assert first["count"] == 25 and len(first["results"]) == 20 and first["next"]
    assert len(api_client.get("/api/v1/menu-items?page=2").json()["results"]) == 5
    assert len(api_client.get("/api/v1/menu-items?page_size=100").json()["results"]) == 25


def test_menu_item_detail_public_and_hidden_ones_404(api_client):
    item = MenuItemFactory(description="Crisp")
    assert api_client.get(f"/api/v1/menu-items/{item.pk}").json()["description"] == "Crisp"
    deleted = MenuItemFactory(is_deleted=True)
    assert_error(api_client.get(f"/api/v1/menu-items/{deleted.pk}"), 404, "not_found")
    for shop in hidden_vendors():
        hidden = MenuItemFactory(vendor=shop.vendor)
        assert_error(api_client.get(f"/api/v1/menu-items/{hidden.pk}"), 404, "not_found")


# --- /menu-items: writes -----------------------------------------------------------------


def test_food_vendor_creates_item_owned_by_itself(make_client):
    vendor = FoodVendorFactory()
    victim = FoodVendorFactory()
    response = make_client(vendor).post(
        "/api/v1/menu-items",
        {
            "name": "Paneer Roll",
            "description": "With mint chutney",
            "price_paise": 8000,
            "category": "Rolls",
            "vendor": victim.pk,
            "id": 12345,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == ITEM_FIELDS
    assert body["vendor"] == vendor.pk and body["id"] != 12345
    assert body["is_available"] is True
    item = MenuItem.objects.get(pk=body["id"])
    assert item.vendor_id == vendor.pk and item.price_paise == 8000
    assert not MenuItem.objects.filter(vendor=victim).exists()


def test_form_posts_may_send_prices_as_digits(make_client):
    response = make_client(FoodVendorFactory()).post(
        "/api/v1/menu-items", {"name": "Samosa", "price_paise": "1500"}, format="multipart"
    )
    assert response.status_code == 201, response.content
    assert response.json()["price_paise"] == 1500 and response.json()["is_available"] is True


def test_menu_item_write_refusals_by_caller(api_client, make_client):
    body = {"name": "Tea", "price_paise": 1000}
    assert_error(api_client.post("/api/v1/menu-items", body, format="json"), 401, "not_authenticated")
    assert_error(
        make_client(StudentFactory()).post("/api/v1/menu-items", body, format="json"), 403, "permission_denied"
    )
    assert_error(
        make_client(StationeryVendorFactory()).post("/api/v1/menu-items", body, format="json"), 403, "wrong_vendor_type"
    )
    assert_error(
        make_client(FoodVendorFactory(is_approved=False)).post("/api/v1/menu-items", body, format="json"),
        403,
        "vendor_not_approved",
    )
    assert_error(
        make_client(FoodVendorFactory(is_active=False)).post("/api/v1/menu-items", body, format="json"),
        403,
        "account_blocked",
    )
    assert MenuItem.objects.count() == 0


def test_vendor_patches_and_deletes_own_item(make_client):
    item = MenuItemFactory(name="Poha", price_paise=3000)
    client = make_client(item.vendor)
    response = client.patch(
        f"/api/v1/menu-items/{item.pk}", {"price_paise": 3500, "is_available": False}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json().items() >= {
        "id": item.pk,
        "vendor": item.vendor_id,
        "name": "Poha",
        "description": "",
        "price_paise": 3500,
        "is_available": False,
        "category": "Meals",
    }.items()
    assert client.delete(f"/api/v1/menu-items/{item.pk}").status_code == 204
    item.refresh_from_db()
    assert item.is_deleted is True
    assert_error(client.delete(f"/api/v1/menu-items/{item.pk}"), 404, "not_found")
    assert_error(client.patch(f"/api/v1/menu-items/{item.pk}", {"price_paise": 1}, format="json"), 404, "not_found")


def test_writes_to_another_vendors_item_change_nothing(api_client, make_client):
    item = MenuItemFactory(vendor=FoodShopFactory().vendor)
    before = snapshot(item)
    other_food = make_client(FoodVendorFactory())
    assert_error(other_food.patch(f"/api/v1/menu-items/{item.pk}", {"price_paise": 1}, format="json"), 404, "not_found")
    assert_error(other_food.delete(f"/api/v1/menu-items/{item.pk}"), 404, "not_found")
    stationery = make_client(StationeryVendorFactory())
    assert_error(
        stationery.patch(f"/api/v1/menu-items/{item.pk}", {"price_paise": 1}, format="json"), 403, "wrong_vendor_type"
    )
    assert_error(stationery.delete(f"/api/v1/menu-items/{item.pk}"), 403, "wrong_vendor_type")
    assert_error(
        api_client.patch(f"/api/v1/menu-items/{item.pk}", {"price_paise": 1}, format="json"), 401, "not_authenticated"
    )
    assert_error(api_client.delete(f"/api/v1/menu-items/{item.pk}"), 401, "not_authenticated")
    assert_error(make_client(StudentFactory()).delete(f"/api/v1/menu-items/{item.pk}"), 403, "permission_denied")
    assert snapshot(item) == before


def test_put_is_not_offered(make_client):
    item = MenuItemFactory()
    response = make_client(item.vendor).put(
        f"/api/v1/menu-items/{item.pk}", {"name": "X", "price_paise": 1}, format="json"
    )
    assert_error(response, 405, "method_not_allowed")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Tea", "price_paise": 0}, "price_paise"),
        ({"name": "Tea", "price_paise": -100}, "price_paise"),
        ({"name": "Tea", "price_paise": 1_000_001}, "price_paise"),
        ({"name": "Tea", "price_paise": "abc"}, "price_paise"),
        ({"name": "Tea", "price_paise": "100"}, "price_paise"),
        ({"name": "Tea", "price_paise": 99.5}, "price_paise"),
        ({"name": "Tea", "price_paise": True}, "price_paise"),
        ({"name": "Tea", "price_paise": None}, "price_paise"),
        ({"name": "Tea", "price_paise": 10**30}, "price_paise"),
        ({"name": "Tea"}, "price_paise"),
        ({"name": "x" * 10_000, "price_paise": 100}, "name"),
        ({"name": "", "price_paise": 100}, "name"),
        ({"name": "   ", "price_paise": 100}, "name"),
        ({"name": "Tea\x00", "price_paise": 100}, "name"),
        ({"price_paise": 100}, "name"),
        ({"name": "Tea", "price_paise": 100, "category": "c" * 61}, "category"),
        ({"name": "Tea", "price_paise": 100, "description": "d" * 501}, "description"),
        ({"name": "Tea", "price_paise": 100, "is_available": "sometimes"}, "is_available"),
        ({"name": "Tea", "price_paise": 100, "spice_level": 3}, "spice_level"),
        ({"name": "Tea", "price_paise": 100, "price": 100}, "price"),
    ],
)
def test_menu_item_create_validation(make_client, body, field):
    response = make_client(FoodVendorFactory()).post("/api/v1/menu-items", body, format="json")
    error = assert_error(response, 400, "validation_error")
    assert field in error["details"]
    assert MenuItem.objects.count() == 0


def test_price_bounds_are_inclusive(make_client):
    client = make_client(FoodVendorFactory())
    assert client.post("/api/v1/menu-items", {"name": "A", "price_paise": 1}, format="json").status_code == 201
    assert client.post("/api/v1/menu-items", {"name": "B", "price_paise": 1_000_000}, format="json").status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"price_paise": 0}, "price_paise"),
        ({"price_paise": "abc"}, "price_paise"),
        ({"name": "y" * 10_000}, "name"),
        ({"name": None}, "name"),
        ({"is_availble": False}, "is_availble"),
    ],
)
def test_menu_item_patch_validation_changes_nothing(make_client, body, field):
    item = MenuItemFactory()
    before = snapshot(item)
    error = assert_error(
        make_client(item.vendor).patch(f"/api/v1/menu-items/{item.pk}", body, format="json"), 400, "validation_error"
    )
    assert field in error["details"]
    assert snapshot(item) == before


@pytest.mark.parametrize(
    ("content", "content_type"),
    [("[1, 2]", "application/json"), ('"Tea"', "application/json"), ("{not json", "application/json")],
)
def test_malformed_bodies_are_validation_errors(make_client, content, content_type):
    client = make_client(FoodVendorFactory())
    response = client.generic("POST", "/api/v1/menu-items", content, content_type=content_type)
    assert_error(response, 400, "validation_error")


def test_duplicate_item_name_is_a_field_error(make_client):
    item = MenuItemFactory(name="Masala Dosa")
    error = assert_error(
        make_client(item.vendor).post("/api/v1/menu-items", {"name": "MASALA DOSA", "price_paise": 100}, format="json"),
        400,
        "validation_error",
    )
    assert "name" in error["details"]


def test_deleting_an_ordered_item_keeps_the_order(make_client):
    from datetime import timedelta

    from django.utils import timezone

    from ordering.models import Order, OrderItem, Slot

    item = MenuItemFactory(name="Veg Thali", price_paise=8000)
    start = timezone.now() + timedelta(hours=2)
    slot = Slot.objects.create(vendor=item.vendor, starts_at=start, ends_at=start + timedelta(minutes=30), capacity=5)
    order = Order.objects.create(
        student=StudentFactory(),
        vendor=item.vendor,
        slot=slot,
        total_paise=16000,
        payment_due_by=timezone.now() + timedelta(minutes=10),
    )
    line = OrderItem.objects.create(
        order=order, menu_item=item, name=item.name, unit_price_paise=8000, quantity=2, line_total_paise=16000
    )
    line_before = model_to_dict(line)

    assert make_client(item.vendor).delete(f"/api/v1/menu-items/{item.pk}").status_code == 204

    line.refresh_from_db()
    assert model_to_dict(line) == line_before
    assert MenuItem.objects.filter(pk=item.pk, is_deleted=True).exists()
    assert Order.objects.filter(pk=order.pk, total_paise=16000).exists()


# --- /print-services ------------------------------------------------------------------


def test_print_service_crud_by_its_stationery_vendor(make_client, api_client):
    vendor = StationeryVendorFactory()
    client = make_client(vendor)
    response = client.post(
        "/api/v1/print-services",
        {"name": "Colour print", "unit": "page", "price_paise": 1000, "is_colour": True, "vendor": 1},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == SERVICE_FIELDS
    assert body == {
        "id": body["id"],
        "vendor": vendor.pk,
        "name": "Colour print",
        "unit": "page",
        "price_paise": 1000,
        "is_colour": True,
        "is_available": True,
        "colour_price_paise": None,
        "paper_size": "A4",
        "pages_per_minute": 20,
    }
    defaults = client.post("/api/v1/print-services", {"name": "B/W", "price_paise": 200}, format="json").json()
    assert (defaults["unit"], defaults["is_colour"]) == ("page", False)
    patched = client.patch(f"/api/v1/print-services/{body['id']}", {"price_paise": 1200}, format="json")
    assert patched.status_code == 200 and patched.json()["price_paise"] == 1200
    assert api_client.get(f"/api/v1/print-services/{body['id']}").json()["price_paise"] == 1200
    assert client.delete(f"/api/v1/print-services/{body['id']}").status_code == 204
    assert PrintService.objects.get(pk=body["id"]).is_deleted is True
    assert_error(api_client.get(f"/api/v1/print-services/{body['id']}"), 404, "not_found")


def test_print_service_write_refusals(api_client, make_client):
    service = PrintServiceFactory()
    before = snapshot(service)
    body = {"name": "Binding", "unit": "job", "price_paise": 3000}
    assert_error(api_client.post("/api/v1/print-services", body, format="json"), 401, "not_authenticated")
    food = make_client(FoodVendorFactory())
    assert_error(food.post("/api/v1/print-services", body, format="json"), 403, "wrong_vendor_type")
    assert_error(
        food.patch(f"/api/v1/print-services/{service.pk}", {"price_paise": 1}, format="json"), 403, "wrong_vendor_type"
    )
    assert_error(food.delete(f"/api/v1/print-services/{service.pk}"), 403, "wrong_vendor_type")
    other = make_client(StationeryVendorFactory())
    assert_error(
        other.patch(f"/api/v1/print-services/{service.pk}", {"price_paise": 1}, format="json"), 404, "not_found"
    )
    assert_error(other.delete(f"/api/v1/print-services/{service.pk}"), 404, "not_found")
    assert_error(api_client.delete(f"/api/v1/print-services/{service.pk}"), 401, "not_authenticated")
    pending = make_client(StationeryVendorFactory(is_approved=False))
    assert_error(pending.post("/api/v1/print-services", body, format="json"), 403, "vendor_not_approved")
    assert snapshot(service) == before
    assert PrintService.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "B/W", "price_paise": 0}, "price_paise"),
        ({"name": "B/W", "price_paise": "two"}, "price_paise"),
        ({"name": "B/W", "price_paise": 200, "unit": "sheet"}, "unit"),
        ({"name": "n" * 10_000, "price_paise": 200}, "name"),
        ({"name": "B/W", "price_paise": 200, "is_colour": "kinda"}, "is_colour"),
        ({"name": "B/W", "price_paise": 200, "paper": "A4"}, "paper"),
    ],
)
def test_print_service_validation(make_client, body, field):
    error = assert_error(
        make_client(StationeryVendorFactory()).post("/api/v1/print-services", body, format="json"),
        400,
        "validation_error",
    )
    assert field in error["details"]
    assert PrintService.objects.count() == 0


def test_print_service_list_is_public_filtered_and_hides_hidden(api_client):
    vendor = StationeryVendorFactory()
    bw = PrintServiceFactory(vendor=vendor, name="B/W")
    colour = PrintServiceFactory(vendor=vendor, name="Colour", is_colour=True, price_paise=1000)
    binding = PrintServiceFactory(vendor=vendor, name="Binding", unit="job", is_available=False)
    PrintServiceFactory(vendor=vendor, name="Old", is_deleted=True)
    for shop in hidden_vendors():
        if shop.vendor.vendor_type == "stationery":
            PrintServiceFactory(vendor=shop.vendor)
    PrintServiceFactory(vendor=StationeryVendorFactory(is_approved=False))

    def ids(query: str) -> set[int]:
        response = api_client.get(f"/api/v1/print-services{query}")
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids("") == {bw.pk, colour.pk, binding.pk}
    assert ids(f"?vendor={vendor.pk}&available=true") == {bw.pk, colour.pk}
    assert ids("?unit=job") == {binding.pk}
    assert ids("?is_colour=true") == {colour.pk}
    assert_error(api_client.get("/api/v1/print-services?unit=sheet"), 400, "validation_error")
    assert_error(api_client.get("/api/v1/print-services?vendor=x"), 400, "validation_error")


def test_a_print_service_takes_a_colour_price_and_a_paper_size_and_can_drop_the_colour_price(make_client):
    vendor = StationeryVendorFactory()
    client = make_client(vendor)
    body = {"name": "A4 prints", "unit": "page", "price_paise": 200, "colour_price_paise": 1000, "paper_size": "A3"}
    created = client.post("/api/v1/print-services", body, format="json")
    assert created.status_code == 201, created.content
    assert (created.json()["colour_price_paise"], created.json()["paper_size"]) == (1000, "A3")
    url = f"/api/v1/print-services/{created.json()['id']}"
    for bad in ({"colour_price_paise": 0}, {"paper_size": "A5"}, {"pages_per_minute": 0}):
        assert client.patch(url, bad, format="json").status_code == 400, bad
    cleared = client.patch(url, {"colour_price_paise": None}, format="json")
    assert cleared.status_code == 200 and cleared.json()["colour_price_paise"] is None
    assert make_client(StationeryVendorFactory()).patch(url, {"colour_price_paise": 5}, format="json").status_code in (
        403,
        404,
    )
