"""The admin status page (`/admin/status/`): the on-call numbers against their thresholds.

The same snapshot as `/metrics` (`campus.metrics.ops_snapshot`), each number with its
threshold and whether it is crossed; the last reconciliation run and what it changed; the Celery
workers whose heartbeat is under a minute old. Staff only: the admin's own sign-in (password and
SMS code), `is_campus_staff` and STATUS_PAGE_PERMISSION.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache

from .metrics import ops_snapshot

# Both staff groups (Campus operations, Finance) hold it; see accounts.groups.
STATUS_PAGE_PERMISSION = "ordering.view_order"


@dataclass(frozen=True)
class Check:
    """One number against its threshold: `alert` when it is above it."""

    key: str
    label: str
    value: float | None
    threshold: float
    unit: str
    hint: str

    @property
    def alert(self) -> bool:
        return self.value is not None and self.value > self.threshold

    @property
    def unknown(self) -> bool:
        return self.value is None


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 60


def status_checks(snap: dict[str, Any]) -> list[Check]:
    """The thresholds of docs/operations.md, applied to one snapshot (read at use, so settings may change)."""
    payments = snap.get("payments")
    webhooks = snap.get("webhooks")
    refunds = snap.get("refunds")
    last = snap.get("last_reconcile")
    checks = [
        Check(
            "webhook_lag",
            "Webhook lag (longest, last 10 min)",
            _minutes(webhooks["lag_max_seconds"]) if webhooks else None,
            settings.OPS_WEBHOOK_LAG_ALERT_SECONDS / 60,
            "min",
            "Razorpay created the event → we applied it.",
        ),
        Check(
            "payment_open_age",
            "Oldest open payment",
            _minutes(payments["oldest_age_seconds"]) if payments else None,
            settings.OPS_PAYMENT_OPEN_ALERT_MINUTES,
            "min",
            f"{payments['open'] if payments else '?'} payments open at Razorpay.",
        ),
        Check(
            "refunds_failed",
            "Failed refunds not retried",
            refunds["failed_not_retried"] if refunds else None,
            settings.OPS_REFUNDS_FAILED_ALERT,
            "",
            f"{refunds['pending'] if refunds else '?'} refunds pending at Razorpay.",
        ),
        Check(
            "reconcile_age",
            "Last reconciliation run",
            _minutes(last["age_seconds"]) if last else None,
            settings.OPS_RECONCILE_STALE_MINUTES,
            "min ago",
            "Beat runs it every two minutes; no run means beat or the workers are down.",
        ),
    ]
    for queue, length in sorted((snap.get("queues") or {}).items()):
        checks.append(
            Check(f"queue:{queue}", f"Celery queue “{queue}”", length, settings.OPS_QUEUE_ALERT_LENGTH, "messages", "")
        )
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        checks.append(
            Check(
                "workers",
                "Celery workers missing",
                max(0, settings.OPS_WORKERS_EXPECTED - len(snap.get("workers") or {})),
                0,
                "",
                f"Workers expected: {settings.OPS_WORKERS_EXPECTED}; seen in the last minute: "
                f"{len(snap.get('workers') or {})}.",
            )
        )
    return checks


def _can_see(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_authenticated and user.is_campus_staff and user.has_perm(STATUS_PAGE_PERMISSION))


@never_cache
def _status_view(request: HttpRequest, now: datetime | None = None) -> HttpResponse:
    if not _can_see(request):
        raise PermissionDenied
    snap = ops_snapshot(now)
    checks = status_checks(snap)
    context = {
        **admin.site.each_context(request),
        "title": "Service status",
        "snap": snap,
        "checks": checks,
        "alerts": [check for check in checks if check.alert],
        "full_slots": [row for row in snap.get("slots_today", []) if row["fill"] >= 1],
        "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    }
    return TemplateResponse(request, "admin/status.html", context)


def admin_status(request: HttpRequest) -> HttpResponse:
    """The page, behind the admin's own sign-in check (a signed-out visitor goes to the admin login)."""
    return admin.site.admin_view(_status_view)(request)
