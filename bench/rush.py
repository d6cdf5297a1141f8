"""`make bench`, scenario `rush`: the lunch rush, every kind of request at once at a fixed mix.

For RUSH_SECONDS (60; `BENCH_RUSH_SECONDS` shortens it for a smoke run) students browse (the
shop list, menus, slots), place orders, their payments arrive as signed `payment.captured`
webhooks (no sandbox: signed with the webhook secret, as the `webhooks` scenario does), vendors
read their queues (`GET /orders`), and RUSH_STREAMS event streams (`BENCH_RUSH_STREAMS`) stay open
on the events process, receiving what the captures publish. The mix is bench/rush_kinds.py's
MIX: one round of 100 requests, its kinds spread evenly, sent over and over.

The load generator is this process (bench/rush_load.py): `BENCH_CONNECTIONS` asyncio clients, each sending the next
request of the round on a new connection (the sync workers close every connection anyway, as they
do for wrk) and timing it from connect to the last byte, so every kind has its own p50/p95/p99.
wrk times all of one run's requests together, and cannot tell the kinds apart.

CPU by kind: the rush gets a gunicorn of its own, with bench/rush_gunicorn.py's hooks charging
each request's CPU (its worker's main thread, `time.thread_time()`) to its kind. PostgreSQL's,
the events process's and Celery's CPU are read from /proc over the same window; PostgreSQL's
cannot be split by kind that way and is shown as one share.

`prepare` (a Django process) makes the rush's own students, vendor tokens and open payments, and
writes `rush_<kind>.req` files in bench/seed.py's format.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

from bench.applied import now_iso, webhooks_applied
from bench.events import Streams, delivery, published_entries, start_events_process
from bench.measure import CpuMeter, percentile, process_tree_cpu
from bench.processes import start_web, stop, wait_live
from bench.rush_kinds import KINDS, MIX
from bench.rush_load import Load, cpu_by_kind, read_requests

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
RUSH_SECONDS = 60
RUSH_STREAMS = 300
STUDENTS = 4000  # orders spread thin enough that few students meet MAX_UNPAID_ORDERS
PAYMENTS = 4000  # open payments, one capture webhook each (then they repeat, answered duplicate)
REQUESTS_PER_KIND = 5000


def rush_seconds() -> int:
    return int(os.environ.get("BENCH_RUSH_SECONDS", RUSH_SECONDS))


def streams_wanted() -> int:
    return int(os.environ.get("BENCH_RUSH_STREAMS", RUSH_STREAMS))


# --- the data (`python -m bench.rush prepare <work> <secret> <streams>`) --------------------------


def prepare(work: Path, webhook_secret: str, streams: int) -> dict:
    from accounts.models import User
    from bench import campus
    from bench.seed import SLOT_CAPACITY
    from ordering.models import Slot

    rng = random.Random(27_3)
    # bench/seed.py's vendors in the order it made them: the queue's, the webhooks', …, the hot slot's.
    vendors = list(User.objects.filter(role="vendor", phone__startswith="+9197").order_by("pk"))
    queue_vendor, pay_vendor = vendors[0].pk, vendors[1].pk
    food = [v.pk for v in vendors[2:-1]]  # as seed's "many slots"
    students = campus.students_with_tokens(STUDENTS, prefix="92", name="Rush student")
    payers = campus.students_with_tokens(STUDENTS // 2, prefix="91", name="Rush payer")
    payments = campus.open_payments(
        vendor_id=pay_vendor, payer_ids=[u for u, _ in payers], count=PAYMENTS, note="rush", rng=rng
    )
    vendor_keys = campus.vendor_tokens([queue_vendor, pay_vendor, *food])
    json_headers = {"Content-Type": "application/json"}
    requests: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for _ in range(REQUESTS_PER_KIND):
        requests["shops"].append(campus.line("GET", "/api/v1/vendors?type=food"))
        requests["menu"].append(campus.line("GET", f"/api/v1/vendors/{rng.choice(vendors).pk}/menu"))
        requests["slots"].append(campus.line("GET", f"/api/v1/vendors/{rng.choice(food)}/slots"))
        reader = rng.choice(list(vendor_keys.values()))
        requests["queue"].append(campus.line("GET", "/api/v1/orders", {"Authorization": f"Token {reader}"}))
    menus = {v: campus.menu_choices(v) for v in food}
    slots: dict[int, list[int]] = {}
    for slot_id, vendor_id in Slot.objects.filter(vendor_id__in=food, capacity=SLOT_CAPACITY).values_list(
        "pk", "vendor_id"
    ):
        slots.setdefault(vendor_id, []).append(slot_id)
    for _ in range(REQUESTS_PER_KIND):
        vendor_id = rng.choice(food)
        items, required, extras = menus[vendor_id]
        picked = [(i, rng.randint(1, 3)) for i, _ in rng.sample(items, rng.randint(1, 3))]
        body = campus.order_body(vendor_id, rng.choice(slots[vendor_id]), picked, required, extras, rng)
        headers = {**json_headers, "Authorization": f"Token {rng.choice(students)[1]}"}
        requests["order"].append(campus.line("POST", "/api/v1/orders", headers, body))
    requests["pay"] = [
        campus.capture_delivery(webhook_secret, p, payment_id=f"pay_RUSH{n:09d}", event_id=f"evt_RUSH{n:09d}")
        for n, p in enumerate(payments)
    ]
    for kind, lines in requests.items():
        (work / f"rush_{kind}.req").write_text("\n".join(lines) + "\n")
    # The streams: the paying vendor's and the first payers' (the captures publish to them).
    keys = dict(payers)
    users = [{"user": pay_vendor, "token": vendor_keys[pay_vendor]}]
    users += [{"user": u, "token": keys[u]} for u, _ in payers[: streams - 1]]
    (work / "rush_streams.json").write_text(json.dumps(users))
    return {"students": len(students), "payments": len(payments), "streams": len(users), "food_vendors": len(food)}


# --- the run ------------------------------------------------------------------------------------------


async def _measure(env, *, web, web_port, events, events_port, worker_pid, work, seconds, connections) -> dict:
    import redis

    users = json.loads((work / "rush_streams.json").read_text())
    streams = Streams(events_port)
    opening = time.monotonic()
    await streams.open(users)
    open_seconds = time.monotonic() - opening
    requests = {kind: read_requests(work / f"rush_{kind}.req") for kind in KINDS}
    load = Load(web_port, requests)
    client = redis.Redis.from_url(env["REDIS_URL"])
    seconds_now, micros = client.time()
    since = f"{seconds_now * 1000 + micros // 1000}-0"
    stored_since = now_iso()
    meter = CpuMeter(web.pid)
    before = meter.sample()
    side_before = {"events": process_tree_cpu(events.pid), "celery": process_tree_cpu(worker_pid)}
    own_before = time.process_time()
    elapsed = await load.run(connections, seconds)
    own = time.process_time() - own_before
    after = meter.sample()
    side = {name: process_tree_cpu(pid) - side_before[name] for name, pid in (("events", events.pid),
                                                                             ("celery", worker_pid))}  # fmt: skip
    # The captures are applied by the worker after their webhooks were answered: wait for it, then
    # for the last events on their way (compared by entry id, as in bench/events.py).
    applied = await asyncio.to_thread(webhooks_applied, env, stored_since)
    await asyncio.sleep(2)
    published = published_entries(client, users, since)
    await asyncio.sleep(1)
    await streams.close()
    return {
        "elapsed": elapsed,
        "load": load,
        "applied": applied,
        "cpu": {
            "web": after["web"] - before["web"],
            "db": max(0.0, after["db"] - before["db"]),
            "events": side["events"],
            "celery": side["celery"],
            "load_generator": own,
            "machine_busy": (after["busy"] - before["busy"]) / max(1e-9, after["all"] - before["all"]),
            "machine": after["busy"] - before["busy"],
        },
        "streams": {
            "streams": len(users),
            "opened": streams.opened,
            "open_seconds": open_seconds,
            "failed": streams.failed[:5],
            **delivery(published, streams.received),
            "p50_ms": percentile(streams.latencies_ms, 0.50),
            "p95_ms": percentile(streams.latencies_ms, 0.95),
            "p99_ms": percentile(streams.latencies_ms, 0.99),
        },
    }


def run(*, wrk_run, env: dict[str, str], work: Path, workers: str, ports: list[int], worker_pid: int, log) -> dict:
    """Prepare, start the rush's gunicorn and events process, send the mix: rows and the rest."""
    seconds, streams = rush_seconds(), streams_wanted()
    log(f"rush: preparing ({streams} streams)")
    done = subprocess.run(
        [PYTHON, "-m", "bench.rush", "prepare", str(work), env["RAZORPAY_WEBHOOK_SECRET"], str(streams)],
        cwd=REPO, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"bench: rush prepare failed:\n{done.stderr[-4000:]}")
    log(f"rush: {done.stdout.strip().splitlines()[-1]}")
    cpu_dir = work / "rush-cpu"
    cpu_dir.mkdir(exist_ok=True)
    web_port, events_port = ports
    # No worker replacement (gunicorn.conf.py's max_requests) during the rush: a replaced worker's CPU
    # leaves /proc with it, and the workers' total, against which the kinds' shares are read, would miss it.
    web_env = {**env, "BENCH_RUSH_CPU_DIR": str(cpu_dir), "GUNICORN_MAX_REQUESTS": "0"}
    web_log = work / "rush_web.log"
    web = start_web(
        web_env,
        port=web_port,
        workers=workers,
        log_path=web_log,
        extra=("-c", str(REPO / "bench" / "rush_gunicorn.py")),
    )
    events = start_events_process(env, events_port, work / "rush_events.log")
    try:
        wait_live(f"http://127.0.0.1:{web_port}", name="the rush's gunicorn", process=web)
        wait_live(f"http://127.0.0.1:{events_port}", name="the rush's events process", process=events)
        wrk_run(f"http://127.0.0.1:{web_port}", work / "live.req", 2, env)  # every worker loads the app first
        log(f"rush: {seconds}s of the mix with {streams} streams open")
        measured = asyncio.run(
            _measure(
                env, web=web, web_port=web_port, events=events, events_port=events_port, worker_pid=worker_pid,
                work=work, seconds=seconds, connections=int(env["BENCH_CONNECTIONS"]),
            )
        )  # fmt: skip
    finally:
        stop(web)
        stop(events, grace=20)
    spent = cpu_by_kind(cpu_dir)
    return summarise(measured, spent, server_errors=len(re.findall(rb'"status": ?5\d\d', web_log.read_bytes())),
                     tracebacks=(work / "rush_events.log").read_bytes().count(b"Traceback"))  # fmt: skip


def summarise(measured: dict, spent: dict[str, list], *, server_errors: int, tracebacks: int) -> dict:
    """The table's rows ("rush_<kind>", "rush") and the figures under it ("rush_cpu", "rush_streams")."""
    load, elapsed, cpu = measured["load"], measured["elapsed"], measured["cpu"]
    rows: dict[str, dict] = {}
    for kind in KINDS:
        latencies = load.latencies[kind]
        status = load.status[kind]
        count, cpu_seconds = spent.get(kind, [0, 0.0])
        rows[f"rush_{kind}"] = {
            "requests": len(latencies), "seconds": elapsed, "rps": len(latencies) / elapsed,
            "p50_ms": percentile(latencies, 0.50), "p95_ms": percentile(latencies, 0.95),
            "p99_ms": percentile(latencies, 0.99), "max_ms": max(latencies, default=0.0),
            "s2xx": status["2"], "s4xx": status["4"], "s5xx": status["5"], "other": status["3"],
            "socket_errors": load.errors[kind], "timeouts": load.timeouts[kind],
            "web_cpu_ms": cpu_seconds * 1000 / max(1, count), "db_cpu_ms": None,
            "machine_busy": cpu["machine_busy"], "cpu_seconds": cpu_seconds, "served": count,
        }  # fmt: skip
    everything = [v for kind in KINDS for v in load.latencies[kind]]
    attributed = sum(spent.get(kind, [0, 0.0])[1] for kind in KINDS)
    served = len(everything)
    rows["rush"] = {
        "requests": served, "seconds": elapsed, "rps": served / elapsed,
        "p50_ms": percentile(everything, 0.50), "p95_ms": percentile(everything, 0.95),
        "p99_ms": percentile(everything, 0.99), "max_ms": max(everything, default=0.0),
        **{key: sum(rows[f"rush_{k}"][key] for k in KINDS) for key in ("s2xx", "s4xx", "s5xx", "other",
                                                                       "socket_errors", "timeouts")},
        "web_cpu_ms": cpu["web"] * 1000 / max(1, served), "db_cpu_ms": cpu["db"] * 1000 / max(1, served),
        "machine_busy": cpu["machine_busy"],
    }  # fmt: skip
    # Server CPU: each kind's requests in the web workers, the workers' CPU outside any request,
    # PostgreSQL, the events process, Celery. The load generator and the rest are shown beside it.
    shares = {f"web: {kind}": spent.get(kind, [0, 0.0])[1] for kind in KINDS}
    shares["web: outside requests"] = max(0.0, cpu["web"] - attributed)
    shares["PostgreSQL (all kinds)"] = cpu["db"]
    shares["events process (streams)"] = cpu["events"]
    shares["Celery worker"] = cpu["celery"]
    rows["rush_cpu"] = {
        "shares": shares,
        "server_seconds": sum(shares.values()),
        "load_generator_seconds": cpu["load_generator"],
        "machine_seconds": cpu["machine"],
        "requests_by_kind": {kind: load.next_of[kind] for kind in KINDS},
    }
    rows["rush_streams"] = {**measured["streams"], "tracebacks": tracebacks, "applied": measured["applied"]}
    rows["rush_server_errors"] = server_errors
    return rows


def report(results: dict) -> list[str]:
    """The lines under the table: the mix, the CPU shares, the streams."""
    cpu, streams = results["rush_cpu"], results["rush_streams"]
    total = cpu["server_seconds"] or 1.0
    mix = ", ".join(f"{kind} {share}%" for kind, share, _ in MIX)
    lines = [f"rush: {results['rush']['seconds']:.0f} s, mix per 100 requests: {mix}"]
    lines.append(
        f"rush: server CPU {cpu['server_seconds']:.1f} s (machine busy {cpu['machine_seconds']:.1f} s, of which the "
        f"load generator {cpu['load_generator_seconds']:.1f} s); share of the server CPU:"
    )
    lines += [f"rush:   {100 * seconds / total:5.1f}%  {name}" for name, seconds in cpu["shares"].items()]
    lines.append(
        f"rush: {streams['opened']}/{streams['streams']} streams open ({streams['open_seconds']:.1f} s to open); "
        f"{streams['events_received']} events received of {streams['events_published']} published to them, "
        f"{streams['events_lost']} lost; publish → received p50 {streams['p50_ms']:.1f} ms, "
        f"p95 {streams['p95_ms']:.1f} ms, p99 {streams['p99_ms']:.1f} ms"
    )
    applied = streams["applied"]
    lines.append(
        f"rush: captures applied by the worker: {applied['applied']} of {applied['stored']} stored, the last "
        f"{applied['drained_after_s']} s after the rush; received → applied p50 {applied['apply_p50_ms']:.0f} ms, "
        f"p99 {applied['apply_p99_ms']:.0f} ms"
    )
    return lines


def failures(results: dict) -> list[str]:
    streams = results["rush_streams"]
    found = []
    if streams["opened"] < streams["streams"] or streams["failed"]:
        found.append("rush event streams that did not open or broke")
    if streams["events_lost"]:
        found.append("rush events published but not delivered")
    if streams["applied"]["pending"] or streams["applied"]["failed"]:
        found.append("rush webhooks stored but not applied")
    if streams["tracebacks"] or results["rush_server_errors"]:
        found.append("5xx or tracebacks in the rush's processes")
    return found


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tntproject.settings")
    django.setup()
    if sys.argv[1:2] == ["prepare"]:
        print(json.dumps(prepare(Path(sys.argv[2]), sys.argv[3], int(sys.argv[4]))))
    else:
        raise SystemExit("usage: python -m bench.rush prepare <work> <secret> <streams>")
