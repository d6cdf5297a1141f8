"""Texts to students about their orders: one function per message.

A text never carries free text a vendor typed (a reject reason, a note, an item name,
a shop name the vendor can rename): an SMS from the campus's own sender id would make
such text a phishing channel. The order page shows the reason; the text links there.
Only numbers the system made (order number, amount, pickup time, pickup code) and the
link to the order's page (from SITE_URL) go into a text. The pickup code goes only into
the "ready" text, when the student is about to collect. Every text is whole sentences,
and amounts are written as on the pages (`core.money.rupees`, short: `₹1,234`).

Each goes through `push.notify.notify_user`: by Web Push where the person has a working
subscription (opening the order page, or the vendor's dashboard), by SMS otherwise.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.links import site_link
from core.money import rupees
from push.notify import notify_user

from .models import Order, Slot


def _amount(paise: int) -> str:
    return rupees(paise, short=True)


def _order_path(order: Order) -> str:
    return reverse("pages:order", kwargs={"order_id": order.pk})


def _send(order: Order, body: str) -> None:
    """To the student, with the link to the order's page; a push opens that page."""
    body += " " + _("Open %(link)s to see your order.") % {"link": site_link(_order_path(order))}
    notify_user(user_id=order.student_id, body=body, url=_order_path(order), tag=f"order-{order.pk}")


def _pickup_time(order: Order) -> str:
    slot = Slot.objects.only("starts_at", "ends_at").get(pk=order.slot_id)
    start, end = timezone.localtime(slot.starts_at), timezone.localtime(slot.ends_at)
    return _("on %(day)s between %(start)s and %(end)s") % {
        "day": f"{start:%d %b}",
        "start": f"{start:%H:%M}",
        "end": f"{end:%H:%M}",
    }


def _refunded_in_full(order: Order) -> str:
    return _("The %(amount)s you paid will be refunded in full.") % {"amount": _amount(order.total_paise)}


def order_payment_received(*, order: Order) -> None:
    """Sent once, when the order's payment is captured (the move to `paid` happens once)."""
    _send(
        order,
        _("Tap N Take: we received your payment of %(amount)s for order #%(id)s. We will text you when it is ready.")
        % {"amount": _amount(order.total_paise), "id": order.pk},
    )


def order_cancelled_refunded(*, order: Order) -> None:
    _send(order, _("Tap N Take: your order #%(id)s is cancelled.") % {"id": order.pk} + " " + _refunded_in_full(order))


def order_accepted(*, order: Order) -> None:
    _send(
        order,
        _("Tap N Take: your order #%(id)s was accepted. Pick it up %(time)s.")
        % {"id": order.pk, "time": _pickup_time(order)},
    )


def order_rejected(*, order: Order, refunded: bool) -> None:
    body = _("Tap N Take: your order #%(id)s could not be taken by the shop.") % {"id": order.pk}
    if refunded:
        body += " " + _refunded_in_full(order)
    _send(order, body)


def order_ready(*, order: Order) -> None:
    _send(
        order,
        _("Tap N Take: your order #%(id)s is ready. Show pickup code %(code)s at the counter.")
        % {"id": order.pk, "code": order.pickup_code},
    )


def notify_order_not_accepted_in_time(*, order: Order, refunded: bool) -> None:
    """The vendor never accepted the paid order before its pickup slot began; it was rejected."""
    body = _("Tap N Take: your order #%(id)s was not accepted before its pickup time, so it is cancelled.") % {
        "id": order.pk
    }
    if refunded:
        body += " " + _refunded_in_full(order)
    _send(order, body)


def _send_vendor(order: Order, body: str) -> None:
    """To the shop; a push opens its dashboard."""
    notify_user(user_id=order.vendor_id, body=body, url=reverse("dashboard:home"), tag=f"order-{order.pk}")


def order_refunded_by_staff(*, order: Order, amount_paise: int, cancelled: bool) -> None:
    """Campus staff refunded (part of) a paid order, from its case file in the admin; to the student."""
    body = _("Tap N Take: campus staff refunded %(amount)s for your order #%(id)s.") % {
        "amount": _amount(amount_paise),
        "id": order.pk,
    }
    if cancelled:
        body += " " + _("The order is cancelled.")
    _send(order, body)


def vendor_order_refunded_by_staff(*, order: Order, amount_paise: int, cancelled: bool) -> None:
    """The same refund, told to the shop (a cancelled order must not be handed over)."""
    body = _("Tap N Take: campus staff refunded %(amount)s of order #%(id)s.") % {
        "amount": _amount(amount_paise),
        "id": order.pk,
    }
    if cancelled:
        body += " " + _("It is cancelled, so do not hand it over.")
    _send_vendor(order, body)


def _clock(moment) -> str:
    return f"{timezone.localtime(moment):%H:%M}"


def order_delayed(*, order: Order, minutes: int) -> None:
    """The vendor marked the accepted order late: the new estimate (numbers only, no vendor text)."""
    _send(
        order,
        _("Tap N Take: your order #%(id)s is running %(minutes)s minutes late. It should be ready at about %(time)s.")
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
