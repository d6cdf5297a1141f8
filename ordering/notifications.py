"""Texts to students about their orders: one function per message.

A text never carries free text a vendor typed (a reject reason, a note, an item name,
a shop name the vendor can rename): an SMS from the campus's own sender id would make
such text a phishing channel. The order page shows the reason; the text points there.
Only numbers the system made (order number, amount, pickup time) go into a text.

Each goes through `push.notify.notify_user`: by Web Push where the person has a working
subscription (opening the order page, or the vendor's dashboard), by SMS otherwise.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.money import rupees_for_sms
from push.notify import notify_user

from .models import Order, Slot


def _send(order: Order, body: str) -> None:
    """To the student; a push opens the order's page."""
    url = reverse("pages:order", kwargs={"order_id": order.pk})
    notify_user(user_id=order.student_id, body=body, url=url, tag=f"order-{order.pk}")


def _pickup_time(order: Order) -> str:
    slot = Slot.objects.only("starts_at", "ends_at").get(pk=order.slot_id)
    start, end = timezone.localtime(slot.starts_at), timezone.localtime(slot.ends_at)
    return f"{start:%d %b %H:%M}–{end:%H:%M}"


def order_cancelled_refunded(*, order: Order) -> None:
    _send(
        order,
        _("Tap N Take: your order #%(id)s is cancelled. The %(amount)s you paid will be refunded in full.")
        % {"id": order.pk, "amount": rupees_for_sms(order.total_paise)},
    )


def order_accepted(*, order: Order) -> None:
    _send(
        order,
        _("Tap N Take: your order #%(id)s was accepted. Pickup %(time)s.")
        % {"id": order.pk, "time": _pickup_time(order)},
    )


def order_rejected(*, order: Order, refunded: bool) -> None:
    body = _("Tap N Take: your order #%(id)s could not be taken. See why in the app.") % {"id": order.pk}
    if refunded:
        body += " " + _("The %(amount)s you paid will be refunded in full.") % {
            "amount": rupees_for_sms(order.total_paise)
        }
    _send(order, body)


def order_ready(*, order: Order) -> None:
    _send(
        order,
        _("Tap N Take: your order #%(id)s is ready. Show your pickup code at the counter.") % {"id": order.pk},
    )


def notify_order_not_accepted_in_time(*, order: Order, refunded: bool) -> None:
    """The vendor never accepted the paid order before its pickup slot began; it was rejected."""
    body = _("Tap N Take: your order #%(id)s was not accepted before its pickup time, so it is cancelled.") % {
        "id": order.pk
    }
    if refunded:
        body += " " + _("The %(amount)s you paid will be refunded in full.") % {
            "amount": rupees_for_sms(order.total_paise)
        }
    _send(order, body)


def _send_vendor(order: Order, body: str) -> None:
    """To the shop; a push opens its dashboard."""
    notify_user(user_id=order.vendor_id, body=body, url=reverse("dashboard:home"), tag=f"order-{order.pk}")


def order_refunded_by_staff(*, order: Order, amount_paise: int, cancelled: bool) -> None:
    """Campus staff refunded (part of) a paid order, from its case file in the admin; to the student."""
    body = _("Tap N Take: campus staff refunded %(amount)s for your order #%(id)s.") % {
        "amount": rupees_for_sms(amount_paise),
        "id": order.pk,
    }
    if cancelled:
        body += " " + _("The order is cancelled.")
    _send(order, body)


def vendor_order_refunded_by_staff(*, order: Order, amount_paise: int, cancelled: bool) -> None:
    """The same refund, told to the shop (a cancelled order must not be handed over)."""
    body = _("Tap N Take: campus staff refunded %(amount)s of order #%(id)s.") % {
        "amount": rupees_for_sms(amount_paise),
        "id": order.pk,
    }
    if cancelled:
        body += " " + _("It is cancelled: do not hand it over.")
    _send_vendor(order, body)


def _clock(moment) -> str:
    return f"{timezone.localtime(moment):%H:%M}"


def order_delayed(*, order: Order, minutes: int) -> None:
    """The vendor marked the accepted order late: the new estimate (numbers only, no vendor text)."""
    _send(
        order,
        _("Tap N Take: your order #%(id)s is running %(minutes)s min late. Ready about %(time)s.")
        % {"id": order.pk, "minutes": minutes, "time": _clock(order.estimated_ready_at)},
    )


def order_unclaimed_reminder(*, order: Order) -> None:
    """Sent once, when a ready order nobody collected becomes unclaimed."""
    _send(
        order,
        _(
            "Tap N Take: your order #%(id)s is still waiting at the counter. "
            "Collect it with your pickup code; it is not refunded."
        )
        % {"id": order.pk},
    )
