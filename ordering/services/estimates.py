"""When an order should be ready: the slot's start, later when the kitchen's queue for that slot is behind.

The rule, kept simple on purpose:

- An order is estimated when its vendor accepts it (it joins the kitchen's queue then).
- Each order takes the kitchen ORDER_PREP_MINUTES (tunables; one campus-wide average, since
  shops record no prep time of their own).
- A slot fits as many orders as its length holds: a 15-minute slot at 5 minutes an order
  holds three, and those are ready at the slot's start.
- Beyond that, each order pushes the estimate on: this order's place in the slot's queue is
  one more than the orders of the same slot the vendor took on before it (accepted, ready,
  unclaimed or already handed over), and its estimate is the slot's start plus the queue's
  minutes beyond the slot's length. The 5th order of that slot: 5 × 5 − 15 = 10 minutes late.
- The vendor's "late by N minutes" (ordering.services.counter.order_delay) adds to it later.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from ..models import Order, Slot

# The orders ahead of one in its slot's queue: taken on by the vendor before it.
QUEUE_STATUSES = (Order.Status.ACCEPTED, Order.Status.READY, Order.Status.UNCLAIMED, Order.Status.COMPLETED)


def estimate_for_queue(*, starts_at: datetime, ends_at: datetime, place: int, prep_minutes: int) -> datetime:
    """The estimate of the order at `place` (1 = first) in a slot's queue; the pure rule above."""
    slot_minutes = (ends_at - starts_at).total_seconds() / 60
    behind = max(0.0, place * prep_minutes - slot_minutes)
    return starts_at + timedelta(minutes=behind)


def order_estimate_ready_at(*, order: Order) -> datetime:
    """The estimate of `order` as it joins its slot's queue now (its own status not yet accepted)."""
    slot = Slot.objects.only("starts_at", "ends_at").get(pk=order.slot_id)
    ahead = (
        Order.objects.filter(vendor_id=order.vendor_id, slot_id=order.slot_id, status__in=QUEUE_STATUSES)
        .exclude(pk=order.pk)
        .count()
    )
    return estimate_for_queue(
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        place=ahead + 1,
        prep_minutes=int(settings.ORDER_PREP_MINUTES),
    )
