"""Mutants: live events leave on commit only, replay within their window, once, and a closed
stream costs nothing afterwards (who hears of what: `own-events-*` in ownership.py)."""

from __future__ import annotations

MUTANTS: list[dict] = [
    {
        "id": "events-publish-before-commit",
        "file": "events/publisher.py",
        "function": "event_publish",
        "find": "transaction.on_commit(lambda: bus.publish(user_ids=users, data=data), robust=True)",
        "replace": "bus.publish(user_ids=users, data=data)",
        "tests": ["events/tests/test_stream.py"],
        "k": "on_commit_only",
        "why": "a change rolled back is announced anyway (the stream says accepted, the database paid)",
    },
    {
        "id": "events-replay-past-the-window",
        "file": "events/bus.py",
        "function": "_replay_start",
        "find": 'return f"({after}" if event_key(after) >= floor else f"{floor[0]}-0"',
        "replace": 'return f"({after}"',
        "tests": ["events/tests/test_stream.py"],
        "k": "older_than_the_window",
        "why": "a reconnect replays events older than EVENTS_REPLAY_SECONDS",
    },
    {
        "id": "events-replay-sent-twice",
        "file": "events/stream.py",
        "function": "_Cursor.fresh",
        "find": "if self.last is None or event.key > self.last:",
        "replace": "if True:",
        "tests": ["events/tests/test_stream.py"],
        "k": "not_sent_again or replays_what_came_after",
        "why": "an event the replay gave comes again live (or the one named by Last-Event-ID again)",
    },
    {
        "id": "events-closed-stream-kept",
        "file": "events/stream.py",
        "function": "async_frames",
        "find": "fanout.remove(subscriber)  # also when Django cancels it",
        "replace": "pass  # also when Django cancels it",
        "tests": ["events/tests/test_serving.py"],
        "k": "disconnect_removes_them",
        "why": "an ASGI stream whose client went away keeps its subscriber (and queue) for ever",
    },
    {
        "id": "events-closed-sync-stream-kept",
        "file": "events/stream.py",
        "function": "sync_frames",
        "find": "fanout.remove(subscriber)  # the server closed it",
        "replace": "pass  # the server closed it",
        "tests": ["events/tests/test_stream.py"],
        "k": "leaves_no_subscriber",
        "why": "a WSGI stream whose client went away keeps its subscriber for ever",
    },
    {
        "id": "events-thread-per-stream",
        "file": "events/asgi.py",
        "function": "with_event_streams",
        "find": "return await streams(scope, receive, send)",
        "replace": "return await application(scope, receive, send)",
        "tests": ["events/tests/test_serving.py"],
        "k": "no_threads",
        "why": "each open ASGI stream holds a thread of its own (a thousand streams, a thousand threads)",
    },
]
