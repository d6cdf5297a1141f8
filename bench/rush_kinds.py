"""The kinds of request in the lunch rush (bench/rush.py), and how a request is told to be one.

Shared by the load generator (which sends the mix) and the rush's gunicorn hooks
(bench/rush_gunicorn.py, which charge each request's CPU to its kind), so both count alike.
"""

from __future__ import annotations

import re

# kind, its share of the requests sent (per 100), what it is in the table
MIX = [
    ("shops", 10, "rush: GET /vendors (shop list)"),
    ("menu", 30, "rush: GET /vendors/{id}/menu"),
    ("slots", 10, "rush: GET /vendors/{id}/slots"),
    ("order", 20, "rush: POST /orders"),
    ("pay", 15, "rush: webhook payment.captured"),
    ("queue", 15, "rush: GET /orders (vendor queue)"),
]
KINDS = [kind for kind, _, _ in MIX]

_PATTERNS = [
    ("shops", "GET", re.compile(r"^/api/v1/vendors$")),
    ("menu", "GET", re.compile(r"^/api/v1/vendors/\d+/menu$")),
    ("slots", "GET", re.compile(r"^/api/v1/vendors/\d+/slots$")),
    ("order", "POST", re.compile(r"^/api/v1/orders$")),
    ("pay", "POST", re.compile(r"^/api/v1/payments/webhooks/razorpay$")),
    ("queue", "GET", re.compile(r"^/api/v1/orders$")),
]


def kind_of(method: str, path: str) -> str:
    """The kind of one request by its method and path (the query string left off); "other" if none."""
    path = path.split("?", 1)[0]
    for kind, wanted, pattern in _PATTERNS:
        if method == wanted and pattern.match(path):
            return kind
    return "other"


def sequence() -> list[str]:
    """The mix as one round of 100 kinds, spread evenly (smooth weighted round-robin), not in runs."""
    weights = {kind: share for kind, share, _ in MIX}
    current = dict.fromkeys(weights, 0)
    total = sum(weights.values())
    order = []
    for _ in range(total):
        for kind in weights:
            current[kind] += weights[kind]
        chosen = max(current, key=current.__getitem__)
        current[chosen] -= total
        order.append(chosen)
    return order
