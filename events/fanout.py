"""Subscribers by user inside one process, and what feeds them.

A `Fanout` holds the open streams of this process by user and hands each event to the
streams of its user. Three things feed one:
- the in-process broadcaster (`events.bus`, when REDIS_URL is empty: `make run`) calls
  `dispatch` itself;
- `ThreadListener`: one thread with one Redis pub/sub connection for the process's sync
  (WSGI) streams;
- `AsyncHub`: one task with one `redis.asyncio` pub/sub connection per event loop, for the
  ASGI streams. A thousand streams are a thousand queues, not a thousand connections.
When a listener loses Redis it closes its streams (`CLOSED`): clients reconnect with
`Last-Event-ID` and get what they missed from the replay.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import redis
import redis.asyncio
from redis.connection import parse_url

logger = logging.getLogger(__name__)

# A stream more events behind than this is closed; its client catches up from the replay.
MAX_QUEUED = 500
_RETRY_SECONDS = 1.0


def channel_for(url: str) -> str:
    """The pub/sub channel of the Redis database `url` names. Channels are not per database in
    Redis, so two databases of one server (the test halves, two deployments) must not share one."""
    return f"tnt:events:db{parse_url(url).get('db', 0)}"


@dataclass(frozen=True, slots=True)
class Event:
    """One event of one user: `id` is its stream entry id ("<ms>-<seq>"), `data` its JSON text."""

    id: str
    data: str

    @property
    def key(self) -> tuple[int, int]:
        return event_key(self.id)


def event_key(event_id: str) -> tuple[int, int]:
    millis, _, sequence = event_id.partition("-")
    return int(millis), int(sequence or 0)


class _Closed:
    def __repr__(self) -> str:
        return "CLOSED"


CLOSED = _Closed()  # the stream must end: its feed is gone, or it fell too far behind
TIMEOUT = object()  # nothing arrived in time


class Subscriber:
    """One open stream's queue. `deliver` may be called from any thread."""

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id
        self.closed = False

    def deliver(self, item: Event | _Closed) -> None:
        if self.closed:
            return
        if item is CLOSED or self._size() >= MAX_QUEUED:
            self.closed = True
            item = CLOSED
        self._put(item)

    def _size(self) -> int:
        raise NotImplementedError

    def _put(self, item: Event | _Closed) -> None:
        raise NotImplementedError


class SyncSubscriber(Subscriber):
    def __init__(self, user_id: int) -> None:
        super().__init__(user_id)
        self._queue: queue.SimpleQueue = queue.SimpleQueue()

    def _size(self) -> int:
        return self._queue.qsize()

    def _put(self, item: Event | _Closed) -> None:
        self._queue.put(item)

    def get(self, timeout: float) -> Event | _Closed | object:
        try:
            return self._queue.get(timeout=max(timeout, 0))
        except queue.Empty:
            return TIMEOUT


class AsyncSubscriber(Subscriber):
    """Lives on the event loop that made it; other threads hand it events through that loop."""

    def __init__(self, user_id: int) -> None:
        super().__init__(user_id)
        self._loop = asyncio.get_running_loop()
        self._thread = threading.get_ident()
        self._queue: asyncio.Queue = asyncio.Queue()

    def _size(self) -> int:
        return self._queue.qsize()

    def _put(self, item: Event | _Closed) -> None:
        if threading.get_ident() == self._thread:
            self._queue.put_nowait(item)
        else:
            self._loop.call_soon_threadsafe(self._queue.put_nowait, item)

    async def get(self, timeout: float) -> Event | _Closed | object:
        try:
            return await asyncio.wait_for(self._queue.get(), timeout=max(timeout, 0))
        except TimeoutError:
            return TIMEOUT


class Fanout:
    """The subscribers of one feed, by user."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_user: dict[int, set[Subscriber]] = {}

    def add(self, subscriber: Subscriber) -> None:
        with self._lock:
            self._by_user.setdefault(subscriber.user_id, set()).add(subscriber)

    def remove(self, subscriber: Subscriber) -> None:
        with self._lock:
            subscribers = self._by_user.get(subscriber.user_id)
            if subscribers is not None:
                subscribers.discard(subscriber)
                if not subscribers:
                    del self._by_user[subscriber.user_id]

    def dispatch(self, user_id: int, event: Event) -> None:
        with self._lock:
            subscribers = list(self._by_user.get(user_id, ()))
        for subscriber in subscribers:
            subscriber.deliver(event)

    def close_all(self) -> None:
        with self._lock:
            subscribers = [s for group in self._by_user.values() for s in group]
        for subscriber in subscribers:
            subscriber.deliver(CLOSED)

    def count(self, user_id: int | None = None) -> int:
        """Open streams of this feed: all of them, or those of one user."""
        with self._lock:
            if user_id is not None:
                return len(self._by_user.get(user_id, ()))
            return sum(len(group) for group in self._by_user.values())


def _parse(message: dict) -> tuple[int, Event] | None:
    """A pub/sub message "<user id> <event id> <json>" (see events.bus), or None if it is not one."""
    try:
        user, event_id, data = message["data"].decode().split(" ", 2)
        return int(user), Event(id=event_id, data=data)
    except (AttributeError, ValueError, UnicodeDecodeError):
        logger.warning("events: an unreadable pub/sub message was dropped")
        return None


def _take(fanout: Fanout, ready: Callable[[], None], message: dict) -> None:
    if message["type"] == "subscribe":
        ready()
    elif message["type"] == "message" and (parsed := _parse(message)) is not None:
        fanout.dispatch(*parsed)


class ThreadListener:
    """One daemon thread and one Redis pub/sub connection for this process's sync streams."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.fanout = Fanout()
        self.ready = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def ensure(self, timeout: float = 5.0) -> None:
        """Start the thread if needed; return once it is subscribed (redis.ConnectionError if not in time)."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="tnt-events-listener", daemon=True)
                self._thread.start()
        if not self.ready.wait(timeout):
            raise redis.ConnectionError("the events listener could not subscribe in time")

    def _run(self) -> None:
        while True:
            client = redis.Redis.from_url(self.url, socket_connect_timeout=1, socket_keepalive=True)
            pubsub = client.pubsub()
            try:
                pubsub.subscribe(channel_for(self.url))
                for message in pubsub.listen():
                    _take(self.fanout, self.ready.set, message)
            except redis.RedisError:
                logger.warning("events: lost Redis pub/sub; closing this process's sync streams", exc_info=True)
            finally:
                self.ready.clear()
                self.fanout.close_all()
                pubsub.close()
                client.close()
            time.sleep(_RETRY_SECONDS)


class AsyncHub:
    """One task and one `redis.asyncio` pub/sub connection for the streams of one event loop."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.fanout = Fanout()
        self.client = redis.asyncio.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)
        self.ready = asyncio.Event()
        self._task: asyncio.Task | None = None

    async def ensure(self, timeout: float = 5.0) -> None:
        """Start the listening task if needed; return once it is subscribed."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="tnt-events-hub")
        try:
            await asyncio.wait_for(self.ready.wait(), timeout)
        except TimeoutError:
            raise redis.ConnectionError("the events hub could not subscribe in time") from None

    async def _run(self) -> None:
        while True:
            client = redis.asyncio.Redis.from_url(self.url, socket_connect_timeout=1, socket_keepalive=True)
            pubsub = client.pubsub()
            try:
                await pubsub.subscribe(channel_for(self.url))
                async for message in pubsub.listen():
                    _take(self.fanout, self.ready.set, message)
            except redis.RedisError:
                logger.warning("events: lost Redis pub/sub; closing this process's streams", exc_info=True)
            finally:
                self.ready.clear()
                self.fanout.close_all()
                await pubsub.aclose()
                await client.aclose()
            await asyncio.sleep(_RETRY_SECONDS)
