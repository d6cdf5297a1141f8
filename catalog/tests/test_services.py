
import pytest
from django.db import IntegrityError, connection, transaction

from accounts import hooks
from accounts.errors import VendorNotApproved, WrongVendorType
from accounts.tests.factories import FoodVendorFactory, StaffFactory, StationeryVendorFactory, StudentFactory
from catalog import services
from catalog.errors import DuplicateName, NotAVendor
from catalog.models import MenuItem, PrintService, Shop
from catalog.tests.factories import FoodShopFactory, MenuItemFactory, PrintServiceFactory
from core.errors import Forbidden, NotFound, ValidationFailed
from tests.concurrency import run_concurrently

pytestmark = pytest.mark.django_db


# --- shop creation at vendor sign-up -----------------------------------------------


def test_shop_create_for_vendor_uses_vendor_id_and_type():
    vendor = StationeryVendorFactory(is_approved=False)
    shop = services.shop_create_for_vendor(user=vendor, shop_name="  Print Hub  ")
    shop.refresh_from_db()
    assert shop.pk == vendor.pk
    assert shop.vendor_type == "stationery"
    assert shop.name == "Print Hub"
    assert shop.is_open is False  # the vendor opens it once approved


def test_shop_create_for_vendor_is_registered_as_the_signup_hook():
    vendor = FoodVendorFactory(is_approved=False)
    assert services.shop_create_for_vendor in hooks._vendor_signup_handlers
    hooks.run_vendor_signup(user=vendor, shop_name="Dosa Point")
    shop = Shop.objects.get(pk=vendor.pk)
    assert (shop.name, shop.vendor_type) == ("Dosa Point", "food")


def test_shop_create_for_vendor_blank_name_falls_back_to_vendor_name():
    vendor = FoodVendorFactory(name="Lakshmi Stores")
    assert services.shop_create_for_vendor(user=vendor, shop_name="   ").name == "Lakshmi Stores"
    other = FoodVendorFactory(name="")
    assert services.shop_create_for_vendor(user=other, shop_name=None).name == "My shop"


def test_shop_create_for_vendor_is_idempotent():
    vendor = FoodVendorFactory()
    first = services.shop_create_for_vendor(user=vendor, shop_name="First")
    again = services.shop_create_for_vendor(user=vendor, shop_name="Second")
    assert again.pk == first.pk and again.name == "First"
    assert Shop.objects.count() == 1


def test_shop_create_for_vendor_refuses_non_vendors_and_long_names():
    with pytest.raises(NotAVendor):
        services.shop_create_for_vendor(user=StudentFactory(), shop_name="Nope")
    with pytest.raises(ValidationFailed) as exc:
        services.shop_create_for_vendor(user=FoodVendorFactory(), shop_name="x" * 121)
    assert "shop_name" in exc.value.details
    assert Shop.objects.count() == 0


def test_shop_update_changes_only_given_fields():
    shop = FoodShopFactory(description="old", opening_note="8 to 8")
    updated = services.shop_update(vendor=shop.vendor, is_open=False)
    shop.refresh_from_db()
    assert updated.is_open is False and shop.is_open is False
    assert shop.description == "old" and shop.opening_note == "8 to 8"


def test_shop_update_creates_a_missing_shop():
    vendor = StationeryVendorFactory()
    shop = services.shop_update(vendor=vendor, shop_name="Xerox Corner")
    assert shop.pk == vendor.pk and shop.vendor_type == "stationery" and shop.name == "Xerox Corner"


def test_shop_update_refuses_unapproved_vendor():
    shop = FoodShopFactory(vendor=FoodVendorFactory(is_approved=False))
    with pytest.raises(VendorNotApproved):
        services.shop_update(vendor=shop.vendor, is_open=False)


# --- menu items ---------------------------------------------------------------------


def test_menu_item_create_checks_the_vendor():
    with pytest.raises(WrongVendorType):
        services.menu_item_create(vendor=StationeryVendorFactory(), name="Tea", price_paise=1000)
    with pytest.raises(VendorNotApproved):
        services.menu_item_create(vendor=FoodVendorFactory(is_approved=False), name="Tea", price_paise=1000)
    with pytest.raises(VendorNotApproved):
        services.menu_item_create(vendor=FoodVendorFactory(is_active=False), name="Tea", price_paise=1000)
    with pytest.raises(NotAVendor):
        services.menu_item_create(vendor=StudentFactory(), name="Tea", price_paise=1000)
    assert MenuItem.objects.count() == 0


@pytest.mark.parametrize("price", [0, -5, 1_000_001, "100", 12.5, True])
def test_menu_item_create_refuses_bad_prices(price):
    with pytest.raises(ValidationFailed) as exc:
        services.menu_item_create(vendor=FoodVendorFactory(), name="Tea", price_paise=price)
    assert "price_paise" in exc.value.details


def test_menu_item_names_are_unique_per_vendor_case_insensitively():
    vendor = FoodVendorFactory()
    services.menu_item_create(vendor=vendor, name="Masala Dosa", price_paise=5000)
    with pytest.raises(DuplicateName):
        services.menu_item_create(vendor=vendor, name="  masala dosa ", price_paise=5500)
    # Another vendor may use the name.
    services.menu_item_create(vendor=FoodVendorFactory(), name="Masala Dosa", price_paise=4500)


def test_deleted_item_frees_its_name():
    item = MenuItemFactory(name="Vada Pav")
    services.menu_item_delete(vendor=item.vendor, item_id=item.pk)
    again = services.menu_item_create(vendor=item.vendor, name="Vada Pav", price_paise=2000)
    assert again.pk != item.pk


def test_menu_item_update_only_own_live_items():
    item = MenuItemFactory()
    with pytest.raises(NotFound):
        services.menu_item_update(vendor=FoodVendorFactory(), item_id=item.pk, price_paise=1)
    services.menu_item_delete(vendor=item.vendor, item_id=item.pk)
    with pytest.raises(NotFound):
        services.menu_item_update(vendor=item.vendor, item_id=item.pk, price_paise=1)
    item.refresh_from_db()
    assert item.price_paise == 5000


def test_menu_item_update_refuses_renaming_onto_another_item():
    item = MenuItemFactory(name="Poha")
    other = MenuItemFactory(vendor=item.vendor, name="Upma")
    with pytest.raises(DuplicateName):
        services.menu_item_update(vendor=item.vendor, item_id=other.pk, name="POHA")
    # Renaming to its own name in other case is fine.
    assert services.menu_item_update(vendor=item.vendor, item_id=item.pk, name="POHA").name == "POHA"


def test_menu_item_delete_is_soft():
    item = MenuItemFactory()
    services.menu_item_delete(vendor=item.vendor, item_id=item.pk)
    item.refresh_from_db()
    assert item.is_deleted is True


# --- database constraints (named, enforced even without the services) -----------


@pytest.mark.parametrize("price", [0, 1_000_001])
def test_price_constraint_is_enforced_by_the_database(price):
    vendor = FoodVendorFactory()
    with pytest.raises(IntegrityError, match="menu_item_price_in_range"), transaction.atomic():
        MenuItem.objects.create(vendor=vendor, name="Tea", price_paise=price)
    with pytest.raises(IntegrityError, match="print_service_price_in_range"), transaction.atomic():
        PrintService.objects.create(vendor=StationeryVendorFactory(), name="B/W", price_paise=price)


def test_name_constraints_are_enforced_by_the_database():
    vendor = FoodVendorFactory()
    with pytest.raises(IntegrityError, match="menu_item_name_not_empty"), transaction.atomic():
        MenuItem.objects.create(vendor=vendor, name="", price_paise=100)
    MenuItem.objects.create(vendor=vendor, name="Tea", price_paise=100)
    with pytest.raises(IntegrityError, match="menu_item_name_unique_per_vendor"), transaction.atomic():
        MenuItem.objects.create(vendor=vendor, name="TEA", price_paise=100)
    MenuItem.objects.create(vendor=vendor, name="TEA", price_paise=100, is_deleted=True)


def test_shop_vendor_type_constraint():
    with pytest.raises(IntegrityError, match="shop_vendor_type_valid"), transaction.atomic():
        Shop.objects.create(vendor=FoodVendorFactory(), name="X", vendor_type="pharmacy")


# --- print services ----------------------------------------------------------------


def test_print_service_create_and_checks():
    vendor = StationeryVendorFactory()
    service = services.print_service_create(
        vendor=vendor, name="Spiral binding", unit="job", price_paise=3000, is_colour=False
    )
    assert (service.vendor_id, service.unit, service.price_paise) == (vendor.pk, "job", 3000)
    with pytest.raises(WrongVendorType):
        services.print_service_create(vendor=FoodVendorFactory(), name="B/W", price_paise=200)
    with pytest.raises(ValidationFailed) as exc:
        services.print_service_create(vendor=vendor, name="Fax", unit="sheet", price_paise=200)
    assert "unit" in exc.value.details
    with pytest.raises(DuplicateName):
        services.print_service_create(vendor=vendor, name="spiral BINDING", price_paise=200)


def test_print_service_update_and_delete_only_own():
    service = PrintServiceFactory()
    intruder = StationeryVendorFactory()
    with pytest.raises(NotFound):
        services.print_service_update(vendor=intruder, service_id=service.pk, price_paise=1)
    with pytest.raises(NotFound):
        services.print_service_delete(vendor=intruder, service_id=service.pk)
    services.print_service_update(vendor=service.vendor, service_id=service.pk, is_colour=True, unit="job")
    services.print_service_delete(vendor=service.vendor, service_id=service.pk)
    service.refresh_from_db()
    assert (service.is_colour, service.unit, service.is_deleted) == (True, "job", True)


# --- staff hide / restore -------------------------------------------------------------


def test_catalog_entry_set_deleted_by_staff_and_restore_clash():
    staff = StaffFactory()
    item = MenuItemFactory(name="Idli")
    assert services.catalog_entry_set_deleted(actor=staff, obj=item, deleted=True)
    MenuItemFactory(vendor=item.vendor, name="Idli")
    assert services.catalog_entry_set_deleted(actor=staff, obj=item, deleted=False) is False
    item.refresh_from_db()
    assert item.is_deleted is True
    with pytest.raises(Forbidden):
        services.catalog_entry_set_deleted(actor=item.vendor, obj=item, deleted=False)


# --- concurrency: the unique name holds under racing creates --------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_of_one_name_make_one_item():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    vendor = FoodVendorFactory()

    def create(_):
        try:
            services.menu_item_create(vendor=vendor, name="Cold Coffee", price_paise=4500)
            return "created"
        except DuplicateName:
            return "duplicate"

    outcomes = run_concurrently(4, create)
    assert sorted(outcomes) == ["created", "duplicate", "duplicate", "duplicate"]
    assert MenuItem.objects.filter(vendor=vendor).count() == 1


@pytest.mark.django_db
def test_a_new_shop_starts_closed_and_approval_leaves_it_closed():
    """Shops open when the vendor opens them: sign-up makes a closed shop, approval does not open it."""
    from accounts import services as account_services
    from accounts.tests.factories import StaffFactory
    from catalog.services import shop_create_for_vendor, shop_update

    vendor = FoodVendorFactory(is_approved=False)
    shop = shop_create_for_vendor(user=vendor, shop_name="New Canteen")
    assert shop.is_open is False
    account_services.vendor_approve(vendor=vendor, by=StaffFactory())
    shop.refresh_from_db()
    assert shop.is_open is False
    vendor.refresh_from_db()
    assert shop_update(vendor=vendor, is_open=True).is_open is True
