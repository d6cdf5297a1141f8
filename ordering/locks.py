"""Every row lock ordering takes, named once.

Each helper's docstring names the `core.locks.LOCK_ORDER` rank it takes (`Rank: <name>`);
one transaction takes them in that order: a user row (student or vendor), then a slot, then
an order. Services call only these helpers for `select_for_update`.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection
from django.db.models import Exists, OuterRef
from django.db.transaction import TransactionManagementError
from django.utils.translation import gettext as _

from core.errors import NotFound

from .models import Closure, Order, Slot, SlotSchedule

_USER_LOCK_SQL = "SELECT id FROM accounts_user WHERE id = %s FOR NO KEY UPDATE"


def _row_locks_taken(what: str) -> bool:
    """Whether a written-out lock may run: TransactionManagementError outside a transaction
    (it would lock nothing, as `select_for_update` refuses); False on SQLite (one writer at a time)."""
    if not connection.in_atomic_block:
        raise TransactionManagementError(f"{what} outside a transaction would lock nothing.")
    return connection.features.has_select_for_no_key_update


def user_lock(*, user_id: int) -> None:
    """Lock a student's or vendor's own user row, FOR NO KEY UPDATE. Rank: `user`.

    It serialises what one user does to their own limits and slots. NO KEY, not a full FOR
    UPDATE: inserting an order takes FOR KEY SHARE on its student's and vendor's rows, and a
    full lock here deadlocked a slot move against an order being placed. Written out (every
    order placed takes it) rather than compiled by the ORM each time; like `select_for_update`,
    it refuses to run outside a transaction and locks nothing on SQLite (one writer at a time).
    """
    if not _row_locks_taken("user_lock"):
        return
    with connection.cursor() as cursor:
        cursor.execute(_USER_LOCK_SQL, [user_id])


def vendor_lock(*, vendor_id: int) -> None:
    """Lock the vendor's user row (as `user_lock`): slot writes of one vendor take turns. Rank: `user`."""
    user_lock(user_id=vendor_id)


def slot_lock(*, slot_id: int, vendor_id: int) -> Slot:
    """The vendor's own live slot, locked FOR UPDATE and read afresh. Rank: `slot`.

    NotFound for a slot that is another vendor's, deleted or missing.
    """
    locked = Slot.objects.select_for_update().filter(pk=slot_id, vendor_id=vendor_id, is_deleted=False).first()
    if locked is None:
        raise NotFound(_("No such slot."))
    return locked


def order_lock(*, order_id: int, student_id: int | None = None, vendor_id: int | None = None) -> Order:
    """The order, locked FOR UPDATE and read afresh. Rank: `payable`.

    With `student_id` or `vendor_id`, only that user's order: another user's is NotFound.
    """
    scope: dict[str, int] = {}
    if student_id is not None:
        scope["student_id"] = student_id
    if vendor_id is not None:
        scope["vendor_id"] = vendor_id
    locked = Order.objects.select_for_update().filter(pk=order_id, **scope).first()
    if locked is None:
        raise NotFound(_("No such order."))
    return locked


def order_lock_unpaid_due(*, order_id: int, now: datetime) -> Order | None:
    """The order if it is still unpaid after its payment window, locked; else None. Rank: `payable`.

    SKIP LOCKED: an order being changed right now is left to the next batch.
    """
    return (
        Order.objects.select_for_update(skip_locked=True)
        .filter(pk=order_id, status=Order.Status.PENDING_PAYMENT, payment_due_by__lte=now)
        .first()
    )


def order_lock_paid_unaccepted(*, order_id: int, now: datetime) -> Order | None:
    """The order if it is paid and its slot has started, locked (not its slot); else None. Rank: `payable`.

    SKIP LOCKED: a vendor accepting it at this moment holds the lock and wins.
    """
    return (
        Order.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk=order_id, status=Order.Status.PAID, slot__starts_at__lte=now)
        .first()
    )


def order_lock_ready_uncollected(*, order_id: int, ended_by: datetime) -> Order | None:
    """The order if it is ready and its slot ended at or before `ended_by`, locked (not its slot); else None.

    Rank: `payable`. SKIP LOCKED: a vendor handing it over at this moment holds the lock and wins.
    """
    return (
        Order.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk=order_id, status=Order.Status.READY, slot__ends_at__lte=ended_by)
        .first()
    )


def stocked_items_lock(item_ids, *, not_reset_since: datetime | None = None) -> dict[int, tuple[int, int]]:
    """The menu items among `item_ids` that have a stock limit, locked FOR NO KEY UPDATE in id
    order: {id: (stock, vendor_id)}. Rank: `stock` (after the slot place, in the same transaction).

    `not_reset_since`: only items whose stock was not reset at or after that moment. Written out
    (every order of a stocked item takes it) rather than compiled by the ORM each time.
    """
    ids = sorted(set(item_ids))
    if not ids:
        return {}
    locking = _row_locks_taken("stocked_items_lock")
    query = "SELECT id, stock, vendor_id FROM catalog_menuitem WHERE id IN ({ids}) AND stock IS NOT NULL"
    params: list = list(ids)
    if not_reset_since is not None:
        query += " AND (stock_reset_at IS NULL OR stock_reset_at < %s)"
        params.append(connection.ops.adapt_datetimefield_value(not_reset_since))
    query += " ORDER BY id"
    if locking:
        query += " FOR NO KEY UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(query.format(ids=", ".join(["%s"] * len(ids))), params)
        return {pk: (stock, vendor) for pk, stock, vendor in cursor.fetchall()}


def schedule_lock(*, schedule_id: int, vendor_id: int) -> SlotSchedule:
    """The vendor's own slot schedule, locked FOR UPDATE and read afresh. Rank: `shop`.

    (A schedule is the vendor's own set-up, like its menu items.) NotFound for another vendor's.
    """
    locked = SlotSchedule.objects.select_for_update().filter(pk=schedule_id, vendor_id=vendor_id).first()
    if locked is None:
        raise NotFound(_("No such schedule."))
    return locked


def closure_lock(*, closure_id: int, vendor_id: int) -> Closure:
    """The vendor's own closure day, locked FOR UPDATE. Rank: `shop`. NotFound for another vendor's."""
    locked = Closure.objects.select_for_update().filter(pk=closure_id, vendor_id=vendor_id).first()
    if locked is None:
        raise NotFound(_("No such closure."))
    return locked


def slots_lock_removable(*, vendor_id: int, slot_ids) -> list[int]:
    """Among `slot_ids`, the vendor's generated slots that hold no order at all (no place taken,
    no order row, live or ended), locked FOR UPDATE: their ids. Rank: `slot`.

    Placing an order updates its slot's row first, so while these locks are held none of these
    slots can take an order; one that took an order since it was read is left out here.
    """
    has_orders = Exists(Order.objects.filter(slot_id=OuterRef("pk")))
    return list(
        Slot.objects.select_for_update()
        .filter(pk__in=list(slot_ids), vendor_id=vendor_id, schedule__isnull=False, is_deleted=False, reserved=0)
        .filter(~has_orders)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
