"""What `make bench` measures besides wrk's numbers: CPU per request (web workers, PostgreSQL, the
machine) from /proc, and optional py-spy profiles of the web workers (BENCH_PROFILE)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

PYTHON = sys.executable

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


def process_tree_cpu(pid: int) -> float:
    """CPU seconds of a process and its children (e.g. the events process, a Celery worker and its pool)."""
    return _cpu_seconds([pid, *_children(pid)])


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


def percentile(values: list[float], share: float) -> float:
    """The value at `share` (0–1) of the sorted values, nearest rank; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]
