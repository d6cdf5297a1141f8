"""What the page script needs to take a payment: which checkout.js to load.

Razorpay's own `checkout.js` when real keys are configured; the development
sandbox's stand-in (same `new Razorpay(options).open()` surface) otherwise,
as `payments.conf` decides.
"""

from __future__ import annotations

from django.urls import reverse

from payments.conf import razorpay_config

RAZORPAY_CHECKOUT_JS = "https://checkout.razorpay.com/v1/checkout.js"


def gateway_context() -> dict[str, str | bool]:
    config = razorpay_config()
    if config.sandbox:
        # The sandbox opens its page in a pop-up; if the browser blocks it, the page posts the
        # signed result back to `pages:pay-return` instead (`callback` on).
        return {"checkout_js": reverse("razorpay-sandbox-checkout-js"), "callback": True, "sandbox": True}
    return {"checkout_js": RAZORPAY_CHECKOUT_JS, "callback": False, "sandbox": False}
