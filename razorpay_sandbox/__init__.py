"""A development stand-in for the parts of Razorpay this project uses.

An app of its own, installed and mounted (under /api/v1/sandbox/razorpay/) only when
`RAZORPAY_SANDBOX_INSTALLED` (default: `RAZORPAY_SANDBOX`), and answering only while
`payments.conf.sandbox_enabled()`: the embedded mode (`DEBUG` on, no Razorpay keys) and
tests that switch it on. The SDK reaches it at the origin of the request being served
(`middleware.py`), or at `RAZORPAY_SANDBOX_BASE_URL` when that is set.
It speaks Razorpay's API to the real `razorpay` SDK (orders, an order's payments,
payments, refunds, with Basic auth checked), serves a checkout page where a person
clicks "Pay" or "Fail", hands the signed result back to the calling page, and
sends signed webhooks to our webhook URL, as Razorpay would. Its state lives in
the Django cache, so it works across processes (Redis) as well as in one (locmem).
"""
