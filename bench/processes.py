"""Starting and stopping the bench's server processes: start a gunicorn, wait until one answers, stop its group."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# How long a server may take to answer its first request: on two cores shared with test runs,
# four gunicorn workers took 23 s to load Django and answer.
START_TIMEOUT = 120


def start_web(
    env: dict[str, str], *, port: int, workers: str, log_path: Path, extra: tuple[str, ...] = ()
) -> subprocess.Popen:
    """gunicorn on the project as `make bench`'s main instance runs it (same workers, timeout, backlog)."""
    with log_path.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "tntproject.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", workers, "--timeout", "30", "--backlog", "2048", *extra],
            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip


def wait_live(base: str, *, name: str, process: subprocess.Popen | None = None, timeout: float = START_TIMEOUT) -> None:
    """Return once `base`/health/live answers 200; exit the bench if it does not (or `process` died)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and (process is None or process.poll() is None):
        try:
            with urllib.request.urlopen(base + "/health/live", timeout=1) as answer:  # noqa: S310 (loopback)
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"bench: {name} did not come up")


def stop(process: subprocess.Popen, *, grace: float = 15) -> None:
    """SIGTERM to the process group, SIGKILL after `grace` seconds."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
