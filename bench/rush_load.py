"""The lunch rush's load generator (bench/rush.py): clients that send a fixed mix of request kinds
and time each request by its kind, and the sum of the rush gunicorn's CPU-by-kind files.

Each request goes on a connection of its own, timed from connect to the last byte: gunicorn's sync
workers close every connection after one answer (they do for wrk too). A request not answered
within REQUEST_TIMEOUT counts as a timeout, one whose connection fails as a socket error.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from pathlib import Path

from bench.rush_kinds import sequence

REQUEST_TIMEOUT = 10.0  # seconds, as wrk's --timeout in bench/scenarios.py


def read_requests(path: Path) -> list[bytes]:
    """A .req file's lines as whole HTTP/1.1 requests, each on a connection of its own."""
    built = []
    for text in path.read_text().splitlines():
        if not text:
            continue
        method, target, headers, body = text.split("\t", 3)
        head = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
        head += [h for h in headers.split("|") if h]
        payload = body.encode()
        if payload or method == "POST":
            head.append(f"Content-Length: {len(payload)}")
        built.append(("\r\n".join(head) + "\r\n\r\n").encode() + payload)
    return built


class Load:
    """BENCH_CONNECTIONS clients sending the round of kinds over and over; latencies and status by kind."""

    def __init__(self, port: int, requests: dict[str, list[bytes]]) -> None:
        self.port = port
        self.requests = requests
        self.round = sequence()
        self.sent = 0
        self.next_of = dict.fromkeys(requests, 0)
        self.latencies: dict[str, list[float]] = {kind: [] for kind in requests}
        self.status: dict[str, dict[str, int]] = {kind: dict.fromkeys(("2", "3", "4", "5"), 0) for kind in requests}
        self.errors = dict.fromkeys(requests, 0)
        self.timeouts = dict.fromkeys(requests, 0)

    def _take(self) -> tuple[str, bytes]:
        kind = self.round[self.sent % len(self.round)]
        self.sent += 1
        chosen = self.requests[kind][self.next_of[kind] % len(self.requests[kind])]
        self.next_of[kind] += 1
        return kind, chosen

    async def _one(self, kind: str, request: bytes) -> None:
        started = time.monotonic()
        try:
            async with asyncio.timeout(REQUEST_TIMEOUT):
                reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
                try:
                    writer.write(request)
                    status_line = await reader.readline()
                    await reader.read()  # to the end: the server closes the connection
                finally:
                    writer.close()
        except TimeoutError:
            self.timeouts[kind] += 1
            return
        except OSError:
            self.errors[kind] += 1
            return
        match = re.match(rb"HTTP/1\.[01] (\d)\d\d ", status_line)
        if not match:
            self.errors[kind] += 1
            return
        self.latencies[kind].append((time.monotonic() - started) * 1000)
        self.status[kind][match.group(1).decode()] = self.status[kind].get(match.group(1).decode(), 0) + 1

    async def run(self, connections: int, seconds: float) -> float:
        deadline = time.monotonic() + seconds
        began = time.monotonic()

        async def client() -> None:
            while time.monotonic() < deadline:
                await self._one(*self._take())

        await asyncio.gather(*(client() for _ in range(connections)))
        return time.monotonic() - began


def cpu_by_kind(folder: Path) -> dict[str, list]:
    """{kind: [requests, CPU seconds]} summed over every worker's file (bench/rush_gunicorn.py)."""
    total: dict[str, list] = {}
    for path in folder.glob("cpu-*.json"):
        for kind, (count, seconds) in json.loads(path.read_text()).items():
            entry = total.setdefault(kind, [0, 0.0])
            entry[0] += count
            entry[1] += seconds
    return total
