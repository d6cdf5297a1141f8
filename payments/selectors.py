"""The readers of payments, always scoped to the person asking."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import NotFound

from .models import Payment, Refund


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
