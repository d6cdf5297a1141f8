"""The business numbers, read at scrape time from the database and Redis (so every process reports them alike).

`ops_snapshot()` reads them once (five database queries, two cache reads, one Redis pipeline);
`BusinessCollector` turns a snapshot into Prometheus series and the admin status page
(`campus.status`) shows the same snapshot against its thresholds. A part that cannot be read
(database or Redis down) is left out of the snapshot and logged; the rest is still served.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Min, Q
from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from core.metrics import COUNTED_EVENTS, counts
from core.metrics_celery import (
    RECONCILE_FIXES,
    reconcile_fixed_counter,
    reconcile_last_run,
    task_failed_counter,
    workers_seen,
)

logger = logging.getLogger(__name__)

# Webhooks applied within this window count towards the lag.
WEBHOOK_WINDOW = timedelta(minutes=10)
_WEBHOOK_SAMPLE = 200
# Open payments by age band: (label, lower bound in minutes).
PAYMENT_AGE_BANDS = (("under_5m", 0), ("from_5m_to_30m", 5), ("over_30m", 30))


def _seconds(delta: timedelta) -> float:
    return max(0.0, delta.total_seconds())


def _orders(now: datetime) -> dict[str, Any]:
    from ordering.models import Order, OrderEvent

    minute_ago = now - timedelta(minutes=1)
    placed, paid, rejected = Q(from_status=""), Q(to_status=Order.Status.PAID), Q(to_status=Order.Status.REJECTED)
    recent = Q(created_at__gte=minute_ago)
    row = OrderEvent.objects.filter(placed | paid | rejected).aggregate(
        placed=Count("id", filter=placed),
        paid=Count("id", filter=paid),
        rejected=Count("id", filter=rejected),
        placed_1m=Count("id", filter=placed & recent),
        paid_1m=Count("id", filter=paid & recent),
        rejected_1m=Count("id", filter=rejected & recent),
    )
    return {
        "total": {event: row[event] for event in ("placed", "paid", "rejected")},
        "last_minute": {event: row[f"{event}_1m"] for event in ("placed", "paid", "rejected")},
    }


def _slots_today(now: datetime) -> list[dict[str, Any]]:
    from ordering.models import Slot

    local = timezone.localtime(now)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    rows = Slot.objects.filter(starts_at__gte=start, starts_at__lt=start + timedelta(days=1), is_active=True)
    return [
        {
            "slot": row["id"],
            "vendor": row["vendor_id"],
            "starts_at": row["starts_at"],
            "capacity": row["capacity"],
            "reserved": row["reserved"],
            "fill": row["reserved"] / row["capacity"] if row["capacity"] else 1.0,
        }
        for row in rows.order_by("starts_at", "id").values("id", "vendor_id", "starts_at", "capacity", "reserved")
    ]


def _payments(now: datetime) -> dict[str, Any]:
    from payments.models import Payment

    reconcile_cutoff = now - timedelta(seconds=settings.RECONCILE_AFTER_SECONDS)
    bands = {
        label: Count("id", filter=Q(created_at__lte=now - timedelta(minutes=minutes)))
        for label, minutes in PAYMENT_AGE_BANDS
    }
    row = Payment.objects.filter(status=Payment.Status.CREATED, razorpay_order_id__isnull=False).aggregate(
        open=Count("id"),
        oldest=Min("created_at"),
        backlog=Count("id", filter=Q(created_at__lte=reconcile_cutoff)),
        **bands,
    )
    # Each band counted everything older than its lower bound: take the next band off.
    labels = [label for label, _ in PAYMENT_AGE_BANDS]
    by_age = {label: row[label] - (row[labels[i + 1]] if i + 1 < len(labels) else 0) for i, label in enumerate(labels)}
    return {
        "open": row["open"],
        "oldest_age_seconds": _seconds(now - row["oldest"]) if row["oldest"] else 0.0,
        "by_age": by_age,
        "reconcile_backlog": row["backlog"],
    }


def _refunds(now: datetime) -> dict[str, Any]:
    from payments.models import Refund

    reconcile_cutoff = now - timedelta(seconds=settings.RECONCILE_AFTER_SECONDS)
    pending = Q(status=Refund.Status.PENDING)
    failed = Q(status=Refund.Status.FAILED)
    row = Refund.objects.filter(pending | failed).aggregate(
        pending=Count("id", filter=pending),
        failed=Count("id", filter=failed),
        failed_not_retried=Count("id", filter=failed & Q(retried_by__isnull=True)),
        oldest_pending=Min("created_at", filter=pending),
        backlog=Count("id", filter=pending & Q(created_at__lte=reconcile_cutoff)),
    )
    return {
        "pending": row["pending"],
        "failed": row["failed"],
        "failed_not_retried": row["failed_not_retried"],
        "oldest_pending_age_seconds": _seconds(now - row["oldest_pending"]) if row["oldest_pending"] else 0.0,
        "reconcile_backlog": row["backlog"],
    }


def _event_created_at(body: str) -> datetime | None:
    """Razorpay's `created_at` (Unix seconds) of a stored webhook body."""
    try:
        created = json.loads(body).get("created_at")
        return datetime.fromtimestamp(int(created), tz=timezone.get_current_timezone()) if created else None
    except (ValueError, TypeError, AttributeError, OverflowError):
        return None


def _webhooks(now: datetime) -> dict[str, Any]:
    """Lag of each webhook applied in the last WEBHOOK_WINDOW: Razorpay created the event → we applied it
    (received → applied when the body carries no time)."""
    from payments.models import WebhookEvent

    rows = (
        WebhookEvent.objects.filter(processed_at__gte=now - WEBHOOK_WINDOW)
        .order_by("-processed_at", "-id")
        .values_list("received_at", "processed_at", "body")[:_WEBHOOK_SAMPLE]
    )
    lags = [_seconds(processed - (_event_created_at(body) or received)) for received, processed, body in rows]
    return {
        "recent": len(lags),
        "lag_max_seconds": max(lags, default=0.0),
        "lag_last_seconds": lags[0] if lags else 0.0,
    }


_redis_clients: dict[str, Any] = {}


def _broker():
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return None
    if url not in _redis_clients:
        import redis

        _redis_clients[url] = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
    return _redis_clients[url]


def celery_queue_names() -> list[str]:
    from celery import current_app as app

    names = set(app.amqp.queues.keys()) | {app.conf.task_default_queue}
    return sorted(names)


def _queues() -> dict[str, int] | None:
    """Messages waiting in each Celery queue (LLEN on the Redis broker, over kombu's priority lists too)."""
    client = _broker()
    if client is None:
        return None
    from celery import current_app as app
    from kombu.transport.redis import PRIORITY_STEPS, Channel

    steps = (app.conf.broker_transport_options or {}).get("priority_steps", PRIORITY_STEPS)
    names = celery_queue_names()
    keys = {name: [name, *(f"{name}{Channel.sep}{step}" for step in steps if step)] for name in names}
    pipe = client.pipeline(transaction=False)
    for name in names:
        for key in keys[name]:
            pipe.llen(key)
    lengths = iter(pipe.execute())
    return {name: sum(next(lengths) for _ in keys[name]) for name in names}


def celery_task_names() -> list[str]:
    from celery import current_app as app

    app.loader.import_default_modules()  # every app's tasks module (autodiscovery is lazy)
    return sorted(name for name in app.tasks if not name.startswith("celery."))


def _shared_counters() -> dict[str, Any]:
    tasks = celery_task_names()
    names = [
        *COUNTED_EVENTS,
        *(task_failed_counter(task) for task in tasks),
        *(reconcile_fixed_counter(what) for what in RECONCILE_FIXES),
    ]
    found = counts(names)
    if not found:
        return {}
    return {
        "events": {name: found[name] for name in COUNTED_EVENTS},
        "task_failures": {task: found[task_failed_counter(task)] for task in tasks},
        "reconcile_fixed": {what: found[reconcile_fixed_counter(what)] for what in RECONCILE_FIXES},
    }


_PARTS = {
    "orders": _orders,
    "slots_today": _slots_today,
    "payments": _payments,
    "refunds": _refunds,
    "webhooks": _webhooks,
}


def ops_snapshot(now: datetime | None = None) -> dict[str, Any]:
    """Every number the on-call engineer watches, read once. A part that failed is missing (and in "errors")."""
    now = now or timezone.now()
    snapshot: dict[str, Any] = {"at": now, "errors": []}
    for name, read in _PARTS.items():
        try:
            snapshot[name] = read(now)
        except Exception:
            logger.exception("metrics: could not read %s", name)
            snapshot["errors"].append(name)
    try:
        queues = _queues()
        if queues is not None:
            snapshot["queues"] = queues
    except Exception:
        logger.warning("metrics: could not read the Celery queue lengths from the broker")
        snapshot["errors"].append("queues")
    snapshot.update(_shared_counters())
    snapshot["last_reconcile"] = reconcile_last_run()
    snapshot["workers"] = workers_seen()
    return snapshot


def _gauge(name: str, doc: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, doc, value=value)


def _labelled(kind, name: str, doc: str, label: str, values: dict[str, float]):
    family = kind(name, doc, labels=[label])
    for key, value in values.items():
        family.add_metric([str(key)], value)
    return family


def snapshot_metrics(snap: dict[str, Any]) -> Iterator:
    """The Prometheus families of one snapshot."""
    if "orders" in snap:
        for event, value in snap["orders"]["total"].items():
            yield CounterMetricFamily(
                f"tnt_orders_{event}", f"Orders {event}, ever (rate() it per minute).", value=value
            )
        yield _labelled(
            GaugeMetricFamily,
            "tnt_orders_last_minute",
            "Orders placed, paid and rejected in the last minute.",
            "event",
            snap["orders"]["last_minute"],
        )
    if "slots_today" in snap:
        fill = GaugeMetricFamily(
            "tnt_slot_fill_ratio", "Places taken / capacity of today's slots.", labels=["slot", "vendor"]
        )
        for row in snap["slots_today"]:
            fill.add_metric([str(row["slot"]), str(row["vendor"])], row["fill"])
        yield fill
        yield _labelled(
            GaugeMetricFamily,
            "tnt_slot_places_today",
            "Places of today's slots, all vendors.",
            "kind",
            {
                "capacity": sum(row["capacity"] for row in snap["slots_today"]),
                "reserved": sum(row["reserved"] for row in snap["slots_today"]),
            },
        )
    if "payments" in snap:
        payments = snap["payments"]
        yield _gauge("tnt_payments_open", "Payments sent to Razorpay and not yet paid or failed.", payments["open"])
        yield _gauge(
            "tnt_payments_open_oldest_age_seconds", "Age of the oldest open payment.", payments["oldest_age_seconds"]
        )
        yield _labelled(
            GaugeMetricFamily, "tnt_payments_open_by_age", "Open payments by age.", "age", payments["by_age"]
        )
    if "webhooks" in snap:
        hooks = snap["webhooks"]
        yield _gauge(
            "tnt_webhook_lag_seconds",
            "Longest Razorpay event created → applied, last 10 minutes.",
            hooks["lag_max_seconds"],
        )
        yield _gauge(
            "tnt_webhook_lag_last_seconds", "Created → applied of the last webhook applied.", hooks["lag_last_seconds"]
        )
        yield _gauge("tnt_webhook_events_recent", "Webhooks applied in the last 10 minutes.", hooks["recent"])
    if "refunds" in snap:
        refunds = snap["refunds"]
        yield _labelled(
            GaugeMetricFamily,
            "tnt_refunds",
            "Refunds pending at Razorpay, failed, and failed without a retry.",
            "status",
            {
                "pending": refunds["pending"],
                "failed": refunds["failed"],
                "failed_not_retried": refunds["failed_not_retried"],
            },
        )
        yield _gauge(
            "tnt_refunds_pending_oldest_age_seconds",
            "Age of the oldest pending refund.",
            refunds["oldest_pending_age_seconds"],
        )
    if "payments" in snap and "refunds" in snap:
        yield _labelled(
            GaugeMetricFamily,
            "tnt_reconcile_backlog",
            "What reconciliation has still to ask Razorpay about.",
            "kind",
            {"payments": snap["payments"]["reconcile_backlog"], "refunds": snap["refunds"]["reconcile_backlog"]},
        )
    if "reconcile_fixed" in snap:
        yield _labelled(
            CounterMetricFamily,
            "tnt_reconcile_fixed",
            "What reconciliation changed, by kind.",
            "what",
            snap["reconcile_fixed"],
        )
    if snap.get("last_reconcile"):
        yield _gauge(
            "tnt_reconcile_last_run_timestamp_seconds",
            "When the last reconciliation run ended (Unix time).",
            snap["last_reconcile"]["finished_at"].timestamp(),
        )
    for event, value in (snap.get("events") or {}).items():
        yield CounterMetricFamily(
            f"tnt_{event}", f"{event.replace('_', ' ').capitalize()}, all processes.", value=value
        )
    if "task_failures" in snap:
        yield _labelled(
            CounterMetricFamily,
            "tnt_celery_task_failures",
            "Celery tasks that failed, by task.",
            "task",
            snap["task_failures"],
        )
    if "queues" in snap:
        yield _labelled(
            GaugeMetricFamily,
            "tnt_celery_queue_length",
            "Messages waiting in each Celery queue.",
            "queue",
            snap["queues"],
        )
    yield _gauge(
        "tnt_celery_workers_seen", "Celery workers whose heartbeat is under a minute old.", len(snap["workers"])
    )
    yield _gauge(
        "tnt_metrics_scrape_errors", "Parts of the business metrics that could not be read.", len(snap["errors"])
    )


class BusinessCollector(Collector):
    """Reads `ops_snapshot()` at every scrape."""

    def collect(self) -> Iterator:
        started = time.perf_counter()
        yield from snapshot_metrics(ops_snapshot())
        yield _gauge("tnt_metrics_scrape_seconds", "Time to read the business metrics.", time.perf_counter() - started)
