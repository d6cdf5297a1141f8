#!/usr/bin/env python3
"""The mutation gate: apply each mutant of scripts/mutants/ to a copy of the tree, run the tests
named for it, and fail unless every one is killed.

    scripts/with-services.sh .venv/bin/python scripts/mutate.py [--workers 2] [--only ID ...] [--check]

`make mutate` runs it with PostgreSQL and Redis. The working tree is never modified: each worker
copies the tree once into a temporary folder and mutates (and restores) files only there. Each
worker gets its own database and Redis number, so the workers do not disturb each other.

A mutant is
  killed        its tests failed (what we want),
  SURVIVED      its tests passed,
  ANCHOR        its `find` text does not occur exactly once in the file or lies outside `function`,
  BROKEN        its tests could not run (collection error, no test selected, timeout).
Anything but killed fails the gate (exit 1). `--check` only validates the anchors.
"""

from __future__ import annotations

import argparse
import ast
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from mutants import MUTANTS  # noqa: E402

PYTEST_TIMEOUT = 300
BASELINE_TIMEOUT = 1500
IGNORE = shutil.ignore_patterns(
    ".git", "__pycache__", "*.pyc", "staticfiles", "var", "media", "db.sqlite3", ".ruff_cache"
)


def _function_spans(source: str) -> dict[str, list[tuple[int, int]]]:
    """Every function's qualified and plain name → (start offset, end offset) in `source`."""
    lines = source.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    spans: dict[str, list[tuple[int, int]]] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                qualname = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                    span = (starts[first - 1], starts[child.end_lineno])
                    spans.setdefault(qualname, []).append(span)
                    if qualname != child.name:
                        spans.setdefault(child.name, []).append(span)
                visit(child, f"{qualname}.")

    visit(ast.parse(source), "")
    return spans


def anchor_problem(mutant: dict, source: str) -> str | None:
    count = source.count(mutant["find"])
    if count != 1:
        return f"anchor occurs {count} times in {mutant['file']}"
    if mutant["function"].startswith("<module"):
        return None  # a module-level declaration (e.g. `<module: ORDER_PAYABLE>`): the file holds it once
    at = source.index(mutant["find"])
    spans = _function_spans(source).get(mutant["function"], [])
    if not spans:
        return f"no function {mutant['function']} in {mutant['file']}"
    if not any(start <= at and at + len(mutant["find"]) <= end for start, end in spans):
        return f"anchor is not inside {mutant['function']}"
    return None


def _service_env(worker: int) -> dict[str, str]:
    env = dict(os.environ)
    env["TNT_REQUIRE_POSTGRES"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if env.get("DATABASE_URL"):
        parts = urlsplit(env["DATABASE_URL"])
        env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/tnt_mutate_{worker}"))
    if env.get("REDIS_URL"):
        parts = urlsplit(env["REDIS_URL"])
        env["REDIS_URL"] = urlunsplit(parts._replace(path=f"/{worker + 1}"))
    return env


def _create_databases(workers: int) -> None:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for worker in range(workers):
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [f"tnt_mutate_{worker}"]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "tnt_mutate_{worker}"')


def _pytest(
    copy: Path, env: dict[str, str], tests: list[str], k: str | None, timeout: float = PYTEST_TIMEOUT
) -> tuple[int, str]:
    command = [str(ROOT / ".venv/bin/python"), "-m", "pytest", *tests, "-x", "-q", "-p", "no:cacheprovider"]
    command += ["-p", "no:randomly", "--reuse-db"]
    if k:
        command += ["-k", k]
    try:
        done = subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return -1, "timeout"
    return done.returncode, (done.stdout + done.stderr)[-3000:]


def _last_line(output: str) -> str:
    lines = [line for line in output.strip().splitlines() if line.strip()]
    return lines[-1][:110] if lines else ""


def run_one(mutant: dict, copy: Path, env: dict[str, str]) -> dict:
    target = copy / mutant["file"]
    original = target.read_text()
    problem = anchor_problem(mutant, original)
    if problem:
        return {"status": "ANCHOR", "detail": problem, "seconds": 0.0}
    started = time.monotonic()
    target.write_text(original.replace(mutant["find"], mutant["replace"], 1))
    try:
        code, output = _pytest(copy, env, mutant["tests"], mutant.get("k"))
    finally:
        target.write_text(original)
    seconds = time.monotonic() - started
    # pytest: 0 passed, 1 tests failed, 2 interrupted, 3 internal error, 4 usage error, 5 nothing collected.
    if code == 1:
        status = "killed"
    elif code == 0:
        status = "SURVIVED"
    else:
        status = "BROKEN"
    return {"status": status, "detail": _last_line(output), "seconds": seconds, "output": output}


def baseline(copy: Path, env: dict[str, str], mutants: list[dict]) -> tuple[int, str]:
    """The unmutated tests must pass, or a 'kill' would mean nothing."""
    tests = sorted({test for mutant in mutants for test in mutant["tests"]})
    # Every mutant's tests at once (a third of the suite, browser tests included): far longer than one mutant's.
    return _pytest(copy, env, tests, None, timeout=BASELINE_TIMEOUT)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", nargs="*", help="run only these mutant ids")
    parser.add_argument("--check", action="store_true", help="only check that every anchor is found")
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()

    mutants = [m for m in MUTANTS if not args.only or m["id"] in args.only]
    ids = [m["id"] for m in MUTANTS]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        print(f"duplicate mutant ids: {sorted(duplicates)}")
        return 1

    if args.check:
        bad = [(m["id"], anchor_problem(m, (ROOT / m["file"]).read_text())) for m in mutants]
        bad = [(i, p) for i, p in bad if p]
        for mutant_id, problem in bad:
            print(f"ANCHOR  {mutant_id}: {problem}")
        print(f"{len(mutants) - len(bad)}/{len(mutants)} anchors found")
        return 1 if bad else 0

    workers = max(1, min(args.workers, len(mutants)))
    _create_databases(workers)
    scratch = Path(tempfile.mkdtemp(prefix="tnt-mutate-"))
    started = time.monotonic()
    try:
        copies = []
        for worker in range(workers):
            copy = scratch / f"tree{worker}"
            shutil.copytree(ROOT, copy, symlinks=True, ignore=IGNORE)
            copies.append(copy)

        if not args.no_baseline:
            code, output = baseline(copies[0], _service_env(0), mutants)
            if code != 0:
                print(output)
                print("mutate: the tests fail without any mutant; fix them first")
                return 1
            print(f"baseline: the unmutated tests pass ({_last_line(output)})", flush=True)

        todo: queue.Queue = queue.Queue()
        for mutant in mutants:
            todo.put(mutant)
        results: dict[str, dict] = {}
        lock = threading.Lock()

        def work(worker: int) -> None:
            env = _service_env(worker)
            while True:
                try:
                    mutant = todo.get_nowait()
                except queue.Empty:
                    return
                result = run_one(mutant, copies[worker], env)
                with lock:
                    results[mutant["id"]] = result
                    print(f"  {result['status']:<8} {mutant['id']} ({result['seconds']:.0f}s)", flush=True)

        threads = [threading.Thread(target=work, args=(w,)) for w in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    print()
    print(f"| {'mutant':<34} | {'file · function':<48} | result   | what it breaks")
    print(f"|{'-' * 36}|{'-' * 50}|----------|{'-' * 40}")
    for mutant in mutants:
        result = results[mutant["id"]]
        where = f"{mutant['file']} · {mutant['function']}"
        print(f"| {mutant['id']:<34} | {where:<48} | {result['status']:<8} | {mutant['why']}")
    killed = sum(1 for r in results.values() if r["status"] == "killed")
    total = len(mutants)
    minutes = (time.monotonic() - started) / 60
    print()
    print(f"{killed}/{total} killed ({100 * killed // max(total, 1)}%) in {minutes:.1f} min with {workers} workers")
    failing = [m for m in mutants if results[m["id"]]["status"] != "killed"]
    for mutant in failing:
        result = results[mutant["id"]]
        print(f"\n{result['status']} {mutant['id']}: {result['detail']}")
        if result["status"] == "BROKEN":
            print(result.get("output", "")[-1500:])
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
