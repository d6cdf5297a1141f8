"""The mutation gate's list: small, plausible bugs in the rules that matter, each with the tests
that must notice it. `make mutate` (scripts/mutate.py) applies them one at a time to a copy of the
tree and fails if any survives, or if any anchor no longer occurs exactly once in its function.

Each mutant:
    id        short stable name, prefixed by area (money-, cap-, own-, otp-)
    file      path from the repository root
    function  the function (or method) the anchor must lie in
    find      exact source text; must occur exactly once in the file, inside `function`
    replace   what it becomes
    tests     pytest paths (files or node ids) that must fail with it
    k         optional -k expression narrowing those tests
    why       one line: the bug, in the campus's words

When a new rule is written, add its mutants here (see docs/testing.md).
"""

from __future__ import annotations

PAY = "payments/services.py"
GATEWAY = "payments/gateway.py"
ORDERING = "ordering/services.py"
OTP = "accounts/otp.py"

MUTANTS: list[dict] = [
    # --- money: fee split, capture amounts, refunds, ledger balance -------------------------------
    {
        "id": "money-fee-rounds-up",
        "file": PAY,
        "function": "platform_fee",
        "find": "pro_rata(amount_paise, part=bps, whole=10000)",
        "replace": "-pro_rata(-amount_paise, part=bps, whole=10000)",
        "tests": ["payments/tests/test_refund_fees.py"],
        "why": "the platform fee is rounded up instead of down",
    },
    {
        "id": "money-fee-ignored",
        "file": PAY,
        "function": "platform_fee",
        "find": 'bps = int(getattr(settings, "PLATFORM_FEE_BPS", 0))',
        "replace": "bps = 0",
        "tests": ["payments/tests/test_api_pay.py"],
        "k": "platform_fee",
        "why": "PLATFORM_FEE_BPS is never applied",
    },
    {
        "id": "money-capture-vendor-gets-fee",
        "file": PAY,
        "function": "_ledger_capture",
        "find": "(chart.vendor_pending(vendor_id), -(amount - fee)),",
        "replace": "(chart.vendor_pending(vendor_id), -amount),",
        "tests": ["payments/tests/test_refund_fees.py", "payments/tests/test_api_pay.py"],
        "k": "fee",
        "why": "the capture credits the vendor with the whole amount, fee included",
    },
    {
        "id": "money-refund-keeps-fee",
        "file": PAY,
        "function": "_ledger_refund",
        "find": "vendor_part = vendor_after - vendor_before",
        "replace": "vendor_part = refund.amount_paise",
        "tests": ["payments/tests/test_refund_fees.py"],
        "why": "a refund takes everything from the vendor and never gives the platform fee back",
    },
    {
        "id": "money-refund-split-rounding",
        "file": PAY,
        "function": "_ledger_refund",
        "find": "vendor_after = pro_rata(share, part=refunded_before + refund.amount_paise, whole=captured)",
        "replace": "vendor_after = vendor_before + pro_rata(share, part=refund.amount_paise, whole=captured)",
        "tests": ["payments/tests/test_refund_fees.py"],
        "why": "each refund's share is rounded on its own, so a full refund leaves paise behind",
    },
    {
        "id": "money-refund-over-captured",
        "file": PAY,
        "function": "_refund_reserve",
        "find": "if amount_paise > payment.refundable_paise:",
        "replace": "if amount_paise > payment.captured_paise:",
        "tests": ["payments/tests/test_refunds.py"],
        "k": "third_is_409 or over_the_refundable",
        "why": "refunds are checked against the capture, not what is left to refund",
    },
    {
        "id": "money-refund-zero",
        "file": PAY,
        "function": "_refund_reserve",
        "find": "if not is_paise(amount_paise):\n        raise ValidationFailed(details={\"amount_paise\"",
        "replace": "if not is_paise(amount_paise, minimum=0):\n        raise ValidationFailed(details={\"amount_paise\"",  # noqa: E501
        "tests": ["payments/tests/test_refund_fees.py"],
        "k": "no_paise",
        "why": "a refund of 0 paise is accepted",
    },
    {
        "id": "money-refund-unlocked",
        "file": PAY,
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
        "file": PAY,
        "function": "_status_for_amounts",
        "find": "if payment.refunded_paise >= payment.captured_paise:",
        "replace": "if payment.refunded_paise > payment.captured_paise:",
        "tests": ["payments/tests/test_refunds.py", "payments/tests/test_refund_fees.py"],
        "why": "a fully refunded payment stays partially_refunded",
    },
    {
        "id": "money-overpayment-accepted",
        "file": PAY,
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
        "file": PAY,
        "function": "_capture_problem",
        "find": "if currency != payment.currency:",
        "replace": "if False:",
        "tests": ["payments/tests/test_webhooks.py"],
        "k": "currency",
        "why": "a capture in another currency pays the order",
    },
    {
        "id": "money-captured-amount-assumed",
        "file": PAY,
        "function": "payment_capture",
        "find": "payment.captured_paise = amount_paise",
        "replace": "payment.captured_paise = payment.amount_paise",
        "tests": ["payments/tests/test_webhooks.py"],
        "k": "flagged",
        "why": "the captured amount recorded is what we asked for, not what Razorpay captured",
    },
    {
        "id": "money-capture-twice",
        "file": PAY,
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
        "file": PAY,
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
        "file": PAY,
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
    # --- capacity: slot reserve, capacity change --------------------------------------------------
    {
        "id": "cap-reserve-past-capacity",
        "file": ORDERING,
        "function": "_slot_reserve",
        "find": 'reserved__lt=F("capacity"),',
        "replace": 'reserved__lte=F("capacity"),',
        "tests": ["ordering/tests/test_services.py"],
        "k": "full_slot",
        "why": "a full slot takes one more order",
    },
    {
        "id": "cap-reserve-ignores-cutoff",
        "file": ORDERING,
        "function": "_slot_reserve",
        "find": "starts_at__gt=cutoff,\n        reserved__lt",
        "replace": "reserved__lt",
        "tests": ["ordering/tests/test_services.py"],
        "k": "closed_slots",
        "why": "a slot past the order cut-off still takes orders",
    },
    {
        "id": "cap-reserve-ignores-inactive",
        "file": ORDERING,
        "function": "_slot_reserve",
        "find": "        is_active=True,\n        is_deleted=False,\n        starts_at__gt=cutoff,",
        "replace": "        is_deleted=False,\n        starts_at__gt=cutoff,",
        "tests": ["ordering/tests/test_services.py"],
        "k": "closed_slots",
        "why": "an inactive slot still takes orders",
    },
    {
        "id": "cap-shrink-below-reserved",
        "file": ORDERING,
        "function": "slot_update",
        "find": 'if "capacity" in changed and locked.capacity < locked.reserved:',
        "replace": 'if "capacity" in changed and locked.capacity < locked.reserved - 1:',
        "tests": ["ordering/tests/test_services.py"],
        "k": "capacity_cannot_drop",
        "why": "capacity may drop one below the places already taken",
    },
    {
        "id": "cap-move-with-orders",
        "file": ORDERING,
        "function": "slot_update",
        "find": 'if {"starts_at", "ends_at"} & set(changed) and _slot_has_live_orders(locked):',
        "replace": 'if {"starts_at"} & set(changed) and _slot_has_live_orders(locked):',
        "tests": ["ordering/tests/test_services.py", "ordering/tests/test_api.py"],
        "k": "cannot_move",
        "why": "changing only the end of a slot with live orders is allowed",
    },
    {
        "id": "cap-update-unlocked",
        "file": ORDERING,
        "function": "slot_update",
        "find": (
            "    locked = Slot.objects.select_for_update().filter(pk=slot.pk, vendor_id=vendor.pk, is_deleted=False)"
            '.first()\n    if locked is None:\n        raise NotFound("No such slot.")\n    changed'
        ),
        "replace": (
            "    locked = Slot.objects.filter(pk=slot.pk, vendor_id=vendor.pk, is_deleted=False)"
            '.first()\n    if locked is None:\n        raise NotFound("No such slot.")\n    changed'
        ),
        "tests": ["ordering/tests/test_concurrency.py"],
        "k": "being_placed",
        "why": "slot_update drops its row lock; a slot is moved while an order for it is placed",
    },
    {
        "id": "cap-order-total-ignores-quantity",
        "file": ORDERING,
        "function": "order_place",
        "find": "total_paise=sum(item.line_total_paise for item in items),",
        "replace": "total_paise=sum(item.unit_price_paise for item in items),",
        "tests": ["ordering/tests/test_services.py"],
        "k": "prices_come_from_the_menu",
        "why": "the stored total ignores quantities",
    },
    {
        "id": "cap-release-negative",
        "file": ORDERING,
        "function": "_slot_release",
        "find": "released = Slot.objects.filter(pk=slot_id, reserved__gt=0).update(",
        "replace": "released = Slot.objects.filter(pk=slot_id).update(",
        "tests": ["ordering/tests/test_services.py"],
        "k": "below_zero",
        "why": "a place is given back when none is taken (reserved goes negative)",
    },
    # --- ownership: selectors and lookups scoped by user ------------------------------------------
    {
        "id": "own-student-sees-all-orders",
        "file": "ordering/selectors.py",
        "function": "order_list_for",
        "find": "orders = Order.objects.filter(student_id=user.pk)",
        "replace": "orders = Order.objects.all()",
        "tests": ["ordering/tests/test_selectors.py", "ordering/tests/test_api.py"],
        "why": "a student's order list includes other students' orders",
    },
    {
        "id": "own-vendor-sees-all-orders",
        "file": "ordering/selectors.py",
        "function": "order_list_for",
        "find": "orders = Order.objects.filter(vendor_id=user.pk)",
        "replace": "orders = Order.objects.all()",
        "tests": ["ordering/tests/test_selectors.py", "ordering/tests/test_api.py"],
        "why": "a vendor's order list includes other shops' orders",
    },
    {
        "id": "own-prep-sheet-any-slot",
        "file": "ordering/selectors.py",
        "function": "slot_prep_sheet",
        "find": "if not Slot.objects.filter(pk=slot_id, vendor_id=vendor.pk, is_deleted=False).exists():",
        "replace": "if not Slot.objects.filter(pk=slot_id, is_deleted=False).exists():",
        "tests": ["ordering/tests/test_selectors.py", "ordering/tests/test_api.py", "tests/test_authz_matrix.py"],
        "why": "a vendor can read another vendor's prep sheet (an empty one instead of 404)",
    },
    {
        "id": "own-slot-update-any-vendor",
        "file": ORDERING,
        "function": "slot_update",
        "find": (
            "filter(pk=slot.pk, vendor_id=vendor.pk, is_deleted=False)"
            '.first()\n    if locked is None:\n        raise NotFound("No such slot.")\n    changed'
        ),
        "replace": (
            "filter(pk=slot.pk, is_deleted=False).first()\n"
            '    if locked is None:\n        raise NotFound("No such slot.")\n    changed'
        ),
        "tests": ["ordering/tests/test_services.py"],
        "k": "another_vendors_slot",
        "why": "a vendor can change another vendor's slot",
    },
    {
        "id": "own-payments-of-everyone",
        "file": "payments/selectors.py",
        "function": "payment_list_for",
        "find": "return payments.filter(payer=user)",
        "replace": "return payments",
        "tests": ["payments/tests/test_api_read.py"],
        "why": "a student sees other students' payments",
    },
    {
        "id": "own-verify-any-payer",
        "file": PAY,
        "function": "payment_verify",
        "find": "payment = Payment.objects.filter(payer=user, razorpay_order_id=razorpay_order_id).first()",
        "replace": "payment = Payment.objects.filter(razorpay_order_id=razorpay_order_id).first()",
        "tests": ["payments/tests/test_verify.py"],
        "k": "another_students",
        "why": "anyone may verify (and learn about) another student's payment",
    },
    {
        "id": "own-pay-any-order",
        "file": "ordering/payable.py",
        "function": "<module: ORDER_PAYABLE>",
        "find": "queryset_for_payer=lambda user: Order.objects.filter(student=user),",
        "replace": "queryset_for_payer=lambda user: Order.objects.all(),",
        "tests": ["payments/tests/test_api_pay.py"],
        "k": "someone_elses",
        "why": "a student can open a payment for someone else's order",
    },
    # --- sign-in: OTP compare, attempts, expiry, rate-limit keys ----------------------------------
    {
        "id": "otp-compare-ignores-code",
        "file": OTP,
        "function": "check",
        "find": 'if not constant_time_compare(_mac(phone, nonce, code), record["mac"]):',
        "replace": 'if not constant_time_compare(record["mac"], record["mac"]):',
        "tests": ["accounts/tests/test_otp.py"],
        "why": "any code signs in",
    },
    {
        "id": "otp-compare-not-constant-time",
        "file": OTP,
        "function": "check",
        "find": 'if not constant_time_compare(_mac(phone, nonce, code), record["mac"]):',
        "replace": 'if not _mac(phone, nonce, code) == record["mac"]:',
        "tests": ["accounts/tests/test_otp.py"],
        "k": "constant_time",
        "why": "the code's MAC is compared with ==, leaking timing",
    },
    {
        "id": "otp-mac-without-phone",
        "file": OTP,
        "function": "_mac",
        "find": 'f"{phone}|{nonce}|{code}"',
        "replace": 'f"{nonce}|{code}"',
        "tests": ["accounts/tests/test_otp.py"],
        "k": "keyed_hash",
        "why": "the stored MAC does not bind the phone",
    },
    {
        "id": "otp-one-attempt-too-many",
        "file": OTP,
        "function": "check",
        "find": "max_attempts = int(settings.OTP_MAX_ATTEMPTS)",
        "replace": "max_attempts = int(settings.OTP_MAX_ATTEMPTS) + 1",
        "tests": ["accounts/tests/test_otp.py"],
        "k": "wrong_codes",
        "why": "a sixth guess is allowed",
    },
    {
        "id": "otp-expiry-off-by-one",
        "file": OTP,
        "function": "check",
        "find": 'if clock() >= record["expires_at"]:',
        "replace": 'if clock() > record["expires_at"]:',
        "tests": ["accounts/tests/test_otp.py"],
        "k": "expire",
        "why": "a code still works at the very second it expires",
    },
    {
        "id": "otp-expiry-ignored",
        "file": OTP,
        "function": "check",
        "find": 'if clock() >= record["expires_at"]:',
        "replace": "if False:",
        "tests": ["accounts/tests/test_otp.py"],
        "k": "expired",
        "why": "expiry is left to the cache TTL alone",
    },
    {
        "id": "otp-resend-no-cool-down",
        "file": OTP,
        "function": "resend_wait",
        "find": "if cache.add(_resend_key(phone), now + cool_down, timeout=cool_down):\n        return 0\n    until",
        "replace": "if True:\n        return 0\n    until",
        "tests": ["accounts/tests/test_otp.py"],
        "k": "cool_down",
        "why": "codes can be re-sent without waiting",
    },
    {
        "id": "otp-page-limit-raw-phone",
        "file": "pages/views/sign_in.py",
        "function": "_otp_phone_step",
        "find": "otp_limits.enforce_otp_request_limits_by_phone(request, phone=phone)",
        "replace": 'otp_limits.enforce_otp_request_limits_by_phone(request, phone=request.POST.get("phone", ""))',
        "tests": ["pages/tests/test_views.py"],
        "k": "per_phone",
        "why": "the sign-in page's per-phone limit is keyed on the raw text typed",
    },
    {
        "id": "otp-api-limit-raw-phone",
        "file": "accounts/api.py",
        "function": "OtpRequestView.post",
        "find": "limits.enforce_otp_request_limits_by_phone(request, phone=phone)",
        "replace": 'limits.enforce_otp_request_limits_by_phone(request, phone=str(request.data.get("phone")))',
        "tests": ["pages/tests/test_views.py", "accounts/tests/test_ratelimits.py"],
        "k": "per_phone or phone",
        "why": "the API's per-phone limit is keyed on the raw text sent",
    },
    {
        "id": "otp-limit-never-enforced",
        "file": "core/limits.py",
        "function": "enforce",
        "find": "    if not over:\n        return",
        "replace": "    if True:\n        return",
        "tests": ["accounts/tests/test_ratelimits.py"],
        "why": "rate limits count but never refuse",
    },
]
