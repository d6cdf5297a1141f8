"""The lean output of `GET /orders` (issue 27): a page of orders as plain dicts, from four queries;
and the answer of `POST /orders` from the order just placed, from none.

The vendor's dashboard polls its live list (up to 200 orders, 100 a page). Serialising each
order through `OrderSerializer` builds a model instance per order, line and refund and runs
a nested serializer per row, which cost about 1.5 ms of CPU per order (bench/README.md). Here
the page is read with `values()` (the orders joined with their slot and student), their lines
in one query and their refunds in another, and each order is assembled as the dict
`OrderSerializer` renders, field for field and in its order: the two must stay equal
(`ordering/tests/test_listing.py` compares them over orders in every state, with options,
refunds, notes and reasons). A change to `OrderSerializer`'s fields is a change here too.

The scope stays the selector's (`selectors.order_list_for`): this module only reads the rows
of a queryset it is given.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from accounts.models import User
from payments.models import Refund

from .models import Order, OrderItem

_ORDER_COLUMNS = (
    "id",
    "status",
    "vendor_id",
    "student_id",
    "student__name",
    "slot_id",
    "slot__starts_at",
    "slot__ends_at",
    "total_paise",
    "note",
    "reason",
    "cancel_reason",
    "pickup_code",
    "estimated_ready_at",
    "delay_minutes",
    "payment_due_by",
    "paid_at",
    "created_at",
    "updated_at",
)
_PAID = frozenset(Order.PAID_STATUSES)


def _datetime_formatter():
    """DRF's DateTimeField.to_representation for the aware datetimes of the rows, 4× cheaper:
    the same ISO 8601 text in the current time zone (DRF's call costs ~17 µs, and a 100-order
    page has about 700 of them). Anything else (another DATETIME_FORMAT, a naive value) is DRF's."""
    field = serializers.DateTimeField()
    zone = field.default_timezone()
    if str(api_settings.DATETIME_FORMAT).lower() != ISO_8601 or zone is None:
        return field.to_representation

    def when(value):
        if value.utcoffset() is None:
            return field.to_representation(value)
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return when


class OrderRows:
    """The columns of `orders` (a scoped, ordered queryset) that a page of the list needs, as
    dicts, for the paginator: sliced, the rows joined with their slot and student; counted, the
    scoped orders alone. Each order has exactly one slot and one student (non-null foreign keys),
    so the joins cannot change the count, and the count need not read every student and slot
    of the vendor's orders (bench/README.md)."""

    ordered = True  # for Django's Paginator: the rows keep `orders`' order

    def __init__(self, orders: QuerySet[Order]) -> None:
        self._orders = orders.select_related(None).prefetch_related(None)
        self._rows = self._orders.values(*_ORDER_COLUMNS)

    def count(self) -> int:
        return self._orders.order_by().count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        return self._rows[index]


def order_rows(orders: QuerySet[Order]) -> OrderRows:
    """`orders`' page rows and count for the list (OrderRows)."""
    return OrderRows(orders)


def _line(menu_item_id: int, name: str, unit_price: int, quantity: int, line_total: int, options) -> dict[str, Any]:
    return {
        "menu_item": menu_item_id,
        "name": name,
        "unit_price_paise": unit_price,
        "quantity": quantity,
        "line_total_paise": line_total,
        "options": [
            {
                "option": int(option["option"]),
                "group": str(option["group"]),
                "name": str(option["name"]),
                "price_delta_paise": int(option["price_delta_paise"]),
            }
            for option in options or ()
        ],
    }


def _lines_by_order(order_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    lines: dict[int, list[dict[str, Any]]] = defaultdict(list)
    found = (
        OrderItem.objects.filter(order_id__in=order_ids)
        .order_by("id")
        .values_list("order_id", "menu_item_id", "name", "unit_price_paise", "quantity", "line_total_paise", "options")
    )
    for order_id, *columns in found:
        lines[order_id].append(_line(*columns))
    return lines


def _refunds_by_order(order_ids: list[int], when) -> dict[int, list[dict[str, Any]]]:
    """The refunds of each order's payments that took money, oldest first (`payable_refunds`)."""
    refunds: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if not order_ids:
        return refunds
    found = (
        Refund.objects.filter(payment__order_id__in=order_ids, payment__captured_paise__gt=0)
        .order_by("created_at", "id")
        .values_list("payment__order_id", "id", "amount_paise", "status", "reason", "created_at", "processed_at")
    )
    for order_id, refund_id, amount, status, reason, created_at, processed_at in found:
        refunds[order_id].append(
            {
                "id": refund_id,
                "amount_paise": amount,
                "status": status,
                "reason": reason,
                "created_at": when(created_at),
                "processed_at": when(processed_at) if processed_at is not None else None,
            }
        )
    return refunds


def order_rows_render(
    *, rows: list[dict[str, Any]], viewer: User, lines: dict[int, list[dict[str, Any]]] | None = None
) -> list[dict[str, Any]]:
    """The `order` objects of API.md for `rows` (from `order_rows`), exactly as `OrderSerializer`
    renders them for `viewer`: the pickup code only to the order's own student, once paid.
    `lines` (order id -> its rendered lines) when the caller holds them; else they are read."""
    when = _datetime_formatter()
    ids = [row["id"] for row in rows]
    if lines is None:
        lines = _lines_by_order(ids)
    # An order waiting for payment has taken no money, so it has no refunds (OrderSerializer.refunds_of).
    refunds = _refunds_by_order([row["id"] for row in rows if row["status"] != Order.Status.PENDING_PAYMENT], when)
    viewer_id = viewer.pk
    rendered = []
    for row in rows:
        order_id, status = row["id"], row["status"]
        order_refunds = refunds.get(order_id, [])
        slot_starts_at = when(row["slot__starts_at"])
        rendered.append(
            {
                "id": order_id,
                "status": status,
                "vendor": row["vendor_id"],
                "student": row["student_id"],
                "student_name": row["student__name"],
                "slot": {"id": row["slot_id"], "starts_at": slot_starts_at, "ends_at": when(row["slot__ends_at"])},
                "items": lines.get(order_id, []),
                "total_paise": row["total_paise"],
                "note": row["note"],
                "reason": row["reason"],
                "reject_reason": row["reason"] if status == Order.Status.REJECTED else None,
                "cancel_reason": row["cancel_reason"],
                "refunded_paise": sum(r["amount_paise"] for r in order_refunds if r["status"] != Refund.Status.FAILED),
                "refunds": order_refunds,
                "pickup_code": (row["pickup_code"] or None)
                if row["student_id"] == viewer_id and status in _PAID
                else None,
                "estimated_ready_at": when(row["estimated_ready_at"])
                if row["estimated_ready_at"] is not None
                else slot_starts_at,
                "delay_minutes": row["delay_minutes"],
                "payment_due_by": when(row["payment_due_by"]),
                "paid_at": when(row["paid_at"]) if row["paid_at"] is not None else None,
                "created_at": when(row["created_at"]),
                "updated_at": when(row["updated_at"]),
            }
        )
    return rendered


def order_placed_render(order: Order, *, viewer: User) -> dict[str, Any]:
    """The `order` object for an order just placed, as `OrderSerializer` renders it, from the
    instance alone: `ordering.services.order_place` hands it back with its slot, student and
    lines loaded, so nothing is read (POST /orders answers GET /orders/{id}'s shape)."""
    row = {}
    for column in _ORDER_COLUMNS:
        relation, _, name = column.partition("__")
        row[column] = getattr(getattr(order, relation), name) if name else getattr(order, column)
    written = [
        _line(line.menu_item_id, line.name, line.unit_price_paise, line.quantity, line.line_total_paise, line.options)
        for line in order.items.all()
    ]
    return order_rows_render(rows=[row], viewer=viewer, lines={order.pk: written})[0]
