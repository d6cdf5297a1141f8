"""The scenarios of `make bench` and how wrk runs one (bench/load.lua replays a file of requests).

bench/seed.py writes each scenario's requests to `<work>/<name>.req`; run_wrk drives it and reads
the `BENCH_RESULT {json}` line load.lua prints.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from bench.rush_kinds import MIX

REPO = Path(__file__).resolve().parents[1]

# name, what it is, the file of requests, warm up first (reads only: writes would use up data)
SCENARIOS = [
    ("live", "GET /health/live (ceiling)", True),
    ("menu", "GET /vendors/{id}/menu", True),
    ("orders_vendor", "GET /orders (vendor, 200 live)", True),
    ("orders_post", "POST /orders (many slots)", False),
    ("orders_hot", "POST /orders (hot slot, stocked dish)", False),
    ("webhooks", "webhooks, 30% duplicates", False),
]
# The outside anchor (bench/bare.py), run first on its own gunicorn; not one of the project's scenarios.
BARE = ("bare", "bare Django JSON view (anchor)")
# The rows of the two-node scenario (bench/twonode.py) and of the lunch rush (bench/rush.py).
TWO_NODE_ROWS = [
    ("twonode_a", "two nodes: node A (hot slot+dish)"),
    ("twonode_b", "two nodes: node B (hot slot+dish)"),
    ("twonode", "two nodes: A + B together"),
]
RUSH_ROWS = [(f"rush_{kind}", label) for kind, _, label in MIX] + [("rush", "rush: all requests")]
# What `bench/run.py --only` may name, in the order a full run takes them.
SELECTABLE = [BARE[0], *(name for name, _, _ in SCENARIOS), "events", "twonode", "rush"]
# scenario: (what it is divided by, the least ratio that meets the target)
TARGETS = {
    "live": ("bare", 0.7),
    "menu": ("live", 0.6),
    "orders_vendor": ("live", 0.3),
    "orders_post": ("live", 0.2),
    "orders_hot": ("live", 0.2),
    "webhooks": ("live", 0.3),
}

# A stored capture webhook applied by the worker within this many ms at p99 (the webhooks scenario).
APPLY_P99_MS = 2000


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
