"""Mutants: the lean `GET /orders` (ordering/listing.py) says what OrderSerializer says, to whom it may."""

from __future__ import annotations

LISTING = "ordering/listing.py"
TESTS = ["ordering/tests/test_listing.py"]

MUTANTS: list[dict] = [
    {
        "id": "own-list-pickup-code-to-vendor",
        "file": LISTING,
        "function": "order_rows_render",
        "find": 'if row["student_id"] == viewer_id and status in _PAID',
        "replace": "if status in _PAID",
        "tests": TESTS,
        "k": "vendors_list",
        "why": "the vendor's list shows each paid order's pickup code: anyone at the counter could collect it",
    },
    {
        "id": "money-list-failed-refund-counted",
        "file": LISTING,
        "function": "order_rows_render",
        "find": 'sum(r["amount_paise"] for r in order_refunds if r["status"] != Refund.Status.FAILED)',
        "replace": 'sum(r["amount_paise"] for r in order_refunds)',
        "tests": TESTS,
        "k": "vendors_list",
        "why": "a failed refund counts as money given back in the order list",
    },
    {
        "id": "own-list-refunds-keyed-by-payment",
        "file": LISTING,
        "function": "_refunds_by_order",
        "find": '.values_list("payment__order_id", "id",',
        "replace": '.values_list("payment_id", "id",',
        "tests": TESTS,
        "k": "students_list",
        "why": "refunds are filed under their payment's id, so they show on another (someone else's) order",
    },
    {
        "id": "own-list-lines-out-of-order",
        "file": LISTING,
        "function": "_lines_by_order",
        "find": '.order_by("id")',
        "replace": '.order_by("-id")',
        "tests": TESTS,
        "k": "vendors_list",
        "why": "an order's lines come in another order than the order page and the prep sheet show",
    },
]
