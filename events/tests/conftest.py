"""What the events tests share: the backends, streams read with a deadline, and the cast."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Coroutine, Iterator
from typing import Any

import pytest

from events import bus
from events.fanout import Event


@pytest.fixture
def redis_bus(settings) -> str:
    """The test run's real Redis (scripts/with-services.sh sets REDIS_URL)."""
    if not settings.REDIS_URL:
        pytest.fail("the events tests need Redis: run them through scripts/with-services.sh")
    return settings.REDIS_URL


@pytest.fixture
def local_bus(settings, monkeypatch) -> bus.LocalBroadcaster:
    """The in-process broadcaster of `make run` (REDIS_URL empty), fresh for the test."""
    settings.REDIS_URL = ""
    fresh = bus.LocalBroadcaster()
    monkeypatch.setattr(bus, "local", fresh)
    return fresh


@pytest.fixture(params=["redis", "local"])
def any_bus(request) -> str:
    """Each test twice: through Redis and through the in-process broadcaster."""
    request.getfixturevalue("redis_bus" if request.param == "redis" else "local_bus")
    return request.param


@pytest.fixture
def fast_heartbeat(settings) -> float:
    settings.EVENTS_HEARTBEAT_SECONDS = 0.2
    return 0.2


def frames_until(frames: Iterator[bytes], count: int, *, timeout: float = 3.0) -> list[bytes]:
    """Read a sync stream until `count` event frames (not pings) came, or the deadline passed.
    Needs a short heartbeat, so that each `next` returns within it."""
    got: list[bytes] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len([f for f in got if f.startswith(b"id: ")]) < count:
        got.append(next(frames))
    return got


def event_frames(frames: list[bytes]) -> list[bytes]:
    return [frame for frame in frames if frame.startswith(b"id: ")]


class Streams:
    """One subscriber per named user, as open streams of this process; `take` reads them all."""

    def __init__(self, users: dict) -> None:
        self.subscribed = {name: bus.subscribe(user.pk) for name, user in users.items()}

    def take(self, expected: int, *, timeout: float = 3.0, grace: float = 0.4) -> dict[str, list[tuple]]:
        """What each stream received: wait for `expected` events in all, then `grace` longer for
        any that should not come."""
        got: dict[str, list[tuple]] = {name: [] for name in self.subscribed}
        count, deadline, settled = 0, time.monotonic() + timeout, False
        while time.monotonic() < deadline:
            for name, (subscriber, _) in self.subscribed.items():
                item = subscriber.get(0.01)
                if isinstance(item, Event):
                    data = json.loads(item.data)
                    got[name].append((data["type"], data["id"], data["status"]))
                    count += 1
            if count >= expected and not settled:
                settled, deadline = True, time.monotonic() + grace
        return got

    def close(self) -> None:
        for subscriber, fanout in self.subscribed.values():
            fanout.remove(subscriber)


def run_async(coroutine: Coroutine) -> Any:
    """`asyncio.run(coroutine)` in a thread of its own. Once a browser test has run in this pytest
    process, Playwright's sync API keeps an event loop marked running on the main thread, and
    asyncio.run refuses to start there ("cannot be called from a running event loop"): the events
    tests then failed whenever a browser test came first (`make mutate`'s sorted run)."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as error:  # re-raised on the test's thread
            outcome["error"] = error

    thread = threading.Thread(target=run, name="events-test-loop")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
