"""Checkout on the pages: which checkout.js the page script loads, and the checkout's redirect fallback.

Paying happens in the browser (`site.js`): the page script calls the JSON API (the
payable's `pay` endpoint, then `payments/verify`) with the session and the CSRF token.
Razorpay's own `checkout.js` is loaded when real keys are configured; the development
sandbox's stand-in (same `new Razorpay(options).open()` surface) otherwise, as
`payments.conf` decides.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.errors import ApplicationError
from payments import services as payment_services
from payments.api import rate_limit as payments_rate_limit
from payments.conf import razorpay_config

from ..access import blocked_response, is_blocked_visitor
from ..errors import plain_error
from .common import safe_next

RAZORPAY_CHECKOUT_JS = "https://checkout.razorpay.com/v1/checkout.js"
_CHECKOUT_FIELDS = ("razorpay_order_id", "razorpay_payment_id", "razorpay_signature")


def gateway_context() -> dict[str, str | bool]:
    config = razorpay_config()
    if config.sandbox:
        # The sandbox opens its page in a pop-up; if the browser blocks it, the page posts the
        # signed result back to `pages:pay-return` instead (`callback` on).
        return {"checkout_js": reverse("razorpay-sandbox-checkout-js"), "callback": True, "sandbox": True}
    return {"checkout_js": RAZORPAY_CHECKOUT_JS, "callback": False, "sandbox": False}


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
        reason = request.POST.get("error[description]") or "The payment was not completed."
        messages.error(request, f"{reason} Nothing was charged; you can try again.")
        return redirect(next_url)
    try:
        payments_rate_limit(request, group="verify")
        payment_services.payment_verify(user=request.user, **fields)
    except ApplicationError as exc:
        messages.error(request, plain_error(exc))
    else:
        messages.success(request, "Payment received. Thank you!")
    return redirect(next_url)
