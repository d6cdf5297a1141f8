"""The readers of payments, always scoped to the person asking (or, for webhook events, only ever
read by operations: the admin and the replay command)."""

from __future__ import annotations

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import NotFound

from .models import Payment, Refund, WebhookEvent


def _is_staff(user: User) -> bool:
    return bool(user.is_authenticated and user.is_campus_staff)


def payment_list_for(*, user: User) -> QuerySet[Payment]:
    """Staff see every payment; everyone else only the payments they made. Reservations
    still waiting for their Razorpay order are not payments yet and are never listed."""
    payments = Payment.objects.filter(razorpay_order_id__isnull=False).order_by("-created_at", "-id")
    if _is_staff(user):
        return payments
    return payments.filter(payer=user)


def payment_get_for(*, user: User, payment_id: int) -> Payment:
    """One payment `user` may see; NotFound for anyone else's or an unknown one."""
    payment = payment_list_for(user=user).filter(pk=payment_id).first()
    if payment is None:
        raise NotFound(_("No such payment."))
    return payment


def refund_list_for_payment(*, payment: Payment) -> QuerySet[Refund]:
    return Refund.objects.filter(payment=payment).order_by("-created_at", "-id")


def webhook_events_by_event_id(*, event_ids: list[str]) -> dict[str, WebhookEvent]:
    """The stored events of these Razorpay event ids (`X-Razorpay-Event-Id`), by id; unknown ids are absent."""
    return {event.event_id: event for event in WebhookEvent.objects.filter(event_id__in=event_ids)}


def webhook_events_failed() -> QuerySet[WebhookEvent]:
    """Events whose automatic attempts ran out: they wait for an engineer's replay, oldest first."""
    return WebhookEvent.objects.filter(status=WebhookEvent.Status.FAILED).order_by("received_at", "pk")


def payment_receipt_for_order(*, user: User, order_id: int) -> Payment:
    """The capture that paid order `order_id`, for its receipt.

    Only the payer finds it: NotFound for another user's order, or an order no capture paid (a
    capture that came after the order was no longer payable was refunded, and paid nothing).
    The paying capture is the one applied when the order was marked paid: captured by `paid_at`.
    """
    payment = (
        Payment.objects.filter(
            payer=user,
            order_id=order_id,
            status__in=Payment.CAPTURED_STATUSES,
            order__paid_at__isnull=False,
            captured_at__lte=F("order__paid_at"),
        )
        .order_by("captured_at", "pk")
        .first()
    )
    if payment is None:
        raise NotFound(_("No receipt for this order."))
    return payment
