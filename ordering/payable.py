"""How payments prices and marks paid an order, without importing `ordering`."""

from __future__ import annotations

from django.utils import timezone

from payments import payables

from .models import Order
from .services import order_cancel_refunded, order_mark_paid


def order_is_payable(order: Order) -> bool:
    """Waiting for payment and still inside its payment window."""
    return order.status == Order.Status.PENDING_PAYMENT and order.payment_due_by > timezone.now()


ORDER_PAYABLE = payables.PayableType(
    name="order",
    model=Order,
    queryset_for_payer=lambda user: Order.objects.filter(student=user),
    amount_paise=lambda order: order.total_paise,
    vendor_id=lambda order: order.vendor_id,
    payer_id=lambda order: order.student_id,
    is_payable=order_is_payable,
    mark_paid=lambda *, obj, payment: order_mark_paid(order_id=obj.pk, payment=payment),
    describe=lambda order: f"Tap N Take order #{order.pk}",
    cancel_refunded=lambda *, obj, actor: order_cancel_refunded(order_id=obj.pk, actor=actor),
)


def payable_register() -> None:
    payables.register(ORDER_PAYABLE)
