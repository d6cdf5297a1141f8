"""How long the worker took to apply the webhooks a scenario stored (`python -m bench.applied SINCE`).

The webhook endpoint stores an event and answers at once; a Celery worker applies it. This waits
until no event received since SINCE (an ISO datetime) is pending (at most `--wait` seconds), then
prints one JSON line: how many were stored, applied, failed and still pending, how long the last
one waited after the load ended, and received → applied latency (p50/p95/p99/max, in ms) over
the applied ones, from the rows' own `received_at` and `processed_at` (written by the web and worker
processes on this machine, so one clock with the bench's).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import django

from bench.measure import percentile

REPO = Path(__file__).resolve().parents[1]


def now_iso() -> str:
    """Now, as `applied` reads it: the rows' times are this machine's clock too (the web and worker processes')."""
    return datetime.now(UTC).isoformat()


def webhooks_applied(env: dict[str, str], since: str) -> dict:
    """Wait for the worker to apply the webhooks stored since `since` (run from the bench, not Django)."""
    found = subprocess.run(
        [sys.executable, "-m", "bench.applied", since], cwd=REPO, env=env, check=True, capture_output=True, text=True
    )
    return json.loads(found.stdout.strip().splitlines()[-1])


def applied(since: str, *, wait: float) -> dict:
    from django.utils.dateparse import parse_datetime

    from payments.models import WebhookEvent

    events = WebhookEvent.objects.filter(received_at__gte=parse_datetime(since))
    started = time.monotonic()
    while events.filter(status=WebhookEvent.Status.PENDING).exists() and time.monotonic() - started < wait:
        time.sleep(0.1)
    drained = time.monotonic() - started
    rows = list(events.values_list("status", "received_at", "processed_at"))
    latencies = [
        (done - received).total_seconds() * 1000
        for status, received, done in rows
        if status == WebhookEvent.Status.APPLIED and done is not None
    ]
    counts = {status: sum(1 for row in rows if row[0] == status) for status in WebhookEvent.Status.values}
    return {
        "stored": len(rows),
        "applied": counts["applied"],
        "failed": counts["failed"],
        "pending": counts["pending"],
        "drained_after_s": round(drained, 2),
        "apply_p50_ms": percentile(latencies, 0.50),
        "apply_p95_ms": percentile(latencies, 0.95),
        "apply_p99_ms": percentile(latencies, 0.99),
        "apply_max_ms": max(latencies, default=0.0),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("since", help="ISO datetime: count the events received from then on")
    parser.add_argument("--wait", type=float, default=120, help="seconds to wait for the pending ones (120)")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tntproject.settings")
    sys.path.insert(0, str(REPO))
    django.setup()
    print(json.dumps(applied(args.since, wait=args.wait)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
