"""`make bench`: the production topology on loopback, driven by wrk, with invariants checked after.

Expects DATABASE_URL and REDIS_URL (scripts/with-services.sh provides a throwaway PostgreSQL and
Redis). Starts gunicorn (WEB_CONCURRENCY sync workers, DEBUG off) and a Celery worker, seeds
the campus (bench/seed.py), runs each scenario for BENCH_SECONDS with wrk (bench/load.lua),
prints a table of requests/s and p50/p95/p99 latency as ratios to `GET /health/live` measured
in the same run, writes a PNG chart and a JSON file, then checks the invariants (bench/check.py).
Exits non-zero if any scenario saw a 5xx or a socket error, or an invariant is broken.

Environment knobs: WEB_CONCURRENCY (default 4), BENCH_SECONDS (12), BENCH_CONNECTIONS (16),
BENCH_THREADS (2), BENCH_OUT (var/bench), BENCH_PROFILE (scenarios to sample with py-spy),
BENCH_SETTINGS_MODULE (default tntproject.settings; on PYTHONPATH, to measure a settings change),
BENCH_STREAMS (1000: the open event streams of the `events` scenario, bench/events.py, which runs
after the wrk scenarios), then the two-node scenario (bench/twonode.py, BENCH_SECONDS) and the lunch
rush (bench/rush.py: BENCH_RUSH_SECONDS, default 60; BENCH_RUSH_STREAMS, default 300).
`--only twonode,rush` (any of the names, comma-separated) runs only those; the ceiling (`live`)
comes along whenever a ratio needs it, and `--only events` runs the streams alone.

This file is the runner (processes, the order of the steps); the scenarios and wrk are bench/scenarios.py,
the CPU meter and profiler bench/measure.py, the table, chart and verdict bench/report.py.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if __package__ in (None, ""):  # run as a file (`python bench/run.py`, as `make bench` does): the repo is the root
    sys.path.insert(0, str(REPO))

from bench import events, rush, twonode  # noqa: E402
from bench.applied import now_iso, webhooks_applied  # noqa: E402
from bench.measure import CpuMeter, start_profile  # noqa: E402
from bench.processes import stop, wait_live  # noqa: E402
from bench.report import failures, print_report, write_numbers  # noqa: E402
from bench.scenarios import BARE, RUSH_ROWS, SCENARIOS, SELECTABLE, ensure_wrk, log, run_wrk  # noqa: E402

PYTHON = sys.executable
WEBHOOK_SECRET = "bench-webhook-secret-" + secrets.token_hex(8)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(work: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        # BENCH_SETTINGS_MODULE: try a settings change (a module that imports ours and edits it) without editing ours.
        DJANGO_SETTINGS_MODULE=os.environ.get("BENCH_SETTINGS_MODULE", "tntproject.settings"),
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",  # no TLS terminator on loopback
        SESSION_COOKIE_SECURE="1",
        CSRF_COOKIE_SECURE="1",
        STATIC_MANIFEST="0",  # the API serves no static files; no collectstatic needed
        CELERY_TASK_ALWAYS_EAGER="0",
        SMS_BACKEND="file",
        SMS_FILE_PATH=str(work / "sms.jsonl"),
        RAZORPAY_SANDBOX="0",
        RAZORPAY_KEY_ID="rzp_test_bench",
        RAZORPAY_KEY_SECRET="bench-key-secret",
        RAZORPAY_WEBHOOK_SECRET=WEBHOOK_SECRET,
        LOG_LEVEL="INFO",
        MEDIA_ROOT=str(work / "media"),
        PYTHONUNBUFFERED="1",
        # No worker replacement (gunicorn.conf.py's max_requests) during a measurement: a replaced
        # worker's CPU leaves /proc with it, so the web CPU per request would read low, and its
        # restart (loading Django again) would land inside some scenario's timing.
        GUNICORN_MAX_REQUESTS="0",
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def run_bare(wrk: str, *, work: Path, env: dict[str, str], workers: str, seconds: int) -> dict:
    """The outside anchor: bench/bare.py on its own gunicorn (same settings), the ceiling's requests."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with (work / "bare.log").open("wb") as out:
        bare = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "bench.bare:application", "--bind", f"127.0.0.1:{port}",
             "--workers", workers, "--timeout", "30", "--backlog", "2048"],
            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    meter = CpuMeter(bare.pid)
    try:
        wait_live(base, name="the bare Django view", process=bare)
        run_wrk(wrk, base, work / "live.req", 2, env)
        log(f"{BARE[1]}: {seconds}s")
        before = meter.sample()
        result = run_wrk(wrk, base, work / "live.req", seconds, env)
        after = meter.sample()
    finally:
        stop(bare)
    result["web_cpu_ms"] = (after["web"] - before["web"]) * 1000 / max(1, result["requests"])
    result["db_cpu_ms"] = 0.0
    result["machine_busy"] = (after["busy"] - before["busy"]) / max(1e-9, after["all"] - before["all"])
    return result


def selection(text: str) -> set[str]:
    """`--only`'s names; with `live` added when a chosen scenario is read as a share of the ceiling."""
    names = {name.strip() for name in text.split(",") if name.strip()}
    unknown = names - set(SELECTABLE)
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"choose from {', '.join(SELECTABLE)} (not {', '.join(sorted(unknown))})")
    return names | {"live"} if names - {"events"} else names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="bench/run.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--only", type=selection, metavar="NAMES", help=f"run only these scenarios, of: {','.join(SELECTABLE)}"
    )
    chosen = parser.parse_args(argv).only
    selected = set(SELECTABLE) if chosen is None else chosen
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get("REDIS_URL"):
        raise SystemExit("bench: needs PostgreSQL and Redis; run it as `make bench` (scripts/with-services.sh)")
    started = time.monotonic()
    wrk = ensure_wrk()
    out = Path(os.environ.get("BENCH_OUT", REPO / "var" / "bench"))
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="tnt-bench-"))
    env = production_env(work)
    env.setdefault("BENCH_SECONDS", "12")
    env.setdefault("BENCH_CONNECTIONS", "16")
    env.setdefault("BENCH_THREADS", "2")
    workers = env.get("WEB_CONCURRENCY", "4")
    seconds = int(env["BENCH_SECONDS"])

    log("migrating")
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput"], cwd=REPO, env=env, check=True, capture_output=True)
    log("seeding")
    seeded = subprocess.run(
        [PYTHON, "-m", "bench.seed", str(work), WEBHOOK_SECRET], cwd=REPO, env=env, check=False, capture_output=True
    )
    if seeded.returncode != 0:
        raise SystemExit(f"bench: seeding failed:\n{seeded.stderr.decode()[-4000:]}")
    summary = json.loads(seeded.stdout.decode().strip().splitlines()[-1])
    log(f"seeded {summary}")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    web_log, worker_log = work / "gunicorn.log", work / "celery.log"
    with web_log.open("wb") as web_out, worker_log.open("wb") as worker_out:
        web = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "tntproject.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", workers, "--timeout", "30", "--backlog", "2048"],
            cwd=REPO, env=env, stdout=web_out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        worker = subprocess.Popen(
            [PYTHON, "-m", "celery", "-A", "tntproject", "worker", "--concurrency",
             env.get("CELERY_CONCURRENCY", "2"), "--loglevel", "WARNING"],
            cwd=REPO, env=env, stdout=worker_out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    results: dict[str, dict] = {}
    streams: dict | None = None
    two: dict | None = None
    rushed: dict | None = None
    meter = CpuMeter(web.pid)
    try:
        wait_live(base, name="gunicorn")
        if BARE[0] in selected:
            results[BARE[0]] = run_bare(wrk, work=work, env=env, workers=workers, seconds=seconds)
        for name, label, warm in (s for s in SCENARIOS if s[0] in selected):
            requests_file = work / f"{name}.req"
            stored_since = now_iso() if name == "webhooks" else ""
            if warm:
                run_wrk(wrk, base, requests_file, 2, env)
            log(f"{label}: {seconds}s")
            before = meter.sample()
            profiler = start_profile(name, web.pid, seconds, out)
            results[name] = run_wrk(wrk, base, requests_file, seconds, env)
            if profiler is not None:
                profiler.wait(timeout=60)
            after = meter.sample()
            served = max(1, results[name]["requests"])
            # Backends that ended during the run take their CPU with them: the db figure is a floor.
            results[name]["web_cpu_ms"] = (after["web"] - before["web"]) * 1000 / served
            results[name]["db_cpu_ms"] = max(0.0, after["db"] - before["db"]) * 1000 / served
            results[name]["machine_busy"] = (after["busy"] - before["busy"]) / max(1e-9, after["all"] - before["all"])
            if name == "webhooks":  # answered at once; how long the worker took to apply them
                results[name]["applied"] = webhooks_applied(env, stored_since)

        def wrk_run(at: str, requests_file: Path, duration: int, with_env: dict) -> dict:
            return run_wrk(wrk, at, requests_file, duration, with_env)

        if "events" in selected:
            streams = events.run(
                wrk_run=wrk_run, base=base, env=env, work=work, seconds=seconds, port=free_port(), log=log
            )
        if "twonode" in selected:
            two = twonode.run(
                wrk_run=wrk_run, env=env, work=work, seconds=seconds, workers=workers,
                ports=[free_port(), free_port()], hot_slot=summary["hot_slot"], log=log,
            )  # fmt: skip
            results.update({name: two[name] for name in ("twonode_a", "twonode_b", "twonode")})
        if "rush" in selected:
            rushed = rush.run(
                wrk_run=wrk_run,
                env=env,
                work=work,
                workers=workers,
                ports=[free_port(), free_port()],
                worker_pid=worker.pid,
                log=log,
            )
            results.update({name: rushed[name] for name, _ in RUSH_ROWS})
    finally:
        stop(web)
        stop(worker)

    server_errors = len(re.findall(rb'"status": ?5\d\d', web_log.read_bytes()))
    log("checking invariants")
    checked = subprocess.run([PYTHON, "-m", "bench.check"], cwd=REPO, env=env, capture_output=True, text=True)
    invariants = json.loads(checked.stdout.strip().splitlines()[-1]) if checked.stdout.strip() else {"ok": False}

    title = f"Tap N Take on {os.cpu_count()} cores: gunicorn {workers} sync workers, {seconds}s per scenario"
    if results:
        print_report(results, title=title, invariants=invariants, server_errors=server_errors, out=out)
        extra = {}
        if two is not None:
            extra["twonode_state"] = two["state"]
        if rushed is not None:
            extra.update(rush_cpu=rushed["rush_cpu"], rush_streams=rushed["rush_streams"])
        write_numbers(
            out / "bench.json", title=title, seeded=summary, results=results, invariants=invariants, extra=extra
        )
        drawn = f"chart: {out / 'bench.png'}; " if (out / "bench.png").exists() else ""
        print(f"{drawn}numbers: {out / 'bench.json'}")
    broken = failures(results, invariants=invariants, server_errors=server_errors)
    if two is not None:
        print("\n".join(twonode.report(two, results["live"]["rps"])))
        broken += twonode.failures(two)
    if rushed is not None:
        print("\n".join(rush.report(rushed)))
        broken += rush.failures(rushed)
    if streams is not None:
        print("\n".join(events.report(streams)))
        (out / "events.json").write_text(json.dumps({"title": title, "events": streams}, indent=2))
        print(f"events numbers: {out / 'events.json'}")
        broken += events.failures(streams)
        broken += failures(
            {"events_webhooks": streams["webhooks"], "events_orders": streams["orders_post"]},
            invariants=invariants,
            server_errors=0,
        )
        broken = list(dict.fromkeys(broken))
    print(f"bench: took {time.monotonic() - started:.0f}s")
    if broken:
        print("bench: FAILED: " + ", ".join(broken), file=sys.stderr)
        print(f"bench: logs kept in {work}", file=sys.stderr)
        return 1
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
