import factory

from accounts.tests.factories import FoodVendorFactory, StationeryVendorFactory
from catalog.models import MenuItem, Option, OptionGroup, PrintService, Shop


class ShopFactory(factory.django.DjangoModelFactory):
    """A shop and its (approved) vendor; pass `vendor=` to use an existing one (its shop, if it has one)."""

    class Meta:
        model = Shop
        django_get_or_create = ("vendor",)

    vendor = factory.SubFactory(FoodVendorFactory)
    name = factory.Sequence(lambda n: f"Canteen {n}")
    description = "Hot food near the library."
    vendor_type = factory.LazyAttribute(lambda shop: shop.vendor.vendor_type)
    is_open = True


class FoodShopFactory(ShopFactory):
    vendor = factory.SubFactory(FoodVendorFactory)


class StationeryShopFactory(ShopFactory):
    vendor = factory.SubFactory(StationeryVendorFactory)
    name = factory.Sequence(lambda n: f"Xerox Point {n}")


class MenuItemFactory(factory.django.DjangoModelFactory):
    """A dish of a vendor with an open food shop (a new one unless `vendor=` is given)."""

    class Meta:
        model = MenuItem

    vendor = factory.LazyAttribute(lambda item: FoodShopFactory().vendor)
    name = factory.Sequence(lambda n: f"Dish {n}")
    description = ""
    price_paise = 5000
    is_available = True
    category = "Meals"


class PrintServiceFactory(factory.django.DjangoModelFactory):
    """₹2 per page, black and white, at an open shop of an approved stationery vendor (unless `vendor=`)."""

    class Meta:
        model = PrintService

    vendor = factory.LazyAttribute(lambda service: StationeryShopFactory().vendor)
    name = factory.Sequence(lambda n: f"Service {n}")
    unit = PrintService.Unit.PAGE
    price_paise = 200
    is_colour = False
    is_available = True


class OptionGroupFactory(factory.django.DjangoModelFactory):
    """A group of choices on a menu item (pick 0 or 1 unless told)."""

    class Meta:
        model = OptionGroup

    menu_item = factory.SubFactory(MenuItemFactory)
    name = factory.Sequence(lambda n: f"Group {n}")
    min_choices = 0
    max_choices = 1
    sort_order = 0


class OptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Option

    group = factory.SubFactory(OptionGroupFactory)
    name = factory.Sequence(lambda n: f"Option {n}")
    price_delta_paise = 0
    is_available = True
