"""Reads of slots and orders, scoped to who asks.

Orders are private: a student sees its own, a food vendor its shop's, anyone
else nothing (so another user's order is simply not found). Slots are public
while active and their vendor can be seen; the owner also sees its inactive ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Max, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from catalog import selectors as catalog_selectors
from catalog.models import Shop
from core.errors import NotFound
from payments.serializers import payable_refunds_prefetch

from .models import Closure, Order, OrderItem, Slot, SlotSchedule
from .pricing import prep_counts
from .services import MAX_QUANTITY, order_cutoff

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


# --- the student's home and "order again" (issue 22) -------------------------------------


# An order the student still has to collect: paid, in the kitchen, or waiting at the counter.
ACTIVE_PICKUP_STATUSES = Order.CODE_LIVE_STATUSES
# How many of them the home page pins at most (a student rarely has more than one).
ACTIVE_PICKUP_LIMIT = 3


def order_list_to_collect_for(*, student: User) -> list[Order]:
    """The student's own orders still to be collected (ACTIVE_PICKUP_STATUSES), earliest pickup
    first, at most ACTIVE_PICKUP_LIMIT; one query. Anyone but a student has none."""
    if not student.is_student:
        return []
    orders = Order.objects.filter(student_id=student.pk, status__in=ACTIVE_PICKUP_STATUSES).select_related("slot")
    return list(orders.order_by("slot__starts_at", "id")[:ACTIVE_PICKUP_LIMIT])


def order_list_live_and_past_for(*, student: User) -> tuple[QuerySet[Order], QuerySet[Order]]:
    """The student's orders split in two: live ones (unpaid, or still to be collected) and past
    ones (collected, cancelled, rejected, expired), each newest first and prefetched like
    `order_list_for`."""
    orders = order_list_for(user=student)
    return orders.filter(status__in=Order.LIVE_STATUSES), orders.exclude(status__in=Order.LIVE_STATUSES)


@dataclass(frozen=True)
class ShopCard:
    """What the home page says of one food shop today.

    `state`: "closed" (switched off), "paused" (until `paused_until`), "not_taking_orders" (open,
    but no pickup time can be ordered yet) or "open". `today_from`/`today_to`: the first start and
    last end of today's pickup slots (None: none today). `prep_minutes`: how long before a pickup
    the shop stops taking orders for it (its kitchen's lead time).
    """

    shop: Shop
    state: str
    paused_until: datetime | None
    today_from: datetime | None
    today_to: datetime | None
    next_pickup: datetime | None
    prep_minutes: int


def shop_cards_for(*, shops: list[Shop], now: datetime | None = None) -> list[ShopCard]:
    """A card per food shop (same order as `shops`), in one query whatever their number: today's
    hours and the next pickup that can still be ordered come from the shops' slots."""
    now = now or timezone.now()
    if not shops:
        return []
    today = timezone.localdate(now)
    day_start = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    day_end = day_start + timedelta(days=1)
    today_q = Q(starts_at__gte=day_start, starts_at__lt=day_end)
    # One column per distinct cut-off among the shops, so each shop reads its own in the same query.
    cutoffs = sorted({shop.cutoff_minutes for shop in shops})
    aggregates = {
        "today_from": Min("starts_at", filter=today_q),
        "today_to": Max("ends_at", filter=today_q),
        **{f"next_{m}": Min("starts_at", filter=Q(starts_at__gt=order_cutoff(now=now, minutes=m))) for m in cutoffs},
    }
    rows = (
        Slot.objects.filter(vendor_id__in=[shop.vendor_id for shop in shops], is_active=True, is_deleted=False)
        .filter(Q(ends_at__gt=now) | today_q)
        .values("vendor_id")
        .order_by()
        .annotate(**aggregates)
    )
    by_vendor = {row["vendor_id"]: row for row in rows}
    cards = []
    for shop in shops:
        row = by_vendor.get(shop.vendor_id, {})
        next_pickup = row.get(f"next_{shop.cutoff_minutes}")
        paused_until = shop.paused_until_now(now)
        if not shop.is_open:
            state = "closed"
        elif paused_until:
            state = "paused"
        elif next_pickup is None:
            state = "not_taking_orders"
        else:
            state = "open"
        cards.append(
            ShopCard(
                shop=shop,
                state=state,
                paused_until=paused_until,
                today_from=row.get("today_from"),
                today_to=row.get("today_to"),
                next_pickup=next_pickup,
                prep_minutes=shop.cutoff_minutes,
            )
        )
    return cards


@dataclass(frozen=True)
class ReorderLine:
    menu_item_id: int
    options: tuple[int, ...]
    quantity: int


@dataclass
class ReorderPlan:
    """What of an earlier order can go back into the cart: `lines` (quantities capped at
    MAX_QUANTITY), and in `gone` the student's words for what cannot (a dish off the menu or sold
    out, an option no longer offered). `shop_listed` is False when the shop itself is gone."""

    vendor_id: int
    lines: list[ReorderLine] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    shop_listed: bool = True


def order_reorder_plan(*, student: User, order_id: int) -> ReorderPlan:
    """The lines of the student's own order `order_id` that its shop still sells as they were
    ordered. An option no longer available is left out (and named) unless that leaves its group
    short of its minimum, when the whole line is left out. NotFound for anyone else's order."""
    if not student.is_student:
        raise NotFound(_("No such order."))
    order = order_get_for(user=student, order_id=order_id)
    plan = ReorderPlan(vendor_id=order.vendor_id)
    try:
        menu = {item.pk: item for item in catalog_selectors.vendor_menu_public(vendor_id=order.vendor_id)}
    except NotFound:
        plan.shop_listed = False
        plan.gone = [line.name for line in order.items.all()]
        return plan
    for line in order.items.all():
        item = menu.get(line.menu_item_id)
        if item is None or item.is_sold_out:
            plan.gone.append(line.name)
            continue
        groups = list(item.option_groups.all())
        offered = {option.pk: group.pk for group in groups for option in group.options.all() if option.is_available}
        wanted = [snap for snap in line.options or [] if isinstance(snap, dict)]
        kept = tuple(sorted(int(snap["option"]) for snap in wanted if snap.get("option") in offered))
        dropped = [str(snap.get("name", "")) for snap in wanted if snap.get("option") not in offered]
        chosen_per_group = {group.pk: sum(1 for pk in kept if offered[pk] == group.pk) for group in groups}
        if any(chosen_per_group[group.pk] < group.min_choices for group in groups):
            plan.gone.append(f"{line.name} ({', '.join(dropped)})" if dropped else line.name)
            continue
        plan.gone.extend(f"{name} on {line.name}" for name in dropped)
        plan.lines.append(ReorderLine(menu_item_id=item.pk, options=kept, quantity=min(line.quantity, MAX_QUANTITY)))
    return plan
