"""A student's orders: the list, one order with its timeline and refunds, cancelling it."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import ApplicationError, NotFound
from events import bus as event_bus
from ordering import selectors as ordering_selectors
from ordering import services as ordering_services
from ordering.models import Order

from ..access import student_required
from ..errors import plain_error
from .checkout import gateway_context, pay_description, receipt_for
from .common import page_of, refund_rows, shop_names

# How often the order page asks the API whether the status moved (seconds).
ORDER_POLL_SECONDS = 4

# The timeline's words for each status an order moved to.
_ORDER_EVENT_LABELS = {
    Order.Status.PENDING_PAYMENT: gettext_lazy("Order placed"),
    Order.Status.PAID: gettext_lazy("Paid"),
    Order.Status.ACCEPTED: gettext_lazy("Accepted by the shop"),
    Order.Status.READY: gettext_lazy("Ready for pickup"),
    Order.Status.UNCLAIMED: gettext_lazy("Not collected in time: still at the counter"),
    Order.Status.COMPLETED: gettext_lazy("Collected"),
    Order.Status.CANCELLED: gettext_lazy("Cancelled"),
    Order.Status.REJECTED: gettext_lazy("Rejected by the shop"),
    Order.Status.EXPIRED: gettext_lazy("Expired: not paid in time"),
}
_PICKUP_STATUSES = (Order.Status.PAID, Order.Status.ACCEPTED, Order.Status.READY, Order.Status.UNCLAIMED)
# Statuses in which the student waits for the kitchen: the page shows when to come.
_WAITING_STATUSES = (Order.Status.PAID, Order.Status.ACCEPTED)
# The tracker after paying: each step and the statuses in which it is done.
_TRACKER_STEPS = (
    (
        "paid",
        gettext_lazy("Paid"),
        (Order.Status.PAID, Order.Status.ACCEPTED, Order.Status.READY, Order.Status.UNCLAIMED),
    ),
    (
        "accepted",
        gettext_lazy("Accepted by the shop"),
        (Order.Status.ACCEPTED, Order.Status.READY, Order.Status.UNCLAIMED),
    ),
    ("ready", gettext_lazy("Ready for pickup"), (Order.Status.READY, Order.Status.UNCLAIMED)),
    ("collected", gettext_lazy("Collected"), ()),
)
# The order page's words after the page script's payment did not finish (`?payment=`).
_PAYMENT_NOTES = {
    "failed": gettext_lazy("The payment did not go through. Nothing was charged; you can pay again below."),
    "stopped": gettext_lazy("The payment was not finished. Nothing was charged; you can pay below."),
}


@dataclass(frozen=True)
class TrackerStep:
    key: str
    label: str
    state: str  # "done", "current" (the next one to happen) or "todo"


def tracker_steps(order: Order) -> list[TrackerStep]:
    """paid → accepted → ready → collected for a paid order, each done or still to come."""
    if order.status == Order.Status.COMPLETED:
        return [TrackerStep(key, label, "done") for key, label, _statuses in _TRACKER_STEPS]
    steps, current_given = [], False
    for key, label, done_in in _TRACKER_STEPS:
        if order.status in done_in:
            steps.append(TrackerStep(key, label, "done"))
        else:
            steps.append(TrackerStep(key, label, "todo" if current_given else "current"))
            current_given = True
    return steps


def _item_summary(order: Order) -> str:
    """The order's lines as they were ordered: "2 × Masala dosa, 1 × Chai"."""
    return ", ".join(f"{line.quantity} × {line.name}" for line in order.items.all())


@student_required
def orders(request: HttpRequest) -> HttpResponse:
    live, past = ordering_selectors.order_list_live_and_past_for(student=request.user)
    active = list(live)
    page_obj = page_of(request, past)
    names = shop_names([order.vendor_id for order in active] + [order.vendor_id for order in page_obj])
    for order in [*active, *page_obj]:
        order.vendor_shop_name = names.get(order.vendor_id, _("Campus vendor"))
        order.item_summary = _item_summary(order)
    context = {"nav": "orders", "active": active, "past": page_obj, "page_obj": page_obj}
    return render(request, "pages/orders.html", context)


def _order_for(request: HttpRequest, order_id: int) -> Order:
    try:
        return ordering_selectors.order_get_for(user=request.user, order_id=order_id)
    except NotFound:
        raise Http404("No such order.") from None


@dataclass(frozen=True)
class _TimelineEntry:
    label: str
    created_at: object
    reason: str


@student_required
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    live_since = event_bus.position(request.user.pk)  # before the reading: the stream replays what changes after
    order = _order_for(request, order_id)
    events = [
        _TimelineEntry(
            label=_ORDER_EVENT_LABELS.get(event.to_status, event.to_status),
            created_at=event.created_at,
            # Why an order ended is the student's business; payment bookkeeping notes are not.
            reason=event.reason if event.to_status in Order.RELEASING_STATUSES else "",
        )
        for event in order.events.all()
    ]
    was_paid = order.paid_at is not None
    refunds = refund_rows(order)
    refund_note = ""
    if was_paid and not refunds and order.status in (Order.Status.CANCELLED, Order.Status.REJECTED):
        refund_note = _("You paid for this order, so the full amount is being refunded to how you paid.")
    shop_name = shop_names([order.vendor_id]).get(order.vendor_id, _("Campus vendor"))
    now = timezone.now()
    # Past its hold an unpaid order can no longer be paid, even before the expiry task has run.
    is_expired = order.status == Order.Status.EXPIRED or (
        order.status == Order.Status.PENDING_PAYMENT and order.payment_due_by <= now
    )
    is_payable = order.status == Order.Status.PENDING_PAYMENT and not is_expired
    hold_seconds = max(0, int((order.payment_due_by - now).total_seconds())) if is_payable else 0
    is_tracked = was_paid and order.status in (*_PICKUP_STATUSES, Order.Status.COMPLETED)
    context = {
        "nav": "orders",
        "order": order,
        "shop_name": shop_name,
        "events": events,
        "is_live": order.status in Order.LIVE_STATUSES,
        "live_since": live_since,
        "poll_seconds": ORDER_POLL_SECONDS,
        "show_pickup": order.status in _PICKUP_STATUSES,
        # Set when the shop accepts (ordering.services.estimates), moved when it says it runs late.
        "ready_at": (order.estimated_ready_at or order.slot.starts_at) if order.status in _WAITING_STATUSES else None,
        "is_payable": is_payable,
        "is_expired": is_expired,
        "hold_left": f"{hold_seconds // 60}:{hold_seconds % 60:02d}",
        "hold_left_seconds": hold_seconds,
        "payment_note": _PAYMENT_NOTES.get(request.GET.get("payment", "")) if is_payable else "",
        "tracker": tracker_steps(order) if is_tracked else [],
        "receipt": receipt_for(request, order) if was_paid else None,
        "can_cancel": Order.Status.CANCELLED in Order.TRANSITIONS[order.status],
        "refund_note": refund_note,
        "refunds": refunds,
        "pay_url": reverse("order-pay", args=[order.pk]),
        "pay_description": pay_description(order, shop_name=shop_name),
        "gateway": gateway_context(),
    }
    return render(request, "pages/order.html", context)


@student_required
@require_POST
def order_cancel(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order_for(request, order_id)
    try:
        ordering_services.order_cancel(order_id=order.pk, student=request.user, reason="Cancelled by the student.")
    except ApplicationError as exc:
        messages.error(request, plain_error(exc))
    else:
        messages.success(request, _("Order #%(id)s is cancelled.") % {"id": order.pk})
    return redirect("pages:order", order_id=order.pk)
