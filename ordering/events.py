"""Who hears of a change to an order, over `GET /api/v1/events`.

The student hears of every change (`order.updated`). The vendor never hears of an order that
is not paid: `order.created` when a paid order reaches its queue (pending_payment → paid), then
`order.updated` for each later change. A delay keeps the status and is a change like the others.
"""

from __future__ import annotations

from events.publisher import event_publish

from .models import Order


def order_event_publish(*, order: Order, from_status: str) -> None:
    """Call once `order` (a locked row) has changed from `from_status`; sent on commit."""
    student, vendor = order.student_id, order.vendor_id
    if from_status != Order.Status.PENDING_PAYMENT:
        event_publish(user_ids=[student, vendor], type="order.updated", id=order.pk, status=order.status)
        return
    event_publish(user_ids=[student], type="order.updated", id=order.pk, status=order.status)
    if order.status == Order.Status.PAID:
        event_publish(user_ids=[vendor], type="order.created", id=order.pk, status=order.status)
