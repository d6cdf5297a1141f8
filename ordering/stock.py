"""Stock held with the slot place: taken when an order is placed, given back when its place is.

Taking runs right after the slot's conditional UPDATE, in the same transaction as the order
(ordering.services.order_place), so a refusal rolls the place back too. It locks the items
that have a limit in id order (one SELECT … ORDER BY id FOR NO KEY UPDATE: every path takes
item locks in the same order, so two orders cannot deadlock on them) and takes all of them
with one conditional UPDATE (`stock >= wanted` per item); fewer rows updated than locked is
ItemSoldOut. Two statements whatever the number of lines, none when no item has a limit.

Giving back runs inside the transition that gives the slot place back (cancel, reject,
expiry, staff refund), which happens at most once per order; it adds each line's
`stock_taken` back, except to an item whose stock was reset after the order was placed
(the morning reset already counts from a fresh stock).

Students see stock through the cached menu: it is dropped when an item sells out or comes
back from sold out; other counts show within CATALOG_PUBLIC_CACHE_SECONDS. Placing never
trusts it.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Least
from django.utils import timezone

from catalog.cache import vendor_public_changed
from catalog.errors import ItemSoldOut
from catalog.models import MAX_STOCK, MenuItem

from .locks import stocked_items_lock
from .models import Order, OrderItem
from .pricing import PricedLine, quantities_by_item


def _lock_stocked(item_ids, *, extra: Q | None = None) -> dict[int, tuple[int, int]]:
    """Lock the items among `item_ids` that have a limit, in id order: {id: (stock, vendor_id)}."""
    return stocked_items_lock(item_ids, extra=extra)


def stock_take(priced: list[PricedLine]) -> set[int]:
    """Take each limited item's quantity from its stock; the ids taken from. ItemSoldOut (409) if short.

    Must run inside the transaction that creates the order, after the slot place is taken.
    """
    wanted = quantities_by_item(priced)
    if all(line.item.stock is None for line in priced):
        return set()  # nothing limited when read; a limit set since applies from the next order
    locked = _lock_stocked(wanted)
    if not locked:
        return set()
    enough = reduce(or_, (Q(pk=pk, stock__gte=wanted[pk]) for pk in locked))
    taken = MenuItem.objects.filter(enough).update(
        stock=Case(*(When(pk=pk, then=F("stock") - Value(wanted[pk])) for pk in locked)),
        updated_at=timezone.now(),
    )
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
    not_reset_since = Q(stock_reset_at__isnull=True) | Q(stock_reset_at__lt=order.created_at)
    locked = _lock_stocked(taken, extra=not_reset_since)
    if not locked:
        return
    MenuItem.objects.filter(pk__in=locked).update(
        stock=Least(Case(*(When(pk=pk, then=F("stock") + Value(taken[pk])) for pk in locked)), Value(MAX_STOCK)),
        updated_at=timezone.now(),
    )
    for vendor_id in {vendor for stock, vendor in locked.values() if stock == 0}:
        vendor_public_changed(vendor_id=vendor_id)  # back from sold out
