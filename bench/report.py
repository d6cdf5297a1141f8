"""The report of `make bench`: the table, the chart (PNG), the py-spy summary and the verdict."""

from __future__ import annotations

import json
import os
from pathlib import Path

from bench.scenarios import APPLY_P99_MS, BARE, RUSH_ROWS, SCENARIOS, TARGETS, TWO_NODE_ROWS

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


def _rows(results: dict[str, dict]) -> list[tuple[str, str]]:
    """(name, label) of every scenario that ran, the bare anchor first, the two nodes and the rush last."""
    listed = [BARE, *((name, label) for name, label, _ in SCENARIOS), *TWO_NODE_ROWS, *RUSH_ROWS]
    return [(name, label) for name, label in listed if name in results]


def verdicts(results: dict[str, dict]) -> list[str]:
    """One line per target: the ratio, what it is of, the target, met or SHORT."""
    lines = []
    for name, (of, target) in TARGETS.items():
        if name not in results or of not in results:
            continue
        ratio = results[name]["rps"] / (results[of]["rps"] or 1.0)
        what = "the bare Django view" if of == "bare" else "the ceiling"
        verdict = "met" if ratio >= target else "SHORT"
        lines.append(f"target {name}: {ratio:.2f} of {what} (target ≥ {target}) {verdict}")
    applied = results.get("webhooks", {}).get("applied")
    if applied:
        p99 = applied["apply_p99_ms"]
        verdict = "met" if p99 <= APPLY_P99_MS and not applied["pending"] else "SHORT"
        lines.append(
            f"target webhooks_applied: received → applied p99 {p99:.0f} ms (target ≤ {APPLY_P99_MS}) {verdict}"
        )
    return lines


def table(results: dict[str, dict]) -> str:
    ceiling = results["live"]["rps"] or 1.0
    rows = [
        f"{'scenario':34} {'req/s':>8} {'ratio':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'2xx':>7} {'4xx':>6} {'5xx':>4} {'web CPU':>8} {'db CPU':>7} {'busy':>5}",
        "-" * 121,
    ]
    for name, label in _rows(results):
        r = results[name]
        db = "    -  " if r.get("db_cpu_ms") is None else f"{r['db_cpu_ms']:5.1f}ms"  # the rush's kinds: not known
        rows.append(
            f"{label:34} {r['rps']:8.1f} {r['rps'] / ceiling:6.2f} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} "
            f"{r['p99_ms']:8.1f} {r['s2xx']:7d} {r['s4xx']:6d} {r['s5xx']:4d} "
            f"{r.get('web_cpu_ms', 0):6.1f}ms {db} {r.get('machine_busy', 0):5.0%}"
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
    ran = [name for name, _, _ in SCENARIOS if name in results]
    labels = [short[name] for name in ran]
    ceiling = results["live"]["rps"] or 1.0
    rps = [results[name]["rps"] for name in ran]
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
    for name, (of, target) in TARGETS.items():
        if of == "live" and name in ran:
            index = ran.index(name)
            left.hlines(ceiling * target, index - 0.4, index + 0.4, colors="#d83b3b", linestyles="dashed")
    left.set_xticks(range(len(rps)), labels, fontsize=7)
    left.set_ylabel("requests per second")
    left.set_title("Throughput (red dashes: target share of the ceiling)")
    left.set_ylim(0, max(rps) * 1.2)
    width = 0.27
    for offset, key, colour in ((-width, "p50_ms", "#7fb77e"), (0, "p95_ms", "#f2b134"), (width, "p99_ms", "#d83b3b")):
        right.bar(
            [i + offset for i in range(len(rps))],
            [results[name][key] for name in ran],
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


def print_report(results: dict[str, dict], *, title: str, invariants: dict, server_errors: int, out: Path) -> None:
    """The table and the lines under it on stdout, the profiles asked for, and bench.png / bench.json in `out`."""
    print()
    print(title)
    print(table(results))
    print()
    print("\n".join(verdicts(results)))
    if "webhooks" in results:
        hooks = results["webhooks"]
        print(
            f"webhooks: {hooks['processed']} processed, {hooks['duplicates']} answered duplicate "
            f"({hooks['duplicates'] / max(1, hooks['s2xx']):.0%} of 2xx)"
        )
    if (applied := results.get("webhooks", {}).get("applied")) is not None:
        print(
            f"webhooks applied by the worker: {applied['applied']} of {applied['stored']} stored "
            f"({applied['failed']} failed, {applied['pending']} pending), the last {applied['drained_after_s']} s "
            f"after the load ended; received → applied p50 {applied['apply_p50_ms']:.0f} ms, "
            f"p95 {applied['apply_p95_ms']:.0f} ms, p99 {applied['apply_p99_ms']:.0f} ms, "
            f"max {applied['apply_max_ms']:.0f} ms"
        )
    if "orders_hot" in results:
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
    (out / "bench.png").unlink(missing_ok=True)
    try:
        chart(results, out / "bench.png", title)
    except ModuleNotFoundError as missing:  # `make bench` installs bench/requirements.txt; a bare run may not have it
        print(f"chart: not drawn ({missing.name} is missing: pip install -r bench/requirements.txt)")


def write_numbers(
    path: Path, *, title: str, seeded: dict, results: dict[str, dict], invariants: dict, extra: dict | None = None
) -> None:
    numbers = {"title": title, "seeded": seeded, "results": results, "invariants": invariants, **(extra or {})}
    path.write_text(json.dumps(numbers, indent=2))


def failures(results: dict[str, dict], *, invariants: dict, server_errors: int) -> list[str]:
    """Why the run fails: a broken invariant, any 5xx, any socket error or timeout (empty: it passed)."""
    found = []
    if not invariants.get("ok"):
        found.append("an invariant is broken")
    if server_errors or any(r["s5xx"] for r in results.values()):
        found.append("5xx answers")
    applied = results.get("webhooks", {}).get("applied")
    if applied and (applied["pending"] or applied["failed"]):
        found.append("webhooks stored but not applied")
    if any(r["socket_errors"] or r["timeouts"] for r in results.values()):
        found.append("socket errors or timeouts")
    return found
