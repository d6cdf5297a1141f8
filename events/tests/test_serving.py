"""The stream served for real: by a WSGI live server, by Django's ASGI handler on this test's event
loop, and by uvicorn in a process of its own, fed from this one through Redis."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import threading
import time

import pytest
import redis
import requests
from asgiref.sync import sync_to_async
from django.core.asgi import get_asgi_application
from django.db import connection
from django.db import connections as db_connections
from rest_framework.authtoken.models import Token

from accounts.tests.factories import StudentFactory
from events import bus, stream
from events.asgi import with_event_streams
from ordering import services as ordering
from ordering.tests.factories import paid_order
from tests.faults.conftest import PYTHON, REPO, app_env, free_port, wait_until

from .conftest import run_async

pytestmark = [pytest.mark.django_db(transaction=True)]


def _token(user) -> str:
    return Token.objects.get_or_create(user=user)[0].key


class _Reader:
    """A stream's bytes as they come (one iterator per response: a WSGI stream is not chunked,
    and dropping a urllib3 chunk reader closes the response)."""

    def __init__(self, response: requests.Response) -> None:
        self.chunks = response.iter_content(chunk_size=1)
        self.got = b""

    def until(self, marker: bytes, *, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        while marker not in self.got:
            assert time.monotonic() < deadline, f"no {marker!r} within {timeout}s; got {self.got!r}"
            self.got += next(self.chunks)
        return self.got


def test_the_live_server_streams_an_event_as_it_happens(live_server, redis_bus, settings):
    settings.EVENTS_HEARTBEAT_SECONDS = 0.5
    order = paid_order()
    with requests.get(
        live_server.url + "/api/v1/events",
        headers={"Authorization": f"Token {_token(order.student)}", "Accept": "text/event-stream"},
        stream=True,
        timeout=10,
    ) as response:
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/event-stream"
        reader = _Reader(response)
        assert reader.until(b"retry: 3000\n\n", timeout=5)
        ordering.order_accept(order_id=order.pk, vendor=order.vendor)
        got = reader.until(b'"status": "accepted"}\n\n', timeout=2)
    assert f'data: {{"type": "order.updated", "id": {order.pk}, "status": "accepted"}}'.encode() in got


# --- ASGI on this test's loop ----------------------------------------------------------------------


def _scope(token: str) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/api/v1/events",
        "raw_path": b"/api/v1/events",
        "query_string": b"",
        "headers": [(b"host", b"testserver"), (b"authorization", f"Token {token}".encode())],
        "client": ("127.0.0.1", 40000),
        "server": ("testserver", 80),
    }


class _Connection:
    """One ASGI connection driven by hand: the request, what the app sends, and a disconnect."""

    def __init__(self, app, token: str) -> None:
        self.inbox: asyncio.Queue = asyncio.Queue()
        self.inbox.put_nowait({"type": "http.request", "body": b"", "more_body": False})
        self.body = b""
        self.arrived = asyncio.Event()
        self.start: dict = {}
        self.task = asyncio.create_task(app(_scope(token), self.inbox.get, self._send))

    async def _send(self, message: dict) -> None:
        if message["type"] == "http.response.start":
            self.start = message
        else:
            self.body += message.get("body", b"")
            self.arrived.set()

    async def wait_for(self, marker: bytes, timeout: float = 3.0) -> None:
        async def until() -> None:
            while marker not in self.body:
                self.arrived.clear()
                await self.arrived.wait()

        await asyncio.wait_for(until(), timeout)

    async def disconnect(self) -> None:
        await self.inbox.put({"type": "http.disconnect"})
        await asyncio.wait_for(self.task, 5)


def _pubsub_connections(url: str) -> int:
    return len(redis.Redis.from_url(url).client_list(_type="pubsub"))


def test_asgi_streams_share_one_pubsub_connection_and_no_threads_and_a_disconnect_removes_them(redis_bus):
    """tntproject.asgi's application: Django's handler with the stream's route (events/asgi.py)."""
    students = [StudentFactory() for _ in range(3)]
    tokens = [_token(student) for student in students]
    app = with_event_streams(get_asgi_application())
    before = _pubsub_connections(redis_bus)

    async def scenario() -> tuple[int, int, list[bytes], int]:
        threads = threading.active_count()
        connections = [_Connection(app, token) for token in tokens for _ in range(10)]  # 30 streams
        for each in connections:
            await each.wait_for(b"retry: 3000\n\n")
        assert threading.active_count() - threads <= 3  # not a thread per stream: one for all their sync parts
        the_hub = bus.hub()
        open_streams, pubsub = the_hub.fanout.count(), _pubsub_connections(redis_bus)
        await asyncio.to_thread(
            bus.publish, user_ids=[students[0].pk], data='{"type": "order.updated", "id": 1, "status": "paid"}'
        )
        await connections[0].wait_for(b'"status": "paid"}\n\n')
        await asyncio.sleep(0.3)
        for each in connections:
            await each.disconnect()
        await sync_to_async(db_connections.close_all)()  # the sync thread's, before the test database goes
        return open_streams, pubsub, [each.body for each in connections], the_hub.fanout.count()

    open_streams, pubsub, bodies, left = run_async(scenario())
    assert open_streams == 30
    assert pubsub == before + 1  # thirty streams, one pub/sub connection
    assert left == 0
    with_event = [body for body in bodies if b"id: " in body]
    assert len(with_event) == 10  # student 0's ten streams, nobody else's
    assert all(body.startswith(b"retry: 3000\n\n") for body in bodies)


def test_async_frames_replay_after_last_event_id(redis_bus):
    bus.publish(user_ids=[51], data='{"type": "order.updated", "id": 1, "status": "paid"}')
    bus.publish(user_ids=[51], data='{"type": "order.updated", "id": 1, "status": "accepted"}')
    first = bus.replay(user_id=51, after="0-0")[0].id

    async def read() -> list[bytes]:
        frames = stream.async_frames(user_id=51, last_event_id=first)
        got = [await anext(frames), await anext(frames)]
        await frames.aclose()
        return got

    retry, replayed = run_async(read())
    assert retry == b"retry: 3000\n\n"
    assert replayed.endswith(b'"status": "accepted"}\n\n')


# --- two processes ---------------------------------------------------------------------------------


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _procfile(name: str) -> str:
    lines = (REPO / "Procfile").read_text().splitlines()
    return next(line.split(":", 1)[1].strip() for line in lines if line.startswith(f"{name}:"))


def test_an_event_published_here_reaches_a_stream_of_the_events_process_through_redis(redis_bus, tmp_path):
    """The Procfile's `events` process (uvicorn), fed from this process through Redis; on SIGTERM
    it closes the streams it holds and exits, within its 5 s grace."""
    order = paid_order()
    port = free_port()
    env = app_env(database_url=_database_url(), redis_url=redis_bus, tmp=tmp_path, EVENTS_HEARTBEAT_SECONDS="1")
    env.update(EVENTS_PORT=str(port), PATH=f"{os.path.dirname(PYTHON)}:{env.get('PATH', '')}")
    log = tmp_path / "events.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            ["bash", "-c", "exec " + _procfile("events")],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Token {_token(order.vendor)}", "Accept": "text/event-stream"}
    try:
        wait_until(lambda: requests.get(base + "/health/live", timeout=1).ok, timeout=30, what="uvicorn")
        with requests.get(base + "/api/v1/events", headers=headers, stream=True, timeout=10) as response:
            assert response.status_code == 200, response.text
            assert response.headers["X-Accel-Buffering"] == "no"
            reader = _Reader(response)
            reader.until(b"retry: 3000\n\n", timeout=5)
            published = time.monotonic()
            ordering.order_accept(order_id=order.pk, vendor=order.vendor)
            got = reader.until(b'"status": "accepted"}\n\n', timeout=2)
            assert time.monotonic() - published < 2
            assert f'"id": {order.pk}, "status": "accepted"'.encode() in got

            stopping = time.monotonic()
            os.killpg(server.pid, signal.SIGTERM)  # a stream is still open
            # uvicorn shuts down, then re-raises the signal it caught: the exit says SIGTERM.
            assert server.wait(timeout=15) in (0, -signal.SIGTERM)
            assert time.monotonic() - stopping < 10
            assert b"Finished server process" in log.read_bytes(), log.read_text(errors="replace")
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
    assert b"Traceback" not in log.read_bytes(), log.read_text(errors="replace")
