"""Checkout on the pages: the pickup-time chips, where a refusal is shown, paying, ordering again, the receipt.

Placing and paying are one step. The cart form on the menu (food.py) is sent by the page script
with `Accept: application/json`; the view places the order and answers `placed_json` (the
order's page and pay URLs), and the script at once opens the checkout for it (`site.js`). A
refusal answers the API's error envelope whose `details` name where each message belongs (the
pickup times, a dish, the note, or the cart as a whole). Without JavaScript the same form posts
normally: the page is shown again with each message beside what caused it, or the order's page
opens, where the pay button is.

The page script calls the JSON API (the payable's `pay` endpoint, then `payments/verify`) with
the session and the CSRF token. Razorpay's own `checkout.js` is loaded when real keys are
configured; the development sandbox's stand-in (same `new Razorpay(options).open()` surface)
otherwise, as `payments.conf` decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from catalog.models import Shop
from core.errors import ApplicationError, NotFound
from ordering import selectors as ordering_selectors
from ordering.models import Order, Slot
from payments import selectors as payment_selectors
from payments import services as payment_services
from payments.api import rate_limit as payments_rate_limit
from payments.conf import razorpay_config

from ..access import blocked_response, is_blocked_visitor, student_required
from ..errors import plain_error
from .common import safe_next, shop_names

RAZORPAY_CHECKOUT_JS = "https://checkout.razorpay.com/v1/checkout.js"
_CHECKOUT_FIELDS = ("razorpay_order_id", "razorpay_payment_id", "razorpay_signature")
# A slot with this many places or fewer left is shown as "few left" (a display hint only:
# placing an order checks the real count under the slot's lock).
FEW_LEFT = 3

# Where a refusal is shown: beside the pickup times, the note, one dish (`item-<id>`), or the cart.
SLOT, NOTE, CART = "slot", "note", "cart"
_SLOT_CODES = ("slot_full", "slot_closed", "shop_paused")


def gateway_context() -> dict[str, str | bool]:
    config = razorpay_config()
    if config.sandbox:
        # The sandbox opens its page in a pop-up; if the browser blocks it, the page posts the
        # signed result back to `pages:pay-return` instead (`callback` on).
        return {"checkout_js": reverse("razorpay-sandbox-checkout-js"), "callback": True, "sandbox": True}
    return {"checkout_js": RAZORPAY_CHECKOUT_JS, "callback": False, "sandbox": False}


# --- pickup times as chips, by day -------------------------------------------------------------------


@dataclass(frozen=True)
class SlotChip:
    slot: Slot
    state: str  # "open", "few", "full" or "paused" (the shop takes no orders until later)

    @property
    def ready_at(self) -> datetime:
        return self.slot.starts_at  # the slot's start until the kitchen's estimate is known

    @property
    def can_choose(self) -> bool:
        return self.state in ("open", "few")


@dataclass(frozen=True)
class SlotDay:
    label: str  # "Today", "Tomorrow" or the weekday with its date
    chips: list[SlotChip]


def _slot_state(slot: Slot, *, paused: bool) -> str:
    units = slot.remaining_units  # None: the slot counts orders only
    if slot.remaining <= 0 or units == 0:
        return "full"
    if paused:
        return "paused"
    return "few" if slot.remaining <= FEW_LEFT else "open"


def _day_label(day: date, *, today: date) -> str:
    if day == today:
        return _("Today")
    if (day - today).days == 1:
        return _("Tomorrow")
    return date_format(day, "l j M")  # "Monday 7 Dec", the weekday and month in the page's language


def slot_days(slots: list[Slot], *, shop: Shop, now: datetime | None = None) -> list[SlotDay]:
    """The slots (in time order) grouped by their campus day, each with its state."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    paused = shop.paused_until_now(now) is not None
    days: list[SlotDay] = []
    for slot in slots:
        label = _day_label(timezone.localdate(slot.starts_at), today=today)
        if not days or days[-1].label != label:
            days.append(SlotDay(label=label, chips=[]))
        days[-1].chips.append(SlotChip(slot=slot, state=_slot_state(slot, paused=paused)))
    return days


def slot_to_choose(days: list[SlotDay], *, wanted: int | None) -> int | None:
    """The slot chosen on the page: the one asked for while it can still be chosen, else the next open one."""
    choosable = [chip.slot.pk for day in days for chip in day.chips if chip.can_choose]
    if wanted in choosable:
        return wanted
    return choosable[0] if choosable else None


# --- where a refusal is shown ------------------------------------------------------------------------


def refusal_places(exc: ApplicationError, *, item_names: dict[int, str]) -> dict[str, str]:
    """{where: message} for a service's refusal of an order (see the module's docstring)."""
    message = plain_error(exc, item_names=item_names)
    details = exc.details if isinstance(exc.details, dict) else {}
    if exc.code in _SLOT_CODES or (exc.code == "validation_error" and "slot" in details):
        return {SLOT: message}
    if exc.code == "item_sold_out" and details.get("menu_item") in item_names:
        left = details.get("remaining")
        if isinstance(left, int):
            message = _("Only %(left)s left of %(item)s. Lower the quantity and try again.") % {
                "left": left,
                "item": item_names[details["menu_item"]],
            }
        return {f"item-{details['menu_item']}": message}
    if exc.code == "item_unavailable":
        ids = details["items"] if isinstance(details.get("items"), list) else [details.get("menu_item")]
        known = [pk for pk in ids if isinstance(pk, int) and pk in item_names]
        if len(known) == 1:
            return {f"item-{known[0]}": message}
    return {CART: message}


def form_places(errors: dict[str, list[str]]) -> dict[str, str]:
    """{where: message} for the cart form's own errors (slot, note, and the cart as a whole)."""
    places = {}
    for name, messages_ in errors.items():
        where = CART if name == "__all__" else name if name in (SLOT, NOTE) else CART
        places[where] = " ".join([places[where], *messages_]) if where in places else " ".join(messages_)
    return places


def wants_json(request: HttpRequest) -> bool:
    """The page script asked (it sends `Accept: application/json`; a browser's own form post never does)."""
    return request.headers.get("Accept", "").split(",")[0].strip() == "application/json"


def refusal_json(*, code: str, places: dict[str, str], status: int) -> JsonResponse:
    """The API's error envelope; `details` holds each message under the place it belongs."""
    first = next(iter(places.values()), _("Please check your order."))
    details = {where: [message] for where, message in places.items()}
    return JsonResponse({"error": {"code": code, "message": first, "details": details}}, status=status)


def placed_json(order: Order, *, shop_name: str) -> JsonResponse:
    """What the page script needs to pay for the order it just placed."""
    return JsonResponse(
        {
            "order": {
                "id": order.pk,
                "url": reverse("pages:order", args=[order.pk]),
                "pay_url": reverse("order-pay", args=[order.pk]),
                "total_paise": order.total_paise,
                "description": pay_description(order, shop_name=shop_name),
                "payment_due_by": timezone.localtime(order.payment_due_by).isoformat(),
            }
        },
        status=201,
    )


def pay_description(order: Order, *, shop_name: str) -> str:
    return _("Order #%(id)s at %(shop)s") % {"id": order.pk, "shop": shop_name}


# --- the student's own order ------------------------------------------------------------------------------------


def _order_for(request: HttpRequest, order_id: int) -> Order:
    try:
        return ordering_selectors.order_get_for(user=request.user, order_id=order_id)
    except NotFound:
        raise Http404("No such order.") from None


# --- the receipt ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Receipt:
    order: Order
    shop_name: str
    gstin: str
    payment_id: str
    method: str
    amount_paise: int
    paid_at: datetime


def receipt_for(request: HttpRequest, order: Order) -> Receipt | None:
    """The receipt of the student's own paid order, or None while nothing paid it."""
    try:
        payment = payment_selectors.payment_receipt_for_order(user=request.user, order_id=order.pk)
    except NotFound:
        return None
    shop = Shop.objects.filter(vendor_id=order.vendor_id).only("name", "gstin").first()
    return Receipt(
        order=order,
        shop_name=shop.name if shop else shop_names([order.vendor_id]).get(order.vendor_id, _("Campus vendor")),
        gstin=shop.gstin if shop else "",
        payment_id=payment.razorpay_payment_id or "",
        method=payment.method_display,
        amount_paise=payment.captured_paise,
        paid_at=payment.captured_at,
    )


@student_required
def receipt(request: HttpRequest, order_id: int) -> HttpResponse:
    """The printable receipt of one of the student's own paid orders; 404 for another's or an unpaid one."""
    order = _order_for(request, order_id)
    found = receipt_for(request, order)
    if found is None:
        raise Http404("No receipt for this order.")
    return render(request, "pages/receipt.html", {"nav": "orders", "order": order, "receipt": found})


# --- the checkout's redirect fallback ------------------------------------------------------------------


@csrf_exempt  # posted by the checkout page, which cannot know our CSRF token; the signature authenticates it
@require_POST
def pay_return(request: HttpRequest) -> HttpResponse:
    """The checkout page posts its signed result here when it could not hand it to the page script.

    Same service as POST /api/v1/payments/verify: only the payer's payment is found
    and the signature is checked against our own Razorpay order id.
    """
    next_url = safe_next(request, request.GET.get("next")) or reverse("pages:orders")
    if is_blocked_visitor(request):
        return blocked_response(request)
    if not request.user.is_authenticated:
        return redirect_to_login(next_url)
    fields = {name: request.POST.get(name, "") for name in _CHECKOUT_FIELDS}
    if not all(fields.values()):
        reason = request.POST.get("error[description]") or _("The payment was not completed.")
        messages.error(request, _("%(reason)s Nothing was charged; you can try again.") % {"reason": reason})
        return redirect(next_url)
    try:
        payments_rate_limit(request, group="verify")
        payment_services.payment_verify(user=request.user, **fields)
    except ApplicationError as exc:
        messages.error(request, plain_error(exc))
    else:
        messages.success(request, _("Payment received. Thank you!"))
    return redirect(next_url)
