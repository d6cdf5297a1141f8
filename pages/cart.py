"""The food cart of the pages: lines of (item, options, quantity), kept in the session per shop.

A line travels as one form field, `qty_<item id>` for an item without options and
`qty_<item id>_<option id>-<option id>…` (sorted ids) for a dish with its options, so the same
dish may be in the cart twice with different options and the menu's one form carries every line.
The session keeps the same fields (`cart-<vendor id>`: {"v": version, "lines": {field: quantity}})
so a cart built without JavaScript (the item pages) survives between pages; `v` grows on every
change, which tells the menu's script whether the copy it kept in sessionStorage is still current.
Prices are never kept: the services price every line from the database when the order is placed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.http import HttpRequest

from ordering.services import MAX_QUANTITY

_FIELD = re.compile(r"^qty_(\d{1,18})(?:_(\d{1,18}(?:-\d{1,18}){0,39}))?$")
MAX_LINES = 30  # ordering's own limit; more lines than that are refused when placing anyway


@dataclass(frozen=True)
class Line:
    item_id: int
    options: tuple[int, ...]
    quantity: int

    @property
    def field(self) -> str:
        return line_field(self.item_id, self.options)


def line_field(item_id: int, options: Iterable[int] = ()) -> str:
    chosen = sorted(set(options))
    return f"qty_{item_id}" + (f"_{'-'.join(map(str, chosen))}" if chosen else "")


def parse_field(name: str) -> tuple[int, tuple[int, ...]] | None:
    """(item id, sorted option ids) of a line's field name, or None when it is not one."""
    match = _FIELD.match(name)
    if not match:
        return None
    options = tuple(sorted({int(pk) for pk in match.group(2).split("-")})) if match.group(2) else ()
    return int(match.group(1)), options


def lines_from(data: Mapping, *, item_ids: Iterable[int]) -> tuple[list[Line], bool]:
    """The lines above zero among the fields of `data` for the items `item_ids`, and whether
    some quantity was not a whole number. Fields of other items are ignored."""
    known = set(item_ids)
    lines: list[Line] = []
    malformed = False
    for name in data:
        parsed = parse_field(name)
        if parsed is None or parsed[0] not in known:
            continue
        value = str(data.get(name, "")).strip()
        if value == "":
            continue
        if not value.isdigit() or len(value) > 4:
            malformed = True
            continue
        if int(value) > 0:
            lines.append(Line(item_id=parsed[0], options=parsed[1], quantity=int(value)))
    return lines[: MAX_LINES + 1], malformed


def _key(vendor_id: int) -> str:
    return f"cart-{vendor_id}"


def cart_version(request: HttpRequest, *, vendor_id: int) -> int:
    return int(request.session.get(_key(vendor_id), {}).get("v", 0))


def cart_lines(request: HttpRequest, *, vendor_id: int, item_ids: Iterable[int]) -> list[Line]:
    """The lines kept in the session for this shop (of items still on its menu)."""
    stored = request.session.get(_key(vendor_id), {}).get("lines", {})
    return lines_from(stored, item_ids=item_ids)[0]


def cart_replace(request: HttpRequest, *, vendor_id: int, lines: Iterable[Line]) -> None:
    """Keep exactly `lines` as this shop's cart."""
    kept = {line.field: line.quantity for line in lines if line.quantity > 0}
    version = cart_version(request, vendor_id=vendor_id) + 1
    request.session[_key(vendor_id)] = {"v": version, "lines": dict(list(kept.items())[:MAX_LINES])}


def cart_add(request: HttpRequest, *, vendor_id: int, item_ids: Iterable[int], lines: Iterable[Line]) -> None:
    """Add `lines` to this shop's cart (of items still on its menu, `item_ids`): a line already
    there adds up, to at most MAX_QUANTITY of it."""
    kept = {line.field: line for line in cart_lines(request, vendor_id=vendor_id, item_ids=item_ids)}
    for line in lines:
        before = kept.get(line.field)
        quantity = min(MAX_QUANTITY, line.quantity + (before.quantity if before else 0))
        kept[line.field] = Line(item_id=line.item_id, options=line.options, quantity=quantity)
    cart_replace(request, vendor_id=vendor_id, lines=kept.values())


def cart_clear(request: HttpRequest, *, vendor_id: int) -> None:
    """Empty this shop's cart (its version still grows: a copy kept by the page is stale)."""
    cart_replace(request, vendor_id=vendor_id, lines=())
