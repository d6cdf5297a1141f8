"""Mutants: print shops (issue 21) — per-page colour pricing, ranges, finishing, release codes, previews."""

from __future__ import annotations

ANALYSIS_TESTS = "stationery/tests/test_print_analysis.py"
API_TESTS = "stationery/tests/test_api_print_shops.py"

MUTANTS: list[dict] = [
    {
        "id": "print-colour-page-as-bw",
        "file": "stationery/pricing.py",
        "function": "estimate_for",
        "find": "in_colour * (service.colour_price_paise or 0)",
        "replace": "in_colour * service.price_paise",
        "tests": [ANALYSIS_TESTS, API_TESTS],
        "k": "estimate",
        "why": "a colour page is charged at the black-and-white price",
    },
    {
        "id": "print-range-off-by-one",
        "file": "stationery/pages.py",
        "function": "page_range_parse",
        "find": "selected.update(range(first, last + 1))",
        "replace": "selected.update(range(first, last))",
        "tests": [ANALYSIS_TESTS],
        "k": "range",
        "why": "a range 12-40 leaves out page 40",
    },
    {
        "id": "print-finishing-ignores-copies",
        "file": "stationery/pricing.py",
        "function": "estimate_for",
        "find": "finishing_paise = sum(extra.price_paise for extra in finishing) * copies",
        "replace": "finishing_paise = sum(extra.price_paise for extra in finishing)",
        "tests": [ANALYSIS_TESTS, API_TESTS],
        "k": "estimate",
        "why": "three bound copies are charged one binding",
    },
    {
        "id": "print-release-code-unchecked",
        "file": "stationery/jobs.py",
        "function": "pickup_code_check",
        "find": "if not pickup_code_matches(given=given, expected=job.pickup_code):",
        "replace": "if False:",
        "tests": [API_TESTS],
        "k": "code",
        "why": "the vendor completes a paid print job without the student's code",
    },
    {
        "id": "print-preview-any-job",
        "file": "stationery/api.py",
        "function": "page_preview",
        "find": "job = selectors.print_job_get_for(user=request.user, job_id=pk)",
        "replace": "job = PrintJob.objects.get(pk=pk)",
        "tests": [API_TESTS],
        "k": "previews",
        "why": "anyone signed in can see the pages of another student's document",
    },
    {
        "id": "texts-print-payment-received-missing",
        "file": "stationery/services/lifecycle.py",
        "function": "print_job_mark_paid",
        "find": "    notifications.print_job_payment_received(job=job)\n",
        "replace": "",
        "tests": ["stationery/tests/test_notifications.py"],
        "k": "payment_received",
        "why": "a paid print job's student never gets the text with the pickup code",
    },
    {
        "id": "texts-order-payment-received-missing",
        "file": "ordering/services/lifecycle.py",
        "function": "order_mark_paid",
        "find": "        notifications.order_payment_received(order=paid)\n",
        "replace": "",
        "tests": ["ordering/tests/test_notifications.py"],
        "k": "payment_received",
        "why": "a student who paid for food is never told the payment arrived",
    },
]
