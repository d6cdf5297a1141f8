"""`make bench`, scenario `events`: 1,000 open event streams on the events process while orders are
placed and paid.

The events process is started exactly as the Procfile's `events` line says (uvicorn on
`tntproject.asgi`). The streams belong to the vendor whose seeded orders wait for their capture
webhook and to 999 of those orders' students (tokens made by `prepare`). While they are open, two
wrk runs go to gunicorn at once: `POST /orders` (orders placed, as in `orders_post`) and one signed
`payment.captured` webhook per open payment of those students, each of which makes the order paid
and so publishes `order.updated` to its student and `order.created` to the vendor.

Latency is publish → received: an event's SSE id is its Redis stream entry id, which is Redis's
clock in milliseconds at the XADD (the same machine's clock as this client's). Every event a stream
user's Redis stream holds must have reached that user's stream. The process's memory is its RSS
from /proc, sampled every 0.2 s. Targets: p99 under 1 s, RSS under 300 MB.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.applied import now_iso, webhooks_applied
from bench.measure import percentile
from bench.processes import stop, wait_live

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
STREAM_PREFIX = "tnt:events:u:"  # events.bus.STREAM_PREFIX (bench imports no app module)
TARGET_P99_MS = 1000.0
TARGET_RSS_MB = 300.0


def streams_wanted() -> int:
    return int(os.environ.get("BENCH_STREAMS", "1000"))


# --- the data: run in a Django process of its own (`python -m bench.events prepare <work> <secret>`) ----


def prepare(work: Path, webhook_secret: str, streams: int) -> dict:
    """Tokens for the webhook vendor and `streams - 1` of its waiting students; their captures' webhooks."""
    from django.db.models import Count
    from rest_framework.authtoken.models import Token

    from payments.models import Payment

    waiting = Payment.objects.filter(status=Payment.Status.CREATED, order__note="webhook")
    vendor_id = waiting.values_list("order__vendor_id", flat=True).first()
    payers = list(
        waiting.values("payer_id").annotate(n=Count("pk")).order_by("payer_id").values_list("payer_id", flat=True)
    )[: streams - 1]
    users = [vendor_id, *payers]
    tokens = {t.user_id: t.key for t in Token.objects.filter(user_id__in=users)}
    Token.objects.bulk_create(Token(key=os.urandom(20).hex(), user_id=u) for u in users if u not in tokens)
    tokens = {t.user_id: t.key for t in Token.objects.filter(user_id__in=users)}

    lines = []
    for n, payment in enumerate(waiting.filter(payer_id__in=payers).order_by("pk")):
        entity = {
            "id": f"pay_BENCHEV{n:09d}", "entity": "payment", "amount": payment.amount_paise, "currency": "INR",
            "status": "captured", "order_id": payment.razorpay_order_id, "method": "upi", "captured": True,
        }  # fmt: skip
        body = json.dumps(
            {"entity": "event", "account_id": "acc_BENCH", "event": "payment.captured", "contains": ["payment"],
             "payload": {"payment": {"entity": entity}}, "created_at": int(time.time())},
            separators=(",", ":"),
        )  # fmt: skip
        signature = hmac.new(webhook_secret.encode(), body.encode(), hashlib.sha256).hexdigest()
        headers = "|".join(
            ("Content-Type: application/json", f"X-Razorpay-Signature: {signature}", f"X-Razorpay-Event-Id: ev{n:09d}")
        )
        lines.append(f"POST\t/api/v1/payments/webhooks/razorpay\t{headers}\t{body}")
    (work / "events_webhooks.req").write_text("\n".join(lines) + "\n")
    (work / "events_streams.json").write_text(json.dumps([{"user": u, "token": tokens[u]} for u in users]))
    return {"streams": len(users), "captures": len(lines)}


# --- the events process --------------------------------------------------------------------------


def procfile_command(name: str) -> str:
    for line in (REPO / "Procfile").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return line.split(":", 1)[1].strip()
    raise SystemExit(f"bench: no `{name}` process in the Procfile")


def start_events_process(env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen:
    env = {**env, "EVENTS_PORT": str(port), "PATH": f"{Path(PYTHON).parent}:{env.get('PATH', '')}"}
    with log_path.open("wb") as out:
        return subprocess.Popen(
            ["bash", "-c", "exec " + procfile_command("events")],
            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip


def _rss_mb(pid: int) -> tuple[float, int]:
    status = Path(f"/proc/{pid}/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["Threads"])


# --- the client: one asyncio loop holding every stream ------------------------------------------------


class Streams:
    def __init__(self, port: int) -> None:
        self.port = port
        self.opened = 0
        self.failed: list[str] = []
        self.received: dict[int, set[str]] = {}
        self.latencies_ms: list[float] = []
        self.tasks: list[asyncio.Task] = []

    async def _one(self, user: int, token: str, opened: asyncio.Event) -> None:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        except OSError as error:
            self.failed.append(f"connect: {error}")
            return
        request = (
            "GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Token {token}\r\nAccept: text/event-stream\r\n\r\n"
        )
        writer.write(request.encode())
        try:
            status = await reader.readline()
            if b" 200 " not in status:
                self.failed.append(status.decode(errors="replace").strip())
                return
            while line := await reader.readline():
                if line.startswith(b"id: "):
                    entry = line[4:].strip().decode()
                    self.latencies_ms.append(time.time() * 1000 - int(entry.split("-", 1)[0]))
                    self.received.setdefault(user, set()).add(entry)
                elif line.startswith(b"retry:"):
                    self.opened += 1
                    opened.set()
        except (OSError, asyncio.IncompleteReadError) as error:
            self.failed.append(f"read: {error}")
        finally:
            writer.close()

    async def open(self, users: list[dict], *, batch: int = 100, timeout: float = 60) -> None:
        for start in range(0, len(users), batch):
            for each in users[start : start + batch]:
                self.tasks.append(asyncio.create_task(self._one(each["user"], each["token"], asyncio.Event())))
            deadline = time.monotonic() + timeout
            while self.opened + len(self.failed) < min(len(users), start + batch):
                if time.monotonic() > deadline:
                    raise SystemExit(f"bench: only {self.opened} event streams opened")
                await asyncio.sleep(0.05)

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


def published_entries(client, users: list[dict], since: str) -> dict[int, set[str]]:
    """The Redis stream entry ids published to each stream user from `since` on."""
    return {
        u["user"]: {entry.decode() for entry, _ in client.xrange(f"{STREAM_PREFIX}{u['user']}", min=since)}
        for u in users
    }


def delivery(published: dict[int, set[str]], received: dict[int, set[str]]) -> dict[str, int]:
    """What was published to the stream users against what their streams received, entry by entry."""
    return {
        "events_published": sum(len(entries) for entries in published.values()),
        "events_received": sum(len(entries & received.get(user, set())) for user, entries in published.items()),
        "events_lost": sum(len(entries - received.get(user, set())) for user, entries in published.items()),
    }


async def _measure(env, wrk_run, base: str, work: Path, seconds: int, events_pid: int, port: int) -> dict:
    import redis

    users = json.loads((work / "events_streams.json").read_text())
    idle_rss, idle_threads = _rss_mb(events_pid)
    streams = Streams(port)
    opening = time.monotonic()
    await streams.open(users)
    open_seconds = time.monotonic() - opening
    open_rss, open_threads = _rss_mb(events_pid)
    peak = [open_rss]

    async def sample() -> None:
        while True:
            peak.append(_rss_mb(events_pid)[0])
            await asyncio.sleep(0.2)

    client = redis.Redis.from_url(env["REDIS_URL"])
    seconds_now, micros = client.time()
    since = f"{seconds_now * 1000 + micros // 1000}-0"  # only what is published from now on counts
    stored_since = now_iso()
    sampler = asyncio.create_task(sample())
    hooks, orders = await asyncio.gather(
        asyncio.to_thread(wrk_run, base, work / "events_webhooks.req", seconds, env),
        asyncio.to_thread(wrk_run, base, work / "orders_post.req", seconds, env),
    )
    # The captures are applied by the worker after their webhooks were answered: wait for it, then
    # for the last events on their way. Every entry published to a stream user up to then must have
    # arrived on that user's stream (compared by entry id; what comes later is not counted).
    applied = await asyncio.to_thread(webhooks_applied, env, stored_since)
    await asyncio.sleep(2)
    sampler.cancel()
    published = published_entries(client, users, since)
    await asyncio.sleep(1)
    await streams.close()
    latencies = streams.latencies_ms
    return {
        "streams": len(users),
        "opened": streams.opened,
        "open_seconds": open_seconds,
        "failed": streams.failed[:5],
        **delivery(published, streams.received),
        "p50_ms": percentile(latencies, 0.50),
        "p99_ms": percentile(latencies, 0.99),
        "max_ms": max(latencies, default=0.0),
        "mean_ms": statistics.fmean(latencies) if latencies else 0.0,
        "rss_idle_mb": idle_rss,
        "rss_open_mb": open_rss,
        "rss_peak_mb": max(peak),
        "threads_idle": idle_threads,
        "threads_open": open_threads,
        "webhooks": hooks,
        "applied": applied,
        "orders_post": orders,
    }


def run(*, wrk_run, base: str, env: dict[str, str], work: Path, seconds: int, port: int, log) -> dict:
    """Prepare the streams' users, start the events process, hold the streams through the load."""
    log(f"events: preparing {streams_wanted()} streams")
    done = subprocess.run(
        [PYTHON, "-m", "bench.events", "prepare", str(work), env["RAZORPAY_WEBHOOK_SECRET"], str(streams_wanted())],
        cwd=REPO, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"bench: events prepare failed:\n{done.stderr[-4000:]}")
    log(f"events: {done.stdout.strip().splitlines()[-1]}")
    process = start_events_process(env, port, work / "events.log")
    try:
        wait_live(f"http://127.0.0.1:{port}", name="the events process", process=process)
        log(f"events: {seconds}s of orders and captures with the streams open")
        result = asyncio.run(_measure(env, wrk_run, base, work, seconds, process.pid, port))
    finally:
        stop(process, grace=20)
    result["server_errors"] = (work / "events.log").read_bytes().count(b"Traceback")
    return result


def report(result: dict) -> list[str]:
    """The lines under the table, and the verdicts."""
    p99, rss = result["p99_ms"], result["rss_peak_mb"]
    return [
        f"events: {result['opened']}/{result['streams']} streams opened in {result['open_seconds']:.1f} s "
        "on the events process (uvicorn, one process); "
        f"{result['events_received']} events received of {result['events_published']} published to them, "
        f"{result['events_lost']} lost",
        f"events: while {result['orders_post']['s2xx']} orders were placed and "
        f"{result['applied']['applied']} paid (applied by the worker): "
        f"publish → received p50 {result['p50_ms']:.1f} ms, p99 {p99:.1f} ms, max {result['max_ms']:.1f} ms",
        f"events: RSS {result['rss_idle_mb']:.0f} MB idle, {result['rss_open_mb']:.0f} MB with the streams open, "
        f"{result['rss_peak_mb']:.0f} MB at the peak; threads {result['threads_idle']} → {result['threads_open']}",
        f"target events_p99: {p99:.0f} ms (target < {TARGET_P99_MS:.0f}) {'met' if p99 < TARGET_P99_MS else 'SHORT'}",
        f"target events_rss: {rss:.0f} MB (target < {TARGET_RSS_MB:.0f}) {'met' if rss < TARGET_RSS_MB else 'SHORT'}",
    ]


def failures(result: dict) -> list[str]:
    found = []
    if result["opened"] < result["streams"] or result["failed"]:
        found.append("event streams that did not open or broke")
    if result["events_lost"]:
        found.append("events published but not delivered")
    if result["server_errors"]:
        found.append("tracebacks in the events process")
    return found


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tntproject.settings")
    django.setup()
    if sys.argv[1:2] == ["prepare"]:
        print(json.dumps(prepare(Path(sys.argv[2]), sys.argv[3], int(sys.argv[4]))))
    else:
        raise SystemExit(f"usage: python -m bench.events prepare <work> <secret> <streams>; not {shlex.join(sys.argv)}")
