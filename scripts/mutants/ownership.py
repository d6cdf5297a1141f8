"""Mutants: one user never reaches another's orders, slots or payments."""

from __future__ import annotations

PAY_CAPTURE = "payments/services/capture.py"
ORDERING_LOCKS = "ordering/locks.py"

MUTANTS: list[dict] = [
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
        "file": ORDERING_LOCKS,
        "function": "slot_lock",
        "find": "select_for_update().filter(pk=slot_id, vendor_id=vendor_id, is_deleted=False)",
        "replace": "select_for_update().filter(pk=slot_id, is_deleted=False)",
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
        "file": PAY_CAPTURE,
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
]
