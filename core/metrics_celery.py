"""What Celery tells the engineer on call: task failures, the last reconciliation run, live workers.

All of it goes to the shared cache (Redis in production), so the web process that serves `/metrics`
or the admin status page reads what every worker wrote:

- `task_failure` bumps `task_failed:<task name>` (`core.metrics.count`);
- a finished `payments.tasks.reconcile_payments` stores its summary as the last run and adds what
  it fixed to `reconcile_fixed:<what>`;
- every worker writes a heartbeat (`HeartbeatStep`, every `WORKER_HEARTBEAT_SECONDS`) into one
  map of hostname → time; the status page lists those seen in the last minute.

Connected in `core.apps.CoreConfig.ready`.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime
from typing import Any

from celery import bootsteps, signals
from django.core.cache import cache
from django.utils import timezone

from .metrics import count

logger = logging.getLogger(__name__)

RECONCILE_TASK = "payments.tasks.reconcile_payments"
LAST_RECONCILE_KEY = "ops:reconcile:last"
# The keys of a reconciliation summary that say it changed something (the others only count what it looked at).
RECONCILE_FIXES = (
    "captured",
    "captured_after_failure",
    "closed",
    "reservations_dropped",
    "refunds_processed",
    "refunds_failed",
)
WORKERS_KEY = "ops:workers"
WORKER_HEARTBEAT_SECONDS = 15.0
WORKER_SEEN_SECONDS = 60
_FORGET_WORKER_AFTER_SECONDS = 24 * 3600


def task_failed_counter(task_name: str) -> str:
    return f"task_failed:{task_name}"


def reconcile_fixed_counter(what: str) -> str:
    return f"reconcile_fixed:{what}"


@signals.task_failure.connect
def _on_task_failure(sender=None, **kwargs) -> None:
    count(task_failed_counter(getattr(sender, "name", None) or "unknown"))


def reconcile_run_record(summary: dict[str, int], *, finished_at: float | None = None) -> None:
    """Remember one reconciliation run (its summary, when it ended) and add its fixes to the counters."""
    for what in RECONCILE_FIXES:
        if summary.get(what):
            count(reconcile_fixed_counter(what), int(summary[what]))
    record = {"finished_at": finished_at or time.time(), "summary": {k: int(v) for k, v in summary.items()}}
    try:
        cache.set(LAST_RECONCILE_KEY, record, timeout=None)
    except Exception:
        logger.warning("could not record the reconciliation run in the cache")


def reconcile_last_run() -> dict[str, Any] | None:
    """{"finished_at": datetime, "summary": {...}, "fixed": {...}} of the last run, or None."""
    try:
        record = cache.get(LAST_RECONCILE_KEY)
    except Exception:
        return None
    if not record:
        return None
    summary = record.get("summary") or {}
    return {
        "finished_at": datetime.fromtimestamp(record["finished_at"], tz=timezone.get_current_timezone()),
        "age_seconds": max(0.0, time.time() - record["finished_at"]),
        "summary": summary,
        "fixed": {what: summary[what] for what in RECONCILE_FIXES if summary.get(what)},
    }


@signals.task_postrun.connect
def _on_task_postrun(sender=None, retval=None, state=None, **kwargs) -> None:
    if getattr(sender, "name", None) == RECONCILE_TASK and state == "SUCCESS" and isinstance(retval, dict):
        reconcile_run_record(retval)


# --- worker heartbeats ------------------------------------------------------------------------------


def worker_heartbeat(hostname: str, *, now: float | None = None) -> None:
    """Note that worker `hostname` is alive (a read-modify-write of one map: two workers beating at
    the same instant may lose one beat, which the next one, WORKER_HEARTBEAT_SECONDS later, restores)."""
    now = now or time.time()
    try:
        seen = cache.get(WORKERS_KEY) or {}
        seen = {name: at for name, at in seen.items() if now - at < _FORGET_WORKER_AFTER_SECONDS}
        seen[hostname] = now
        cache.set(WORKERS_KEY, seen, timeout=None)
    except Exception:
        logger.warning("could not record the worker heartbeat in the cache")


def worker_forget(hostname: str) -> None:
    """A worker that stopped cleanly leaves the map at once."""
    try:
        seen = cache.get(WORKERS_KEY) or {}
        if seen.pop(hostname, None) is not None:
            cache.set(WORKERS_KEY, seen, timeout=None)
    except Exception:
        logger.warning("could not remove the worker heartbeat from the cache")


def workers_seen(*, within_seconds: int = WORKER_SEEN_SECONDS, now: float | None = None) -> dict[str, float]:
    """Workers whose heartbeat is at most `within_seconds` old: {hostname: seconds since}."""
    now = now or time.time()
    try:
        seen = cache.get(WORKERS_KEY) or {}
    except Exception:
        return {}
    return {name: now - at for name, at in sorted(seen.items()) if now - at <= within_seconds}


class HeartbeatStep(bootsteps.StartStopStep):
    """A worker bootstep: a timer in the worker's main process that calls `worker_heartbeat`."""

    requires = {"celery.worker.components:Timer"}

    def __init__(self, parent, **kwargs) -> None:
        super().__init__(parent, **kwargs)
        self.tref = None

    def start(self, parent) -> None:
        worker_heartbeat(parent.hostname)
        self.tref = parent.timer.call_repeatedly(WORKER_HEARTBEAT_SECONDS, worker_heartbeat, (parent.hostname,))

    def stop(self, parent) -> None:
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None
        worker_forget(parent.hostname)


def install(app) -> None:
    """Add the heartbeat to `app`'s workers (once)."""
    if HeartbeatStep not in app.steps["worker"]:
        app.steps["worker"].add(HeartbeatStep)
