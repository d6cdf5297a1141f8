"""Stock held with the slot place: taken when an order is placed, given back when its place is.

Taking runs right after the slot's conditional UPDATE, in the same transaction as the order
(ordering.services.order_place), so a refusal rolls the place back too. It locks the items
that have a limit in id order (one SELECT … ORDER BY id FOR NO KEY UPDATE: every path takes
item locks in the same order, so two orders cannot deadlock on them) and takes all of them
with one conditional UPDATE (`stock >= wanted` per item, in the statement's CASE); fewer rows
updated than locked is ItemSoldOut. Two statements whatever the number of lines, none when no
item has a limit.

Giving back runs inside the transition that gives the slot place back (cancel, reject,
expiry, staff refund), which happens at most once per order; it adds each line's
`stock_taken` back, except to an item whose stock was reset after the order was placed
(the morning reset already counts from a fresh stock).

Students see stock through the cached menu: it is dropped when an item sells out or comes
back from sold out; other counts show within CATALOG_PUBLIC_CACHE_SECONDS. Placing never
trusts it.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Case, F, Value, When
from django.db.models.functions import Least
from django.utils import timezone

from catalog.cache import vendor_public_changed
from catalog.errors import ItemSoldOut
from catalog.models import MAX_STOCK, MenuItem

from .locks import stocked_items_lock
from .models import Order, OrderItem
from .pricing import PricedLine, quantities_by_item


def _lock_stocked(item_ids, *, not_reset_since=None) -> dict[int, tuple[int, int]]:
    """Lock the items among `item_ids` that have a limit, in id order: {id: (stock, vendor_id)}."""
    return stocked_items_lock(item_ids, not_reset_since=not_reset_since)


def _case(wanted: dict[int, int]) -> tuple[str, list[int]]:
    """`CASE id WHEN … THEN <quantity> … END` for `wanted`, with its parameters."""
    params = [n for pair in wanted.items() for n in pair]
    return "CASE id " + " ".join(["WHEN %s THEN %s"] * len(wanted)) + " END", params


def stock_take(priced: list[PricedLine]) -> set[int]:
    """Take each limited item's quantity from its stock; the ids taken from. ItemSoldOut (409) if short.

    Must run inside the transaction that creates the order, after the slot place is taken. The
    UPDATE is written out (it runs for every order of a stocked item): every locked item whose
    stock holds its quantity loses it; fewer rows than locked is a refusal, and the caller's
    transaction rolls the rest back.
    """
    wanted = quantities_by_item(priced)
    if all(line.item.stock is None for line in priced):
        return set()  # nothing limited when read; a limit set since applies from the next order
    locked = _lock_stocked(wanted)
    if not locked:
        return set()
    enough = {pk: wanted[pk] for pk in locked}
    case, case_params = _case(enough)
    ids = ", ".join(["%s"] * len(enough))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE catalog_menuitem SET stock = stock - {case}, updated_at = %s"  # noqa: S608 (placeholders only)
            f" WHERE id IN ({ids}) AND stock >= {case}",
            [*case_params, connection.ops.adapt_datetimefield_value(timezone.now()), *enough, *case_params],
        )
        taken = cursor.rowcount
    if taken != len(locked):
        short = next((pk for pk, (stock, _) in locked.items() if stock < wanted[pk]), next(iter(locked)))
        raise ItemSoldOut(details={"menu_item": short, "remaining": locked[short][0]})
    for vendor_id in {vendor for pk, (stock, vendor) in locked.items() if stock == wanted[pk]}:
        vendor_public_changed(vendor_id=vendor_id)  # an item just sold out: the menu shows it
    return set(locked)


def stock_give_back(*, order: Order) -> None:
    """Give back what the order's lines took. Called only where its slot place goes back."""
    taken: dict[int, int] = {}
    for item_id, quantity in OrderItem.objects.filter(order_id=order.pk, stock_taken__gt=0).values_list(
        "menu_item_id", "stock_taken"
    ):
        taken[item_id] = taken.get(item_id, 0) + quantity
    if not taken:
        return
    locked = _lock_stocked(taken, not_reset_since=order.created_at)
    if not locked:
        return
    MenuItem.objects.filter(pk__in=locked).update(
        stock=Least(Case(*(When(pk=pk, then=F("stock") + Value(taken[pk])) for pk in locked)), Value(MAX_STOCK)),
        updated_at=timezone.now(),
    )
    for vendor_id in {vendor for stock, vendor in locked.values() if stock == 0}:
        vendor_public_changed(vendor_id=vendor_id)  # back from sold out
