"""The lines of an order checked and priced from the database, options included.

A student's lines say only which item, how many and which option ids; everything else comes
from the rows read here: every option must be one of that item's and available, each group's
count of chosen options must lie within its min..max, one item may appear on two lines only
with different options, an item's quantity over all lines is at most its `max_per_order`.
A line's unit price is the item's price plus its options' deltas, and the line keeps a
snapshot of the options (name, delta) as they were, like the item's name and price.

Reading is one query whatever the number of lines and options: the items joined with their
groups and the groups' options, only the columns placing needs, written out once as SQL and
read as plain rows (`MenuRow`, `MenuGroup`, `MenuOption`) rather than model instances
(bench/README.md).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db import connection
from django.utils.translation import gettext as _

from core.errors import ValidationFailed

from .errors import ItemUnavailable
from .models import OrderItem

MAX_LINES = 30
MAX_QUANTITY = 20
MAX_OPTIONS_PER_LINE = 40


@dataclass(frozen=True, slots=True)
class MenuOption:
    """An option of a group, as placing reads it."""

    pk: int
    group_id: int
    name: str
    price_delta_paise: int
    is_available: bool
    sort_order: int


@dataclass(slots=True)
class MenuGroup:
    """An item's group of choices, with its options in the menu's order."""

    pk: int
    name: str
    min_choices: int
    max_choices: int
    sort_order: int
    options: list[MenuOption] = field(default_factory=list)


@dataclass(slots=True)
class MenuRow:
    """The columns of a menu item that placing an order reads, with its groups in the menu's order."""

    pk: int
    name: str
    price_paise: int
    is_available: bool
    is_deleted: bool
    max_per_order: int | None
    stock: int | None
    prep_units: int
    groups: list[MenuGroup] = field(default_factory=list)


@dataclass(frozen=True)
class PricedLine:
    item: MenuRow
    quantity: int
    options: tuple[MenuOption, ...]
    unit_price_paise: int
    options_key: str
    groups: dict[int, str] = field(default_factory=dict)  # group id -> name, for the snapshot

    def snapshot(self) -> list[dict]:
        return [
            {
                "option": option.pk,
                "group": self.groups.get(option.group_id, ""),
                "name": option.name,
                "price_delta_paise": option.price_delta_paise,
            }
            for option in self.options
        ]


def options_key(option_ids) -> str:
    return ",".join(str(pk) for pk in sorted(set(option_ids)))


def lines_validate(lines: list) -> None:
    """The shape of the lines, before any row is read: ValidationFailed (`items`) when wrong."""
    errors: list[str] = []
    if not 1 <= len(lines) <= MAX_LINES:
        errors.append(f"Order between 1 and {MAX_LINES} lines.")
    if any(not 1 <= line.quantity <= MAX_QUANTITY for line in lines):
        errors.append(f"Each quantity must be between 1 and {MAX_QUANTITY}.")
    if any(len(line.options) > MAX_OPTIONS_PER_LINE for line in lines):
        errors.append(f"A line has at most {MAX_OPTIONS_PER_LINE} options.")
    if any(len(set(line.options)) != len(line.options) for line in lines):
        errors.append("An option may be chosen only once on a line.")
    keys = [(line.menu_item_id, options_key(line.options)) for line in lines]
    if len(set(keys)) != len(keys):
        errors.append("The same item with the same options may appear only once; use its quantity.")
    if errors:
        raise ValidationFailed(details={"items": errors})


# The items with their groups and options, one row per option (the joins are outer: an item
# without groups, a group without options, still comes), in the menu's order: groups by
# (sort_order, id), then options. Written out once rather than compiled by the ORM per order.
_MENU_SQL = """\
SELECT i.id, i.name, i.price_paise, i.is_available, i.is_deleted, i.max_per_order, i.stock, i.prep_units,
       g.id, g.name, g.min_choices, g.max_choices, g.sort_order,
       o.id, o.name, o.price_delta_paise, o.is_available, o.sort_order
FROM catalog_menuitem i
LEFT JOIN catalog_optiongroup g ON g.menu_item_id = i.id
LEFT JOIN catalog_option o ON o.group_id = g.id
WHERE i.vendor_id = %s AND i.id IN ({ids})
ORDER BY i.id, g.sort_order, g.id, o.sort_order, o.id"""


def _menu(*, vendor_id: int, item_ids: set[int]) -> dict[int, MenuRow]:
    """The vendor's items among `item_ids`, with their groups and options: one query."""
    if not item_ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_MENU_SQL.format(ids=", ".join(["%s"] * len(item_ids))), [vendor_id, *item_ids])
        rows = cursor.fetchall()
    menu: dict[int, MenuRow] = {}
    groups: dict[int, MenuGroup] = {}
    for row in rows:
        item = menu.get(row[0])
        if item is None:
            pk, name, price, available, deleted, max_per_order, stock, prep_units = row[:8]
            item = menu[pk] = MenuRow(pk, name, price, bool(available), bool(deleted), max_per_order, stock, prep_units)
        group_pk, option_pk = row[8], row[13]
        if group_pk is None:
            continue
        group = groups.get(group_pk)
        if group is None:
            group = groups[group_pk] = MenuGroup(*row[8:13])
            item.groups.append(group)
        if option_pk is not None:
            name, delta, available, sort_order = row[14:]
            group.options.append(MenuOption(option_pk, group_pk, name, delta, bool(available), sort_order))
    return menu


def _price_line(line, item: MenuRow) -> PricedLine:
    by_id = {option.pk: (group, option) for group in item.groups for option in group.options}
    foreign = [pk for pk in line.options if pk not in by_id]
    if foreign:
        raise ValidationFailed(
            details={
                "items": [
                    _("%(item_name)s: option %(foreign)s is not one of this item's.")
                    % {"item_name": item.name, "foreign": ", ".join(map(str, foreign))}
                ]
            }
        )
    unavailable = [pk for pk in line.options if not by_id[pk][1].is_available]
    if unavailable:
        raise ItemUnavailable(
            _("Some of these options are not available right now."),
            details={"menu_item": item.pk, "options": unavailable},
        )
    chosen = Counter(by_id[pk][0].pk for pk in line.options)
    for group in item.groups:
        count = chosen.get(group.pk, 0)
        if not group.min_choices <= count <= group.max_choices:
            if group.min_choices == group.max_choices:
                message = _("%(item_name)s: choose exactly %(count)s of “%(group_name)s”.")
            else:
                message = _("%(item_name)s: choose %(low)s to %(high)s of “%(group_name)s”.")
            values = {"item_name": item.name, "group_name": group.name, "count": group.min_choices}
            values.update(low=group.min_choices, high=group.max_choices)
            raise ValidationFailed(details={"items": [message % values]})
    options = tuple(
        sorted((by_id[pk][1] for pk in line.options), key=lambda o: (by_id[o.pk][0].sort_order, o.sort_order, o.pk))
    )
    return PricedLine(
        item=item,
        quantity=line.quantity,
        options=options,
        unit_price_paise=item.price_paise + sum(option.price_delta_paise for option in options),
        options_key=options_key(line.options),
        groups={group.pk: group.name for group in item.groups},
    )


def lines_price(*, vendor_id: int, lines: list) -> list[PricedLine]:
    """The lines priced from the database, in the order sent.

    Raises ValidationFailed (an item not of this vendor, an option not of its item, a group's
    count outside min..max, more than `max_per_order`) or ItemUnavailable (an item or option
    switched off, or deleted). Reads only; nothing is reserved here.
    """
    menu = _menu(vendor_id=vendor_id, item_ids={line.menu_item_id for line in lines})
    unknown = sorted({line.menu_item_id for line in lines} - set(menu))
    if unknown:
        raise ValidationFailed(
            details={
                "items": [_("No such item at this vendor: %(unknown)s.") % {"unknown": ", ".join(map(str, unknown))}]
            }
        )
    unavailable = sorted(pk for pk, item in menu.items() if item.is_deleted or not item.is_available)
    if unavailable:
        raise ItemUnavailable(details={"items": unavailable})
    priced = [_price_line(line, menu[line.menu_item_id]) for line in lines]
    totals = quantities_by_item(priced)
    over = [menu[pk] for pk, n in totals.items() if menu[pk].max_per_order is not None and n > menu[pk].max_per_order]
    if over:
        raise ValidationFailed(
            details={
                "items": [
                    _("%(item_name)s: at most %(count)s on one order.")
                    % {"item_name": item.name, "count": item.max_per_order}
                    for item in over
                ]
            }
        )
    return priced


def quantities_by_item(priced: list[PricedLine]) -> dict[int, int]:
    """Each item's quantity summed over the lines (an item may be on several lines)."""
    totals: Counter[int] = Counter()
    for line in priced:
        totals[line.item.pk] += line.quantity
    return dict(totals)


def order_items(priced: list[PricedLine], *, stocked: set[int]) -> list[OrderItem]:
    """The unsaved lines of the order; `stocked` holds the items whose stock the order took."""
    return [
        OrderItem(
            menu_item_id=line.item.pk,
            name=line.item.name,
            unit_price_paise=line.unit_price_paise,
            quantity=line.quantity,
            line_total_paise=line.unit_price_paise * line.quantity,
            options=line.snapshot(),
            options_key=line.options_key,
            stock_taken=line.quantity if line.item.pk in stocked else 0,
        )
        for line in priced
    ]


def prep_counts(rows) -> list[dict]:
    """Order lines (`menu_item_id`, `menu_item__name`, `options_key`, `options`, `quantity`)
    summed per item and combination of options, for the kitchen: "Masala dosa, extra cheese × 4".
    """
    counts: dict[tuple[int, str], dict] = {}
    for row in rows:
        key = (row["menu_item_id"], row["options_key"])
        if key not in counts:
            names = [option["name"] for option in row["options"] or []]
            counts[key] = {
                "menu_item": row["menu_item_id"],
                "name": row["menu_item__name"],
                "options": names,
                "label": ", ".join([row["menu_item__name"], *names]),
                "quantity": 0,
            }
        counts[key]["quantity"] += row["quantity"]
    return sorted(counts.values(), key=lambda c: (c["name"], c["menu_item"], c["label"]))
