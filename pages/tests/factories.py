"""A small campus for the page tests: shops, menus, slots and print services, made through the services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import FoodVendorFactory, StationeryVendorFactory, StudentFactory
from catalog import services as catalog_services
from catalog.models import MenuItem, PrintService, Shop
from ordering import services as ordering_services
from ordering.models import Order, Slot
from stationery.tests.pdfs import pdf_bytes as pdf_bytes  # the one PDF builder


def food_shop(*, name: str = "Canteen", is_open: bool = True, description: str = "Hot meals") -> Shop:
    vendor = FoodVendorFactory(name=f"{name} owner")
    catalog_services.shop_create_for_vendor(user=vendor, shop_name=name, description=description)
    shop = catalog_services.shop_update(vendor=vendor, is_open=is_open)  # shops start closed
    return shop


def stationery_shop(*, name: str = "Xerox Point", is_open: bool = True) -> Shop:
    vendor = StationeryVendorFactory(name=f"{name} owner")
    catalog_services.shop_create_for_vendor(user=vendor, shop_name=name, description="Prints and binding")
    shop = catalog_services.shop_update(vendor=vendor, is_open=is_open)  # shops start closed
    return shop


def menu_item(shop: Shop, *, name: str, price_paise: int, category: str = "") -> MenuItem:
    return catalog_services.menu_item_create(vendor=shop.vendor, name=name, price_paise=price_paise, category=category)


def slot(shop: Shop, *, capacity: int = 10, starts_in: timedelta = timedelta(hours=2)) -> Slot:
    starts_at = timezone.now() + starts_in
    return ordering_services.slot_create(
        vendor=shop.vendor, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=30), capacity=capacity
    )


def print_service(shop: Shop, *, name: str = "B/W A4", price_paise: int = 200, unit: str = "page") -> PrintService:
    return catalog_services.print_service_create(vendor=shop.vendor, name=name, price_paise=price_paise, unit=unit)


def order(*, student: User, slot: Slot, items: list[tuple[MenuItem, int]]) -> Order:
    return ordering_services.order_place(
        student=student,
        vendor_id=slot.vendor_id,
        slot_id=slot.pk,
        lines=[ordering_services.OrderLine(menu_item_id=item.pk, quantity=q) for item, q in items],
    )


def fill(slot: Slot) -> None:
    """Take every remaining place of `slot` with other students' orders."""
    slot.refresh_from_db()
    item = MenuItem.objects.filter(vendor_id=slot.vendor_id, is_deleted=False, is_available=True).first()
    for _ in range(slot.capacity - slot.reserved):
        order(student=StudentFactory(), slot=slot, items=[(item, 1)])


@dataclass
class Campus:
    canteen: Shop
    dosa: MenuItem
    chai: MenuItem
    lunch: Slot
    closed_cafe: Shop
    xerox: Shop
    bw: PrintService


def campus() -> Campus:
    canteen = food_shop(name="Main Canteen")
    dosa = menu_item(canteen, name="Masala Dosa", price_paise=6000, category="Meals")
    chai = menu_item(canteen, name="Chai", price_paise=1500, category="Drinks")
    lunch = slot(canteen, capacity=5)
    closed_cafe = food_shop(name="Night Cafe", is_open=False)
    menu_item(closed_cafe, name="Maggi", price_paise=4000)
    xerox = stationery_shop(name="Library Xerox")
    bw = print_service(xerox, name="Black and white A4", price_paise=200)
    return Campus(canteen=canteen, dosa=dosa, chai=chai, lunch=lunch, closed_cafe=closed_cafe, xerox=xerox, bw=bw)
