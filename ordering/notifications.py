"""Texts ordering sends to students: one function per message, never with text a vendor typed.

Each function queues an SMS (after the current transaction commits). Only the shop's
name, which staff approved, and our own numbers go into a message.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.models import User
from accounts.sms import queue_sms
from catalog.models import Shop

from .models import Order


def _rupees(paise: int) -> str:
    return f"₹{paise // 100}.{paise % 100:02d}"


def _shop_name(vendor_id: int) -> str:
    return Shop.objects.filter(vendor_id=vendor_id).values_list("name", flat=True).first() or _("Your vendor")


def notify_order_not_accepted_in_time(*, order: Order, refunded: bool) -> None:
    """The vendor never accepted the paid order before its pickup slot began; it was rejected."""
    phone = User.objects.filter(pk=order.student_id).values_list("phone", flat=True).get()
    body = _(
        "Tap N Take: %(shop)s did not accept your order #%(order)s before its pickup time, so it is cancelled."
    ) % {"shop": _shop_name(order.vendor_id), "order": order.pk}
    if refunded:
        body += " " + _("The %(amount)s you paid will be refunded in full.") % {"amount": _rupees(order.total_paise)}
    queue_sms(phone=phone, body=body)
