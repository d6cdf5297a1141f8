"""Mutants: fee split, capture amounts, refunds, ledger balance, signatures."""

from __future__ import annotations

PAY_CORE = "payments/services/core.py"
PAY_POSTINGS = "payments/services/postings.py"
PAY_OPENING = "payments/services/opening.py"
PAY_CAPTURE = "payments/services/capture.py"
PAY_REFUNDS = "payments/services/refunds.py"
GATEWAY = "payments/gateway.py"

MUTANTS: list[dict] = [
    {
        "id": "money-fee-rounds-up",
        "file": PAY_CORE,
        "function": "platform_fee",
        "find": "pro_rata(amount_paise, part=bps, whole=10000)",
        "replace": "-pro_rata(-amount_paise, part=bps, whole=10000)",
        "tests": ["payments/tests/test_refund_fees.py"],
        "why": "the platform fee is rounded up instead of down",
    },
    {
        "id": "money-fee-ignored",
        "file": PAY_CORE,
        "function": "platform_fee",
        "find": 'bps = int(getattr(settings, "PLATFORM_FEE_BPS", 0))',
        "replace": "bps = 0",
        "tests": ["payments/tests/test_api_pay.py"],
        "k": "platform_fee",
        "why": "PLATFORM_FEE_BPS is never applied",
    },
    {
        "id": "money-capture-vendor-gets-fee",
        "file": PAY_POSTINGS,
        "function": "_ledger_capture",
        "find": "(chart.vendor_pending(vendor_id), -(amount - fee)),",
        "replace": "(chart.vendor_pending(vendor_id), -amount),",
        "tests": ["payments/tests/test_refund_fees.py", "payments/tests/test_api_pay.py"],
        "k": "fee",
        "why": "the capture credits the vendor with the whole amount, fee included",
    },
    {
        "id": "money-refund-keeps-fee",
        "file": PAY_POSTINGS,
        "function": "_ledger_refund",
        "find": "vendor_part = vendor_after - vendor_before",
        "replace": "vendor_part = refund.amount_paise",
        "tests": ["payments/tests/test_refund_fees.py"],
        "why": "a refund takes everything from the vendor and never gives the platform fee back",
    },
    {
        "id": "money-refund-split-rounding",
        "file": PAY_POSTINGS,
        "function": "_ledger_refund",
        "find": "vendor_after = pro_rata(share, part=refunded_before + refund.amount_paise, whole=captured)",
        "replace": "vendor_after = vendor_before + pro_rata(share, part=refund.amount_paise, whole=captured)",
        "tests": ["payments/tests/test_refund_fees.py"],
        "why": "each refund's share is rounded on its own, so a full refund leaves paise behind",
    },
    {
        "id": "money-refund-over-captured",
        "file": PAY_REFUNDS,
        "function": "_refund_reserve",
        "find": "if amount_paise > payment.refundable_paise:",
        "replace": "if amount_paise > payment.captured_paise:",
        "tests": ["payments/tests/test_refunds.py"],
        "k": "third_is_409 or over_the_refundable",
        "why": "refunds are checked against the capture, not what is left to refund",
    },
    {
        "id": "money-refund-zero",
        "file": PAY_REFUNDS,
        "function": "_refund_reserve",
        "find": "if not is_paise(amount_paise):\n        raise ValidationFailed(details={\"amount_paise\"",
        "replace": "if not is_paise(amount_paise, minimum=0):\n        raise ValidationFailed(details={\"amount_paise\"",  # noqa: E501
        "tests": ["payments/tests/test_refund_fees.py"],
        "k": "no_paise",
        "why": "a refund of 0 paise is accepted",
    },
    {
        "id": "money-refund-unlocked",
        "file": PAY_REFUNDS,
        "function": "payment_refund",
        "find": (
            "completion.\n        obj = _payable_lock(payable_type, object_id)\n"
            "        payment = _payment_lock(found.pk)"
        ),
        "replace": (
            "completion.\n        obj = found.order or found.print_job\n"
            "        payment = Payment.objects.get(pk=found.pk)"
        ),
        "tests": ["payments/tests/test_concurrency.py"],
        "k": "staff_refunds_at_once",
        "why": "the staff refund takes neither the payable's nor the payment's row lock; two at once over-refund",
    },
    {
        "id": "money-refunded-status",
        "file": PAY_CORE,
        "function": "_status_for_amounts",
        "find": "if payment.refunded_paise >= payment.captured_paise:",
        "replace": "if payment.refunded_paise > payment.captured_paise:",
        "tests": ["payments/tests/test_refunds.py", "payments/tests/test_refund_fees.py"],
        "why": "a fully refunded payment stays partially_refunded",
    },
    {
        "id": "money-overpayment-accepted",
        "file": PAY_CAPTURE,
        "function": "_capture_problem",
        "find": (
            "    if amount_paise != payment.amount_paise:\n"
            '        return f"Captured {amount_paise} paise, expected {payment.amount_paise}."\n'
            "    if amount_paise != payable_type.amount_paise(obj):"
        ),
        "replace": (
            "    if amount_paise < payment.amount_paise:\n"
            '        return f"Captured {amount_paise} paise, expected {payment.amount_paise}."\n'
            "    if amount_paise < payable_type.amount_paise(obj):"
        ),
        "tests": ["payments/tests/test_webhooks.py"],
        "k": "overpaid",
        "why": "only an underpaid capture is refused; paying too much pays the order",
    },
    {
        "id": "money-currency-ignored",
        "file": PAY_CAPTURE,
        "function": "_capture_problem",
        "find": "if currency != payment.currency:",
        "replace": "if False:",
        "tests": ["payments/tests/test_webhooks.py"],
        "k": "currency",
        "why": "a capture in another currency pays the order",
    },
    {
        "id": "money-captured-amount-assumed",
        "file": PAY_CAPTURE,
        "function": "payment_capture",
        "find": "payment.captured_paise = amount_paise",
        "replace": "payment.captured_paise = payment.amount_paise",
        "tests": ["payments/tests/test_webhooks.py"],
        "k": "flagged",
        "why": "the captured amount recorded is what we asked for, not what Razorpay captured",
    },
    {
        "id": "money-capture-twice",
        "file": PAY_CAPTURE,
        "function": "payment_capture",
        "find": (
            "        if payment.status in Payment.CAPTURED_STATUSES:\n"
            "            if payment.razorpay_payment_id != razorpay_payment_id:"
        ),
        "replace": "        if False:\n            if payment.razorpay_payment_id != razorpay_payment_id:",
        "tests": ["payments/tests/test_webhooks.py"],
        "k": "idempotent or captures_once",
        "why": "a second arrival of the same capture is applied again",
    },
    {
        "id": "money-verify-signature-ignored",
        "file": PAY_CAPTURE,
        "function": "payment_verify",
        "find": "if not gateway.payment_signature_valid(",
        "replace": "if False and gateway.payment_signature_valid(",
        "tests": ["payments/tests/test_verify.py"],
        "k": "signature",
        "why": "the checkout callback's signature is not checked",
    },
    {
        "id": "money-hmac-key-message-swapped",
        "file": GATEWAY,
        "function": "hmac_sha256_hex",
        "find": 'hmac.new(secret.encode("utf-8"), message, hashlib.sha256)',
        "replace": 'hmac.new(message, secret.encode("utf-8"), hashlib.sha256)',
        "tests": ["payments/tests/test_verify.py", "payments/tests/test_webhooks.py"],
        "why": "the HMAC helper swaps key and message (our signatures stop matching Razorpay's)",
    },
    {
        "id": "money-webhook-api-secret",
        "file": GATEWAY,
        "function": "webhook_signature_valid",
        "find": "expected = hmac_sha256_hex(config.webhook_secret, body)",
        "replace": "expected = hmac_sha256_hex(config.key_secret, body)",
        "tests": ["payments/tests/test_webhooks.py"],
        "k": "bad_signatures or captures_once",
        "why": "webhooks are checked with the API key secret instead of the webhook secret",
    },
    {
        "id": "money-checkout-message-order",
        "file": GATEWAY,
        "function": "payment_signature_valid",
        "find": 'expected = hmac_sha256_hex(config.key_secret, f"{razorpay_order_id}|{razorpay_payment_id}")',
        "replace": 'expected = hmac_sha256_hex(config.key_secret, f"{razorpay_payment_id}|{razorpay_order_id}")',
        "tests": ["payments/tests/test_gateway.py"],
        "k": "checkout_signature",
        "why": "the checkout signature is computed over payment|order instead of order|payment",
    },
    {
        "id": "money-superseded-ignored",
        "file": PAY_OPENING,
        "function": "_payment_reserve",
        "find": "elif open_payment.amount_paise != amount or open_payment.payer_id != user.pk:",
        "replace": "elif open_payment.payer_id != user.pk:",
        "tests": ["payments/tests/test_api_pay.py"],
        "k": "supersedes",
        "why": "an open payment for an old amount is handed back after the amount changed",
    },
    {
        "id": "money-ledger-unbalanced",
        "file": "ledger/services.py",
        "function": "_validated",
        "find": "    if total != 0:\n        raise LedgerUnbalanced(",
        "replace": "    if False:\n        raise LedgerUnbalanced(",
        "tests": ["ledger/tests/test_services.py"],
        "why": "a ledger transaction whose entries do not sum to zero is accepted",
    },
    {
        "id": "money-payout-over-balance",
        "file": "ledger/services.py",
        "function": "ledger_payout",
        "find": "if amount_paise > owed:",
        "replace": "if amount_paise > owed + 100:",
        "tests": ["ledger/tests/test_services.py", "ledger/tests/test_api.py"],
        "why": "a payout a little larger than what the vendor is owed goes through",
    },
]
