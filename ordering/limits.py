"""The per-student rate limit on placing orders (RATE_LIMIT_ORDERS), through core.limits.enforce."""

from __future__ import annotations

from django.conf import settings

from core.limits import enforce

ORDER_PLACE_GROUP = "ordering.order.place"


def enforce_order_place_limit(request, *, student_id: int) -> None:
    """Count one order placement of `student_id`; RateLimited (429, Retry-After) once over RATE_LIMIT_ORDERS.

    The API and the menu page share the counter.
    """
    enforce(request, group=ORDER_PLACE_GROUP, key=lambda group, req: str(student_id), rate=settings.RATE_LIMIT_ORDERS)
