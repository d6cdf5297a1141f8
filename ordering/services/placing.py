"""Placing an order: prices from the database, the student's unpaid limit, one slot place and its units."""

from __future__ import annotations

from datetime import timedelta
from functools import cache

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from catalog.errors import ShopClosed
from catalog.models import Shop
from core import sql
from core.errors import ValidationFailed

from .. import pricing, stock
from ..errors import ShopPaused, SlotClosed, SlotFull, TooManyUnpaidOrders
from ..locks import user_lock
from ..models import Order, OrderEvent, Slot
from .core import OrderLine, Status, order_cutoff


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


@cache
def _slot_read_sql() -> str:
    return (
        f"SELECT {sql.columns(Slot, 's')}, {sql.columns(User, 'u')}, {sql.columns(Shop, 'sh')}"  # noqa: S608
        " FROM ordering_slot s JOIN accounts_user u ON u.id = s.vendor_id"
        " LEFT JOIN catalog_shop sh ON sh.vendor_id = u.id"
        " WHERE s.id = %s AND s.vendor_id = %s"
    )


def _slot_with_vendor_and_shop(*, slot_id: int, vendor_id: int) -> Slot | None:
    """The vendor's slot (deleted or not) with its vendor and the vendor's shop, in one statement
    written out: what `select_related("vendor__shop")` reads, without compiling it per order."""
    with connection.cursor() as cursor:
        cursor.execute(_slot_read_sql(), [slot_id, vendor_id])
        row = cursor.fetchone()
    if row is None:
        return None
    after_slot = len(Slot._meta.concrete_fields)
    after_user = after_slot + len(User._meta.concrete_fields)
    slot = sql.instance_from_row(Slot, row[:after_slot])
    vendor = sql.instance_from_row(User, row[after_slot:after_user])
    shop = sql.instance_from_row(Shop, row[after_user:]) if row[after_user] is not None else None
    Slot._meta.get_field("vendor").set_cached_value(slot, vendor)
    shop_field = Shop._meta.get_field("vendor")
    shop_field.remote_field.set_cached_value(vendor, shop)  # None: vendor.shop raises DoesNotExist
    if shop is not None:
        shop_field.set_cached_value(shop, vendor)
    return slot


def _slot_for_ordering(*, vendor_id: int, slot_id: int) -> Slot:
    """The slot, with its food vendor and shop, read in one query (a join).

    Refuses, in this order: a vendor students may not order from (ValidationFailed `vendor`),
    a closed shop (ShopClosed), a paused shop (ShopPaused, `details.paused_until`), a slot that
    is not this vendor's or is deleted
    (ValidationFailed `slot`). Whether the slot still takes orders is `_place_take`'s to say.
    """
    slot = _slot_with_vendor_and_shop(slot_id=slot_id, vendor_id=vendor_id)
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


# One place and its units, if the slot still takes orders and the student holds fewer unpaid
# orders than the limit: the slot's conditional UPDATE (it takes the slot's row lock, rank
# `slot`). Written out once rather than compiled by the ORM on every order (the hottest write).
# The count runs in the UPDATE's own snapshot, taken after `user_lock` returned, so it sees every
# order a concurrent placement of the same student committed while this one waited.
_PLACE_TAKE_SQL = """\
UPDATE ordering_slot
SET reserved = reserved + 1, reserved_units = reserved_units + %s, updated_at = %s
WHERE id = %s AND vendor_id = %s AND is_active AND NOT is_deleted AND starts_at > %s
  AND reserved < capacity
  AND (capacity_units IS NULL OR reserved_units <= capacity_units - %s)
  AND (SELECT COUNT(*) FROM ordering_order WHERE student_id = %s AND status = %s) < %s
"""


def _place_take(*, student: User, slot_id: int, vendor_id: int, units: int, cutoff_minutes: int) -> None:
    """Take one place and `units` kitchen units in the slot for an order of `student`.

    Refuses, in this order: TooManyUnpaidOrders once `student` holds MAX_UNPAID_ORDERS orders
    waiting for payment, SlotClosed (deleted, inactive, past the shop's cut-off), SlotFull
    (places or units). Takes the student's row lock first, so concurrent placements of one
    student queue there and each counts the others' committed orders (lock order: student,
    then slot). Must run inside the transaction that creates the order: the slot row stays
    locked until it commits and all is given back if it rolls back.
    """
    user_lock(user_id=student.pk)
    limit = settings.MAX_UNPAID_ORDERS
    cutoff = order_cutoff(minutes=cutoff_minutes)
    ops = connection.ops
    params = [units, ops.adapt_datetimefield_value(timezone.now()), slot_id, vendor_id]
    params += [ops.adapt_datetimefield_value(cutoff), units, student.pk, Status.PENDING_PAYMENT, limit]
    with connection.cursor() as cursor:
        cursor.execute(_PLACE_TAKE_SQL, params)
        if cursor.rowcount == 1:
            return
    # Why not? Read it back to word the refusal. (Another request can change the slot or pay an
    # order in between; that may change which reason is given, never that nothing was written.)
    if Order.objects.filter(student_id=student.pk, status=Status.PENDING_PAYMENT).count() >= limit:
        raise TooManyUnpaidOrders(details={"max_unpaid_orders": limit})
    slot = Slot.objects.filter(pk=slot_id, vendor_id=vendor_id).first()
    if slot is None or slot.is_deleted or not slot.is_active or slot.starts_at <= cutoff:
        raise SlotClosed()
    if slot.reserved < slot.capacity and slot.capacity_units is not None:
        raise SlotFull(
            _("This pickup slot's kitchen is full for this order."),
            details={"remaining_units": slot.remaining_units, "units": units},
        )
    raise SlotFull()


@transaction.atomic
def order_place(*, student: User, vendor_id: int, slot_id: int, lines: list[OrderLine], note: str = "") -> Order:
    """Place an order for `student`: prices from the database, one slot place reserved.

    Everything happens in one transaction: the conditional UPDATE of the slot (one place and
    the order's kitchen units, Σ quantity × prep_units, before the shop's own cut-off), the
    order with its stored total, the item snapshots and the first event.
    Raises ValidationFailed (unknown vendor, slot or items, bad lines or options),
    ShopClosed, ShopPaused, ItemUnavailable, SlotClosed, SlotFull, ItemSoldOut or TooManyUnpaidOrders (the
    student already holds MAX_UNPAID_ORDERS unpaid orders); nothing is written then.

    Five statements when it succeeds (slot with vendor and shop, items with their option
    groups and options, the student's row lock, the slot's UPDATE that counts the unpaid orders
    too, the order with its lines and first event in one INSERT written out by
    `core.sql.family_insert`), and two more when a line's item has a stock limit. The returned
    order holds its slot, vendor and lines, so answering with it reads nothing back.
    """
    pricing.lines_validate(lines)
    slot = _slot_for_ordering(vendor_id=vendor_id, slot_id=slot_id)
    vendor = slot.vendor
    priced = pricing.lines_price(vendor_id=vendor.pk, lines=lines)  # options, prices, max_per_order

    units = sum(line.quantity * line.item.prep_units for line in priced)
    # Writes start here; everything above only read.
    cutoff_minutes = vendor.shop.cutoff_minutes
    _place_take(student=student, slot_id=slot_id, vendor_id=vendor.pk, units=units, cutoff_minutes=cutoff_minutes)
    stocked = stock.stock_take(priced)  # ItemSoldOut rolls the place back with it

    items = pricing.order_items(priced, stocked=stocked)
    now = timezone.now()
    order = Order(
        student=student,
        vendor=vendor,
        slot=slot,
        status=Status.PENDING_PAYMENT,
        total_paise=sum(item.line_total_paise for item in items),
        note=note,
        slot_units=units,
        payment_due_by=now + timedelta(minutes=settings.PAYMENT_WINDOW_MINUTES),
    )
    first_event = OrderEvent(order=order, from_status="", to_status=order.status, actor=student)
    sql.family_insert(order, items, [first_event])  # one statement on PostgreSQL; the lines' ids in the order sent
    # The answer serialises the lines just written (OrderItem is ordered by id) instead of reading
    # them back: a queryset holding them, as prefetch_related leaves one.
    lines_written = order.items.all()
    lines_written._result_cache, lines_written._prefetch_done = items, True
    order._prefetched_objects_cache = {"items": lines_written}
    return order
