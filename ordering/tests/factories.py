"""Factories for slots and orders (shops and menu items: `catalog.tests.factories`)."""

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.tests.factories import StudentFactory
from catalog.models import MenuItem
from catalog.tests.factories import MenuItemFactory, ShopFactory
from ordering import services
from ordering.models import Order, Slot
from payments.tests.factories import capture, open_payment, pay_through_checkout

# What place_order's dish costs when it makes one: two of them are 9000 paise.
DISH_PRICE_PAISE = 4500


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


def place_order(
    *,
    student=None,
    slot=None,
    items=None,
    quantity: int = 1,
    lines: dict[MenuItem, int] | None = None,
    note: str = "",
) -> Order:
    """A real order through the service: `items` (one dish made if none) or `lines` ({item: quantity}) into `slot`."""
    slot = slot or SlotFactory()
    student = student or StudentFactory()
    if lines is None:
        items = items or [MenuItemFactory(vendor=slot.vendor, price_paise=DISH_PRICE_PAISE, category="")]
        lines = {item: quantity for item in items}
    order_lines = [services.OrderLine(menu_item_id=item.pk, quantity=qty) for item, qty in lines.items()]
    return services.order_place(
        student=student, vendor_id=slot.vendor_id, slot_id=slot.pk, lines=order_lines, note=note
    )


class _Payment:
    """Stands in for a payments.Payment in the unit tests of `order_mark_paid` alone (it reads only
    the pk). Nothing else uses it: a paid order comes from `paid_order`, through the capture path."""

    def __init__(self, pk: int = 1) -> None:
        self.pk = pk


def paid_order(*, through_checkout: bool = False, **kwargs) -> Order:
    """A real order (place_order's arguments) paid through payments' one capture path: the order
    marked paid, the ledger posted, a captured Payment.

    `through_checkout=True` pays it as its student does (payment_open at the sandbox, its
    checkout, payment_verify; needs the `sandbox` fixture); otherwise the capture is applied as
    Razorpay's webhook would apply it, with made-up Razorpay ids.
    """
    order = place_order(**kwargs)
    if through_checkout:
        pay_through_checkout("order", order)
    else:
        capture(open_payment(payer=order.student, order_=order))
    order.refresh_from_db()
    assert order.status == Order.Status.PAID, order.status
    return order


def accepted_order(**kwargs) -> Order:
    order = paid_order(**kwargs)
    return services.order_accept(order_id=order.pk, vendor=order.vendor)


def ready_order(**kwargs) -> Order:
    order = accepted_order(**kwargs)
    return services.order_mark_ready(order_id=order.pk, vendor=order.vendor)
