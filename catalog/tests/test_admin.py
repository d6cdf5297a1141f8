import pytest

from catalog.models import MenuItem, PrintService
from catalog.tests.factories import FoodShopFactory, MenuItemFactory, PrintServiceFactory, StationeryShopFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/admin/catalog/shop/",
        "/admin/catalog/shop/?q=Annapurna",
        "/admin/catalog/shop/?vendor_type__exact=food&is_open__exact=1&vendor__is_approved__exact=1",
        "/admin/catalog/menuitem/",
        "/admin/catalog/menuitem/?q=dosa",
        "/admin/catalog/menuitem/?is_available__exact=1&is_deleted__exact=0&category=Tiffin",
        "/admin/catalog/printservice/",
        "/admin/catalog/printservice/?q=binding",
        "/admin/catalog/printservice/?unit__exact=job&is_colour__exact=0",
    ],
)
def test_admin_lists_search_and_filter(admin_client, url):
    shop = FoodShopFactory(name="Annapurna")
    MenuItemFactory(vendor=shop.vendor, name="Masala Dosa", category="Tiffin")
    PrintServiceFactory(vendor=StationeryShopFactory().vendor, name="Spiral binding", unit="job")
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "Annapurna" in response.content.decode() or "shop" not in url


def test_admin_search_finds_by_shop_name(admin_client):
    shop = FoodShopFactory(name="Annapurna")
    MenuItemFactory(vendor=shop.vendor, name="Masala Dosa")
    MenuItemFactory(name="Pizza")
    page = admin_client.get("/admin/catalog/menuitem/?q=annapurna").content.decode()
    assert "Masala Dosa" in page and "Pizza" not in page


def test_admin_change_pages_render(admin_client):
    shop = FoodShopFactory()
    item = MenuItemFactory(vendor=shop.vendor)
    service = PrintServiceFactory()
    for url in (
        f"/admin/catalog/shop/{shop.pk}/change/",
        f"/admin/catalog/menuitem/{item.pk}/change/",
        f"/admin/catalog/printservice/{service.pk}/change/",
    ):
        assert admin_client.get(url).status_code == 200


def test_admin_hides_and_restores_instead_of_deleting(admin_client):
    item = MenuItemFactory()
    service = PrintServiceFactory()
    assert admin_client.get(f"/admin/catalog/menuitem/{item.pk}/delete/").status_code == 403
    assert admin_client.get("/admin/catalog/menuitem/add/").status_code == 403
    assert admin_client.get("/admin/catalog/shop/add/").status_code == 403

    response = admin_client.post(
        "/admin/catalog/menuitem/", {"action": "hide_entries", "_selected_action": [item.pk]}, follow=True
    )
    assert response.status_code == 200
    assert MenuItem.objects.get(pk=item.pk).is_deleted is True
    admin_client.post("/admin/catalog/menuitem/", {"action": "restore_entries", "_selected_action": [item.pk]})
    assert MenuItem.objects.get(pk=item.pk).is_deleted is False
    admin_client.post("/admin/catalog/printservice/", {"action": "hide_entries", "_selected_action": [service.pk]})
    assert PrintService.objects.get(pk=service.pk).is_deleted is True


def test_admin_price_change_is_validated_by_the_constraint(admin_client):
    item = MenuItemFactory(price_paise=5000)
    response = admin_client.post(
        f"/admin/catalog/menuitem/{item.pk}/change/",
        {"name": item.name, "description": "", "category": "Meals", "price_paise": 0, "is_available": "on"},
    )
    assert response.status_code == 200  # the form comes back with the error
    item.refresh_from_db()
    assert item.price_paise == 5000
