"""The bytes of one user's event stream, for WSGI (a generator) and for ASGI (an async generator).

Both go the same way: subscribe first, then say `retry:` (so a client that has read it is
subscribed), then replay what came after `Last-Event-ID`, then relay live events, dropping any
the replay already gave (ids only grow), with a `: ping` comment every EVENTS_HEARTBEAT_SECONDS.
Whatever ends the stream (the client gone, the feed lost, the account blocked: the block sends
one last event, `account.blocked`, which is relayed before the stream ends), the subscriber is removed.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator, Iterator

import redis
from django.conf import settings

from . import bus
from .fanout import CLOSED, TIMEOUT, Event, event_key
from .publisher import ACCOUNT_BLOCKED

logger = logging.getLogger(__name__)

RETRY = b"retry: 3000\n\n"
PING = b": ping\n\n"


def _ends_stream(event: Event) -> bool:
    """The event a block sends (publisher.on_user_blocked): relayed, then the stream ends."""
    return json.loads(event.data).get("type") == ACCOUNT_BLOCKED


def frame(event: Event) -> bytes:
    return f"id: {event.id}\ndata: {event.data}\n\n".encode()


class _Cursor:
    """The last id sent (to drop repeats) and when the next ping is due."""

    def __init__(self, last_event_id: str) -> None:
        self.last = event_key(last_event_id) if last_event_id else None
        self.heartbeat = float(settings.EVENTS_HEARTBEAT_SECONDS)
        self.ping_at = time.monotonic() + self.heartbeat

    def wait(self) -> float:
        return self.ping_at - time.monotonic()

    def ping(self) -> bytes:
        self.ping_at = time.monotonic() + self.heartbeat
        return PING

    def fresh(self, events: list[Event]) -> Iterator[bytes]:
        for event in events:
            if self.last is None or event.key > self.last:
                self.last = event.key
                yield frame(event)


def sync_frames(*, user_id: int, last_event_id: str = "") -> Iterator[bytes]:
    try:
        subscriber, fanout = bus.subscribe(user_id)
    except redis.RedisError:
        logger.warning("events: no stream without Redis pub/sub", exc_info=True)
        return
    try:
        yield RETRY
        cursor = _Cursor(last_event_id)
        if last_event_id:
            yield from cursor.fresh(bus.replay(user_id=user_id, after=last_event_id))
        while True:
            item = subscriber.get(cursor.wait())
            if item is TIMEOUT:
                yield cursor.ping()
            elif item is CLOSED:
                return
            else:
                yield from cursor.fresh([item])
                if _ends_stream(item):
                    return
    except redis.RedisError:
        logger.warning("events: the replay could not be read", exc_info=True)
    finally:
        fanout.remove(subscriber)  # the server closed it (the client went away) or the feed ended


async def async_frames(*, user_id: int, last_event_id: str = "") -> AsyncIterator[bytes]:
    try:
        subscriber, fanout = await bus.asubscribe(user_id)
    except redis.RedisError:
        logger.warning("events: no stream without Redis pub/sub", exc_info=True)
        return
    try:
        yield RETRY
        cursor = _Cursor(last_event_id)
        if last_event_id:
            for chunk in cursor.fresh(await bus.areplay(user_id=user_id, after=last_event_id)):
                yield chunk
        while True:
            item = await subscriber.get(cursor.wait())
            if item is TIMEOUT:
                yield cursor.ping()
            elif item is CLOSED:
                return
            else:
                for chunk in cursor.fresh([item]):
                    yield chunk
                if _ends_stream(item):
                    return
    except redis.RedisError:
        logger.warning("events: the replay could not be read", exc_info=True)
    finally:
        fanout.remove(subscriber)  # also when Django cancels it: the client disconnected
