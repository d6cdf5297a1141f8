"""Starting and stopping the bench's server processes: wait until one answers, stop its group."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request


def wait_live(base: str, *, name: str, process: subprocess.Popen | None = None, timeout: float = 30) -> None:
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
