"""`make bench`: the production topology on loopback, driven by wrk, with invariants checked after.

Expects DATABASE_URL and REDIS_URL (scripts/with-services.sh provides a throwaway PostgreSQL and
Redis). Starts gunicorn (WEB_CONCURRENCY sync workers, DEBUG off) and a Celery worker, seeds
the campus (bench/seed.py), runs each scenario for BENCH_SECONDS with wrk (bench/load.lua),
prints a table of requests/s and p50/p95/p99 latency as ratios to `GET /health/live` measured
in the same run, writes a PNG chart and a JSON file, then checks the invariants (bench/check.py).
Exits non-zero if any scenario saw a 5xx or a socket error, or an invariant is broken.

Environment knobs: WEB_CONCURRENCY (default 4), BENCH_SECONDS (12), BENCH_CONNECTIONS (16),
BENCH_THREADS (2), BENCH_OUT (var/bench), BENCH_PROFILE (scenarios to sample with py-spy),
BENCH_SETTINGS_MODULE (default tntproject.settings; on PYTHONPATH, to measure a settings change).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
WEBHOOK_SECRET = "bench-webhook-secret-" + secrets.token_hex(8)

# name, what it is, the file of requests, warm up first (reads only: writes would use up data)
SCENARIOS = [
    ("live", "GET /health/live (ceiling)", True),
    ("menu", "GET /vendors/{id}/menu", True),
    ("orders_vendor", "GET /orders (vendor, 200 live)", True),
    ("orders_post", "POST /orders (many slots)", False),
    ("orders_hot", "POST /orders (one hot slot)", False),
    ("webhooks", "webhooks, 30% duplicates", False),
]
TARGETS = {"menu": 0.5, "orders_post": 0.2}


def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def ensure_wrk() -> str:
    """wrk comes from Debian's packages; install it if this machine lacks it (as ensure-chromium.sh does)."""
    found = shutil.which("wrk")
    if found:
        return found
    log("installing wrk from Debian's packages")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True)
    subprocess.run(
        [*sudo, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-qq", "wrk"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return shutil.which("wrk") or "wrk"


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
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def wait_live(base: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/health/live", timeout=1) as answer:  # noqa: S310 (loopback)
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("bench: gunicorn did not come up")


def run_wrk(wrk: str, base: str, requests_file: Path, seconds: int, env: dict[str, str]) -> dict:
    threads = env["BENCH_THREADS"]
    command = [
        wrk, f"-t{threads}", f"-c{env['BENCH_CONNECTIONS']}", f"-d{seconds}s", "--timeout", "10s",
        "-s", str(REPO / "bench" / "load.lua"), base,
    ]  # fmt: skip
    done = subprocess.run(
        command, env={**env, "BENCH_REQUESTS": str(requests_file)}, capture_output=True, text=True, check=False
    )
    match = re.search(r"^BENCH_RESULT (\{.*\})$", done.stdout, re.MULTILINE)
    if not match:
        raise SystemExit(f"bench: wrk gave no result:\n{done.stdout}\n{done.stderr}")
    result = json.loads(match.group(1))
    result["rps"] = result["requests"] / result["seconds"] if result["seconds"] else 0.0
    return result


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / CLOCK_TICKS


def _postgres_pids() -> list[int]:
    """The postmaster of with-services.sh's cluster and its backends (their CPU is the database's)."""
    data = os.environ.get("TNT_PG_DATA")
    if not data:
        return []
    try:
        postmaster = int(Path(data, "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return []
    return [postmaster, *_children(postmaster)]


class CpuMeter:
    """CPU seconds spent by the web workers and by PostgreSQL while one scenario runs."""

    def __init__(self, web_pid: int) -> None:
        self.web_pid = web_pid

    def sample(self) -> dict[str, float]:
        ticks = [int(t) for t in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
        idle = ticks[3] + ticks[4]
        return {
            "web": _cpu_seconds(_children(self.web_pid)),
            "db": _cpu_seconds(_postgres_pids()),
            "busy": (sum(ticks) - idle) / CLOCK_TICKS,
            "all": sum(ticks) / CLOCK_TICKS,
        }


def start_profile(name: str, web_pid: int, seconds: int, out: Path) -> subprocess.Popen | None:
    """With BENCH_PROFILE=<scenario> (comma-separated) and py-spy installed, sample the web workers."""
    wanted = {n.strip() for n in os.environ.get("BENCH_PROFILE", "").split(",") if n.strip()}
    spy = shutil.which("py-spy") or shutil.which("py-spy", path=str(Path(PYTHON).parent))
    if name not in wanted or not spy:
        return None
    return subprocess.Popen(
        [spy, "record", "--subprocesses", "--pid", str(web_pid), "--duration", str(seconds), "--rate", "250",
         "--format", "raw", "--output", str(out / f"profile-{name}.txt"), "--nonblocking"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


PROFILE_BUCKETS = [
    ("SQL: psycopg execute/fetch (waiting on PostgreSQL included)", "(psycopg/"),
    ("Django ORM: building queries, making model instances", "(django/db/models/"),
    ("DRF serializers: to_representation", "(rest_framework/serializers.py"),
    ("DRF fields", "(rest_framework/fields.py"),
    ("JSON rendering", "(rest_framework/renderers.py"),
    ("authentication (token lookup)", "authenticate (accounts/authentication.py"),
    ("permissions", "(accounts/permissions.py"),
    ("logging (access log + JSON formatter)", "(logging/__init__.py"),
    ("transactions (atomic enter/exit)", "(django/db/transaction.py"),
    ("idempotency wrapper", "(core/idempotency.py"),
    ("Django middleware chain", "(django/utils/deprecation.py"),
    ("Django URL resolving", "(django/urls/resolvers.py"),
]


def profile_summary(path: Path) -> str:
    """Inclusive share of busy samples per bucket, and the project's own functions, from py-spy's raw stacks."""
    buckets = dict.fromkeys((label for label, _ in PROFILE_BUCKETS), 0)
    own: dict[str, int] = {}
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit() or "WSGIHandler.__call__" not in stack:
            continue  # idle workers (waiting in accept/select) are not work
        n = int(count)
        total += n
        for label, marker in PROFILE_BUCKETS:
            if marker in stack:
                buckets[label] += n
        for frame in set(stack.split(";")):
            if any(
                f"({app}/" in frame for app in ("accounts", "catalog", "ordering", "payments", "ledger", "tntproject")
            ):
                own[frame] = own.get(frame, 0) + n
    rows = [f"{100 * n / max(1, total):5.1f}%  {label}" for label, n in buckets.items()]
    rows += ["  project code (inclusive):"]
    rows += [
        f"{100 * n / max(1, total):5.1f}%  {frame[:120]}" for frame, n in sorted(own.items(), key=lambda kv: -kv[1])[:8]
    ]
    return "\n".join(rows)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def table(results: dict[str, dict]) -> str:
    ceiling = results["live"]["rps"] or 1.0
    rows = [
        f"{'scenario':34} {'req/s':>8} {'ratio':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'2xx':>7} {'4xx':>6} {'5xx':>4} {'web CPU':>8} {'db CPU':>7} {'busy':>5}",
        "-" * 121,
    ]
    for name, label, _ in SCENARIOS:
        r = results[name]
        rows.append(
            f"{label:34} {r['rps']:8.1f} {r['rps'] / ceiling:6.2f} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} "
            f"{r['p99_ms']:8.1f} {r['s2xx']:7d} {r['s4xx']:6d} {r['s5xx']:4d} "
            f"{r.get('web_cpu_ms', 0):6.1f}ms {r.get('db_cpu_ms', 0):5.1f}ms {r.get('machine_busy', 0):5.0%}"
        )
    return "\n".join(rows)


def chart(results: dict[str, dict], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    short = {
        "live": "health/live\n(ceiling)",
        "menu": "vendor menu",
        "orders_vendor": "GET orders\n(vendor)",
        "orders_post": "POST orders\n(many slots)",
        "orders_hot": "POST orders\n(hot slot)",
        "webhooks": "webhooks\n(30% dup.)",
    }
    labels = [short[name] for name, _, _ in SCENARIOS]
    ceiling = results["live"]["rps"] or 1.0
    rps = [results[name]["rps"] for name, _, _ in SCENARIOS]
    figure, (left, right) = plt.subplots(1, 2, figsize=(14, 5.5))
    bars = left.bar(range(len(rps)), rps, color="#3b7dd8")
    for bar, value in zip(bars, rps, strict=True):
        left.annotate(
            f"{value:.0f}/s\n{value / ceiling:.2f}×",
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            ha="center",
            va="bottom",
            fontsize=8,
        )
    for name, target in TARGETS.items():
        index = [n for n, _, _ in SCENARIOS].index(name)
        left.hlines(ceiling * target, index - 0.4, index + 0.4, colors="#d83b3b", linestyles="dashed")
    left.set_xticks(range(len(rps)), labels, fontsize=7)
    left.set_ylabel("requests per second")
    left.set_title("Throughput (red dashes: target share of the ceiling)")
    left.set_ylim(0, max(rps) * 1.2)
    width = 0.27
    for offset, key, colour in ((-width, "p50_ms", "#7fb77e"), (0, "p95_ms", "#f2b134"), (width, "p99_ms", "#d83b3b")):
        right.bar(
            [i + offset for i in range(len(rps))],
            [results[name][key] for name, _, _ in SCENARIOS],
            width,
            label=key.replace("_ms", ""),
            color=colour,
        )
    right.set_xticks(range(len(rps)), labels, fontsize=7)
    right.set_yscale("log")
    right.set_ylabel("latency, ms (log scale)")
    right.set_title("Latency percentiles")
    right.legend()
    figure.suptitle(title)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def main() -> int:
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
        [PYTHON, "-m", "bench.seed", str(work), WEBHOOK_SECRET], cwd=REPO, env=env, check=True, capture_output=True
    )
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
            [PYTHON, "-m", "celery", "-A", "tntproject", "worker", "--concurrency", "1", "--loglevel", "WARNING"],
            cwd=REPO, env=env, stdout=worker_out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    results: dict[str, dict] = {}
    meter = CpuMeter(web.pid)
    try:
        wait_live(base)
        for name, label, warm in SCENARIOS:
            requests_file = work / f"{name}.req"
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
    finally:
        stop(web)
        stop(worker)

    server_errors = len(re.findall(rb'"status": ?5\d\d', web_log.read_bytes()))
    log("checking invariants")
    checked = subprocess.run([PYTHON, "-m", "bench.check"], cwd=REPO, env=env, capture_output=True, text=True)
    invariants = json.loads(checked.stdout.strip().splitlines()[-1]) if checked.stdout.strip() else {"ok": False}

    ceiling = results["live"]["rps"] or 1.0
    title = f"Tap N Take on {os.cpu_count()} cores: gunicorn {workers} sync workers, {seconds}s per scenario"
    print()
    print(title)
    print(table(results))
    print()
    for name, target in TARGETS.items():
        ratio = results[name]["rps"] / ceiling
        print(f"target {name}: {ratio:.2f} of the ceiling (target ≥ {target}) {'met' if ratio >= target else 'SHORT'}")
    hooks = results["webhooks"]
    print(
        f"webhooks: {hooks['processed']} processed, {hooks['duplicates']} answered duplicate "
        f"({hooks['duplicates'] / max(1, hooks['s2xx']):.0%} of 2xx)"
    )
    hot = results["orders_hot"]
    print(f"hot slot: {hot['s2xx']} placed, {hot['s4xx']} refused (slot_full once its 1000 places are gone)")
    print(f"invariants: {json.dumps(invariants)}")
    print(f"5xx in the access log: {server_errors}")
    print(
        "web CPU / db CPU: CPU milliseconds per request spent in the gunicorn workers / in PostgreSQL; "
        "busy: share of the machine's CPU in use during the scenario (wrk included)"
    )

    for name, _, _ in SCENARIOS:
        profile = out / f"profile-{name}.txt"
        if profile.exists() and name in os.environ.get("BENCH_PROFILE", ""):
            print(f"\nprofile of {name} (py-spy, inclusive share of busy samples in the web workers):")
            print(profile_summary(profile))
    chart(results, out / "bench.png", title)
    (out / "bench.json").write_text(
        json.dumps({"title": title, "seeded": summary, "results": results, "invariants": invariants}, indent=2)
    )
    print(f"chart: {out / 'bench.png'}; numbers: {out / 'bench.json'}; took {time.monotonic() - started:.0f}s")

    failures = []
    if not invariants.get("ok"):
        failures.append("an invariant is broken")
    if server_errors or any(r["s5xx"] for r in results.values()):
        failures.append("5xx answers")
    if any(r["socket_errors"] or r["timeouts"] for r in results.values()):
        failures.append("socket errors or timeouts")
    if failures:
        print("bench: FAILED: " + ", ".join(failures), file=sys.stderr)
        print(f"bench: logs kept in {work}", file=sys.stderr)
        return 1
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
