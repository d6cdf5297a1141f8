"""Mutants: what only the engineer on call may see, and what the alerts and error reports say (issue 26)."""

from __future__ import annotations

METRICS = "core/metrics.py"
STATUS = "campus/status.py"
SENTRY = "core/sentry.py"
TESTS = "tests/oncall"

MUTANTS: list[dict] = [
    {
        "id": "ops-metrics-open-to-all",
        "file": METRICS,
        "function": "metrics_view",
        "find": "if not _allowed(client_ip(request)):",
        "replace": "if False:",
        "tests": [f"{TESTS}/test_metrics.py"],
        "k": "not_allowed",
        "why": "/metrics answers anyone, not only METRICS_ALLOWED_IPS",
    },
    {
        "id": "ops-metrics-believes-forwarded-for",
        "file": METRICS,
        "function": "metrics_view",
        "find": "if not _allowed(client_ip(request)):",
        "replace": 'if not _allowed(request.headers.get("X-Forwarded-For") or request.META["REMOTE_ADDR"]):',
        "tests": [f"{TESTS}/test_metrics.py"],
        "k": "forwarded_for",
        "why": "/metrics believes a caller's own X-Forwarded-For, so anyone can claim an allowed address",
    },
    {
        "id": "ops-status-without-permission",
        "file": STATUS,
        "function": "_can_see",
        "find": " and user.has_perm(STATUS_PAGE_PERMISSION)",
        "replace": "",
        "tests": [f"{TESTS}/test_status_page.py"],
        "k": "refused",
        "why": "any staff account sees the status page, without the permission",
    },
    {
        "id": "ops-alert-at-the-threshold",
        "file": STATUS,
        "function": "Check.alert",
        "find": "self.value > self.threshold",
        "replace": "self.value >= self.threshold",
        "tests": [f"{TESTS}/test_status_page.py"],
        "k": "quiet or refund",
        "why": "a number exactly at its threshold raises the alert (no failed refund reads as one)",
    },
    {
        "id": "ops-sentry-unscrubbed",
        "file": SENTRY,
        "function": "before_send",
        "find": "value if key in _SDK_FIELDS else scrub(value)",
        "replace": "value",
        "tests": [f"{TESTS}/test_sentry.py"],
        "k": "request_id or celery",
        "why": "error reports reach Sentry with phones, codes and file names in them",
    },
]
