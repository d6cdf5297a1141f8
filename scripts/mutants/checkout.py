"""Mutants: the food checkout of issue 22. A pickup time is required and refusals are said where
they belong; ordering again and the receipt are the student's own; the receipt's GST line and
payment method come from the shop and the capture; only the capture that paid has a receipt."""

from __future__ import annotations

MUTANTS: list[dict] = [
    {
        "id": "checkout-slot-not-required",
        "file": "pages/forms.py",
        "function": "<module: OrderForm.slot>",
        "find": "slot = forms.IntegerField(min_value=1, error_messages=",
        "replace": "slot = forms.IntegerField(min_value=1, required=False, error_messages=",
        "tests": ["pages/tests/test_checkout.py"],
        "k": "without_a_slot",
        "why": "a cart sent without a pickup time reaches the service instead of being asked for one beside the times",
    },
    {
        "id": "checkout-slot-refusal-beside-the-cart",
        "file": "pages/views/checkout.py",
        "function": "refusal_places",
        "find": "if exc.code in _SLOT_CODES or",
        "replace": "if exc.code in () or",
        "tests": ["pages/tests/test_checkout.py"],
        "k": "slot_that_filled",
        "why": "a pickup time that filled up is said beside the pay button, far from the times to choose again",
    },
    {
        "id": "checkout-pay-enabled-without-slot",
        "file": "static/pages/site.js",
        "function": "<module: cart render>",
        "find": 'submit.disabled = count === 0 || !orderForm.querySelector("input[name=slot]:checked");',
        "replace": "submit.disabled = count === 0;",
        "tests": ["pages/tests/test_browser.py"],
        "k": "full_slot",
        "why": "Pay can be pressed with no pickup time chosen",
    },
    {
        "id": "own-receipt-any-payer",
        "file": "payments/selectors.py",
        "function": "payment_receipt_for_order",
        "find": "            payer=user,\n            order_id=order_id,",
        "replace": "            order_id=order_id,",
        "tests": ["pages/tests/test_checkout.py"],
        "k": "payer",
        "why": "a receipt (payment id, amount) is found for an order someone else paid",
    },
    {
        "id": "money-receipt-for-a-refunded-late-capture",
        "file": "payments/selectors.py",
        "function": "payment_receipt_for_order",
        "find": '            order__paid_at__isnull=False,\n            captured_at__lte=F("order__paid_at"),\n',
        "replace": "",
        "tests": ["pages/tests/test_checkout.py"],
        "k": "late_capture",
        "why": "a capture that came too late and was refunded shows 'Payment received' and a receipt",
    },
    {
        "id": "checkout-receipt-without-gstin",
        "file": "pages/views/checkout.py",
        "function": "receipt_for",
        "find": 'gstin=shop.gstin if shop else "",',
        "replace": 'gstin="",',
        "tests": ["pages/tests/test_checkout.py"],
        "k": "gstin_line",
        "why": "a shop's GSTIN never reaches its receipts",
    },
    {
        "id": "checkout-any-payment-method-stored",
        "file": "payments/services/capture.py",
        "function": "payment_capture",
        "find": 'payment.method = method if method in PAYMENT_METHODS else ""',
        "replace": 'payment.method = str(method or "")[:20]',
        "tests": ["pages/tests/test_checkout.py"],
        "k": "payment_method",
        "why": "whatever a webhook body says the method is ends up printed on the student's receipt",
    },
]
