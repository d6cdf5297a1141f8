"""Where events go: Redis (any number of processes and machines) or this process alone.

With REDIS_URL set, publishing one event for some users is one script run on Redis: for each
user an XADD to the stream `tnt:events:u:<user id>` (its entry id is the event's SSE id; entries
older than EVENTS_REPLAY_SECONDS are trimmed and an idle user's stream expires), then a PUBLISH
of "<user id> <entry id> <json>" to the one channel every process listens on
(`events.fanout`). The script runs atomically, so an event is in the replay before any process
hears of it: a stream subscribes first and reads the replay second, and misses nothing.

With REDIS_URL empty (`make run`) the in-process broadcaster does the same in memory: one
process, its threads and its event loop.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
import time
import weakref
from collections import deque

import redis
from django.conf import settings

from .fanout import AsyncHub, AsyncSubscriber, Event, Fanout, SyncSubscriber, ThreadListener, channel_for, event_key

logger = logging.getLogger(__name__)

STREAM_PREFIX = "tnt:events:u:"
# The most events one reconnect replays (a stream holds at most EVENTS_REPLAY_SECONDS of them).
REPLAY_MAX = 1000
EVENT_ID = re.compile(r"^\d{1,15}-\d{1,15}$")
SEQ_MAX = 10**15 - 1  # the largest sequence number EVENT_ID accepts

# KEYS: the users' streams. ARGV: window in ms, the JSON, the channel, then the user ids.
_PUBLISH_SCRIPT = """
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local min_id = tostring(now_ms - tonumber(ARGV[1]))
for i, key in ipairs(KEYS) do
  local id = redis.call('XADD', key, 'MINID', '~', min_id, '*', 'd', ARGV[2])
  redis.call('PEXPIRE', key, ARGV[1])
  redis.call('PUBLISH', ARGV[3], ARGV[3 + i] .. ' ' .. id .. ' ' .. ARGV[2])
end
return #KEYS
"""


def is_event_id(text: str) -> bool:
    return bool(EVENT_ID.match(text))


def _window_ms() -> int:
    return int(settings.EVENTS_REPLAY_SECONDS * 1000)


def _stream(user_id: int) -> str:
    return f"{STREAM_PREFIX}{user_id}"


def _replay_start(*, after: str, now_ms: int) -> str:
    """The XRANGE start: just after `after`, but nothing older than the replay window."""
    floor = (now_ms - _window_ms(), 0)
    return f"({after}" if event_key(after) >= floor else f"{floor[0]}-0"


def _events(entries) -> list[Event]:
    return [Event(id=_text(entry_id), data=_text(fields[b"d"])) for entry_id, fields in entries]


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


# --- Redis ---------------------------------------------------------------------------------------

_clients: dict[str, redis.Redis] = {}
_listeners: dict[str, ThreadListener] = {}
_clients_lock = threading.Lock()


def _client(url: str) -> redis.Redis:
    with _clients_lock:
        if url not in _clients:
            _clients[url] = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        return _clients[url]


def _listener(url: str) -> ThreadListener:
    with _clients_lock:
        if url not in _listeners:
            _listeners[url] = ThreadListener(url)
        return _listeners[url]


def _redis_publish(url: str, *, user_ids: list[int], data: str) -> None:
    client = _client(url)
    keys = [_stream(user_id) for user_id in user_ids]
    client.eval(_PUBLISH_SCRIPT, len(keys), *keys, _window_ms(), data, channel_for(url), *user_ids)


def _redis_replay(url: str, *, user_id: int, after: str) -> list[Event]:
    client = _client(url)
    seconds, micros = client.time()
    start = _replay_start(after=after, now_ms=seconds * 1000 + micros // 1000)
    return _events(client.xrange(_stream(user_id), min=start, max="+", count=REPLAY_MAX))


# --- in this process only (REDIS_URL empty) ------------------------------------------------------


class LocalBroadcaster:
    """The events of the last EVENTS_REPLAY_SECONDS by user, and this process's streams."""

    def __init__(self) -> None:
        self.fanout = Fanout()
        self._lock = threading.Lock()
        self._last = (0, 0)
        self._by_user: dict[int, deque[Event]] = {}

    def _next_id(self) -> str:
        millis = int(time.time() * 1000)
        last_ms, last_seq = self._last
        self._last = (millis, 0) if millis > last_ms else (last_ms, last_seq + 1)
        return f"{self._last[0]}-{self._last[1]}"

    def _trim(self, events: deque[Event], now_ms: int) -> None:
        while events and events[0].key[0] < now_ms - _window_ms():
            events.popleft()

    def publish(self, *, user_ids: list[int], data: str) -> None:
        with self._lock:
            now_ms = int(time.time() * 1000)
            published = []
            for user_id in user_ids:
                event = Event(id=self._next_id(), data=data)
                events = self._by_user.setdefault(user_id, deque())
                events.append(event)
                self._trim(events, now_ms)
                published.append((user_id, event))
            for user_id in [u for u, events in self._by_user.items() if not events]:
                del self._by_user[user_id]
        for user_id, event in published:
            self.fanout.dispatch(user_id, event)

    def replay(self, *, user_id: int, after: str) -> list[Event]:
        with self._lock:
            now_ms = int(time.time() * 1000)
            start = _replay_start(after=after, now_ms=now_ms)
            inclusive = not start.startswith("(")
            floor = event_key(start.lstrip("("))
            events = self._by_user.get(user_id, deque())
            return [e for e in events if e.key > floor or (inclusive and e.key == floor)][:REPLAY_MAX]


local = LocalBroadcaster()


# --- the bus: whichever of the two REDIS_URL says ------------------------------------------------


def publish(*, user_ids: list[int], data: str) -> None:
    """Send one event (its JSON text) to each of `user_ids`. A Redis failure is logged, not raised:
    the change it tells of is committed already, and clients fall back to polling."""
    if not user_ids:
        return
    url = settings.REDIS_URL
    if not url:
        local.publish(user_ids=user_ids, data=data)
        return
    try:
        _redis_publish(url, user_ids=user_ids, data=data)
    except redis.RedisError:
        logger.warning("events: could not publish to Redis", exc_info=True)


def position(user_id: int) -> str:
    """An event id that every event for `user_id` published from now on comes after ("" when
    Redis cannot say): the user's latest event, or just before this millisecond if there is none.

    A page takes it before it reads what it shows, and its stream opens with it as `last_event_id`:
    what changed between the page's reading and the stream's opening is replayed, not lost."""
    url = settings.REDIS_URL
    if not url:
        with local._lock:
            events = local._by_user.get(user_id)
            latest = events[-1].id if events else None
        return latest or f"{int(time.time() * 1000) - 1}-{SEQ_MAX}"
    try:
        pipe = _client(url).pipeline(transaction=False)
        pipe.xrevrange(_stream(user_id), max="+", min="-", count=1)
        pipe.time()
        latest, (seconds, micros) = pipe.execute()
    except redis.RedisError:
        logger.warning("events: could not ask Redis where the stream is", exc_info=True)
        return ""
    if latest:
        return _text(latest[0][0])
    # No event yet: any to come is XADDed at this millisecond or later.
    return f"{seconds * 1000 + micros // 1000 - 1}-{SEQ_MAX}"


def replay(*, user_id: int, after: str) -> list[Event]:
    """The user's events after event id `after` that are at most EVENTS_REPLAY_SECONDS old."""
    url = settings.REDIS_URL
    return _redis_replay(url, user_id=user_id, after=after) if url else local.replay(user_id=user_id, after=after)


def subscribe(user_id: int) -> tuple[SyncSubscriber, Fanout]:
    """A sync stream's queue, registered (and, with Redis, the process's listener subscribed)."""
    url = settings.REDIS_URL
    if url:
        listener = _listener(url)
        fanout = listener.fanout
        subscriber = SyncSubscriber(user_id)
        fanout.add(subscriber)
        try:
            listener.ensure()
        except BaseException:
            fanout.remove(subscriber)
            raise
        return subscriber, fanout
    subscriber = SyncSubscriber(user_id)
    local.fanout.add(subscriber)
    return subscriber, local.fanout


# One hub per event loop (an ASGI worker has one; each test's asyncio.run has its own).
_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, AsyncHub] = weakref.WeakKeyDictionary()


def hub() -> AsyncHub:
    """This event loop's hub (REDIS_URL must be set)."""
    loop = asyncio.get_running_loop()
    found = _hubs.get(loop)
    if found is None or found.url != settings.REDIS_URL:
        found = _hubs[loop] = AsyncHub(settings.REDIS_URL)
    return found


async def asubscribe(user_id: int) -> tuple[AsyncSubscriber, Fanout]:
    """An async stream's queue, registered (and, with Redis, this loop's hub subscribed)."""
    subscriber = AsyncSubscriber(user_id)
    if not settings.REDIS_URL:
        local.fanout.add(subscriber)
        return subscriber, local.fanout
    the_hub = hub()
    the_hub.fanout.add(subscriber)
    try:
        await the_hub.ensure()
    except BaseException:
        the_hub.fanout.remove(subscriber)
        raise
    return subscriber, the_hub.fanout


async def areplay(*, user_id: int, after: str) -> list[Event]:
    """`replay` on this loop's Redis connection pool (or in memory)."""
    url = settings.REDIS_URL
    if not url:
        return local.replay(user_id=user_id, after=after)
    client = hub().client
    seconds, micros = await client.time()
    start = _replay_start(after=after, now_ms=seconds * 1000 + micros // 1000)
    return _events(await client.xrange(_stream(user_id), min=start, max="+", count=REPLAY_MAX))
