"""The only writers of pickup slots and orders.

Capacity: a slot's `reserved` counts its live orders. Placing an order takes a
place with one conditional UPDATE (`reserved < capacity`), so no number of
concurrent requests can overfill a slot; the database's check constraint
`slot_reserved_within_capacity` is the last line of defence. The place goes back
when, and only when, an order moves from a live status to cancelled, rejected or
expired. That move happens under the order's row lock and those statuses have no
way out, so it happens at most once per order.

Lock order: order row, then slot row (payments adds payment → ledger after the order).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from catalog.errors import ShopClosed
from catalog.models import Shop
from core.errors import InvalidTransition, NotFound, RateLimited, ValidationFailed
from payments.services import payment_refund_payable_in_full, payment_release_payable

from . import notifications, pricing, stock
from .errors import (
    InvalidPickupCode,
    SlotClosed,
    SlotFull,
    SlotHasOrders,
    SlotOverlaps,
    TooManyUnpaidOrders,
)
from .models import SLOT_NO_OVERLAP_CONSTRAINT, Order, OrderEvent, OrderItem, Slot

logger = logging.getLogger(__name__)

Status = Order.Status

MAX_LINES = 30
MAX_QUANTITY = 20
# Wrong pickup codes allowed per order before guessing is locked out for a while: settings
# PICKUP_CODE_MAX_ATTEMPTS and PICKUP_CODE_LOCKOUT_SECONDS, read at each use (override_settings works).


@dataclass(frozen=True)
class OrderLine:
    menu_item_id: int
    quantity: int
    options: tuple[int, ...] = ()  # option ids (ordering/pricing.py checks and prices them)


def order_cutoff(*, now: datetime | None = None) -> datetime:
    """Slots starting at or before this moment no longer take orders."""
    return (now or timezone.now()) + timedelta(minutes=settings.ORDER_CUTOFF_MINUTES)


# --- slots ---------------------------------------------------------------------


def _slot_validate_times(*, starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise ValidationFailed(details={"ends_at": ["Must be after the start."]})


def _vendor_lock(vendor_id: int) -> None:
    """Lock the vendor's user row: slot writes of one vendor take turns, so two cannot overlap.

    FOR NO KEY UPDATE, not FOR UPDATE: inserting an order takes FOR KEY SHARE on its vendor's
    row, and a full FOR UPDATE here deadlocked a slot move against an order being placed."""
    User.objects.select_for_update(no_key=True).filter(pk=vendor_id).values_list("pk", flat=True).first()


def _slot_overlap_check(
    *, vendor_id: int, starts_at: datetime, ends_at: datetime, exclude_pk: int | None = None
) -> None:
    """SlotOverlaps (409) when another live (not deleted) slot of the vendor shares any moment.

    Slots touching end to start (12:00–12:30 and 12:30–13:00) do not overlap.
    """
    others = Slot.objects.filter(vendor_id=vendor_id, is_deleted=False, starts_at__lt=ends_at, ends_at__gt=starts_at)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    clash = others.order_by("starts_at", "pk").first()
    if clash is not None:
        raise SlotOverlaps(details={"slot": clash.pk})


def _slot_save_refusing_overlap(save) -> None:
    """Run `save` in a savepoint; PostgreSQL's exclusion constraint refusing it is SlotOverlaps."""
    try:
        with transaction.atomic():
            save()
    except IntegrityError as exc:
        if SLOT_NO_OVERLAP_CONSTRAINT in str(exc):
            raise SlotOverlaps() from exc
        raise


def _slot_has_live_orders(slot: Slot) -> bool:
    return slot.reserved > 0 or Order.objects.filter(slot_id=slot.pk, status__in=Order.LIVE_STATUSES).exists()


@transaction.atomic
def slot_create(*, vendor: User, starts_at: datetime, ends_at: datetime, capacity: int, is_active: bool = True) -> Slot:
    """A new pickup slot of `vendor` (an approved food vendor, checked by the caller's permission).

    Raises ValidationFailed when it ends before it starts or starts in the past, and
    SlotOverlaps (409) when it shares any moment with another of the vendor's slots (the
    vendor row is locked first, so two concurrent creates cannot both pass the check; on
    PostgreSQL the exclusion constraint `slot_no_overlap_per_vendor` says so as well).
    """
    _slot_validate_times(starts_at=starts_at, ends_at=ends_at)
    if starts_at <= timezone.now():
        raise ValidationFailed(details={"starts_at": ["Must be in the future."]})
    _vendor_lock(vendor.pk)
    _slot_overlap_check(vendor_id=vendor.pk, starts_at=starts_at, ends_at=ends_at)
    slot = Slot(vendor=vendor, starts_at=starts_at, ends_at=ends_at, capacity=capacity, is_active=is_active)
    _slot_save_refusing_overlap(slot.save)
    return slot


@transaction.atomic
def slot_update(*, slot: Slot, vendor: User, data: dict[str, Any]) -> Slot:
    """Change `starts_at`, `ends_at`, `capacity` or `is_active` of the vendor's own slot.

    The slot row is locked, so a concurrent order cannot slip in between the check
    and the write. Capacity below the places already reserved is a ValidationFailed;
    moving a slot that students have live orders for is SlotHasOrders (409); moving it onto
    another of the vendor's slots is SlotOverlaps (409).
    """
    _vendor_lock(vendor.pk)  # vendor before slot, as slot_create takes them
    locked = Slot.objects.select_for_update().filter(pk=slot.pk, vendor_id=vendor.pk, is_deleted=False).first()
    if locked is None:
        raise NotFound("No such slot.")
    changed: list[str] = []
    for field in ("starts_at", "ends_at", "capacity", "is_active"):
        if field in data and data[field] != getattr(locked, field):
            setattr(locked, field, data[field])
            changed.append(field)
    if not changed:
        return locked
    _slot_validate_times(starts_at=locked.starts_at, ends_at=locked.ends_at)
    if "capacity" in changed and locked.capacity < locked.reserved:
        raise ValidationFailed(
            details={"capacity": [f"{locked.reserved} places are already taken; capacity cannot be lower."]}
        )
    if {"starts_at", "ends_at"} & set(changed) and _slot_has_live_orders(locked):
        raise SlotHasOrders("Students have orders for this slot; it cannot be moved.")
    if {"starts_at", "ends_at"} & set(changed):
        _slot_overlap_check(
            vendor_id=vendor.pk, starts_at=locked.starts_at, ends_at=locked.ends_at, exclude_pk=locked.pk
        )
    _slot_save_refusing_overlap(lambda: locked.save(update_fields=[*changed, "updated_at"]))
    return locked


@transaction.atomic
def slot_delete(*, slot: Slot, vendor: User) -> None:
    """Delete the vendor's own slot. SlotHasOrders (409) while any order in it is live.

    A slot whose orders are all finished is kept as their history but hidden
    (`is_deleted`); a slot that never had an order is removed.
    """
    locked = Slot.objects.select_for_update().filter(pk=slot.pk, vendor_id=vendor.pk, is_deleted=False).first()
    if locked is None:
        raise NotFound("No such slot.")
    if _slot_has_live_orders(locked):
        raise SlotHasOrders()
    if Order.objects.filter(slot_id=locked.pk).exists():
        locked.is_deleted = True
        locked.is_active = False
        locked.save(update_fields=["is_deleted", "is_active", "updated_at"])
    else:
        locked.delete()


def _slot_reserve(*, slot_id: int, vendor_id: int) -> None:
    """Take one place in the slot, atomically. Raises SlotFull or SlotClosed.

    Must run inside the transaction that creates the order: the row stays locked
    until it commits and the place is given back if it rolls back.
    """
    cutoff = order_cutoff()
    taken = Slot.objects.filter(
        pk=slot_id,
        vendor_id=vendor_id,
        is_active=True,
        is_deleted=False,
        starts_at__gt=cutoff,
        reserved__lt=F("capacity"),
    ).update(reserved=F("reserved") + 1, updated_at=timezone.now())
    if taken == 1:
        return
    # Why not? Read it back to give the right refusal.
    slot = Slot.objects.filter(pk=slot_id, vendor_id=vendor_id).first()
    if slot is None or slot.is_deleted or not slot.is_active or slot.starts_at <= cutoff:
        raise SlotClosed()
    raise SlotFull()


def _slot_release(*, slot_id: int) -> None:
    """Give one place back. Called only by the transition that ends a live order."""
    released = Slot.objects.filter(pk=slot_id, reserved__gt=0).update(
        reserved=F("reserved") - 1, updated_at=timezone.now()
    )
    if released != 1:  # an invariant broke (e.g. someone edited `reserved` by hand); never go negative
        logger.error("slot release found nothing reserved", extra={"slot_id": slot_id})


# --- placing an order ---------------------------------------------------------


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
    a closed shop (ShopClosed), a slot that is not this vendor's or is deleted
    (ValidationFailed `slot`). Whether the slot still takes orders is `_slot_reserve`'s to say.
    """
    slot = Slot.objects.select_related("vendor__shop").filter(pk=slot_id, vendor_id=vendor_id).first()
    # Not this vendor's slot: read the vendor alone, to refuse the vendor first if it is the wrong one.
    vendor = slot.vendor if slot is not None else User.objects.select_related("shop").filter(pk=vendor_id).first()
    shop = _shop_of(vendor)
    if not _is_orderable_food_vendor(vendor) or shop is None:
        raise ValidationFailed(details={"vendor": ["No such food vendor."]})
    if not shop.is_open:
        raise ShopClosed()
    if slot is None or slot.is_deleted:
        raise ValidationFailed(details={"slot": ["No such pickup slot at this vendor."]})
    return slot


def _unpaid_orders_check(*, student: User) -> None:
    """TooManyUnpaidOrders once `student` holds MAX_UNPAID_ORDERS orders waiting for payment.

    Takes the student's row lock first, so concurrent placements of one student queue
    here and each counts the others' committed orders (lock order: student, then slot).
    """
    User.objects.select_for_update(no_key=True).filter(pk=student.pk).values_list("pk", flat=True).first()
    unpaid = Order.objects.filter(student_id=student.pk, status=Status.PENDING_PAYMENT).count()
    limit = settings.MAX_UNPAID_ORDERS
    if unpaid >= limit:
        raise TooManyUnpaidOrders(details={"max_unpaid_orders": limit})


@transaction.atomic
def order_place(*, student: User, vendor_id: int, slot_id: int, lines: list[OrderLine], note: str = "") -> Order:
    """Place an order for `student`: prices from the database, one slot place reserved.

    Everything happens in one transaction: the conditional UPDATE of the slot,
    the order with its stored total, the item snapshots and the first event.
    Raises ValidationFailed (unknown vendor, slot or items, bad lines or options),
    ShopClosed, ItemUnavailable, SlotClosed, SlotFull, ItemSoldOut or TooManyUnpaidOrders (the
    student already holds MAX_UNPAID_ORDERS unpaid orders); nothing is written then.

    Eight statements when it succeeds (slot with vendor and shop, items, the student's row
    lock and unpaid count, the slot's UPDATE, three INSERTs). The returned order holds its
    slot and vendor, so answering with it only reads its lines back.
    """
    pricing.lines_validate(lines)
    slot = _slot_for_ordering(vendor_id=vendor_id, slot_id=slot_id)
    vendor = slot.vendor
    priced = pricing.lines_price(vendor_id=vendor.pk, lines=lines)  # options, prices, max_per_order

    _unpaid_orders_check(student=student)
    # Writes start here; everything above only read.
    _slot_reserve(slot_id=slot_id, vendor_id=vendor.pk)
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
        payment_due_by=now + timedelta(minutes=settings.PAYMENT_WINDOW_MINUTES),
    )
    for item in items:
        item.order = order
    OrderItem.objects.bulk_create(items)
    OrderEvent.objects.create(order=order, from_status="", to_status=order.status, actor=student)
    return order


# --- the state machine ---------------------------------------------------------


def _order_lock(order: Order) -> Order:
    """The order's row, locked for this transaction and read afresh."""
    return Order.objects.select_for_update().get(pk=order.pk)


def _copy_state(*, into: Order, source: Order) -> None:
    """Keep the caller's instance in step with the row we changed."""
    for field in Order._meta.concrete_fields:
        setattr(into, field.attname, getattr(source, field.attname))


def _order_transition_check(*, from_status: str, to_status: str) -> None:
    """InvalidTransition (409) unless `Order.TRANSITIONS` allows the move."""
    if to_status not in Order.TRANSITIONS[from_status]:
        raise InvalidTransition(
            f"An order that is {Status(from_status).label.lower()} cannot become {Status(to_status).label.lower()}.",
            details={"status": from_status},
        )


def _order_transition(
    *,
    order: Order,
    to_status: str,
    actor: User | None,
    reason: str = "",
    fields: dict[str, Any] | None = None,
) -> tuple[Order, str]:
    """Move a locked order to `to_status` if the map allows it; write the event.

    Returns the order and the status it came from. Raises InvalidTransition (409)
    with nothing written when the move is not in `Order.TRANSITIONS`. Gives the
    slot place back when a live order ends as cancelled, rejected or expired.
    """
    from_status = order.status
    _order_transition_check(from_status=from_status, to_status=to_status)
    order.status = to_status
    changed = ["status", "updated_at"]
    for name, value in (fields or {}).items():
        setattr(order, name, value)
        changed.append(name)
    order.save(update_fields=changed)
    OrderEvent.objects.create(order=order, from_status=from_status, to_status=to_status, actor=actor, reason=reason)
    if from_status in Order.LIVE_STATUSES and to_status in Order.RELEASING_STATUSES:
        _slot_release(slot_id=order.slot_id)
        stock.stock_give_back(order=order)
    return order, from_status


def _order_was_paid(order: Order) -> bool:
    return order.paid_at is not None


def _require_vendor_of(order: Order, vendor: User) -> None:
    # The API reaches orders through scoped selectors; this guards every other caller.
    if order.vendor_id != vendor.pk:
        raise NotFound("No such order.")


@transaction.atomic
def order_mark_paid(*, order: Order, payment: Any) -> Order:
    """pending_payment → paid, with a fresh 6-digit pickup code (from `secrets`) and `paid_at`.

    Payments calls this inside its capture transaction, with the order row
    already locked; locking again in the same transaction is a no-op. Whether the
    capture may still be accepted (`is_payable`) is the caller's decision; here
    only the transition map applies (InvalidTransition otherwise).
    """
    locked = _order_lock(order)
    _order_transition(
        order=locked,
        to_status=Status.PAID,
        actor=None,
        reason=f"Payment #{payment.pk} captured.",
        fields={"pickup_code": f"{secrets.randbelow(1_000_000):06d}", "paid_at": timezone.now()},
    )
    _copy_state(into=order, source=locked)
    return order


@transaction.atomic
def order_cancel(*, order: Order, student: User, reason: str = "") -> Order:
    """The student cancels its own order before the vendor accepted it (pending_payment or paid).

    The slot place goes back. InvalidTransition (409) from any other status.
    """
    if order.student_id != student.pk:
        raise NotFound("No such order.")
    locked = _order_lock(order)
    _order_transition(order=locked, to_status=Status.CANCELLED, actor=student, reason=reason, fields={"reason": reason})
    if _order_was_paid(locked):
        # The order was paid: the student gets the whole amount back. The refund is reserved
        # and posted to the ledger in this transaction and sent to Razorpay after commit.
        payment_refund_payable_in_full(
            payable="order", obj=locked, reason=f"Order #{locked.pk} cancelled by the student.", actor=student
        )
        notifications.order_cancelled_refunded(order=locked)
    _copy_state(into=order, source=locked)
    return order


@transaction.atomic
def order_accept(*, order: Order, vendor: User) -> Order:
    """The vendor takes a paid order on (paid → accepted); the student gets an SMS."""
    _require_vendor_of(order, vendor)
    locked = _order_lock(order)
    _order_transition(order=locked, to_status=Status.ACCEPTED, actor=vendor)
    notifications.order_accepted(order=locked)
    _copy_state(into=order, source=locked)
    return order


@transaction.atomic
def order_reject(*, order: Order, vendor: User, reason: str) -> Order:
    """The vendor turns a paid or accepted order down, saying why; the slot place goes back.

    ValidationFailed without a reason; InvalidTransition (409) from other statuses.
    The student gets an SMS pointing to the order page, which shows the reason (a vendor's
    text never goes into an SMS).
    """
    _require_vendor_of(order, vendor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(details={"reason": ["Tell the student why."]})
    locked = _order_lock(order)
    _order_transition(order=locked, to_status=Status.REJECTED, actor=vendor, reason=reason, fields={"reason": reason})
    was_paid = _order_was_paid(locked)
    if was_paid:
        # The order was paid: the student gets the whole amount back. The refund is reserved
        # and posted to the ledger in this transaction and sent to Razorpay after commit.
        payment_refund_payable_in_full(
            payable="order", obj=locked, reason=f"Order #{locked.pk} rejected by the vendor: {reason}", actor=vendor
        )
    notifications.order_rejected(order=locked, refunded=was_paid)
    _copy_state(into=order, source=locked)
    return order


@transaction.atomic
def order_mark_ready(*, order: Order, vendor: User) -> Order:
    """accepted → ready; the student gets an SMS to come and collect it."""
    _require_vendor_of(order, vendor)
    locked = _order_lock(order)
    _order_transition(order=locked, to_status=Status.READY, actor=vendor)
    notifications.order_ready(order=locked)
    _copy_state(into=order, source=locked)
    return order


def _pickup_attempts_key(order: Order) -> str:
    return f"ordering:pickup-code-misses:{order.pk}"


def _pickup_attempts_check(order: Order) -> None:
    misses = cache.get(_pickup_attempts_key(order), 0)
    if misses >= int(settings.PICKUP_CODE_MAX_ATTEMPTS):
        raise RateLimited(
            "Too many wrong pickup codes for this order. Try again later.",
            headers={"Retry-After": str(int(settings.PICKUP_CODE_LOCKOUT_SECONDS))},
        )


def _pickup_attempts_record_miss(order: Order) -> None:
    key = _pickup_attempts_key(order)
    lockout = int(settings.PICKUP_CODE_LOCKOUT_SECONDS)
    # add() starts the window once; incr() is atomic in Redis so parallel guesses all count.
    cache.add(key, 0, timeout=lockout)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=lockout)


@transaction.atomic
def order_complete(*, order: Order, vendor: User, pickup_code: str) -> Order:
    """ready → completed when the student shows the right pickup code.

    InvalidTransition (409) unless ready; InvalidPickupCode (400) for a wrong code;
    RateLimited (429, Retry-After) after PICKUP_CODE_MAX_ATTEMPTS wrong codes for
    this order within PICKUP_CODE_LOCKOUT_SECONDS.
    """
    _require_vendor_of(order, vendor)
    locked = _order_lock(order)
    _order_transition_check(from_status=locked.status, to_status=Status.COMPLETED)
    _pickup_attempts_check(locked)
    if not secrets.compare_digest(str(pickup_code or "").encode(), locked.pickup_code.encode()):
        _pickup_attempts_record_miss(locked)
        raise InvalidPickupCode()
    _order_transition(order=locked, to_status=Status.COMPLETED, actor=vendor)
    # Handed over: the vendor's money of this order moves from pending to available (payouts).
    payment_release_payable(payable="order", obj=locked, actor=vendor)
    cache.delete(_pickup_attempts_key(locked))
    _copy_state(into=order, source=locked)
    return order


@transaction.atomic
def order_cancel_refunded(*, order: Order, actor: User | None) -> bool:
    """Staff refunded the whole capture of a live order: it is cancelled and its handover ends.

    Called by payments (through the payable registry) inside the refund's transaction, with
    the order row locked before the payment's. From paid, accepted or ready: status
    `cancelled`, `cancel_reason` "refunded", an event row and the slot place back; the pickup
    code is dead since a cancelled order cannot be completed (409). Any other status (completed,
    already ended): nothing changes, False.
    """
    locked = _order_lock(order)
    if locked.status not in Order.REFUND_CANCELS_STATUSES:
        return False
    from_status = locked.status
    reason = "Refunded in full by campus staff."
    locked.status = Status.CANCELLED
    locked.cancel_reason = Order.CANCEL_REFUNDED
    locked.reason = reason
    locked.save(update_fields=["status", "cancel_reason", "reason", "updated_at"])
    OrderEvent.objects.create(
        order=locked, from_status=from_status, to_status=Status.CANCELLED, actor=actor, reason=reason
    )
    _slot_release(slot_id=locked.slot_id)
    stock.stock_give_back(order=locked)
    cache.delete(_pickup_attempts_key(locked))
    _copy_state(into=order, source=locked)
    return True


# --- expiry ----------------------------------------------------------------------


def order_expire(*, order_id: int, now: datetime | None = None) -> bool:
    """Expire one unpaid order whose payment window has passed; True if this call did it.

    Safe to run any number of times and concurrently: the row is locked and its
    status read again, so the place goes back once.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Order.objects.select_for_update(skip_locked=True)
            .filter(pk=order_id, status=Status.PENDING_PAYMENT, payment_due_by__lte=now)
            .first()
        )
        if locked is None:  # paid, cancelled, already expired, or being changed right now
            return False
        _order_transition(order=locked, to_status=Status.EXPIRED, actor=None, reason="Not paid in time.")
    return True


def order_expire_unpaid(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """Expire every order still waiting for payment after its window; returns how many.

    Each order is its own short transaction, so one busy row never holds up the rest
    and locks are never held for long. Running it twice expires (and frees) nothing twice.
    """
    now = now or timezone.now()
    expired = 0
    while True:
        due = list(
            Order.objects.filter(status=Status.PENDING_PAYMENT, payment_due_by__lte=now)
            .order_by("payment_due_by", "pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        done_now = sum(order_expire(order_id=order_id, now=now) for order_id in due)
        expired += done_now
        if len(due) < batch_size or done_now == 0:
            break
    if expired:
        logger.info("expired unpaid orders", extra={"count": expired})
    return expired


# --- paid orders nobody accepted -------------------------------------------------

# The reject reason the student sees on an order its vendor never accepted in time.
NOT_ACCEPTED_IN_TIME = "not accepted in time"


def order_reject_not_accepted(*, order_id: int, now: datetime | None = None) -> bool:
    """Reject one `paid` order whose slot has started without the vendor accepting it; True if this call did.

    In one transaction, under the order's row lock: `paid → rejected` (reason
    NOT_ACCEPTED_IN_TIME, no actor), the slot place back, the whole capture refunded through
    `payment_refund_payable_in_full` (sent to Razorpay after commit) and the student told.
    A vendor accepting at the same moment holds the same lock: whichever comes first wins and
    the other finds the order no longer `paid` (accept: InvalidTransition; here: False).
    Safe to run any number of times and concurrently.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Order.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=order_id, status=Status.PAID, slot__starts_at__lte=now)
            .first()
        )
        if locked is None:  # accepted, cancelled, already rejected, not due, or being changed right now
            return False
        _order_transition(
            order=locked,
            to_status=Status.REJECTED,
            actor=None,
            reason=NOT_ACCEPTED_IN_TIME,
            fields={"reason": NOT_ACCEPTED_IN_TIME},
        )
        refunds = payment_refund_payable_in_full(
            payable="order",
            obj=locked,
            reason=f"Order #{locked.pk} not accepted by the vendor before its slot began.",
            actor=None,
        )
        notifications.notify_order_not_accepted_in_time(order=locked, refunded=bool(refunds))
    return True


def order_reject_unaccepted(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """Reject and refund every paid order whose slot has started unaccepted; returns how many.

    Each order is its own short transaction (see `order_reject_not_accepted`), so running it
    twice, or on two workers at once, rejects and refunds nothing twice.
    """
    now = now or timezone.now()
    rejected = 0
    while True:
        due = list(
            Order.objects.filter(status=Status.PAID, slot__starts_at__lte=now)
            .order_by("slot__starts_at", "pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        done_now = sum(order_reject_not_accepted(order_id=order_id, now=now) for order_id in due)
        rejected += done_now
        if len(due) < batch_size or done_now == 0:
            break
    if rejected:
        logger.info("rejected paid orders nobody accepted", extra={"count": rejected})
    return rejected
