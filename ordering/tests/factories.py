"""Factories for slots and orders, and the shop and menu they need."""

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.tests.factories import FoodVendorFactory, StudentFactory
from catalog.models import MenuItem, Shop
from ordering import services
from ordering.models import Order, Slot


class ShopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shop
        django_get_or_create = ("vendor",)

    vendor = factory.SubFactory(FoodVendorFactory)
    name = factory.Sequence(lambda n: f"Canteen {n}")
    vendor_type = factory.LazyAttribute(lambda shop: shop.vendor.vendor_type)
    is_open = True


class MenuItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MenuItem

    vendor = factory.LazyAttribute(lambda item: ShopFactory().vendor)
    name = factory.Sequence(lambda n: f"Dish {n}")
    price_paise = 4500
    is_available = True


class SlotFactory(factory.django.DjangoModelFactory):
    """A slot starting in two hours or a little later (well before the cut-off) at a vendor with an open shop."""

    class Meta:
        model = Slot
        skip_postgeneration_save = True

    vendor = factory.LazyAttribute(lambda slot: ShopFactory().vendor)
    # Two hours ahead, then the next half hours in turn: one vendor's slots never overlap.
    starts_at = factory.Sequence(lambda n: timezone.now() + timedelta(hours=2, minutes=30 * (n % 12)))
    ends_at = factory.LazyAttribute(lambda slot: slot.starts_at + timedelta(minutes=30))
    capacity = 10
    reserved = 0
    is_active = True

    @factory.post_generation
    def shop(slot, create, extracted, **kwargs):
        if create:
            ShopFactory(vendor=slot.vendor)


def place_order(*, student=None, slot=None, items=None, quantity: int = 1) -> Order:
    """A real order through the service: `items` menu items (one made if none) into `slot`."""
    slot = slot or SlotFactory()
    student = student or StudentFactory()
    items = items or [MenuItemFactory(vendor=slot.vendor)]
    lines = [services.OrderLine(menu_item_id=item.pk, quantity=quantity) for item in items]
    return services.order_place(student=student, vendor_id=slot.vendor_id, slot_id=slot.pk, lines=lines)


class _Payment:
    """Stands in for a captured payments.Payment: order_mark_paid reads only its pk."""

    def __init__(self, pk: int = 1) -> None:
        self.pk = pk


def paid_order(**kwargs) -> Order:
    order = place_order(**kwargs)
    return services.order_mark_paid(order=order, payment=_Payment())


def accepted_order(**kwargs) -> Order:
    order = paid_order(**kwargs)
    return services.order_accept(order=order, vendor=order.vendor)


def ready_order(**kwargs) -> Order:
    order = accepted_order(**kwargs)
    return services.order_mark_ready(order=order, vendor=order.vendor)
