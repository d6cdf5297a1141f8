"""Placing an order: prices from the database, the student's unpaid limit, one slot place and its units."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from catalog.errors import ShopClosed
from catalog.models import Shop
from core.errors import ValidationFailed

from .. import pricing, stock
from ..errors import ShopPaused, TooManyUnpaidOrders
from ..locks import user_lock
from ..models import Order, OrderEvent, OrderItem, Slot
from .core import OrderLine, Status
from .slots import _slot_reserve


def _shop_of(vendor: User | None) -> Shop | None:
    try:
        return vendor.shop if vendor is not None else None
    except Shop.DoesNotExist:
        return None


def _is_orderable_food_vendor(vendor: User | None) -> bool:
    return (
        vendor is not None
        and vendor.role == User.Role.VENDOR
        and vendor.vendor_type == User.VendorType.FOOD
        and vendor.is_approved
        and vendor.is_active
    )


def _slot_for_ordering(*, vendor_id: int, slot_id: int) -> Slot:
    """The slot, with its food vendor and shop, read in one query (a join).

    Refuses, in this order: a vendor students may not order from (ValidationFailed `vendor`),
    a closed shop (ShopClosed), a paused shop (ShopPaused, `details.paused_until`), a slot that
    is not this vendor's or is deleted
    (ValidationFailed `slot`). Whether the slot still takes orders is `_slot_reserve`'s to say.
    """
    slot = Slot.objects.select_related("vendor__shop").filter(pk=slot_id, vendor_id=vendor_id).first()
    # Not this vendor's slot: read the vendor alone, to refuse the vendor first if it is the wrong one.
    vendor = slot.vendor if slot is not None else User.objects.select_related("shop").filter(pk=vendor_id).first()
    shop = _shop_of(vendor)
    if not _is_orderable_food_vendor(vendor) or shop is None:
        raise ValidationFailed(details={"vendor": [_("No such food vendor.")]})
    if not shop.is_open:
        raise ShopClosed()
    paused_until = shop.paused_until_now()
    if paused_until is not None:
        raise ShopPaused(details={"paused_until": timezone.localtime(paused_until).isoformat()})
    if slot is None or slot.is_deleted:
        raise ValidationFailed(details={"slot": [_("No such pickup slot at this vendor.")]})
    return slot


def _unpaid_orders_check(*, student: User) -> None:
    """TooManyUnpaidOrders once `student` holds MAX_UNPAID_ORDERS orders waiting for payment.

    Takes the student's row lock first, so concurrent placements of one student queue
    here and each counts the others' committed orders (lock order: student, then slot).
    """
    user_lock(user_id=student.pk)
    unpaid = Order.objects.filter(student_id=student.pk, status=Status.PENDING_PAYMENT).count()
    limit = settings.MAX_UNPAID_ORDERS
    if unpaid >= limit:
        raise TooManyUnpaidOrders(details={"max_unpaid_orders": limit})


@transaction.atomic
def order_place(*, student: User, vendor_id: int, slot_id: int, lines: list[OrderLine], note: str = "") -> Order:
    """Place an order for `student`: prices from the database, one slot place reserved.

    Everything happens in one transaction: the conditional UPDATE of the slot (one place and
    the order's kitchen units, Σ quantity × prep_units, before the shop's own cut-off), the
    order with its stored total, the item snapshots and the first event.
    Raises ValidationFailed (unknown vendor, slot or items, bad lines or options),
    ShopClosed, ShopPaused, ItemUnavailable, SlotClosed, SlotFull, ItemSoldOut or TooManyUnpaidOrders (the
    student already holds MAX_UNPAID_ORDERS unpaid orders); nothing is written then.

    Ten statements when it succeeds (slot with vendor and shop, items with their option groups
    and options, the student's row lock and unpaid count, the slot's UPDATE, three INSERTs), and
    one more per stocked item. The returned order holds its slot, vendor and lines, so answering
    with it reads nothing back.
    """
    pricing.lines_validate(lines)
    slot = _slot_for_ordering(vendor_id=vendor_id, slot_id=slot_id)
    vendor = slot.vendor
    priced = pricing.lines_price(vendor_id=vendor.pk, lines=lines)  # options, prices, max_per_order

    _unpaid_orders_check(student=student)
    units = sum(line.quantity * line.item.prep_units for line in priced)
    # Writes start here; everything above only read.
    _slot_reserve(slot_id=slot_id, vendor_id=vendor.pk, units=units, cutoff_minutes=vendor.shop.cutoff_minutes)
    stocked = stock.stock_take(priced)  # ItemSoldOut rolls the place back with it

    items = pricing.order_items(priced, stocked=stocked)
    now = timezone.now()
    order = Order.objects.create(
        student=student,
        vendor=vendor,
        slot=slot,
        status=Status.PENDING_PAYMENT,
        total_paise=sum(item.line_total_paise for item in items),
        note=note,
        slot_units=units,
        payment_due_by=now + timedelta(minutes=settings.PAYMENT_WINDOW_MINUTES),
    )
    for item in items:
        item.order = order
    OrderItem.objects.bulk_create(items)  # ids from the INSERT's RETURNING, in the order sent
    OrderEvent.objects.create(order=order, from_status="", to_status=order.status, actor=student)
    # The answer serialises the lines just written (OrderItem is ordered by id) instead of reading
    # them back: a queryset holding them, as prefetch_related leaves one.
    lines_written = order.items.all()
    lines_written._result_cache, lines_written._prefetch_done = items, True
    order._prefetched_objects_cache = {"items": lines_written}
    return order
