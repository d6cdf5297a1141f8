"""Reads of slots and orders, scoped to who asks.

Orders are private: a student sees its own, a food vendor its shop's, anyone
else nothing (so another user's order is simply not found). Slots are public
while active and their vendor can be seen; the owner also sees its inactive ones.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import NotFound
from payments.serializers import payable_refunds_prefetch

from .models import Closure, Order, OrderItem, Slot, SlotSchedule
from .pricing import prep_counts
from .services import order_cutoff

# Statuses the kitchen prepares for. Unpaid orders are left out: most are paid within
# minutes, but an unpaid one may still expire, and food cooked for it would be wasted.
PREP_STATUSES = (Order.Status.PAID, Order.Status.ACCEPTED, Order.Status.READY)


def _visible_food_vendor(prefix: str = "") -> Q:
    return Q(
        **{
            f"{prefix}role": User.Role.VENDOR,
            f"{prefix}vendor_type": User.VendorType.FOOD,
            f"{prefix}is_approved": True,
            f"{prefix}is_active": True,
        }
    )


# --- slots -------------------------------------------------------------------------


def slot_list(*, user: User | None = None, vendor_id: int | None = None, upcoming: bool = True) -> QuerySet[Slot]:
    """Slots anyone may see (active, of a visible food vendor), plus the caller's own inactive ones.

    `upcoming` keeps slots that have not ended yet.
    """
    visible = Q(is_active=True) & _visible_food_vendor("vendor__")
    if user is not None and user.is_authenticated and user.is_food_vendor:
        visible |= Q(vendor_id=user.pk)
    slots = Slot.objects.filter(visible, is_deleted=False)
    if vendor_id is not None:
        slots = slots.filter(vendor_id=vendor_id)
    if upcoming:
        slots = slots.filter(ends_at__gt=timezone.now())
    return slots.order_by("starts_at", "id")


def _is_serving_food_vendor(user: User) -> bool:
    """A food vendor that is approved and not blocked: the only vendor that reads its shop's orders and slots."""
    return bool(user.is_food_vendor and user.is_approved and user.is_active)


def slot_list_for_vendor(*, vendor: User) -> QuerySet[Slot]:
    """The vendor's own slots, active or not (the scope for its writes); none unless it is approved."""
    if not _is_serving_food_vendor(vendor):
        return Slot.objects.none()
    return Slot.objects.filter(vendor_id=vendor.pk, is_deleted=False).order_by("starts_at", "id")


def slot_list_open_for_vendor(*, vendor_id: int) -> QuerySet[Slot]:
    """A visible food vendor's slots a student can still order for (full ones included).

    NotFound when the vendor is unknown or not visible to students. The shop's own order
    cut-off applies (`Shop.order_cutoff_minutes`, else ORDER_CUTOFF_MINUTES).
    """
    found = User.objects.filter(_visible_food_vendor(), pk=vendor_id).values_list("pk", "shop__order_cutoff_minutes")
    row = found.first()
    if row is None:
        raise NotFound(_("No such vendor."))
    return Slot.objects.filter(
        vendor_id=vendor_id, is_active=True, is_deleted=False, starts_at__gt=order_cutoff(minutes=row[1])
    ).order_by("starts_at", "id")


def slot_prep_sheet(*, vendor: User, slot_id: int) -> list[dict]:
    """How many of each dish the vendor must prepare for one of its slots.

    Sums quantities over the slot's paid, accepted and ready orders (see
    PREP_STATUSES) per item and combination of options. Returns `[{"menu_item", "name",
    "options", "label", "quantity"}]` by name, then options; two
    queries whatever the number of orders. NotFound for another vendor's slot, and for
    every slot while the vendor is not approved.
    """
    if not _is_serving_food_vendor(vendor):
        raise NotFound(_("No such slot."))
    if not Slot.objects.filter(pk=slot_id, vendor_id=vendor.pk, is_deleted=False).exists():
        raise NotFound(_("No such slot."))
    rows = OrderItem.objects.filter(
        order__slot_id=slot_id, order__vendor_id=vendor.pk, order__status__in=PREP_STATUSES
    ).values("menu_item_id", "menu_item__name", "options_key", "options", "quantity")
    return prep_counts(rows)  # each item per combination of options


# --- orders ------------------------------------------------------------------------


def order_list_for(
    *,
    user: User,
    status: str | None = None,
    slot_id: int | None = None,
    slot_date: date | None = None,
) -> QuerySet[Order]:
    """The orders `user` may see, newest first, ready to serialise in a constant number of queries.

    Students: their own. Approved, active food vendors: their shop's. Anyone else
    (a vendor not or no longer approved included): none.
    `slot_date` is the slot's local (Asia/Kolkata) date.
    """
    if user.is_student:
        orders = Order.objects.filter(student_id=user.pk)
    elif _is_serving_food_vendor(user):
        orders = Order.objects.filter(vendor_id=user.pk)
    else:
        return Order.objects.none()
    if status:
        orders = orders.filter(status=status)
    if slot_id is not None:
        orders = orders.filter(slot_id=slot_id)
    if slot_date is not None:
        orders = orders.filter(slot__starts_at__date=slot_date)
    return (
        orders.select_related("slot", "student")
        .prefetch_related("items", payable_refunds_prefetch())
        .order_by("-created_at", "-id")
    )


def order_get_for(*, user: User, order_id: int) -> Order:
    """One order `user` may see; NotFound for anyone else's."""
    order = order_list_for(user=user).filter(pk=order_id).first()
    if order is None:
        raise NotFound(_("No such order."))
    return order


# --- schedules and closures (issue 20) ---------------------------------------------------


def slot_schedule_list_for_vendor(*, vendor: User) -> QuerySet[SlotSchedule]:
    """The food vendor's own weekly schedules (another vendor's are simply not there)."""
    if not _is_serving_food_vendor(vendor):
        return SlotSchedule.objects.none()
    return SlotSchedule.objects.filter(vendor_id=vendor.pk).order_by("first_start", "id")


def closure_list_for_vendor(*, vendor: User, upcoming: bool = True) -> QuerySet[Closure]:
    """The food vendor's own closure days; `upcoming`: from today (campus date) on."""
    if not _is_serving_food_vendor(vendor):
        return Closure.objects.none()
    closures = Closure.objects.filter(vendor_id=vendor.pk)
    if upcoming:
        closures = closures.filter(date__gte=timezone.localdate())
    return closures.order_by("date", "id")
