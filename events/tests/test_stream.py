"""The stream's bytes and rules, read from its generators with a short heartbeat: `retry`, the
frames, `Last-Event-ID` replay within the window, pings, events on commit only, the refusals."""

from __future__ import annotations

import json
import socket
import time

import pytest
from django.db import transaction
from rest_framework.authtoken.models import Token

from accounts.tests.factories import StudentFactory
from events import bus, stream
from ordering import services as ordering
from ordering.tests.factories import paid_order

from .conftest import event_frames, frames_until, run_async


def _publish(user_id: int, order_id: int, status: str = "paid") -> None:
    """What `event_publish` sends on commit (these tests have no transaction to wait for)."""
    bus.publish(user_ids=[user_id], data=json.dumps({"type": "order.updated", "id": order_id, "status": status}))


def _ids(frames: list[bytes]) -> list[str]:
    return [frame.split(b"\n", 1)[0].removeprefix(b"id: ").decode() for frame in event_frames(frames)]


def _data(frame: bytes) -> dict:
    return json.loads(frame.split(b"\ndata: ", 1)[1])


def test_a_stream_says_retry_first_then_frames_each_event_with_its_id_and_data(any_bus, fast_heartbeat):
    frames = stream.sync_frames(user_id=41)
    assert next(frames) == b"retry: 3000\n\n"
    _publish(41, 7)
    got = event_frames(frames_until(frames, 1))
    frames.close()
    assert len(got) == 1
    event_id = _ids(got)[0]
    assert bus.is_event_id(event_id)
    assert got[0] == f'id: {event_id}\ndata: {{"type": "order.updated", "id": 7, "status": "paid"}}\n\n'.encode()


def test_last_event_id_replays_what_came_after_it_and_then_goes_on_live(any_bus, fast_heartbeat):
    for order_id in (1, 2, 3):
        _publish(42, order_id)
    published = bus.replay(user_id=42, after="0-0")
    assert [json.loads(event.data)["id"] for event in published] == [1, 2, 3]

    frames = stream.sync_frames(user_id=42, last_event_id=published[0].id)
    replayed = frames_until(frames, 2)
    _publish(42, 4)
    live = frames_until(frames, 1)
    frames.close()
    assert replayed[0] == b"retry: 3000\n\n"
    assert [_data(frame)["id"] for frame in event_frames(replayed + live)] == [2, 3, 4]
    assert _ids(replayed) == [event.id for event in published[1:]]


def test_a_position_taken_before_a_reading_replays_every_event_published_after_it(any_bus, fast_heartbeat):
    _publish(48, 1)
    since = bus.position(48)  # what a page takes before it reads the order
    assert bus.is_event_id(since)
    _publish(48, 2)
    _publish(48, 3)
    frames = stream.sync_frames(user_id=48, last_event_id=since)
    got = frames_until(frames, 3)
    frames.close()
    assert [_data(frame)["id"] for frame in event_frames(got)] == [2, 3]
    # A user with no event yet: a position just before now, and the first event comes after it.
    fresh = bus.position(50)
    _publish(50, 9)
    assert [json.loads(e.data)["id"] for e in bus.replay(user_id=50, after=fresh)] == [9]


def test_without_redis_to_ask_there_is_no_position_and_the_page_still_renders(settings, caplog):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        settings.REDIS_URL = f"redis://127.0.0.1:{probe.getsockname()[1]}/0"
    assert bus.position(49) == ""
    assert "events: could not ask Redis where the stream is" in caplog.text


def test_replay_gives_nothing_older_than_the_window(any_bus, fast_heartbeat, settings):
    settings.EVENTS_REPLAY_SECONDS = 1
    _publish(43, 1)
    first = bus.replay(user_id=43, after="0-0")[0].id
    time.sleep(0.6)
    _publish(43, 2)  # keeps the user's stream alive: Redis trims it only roughly (MINID ~)
    time.sleep(0.6)
    _publish(43, 3)
    # The first is 1.2 s old now: out of the 1 s window, whether or not it was trimmed yet.
    assert [json.loads(e.data)["id"] for e in bus.replay(user_id=43, after="0-0")] == [2, 3]
    frames = stream.sync_frames(user_id=43, last_event_id="1-0")
    got = frames_until(frames, 3, timeout=1.0)
    frames.close()
    assert [_data(frame)["id"] for frame in event_frames(got)] == [2, 3]
    assert first not in _ids(got)


def test_an_event_the_replay_gave_is_not_sent_again_when_it_arrives_live(local_bus, fast_heartbeat):
    _publish(44, 1)
    event = bus.replay(user_id=44, after="0-0")[0]
    frames = stream.sync_frames(user_id=44, last_event_id="1-0")
    assert next(frames) == b"retry: 3000\n\n"
    local_bus.fanout.dispatch(44, event)  # the same entry heard again through the pub/sub
    got = frames_until(frames, 2, timeout=0.8)
    frames.close()
    assert _ids(got) == [event.id]


def test_an_idle_stream_gets_a_ping_comment_every_heartbeat(any_bus, fast_heartbeat):
    frames = stream.sync_frames(user_id=45)
    assert next(frames) == b"retry: 3000\n\n"
    started = time.monotonic()
    pings = [next(frames) for _ in range(3)]
    elapsed = time.monotonic() - started
    frames.close()
    assert pings == [b": ping\n\n"] * 3
    assert 0.5 <= elapsed < 1.5  # three heartbeats of 0.2 s, not at once and not late


def test_a_closed_stream_leaves_no_subscriber_behind(any_bus, fast_heartbeat):
    frames = stream.sync_frames(user_id=46)
    next(frames)
    subscriber, fanout = bus.subscribe(46)  # a second stream of the same user, to see the fan-out
    # Counted for this user: the process's listener may hold other tests' streams (their pages).
    assert fanout.count(46) == 2
    frames.close()
    assert fanout.count(46) == 1
    fanout.remove(subscriber)
    assert fanout.count(46) == 0
    _publish(46, 1)  # nobody listens: costs nothing, fails nothing


@pytest.mark.django_db(transaction=True)
def test_events_leave_on_commit_only_and_never_from_a_rolled_back_transaction(redis_bus, fast_heartbeat):
    order = paid_order()
    student_frames = stream.sync_frames(user_id=order.student_id)
    vendor_frames = stream.sync_frames(user_id=order.vendor_id)
    next(student_frames), next(vendor_frames)
    frames_until(student_frames, 1, timeout=0.3), frames_until(vendor_frames, 1, timeout=0.3)  # "paid", perhaps

    def replayed() -> list[str]:
        return [json.loads(event.data)["status"] for event in bus.replay(user_id=order.student_id, after="0-0")]

    with pytest.raises(RuntimeError), transaction.atomic():
        ordering.order_accept(order_id=order.pk, vendor=order.vendor)
        raise RuntimeError("the request fails after the change")
    assert event_frames(frames_until(student_frames, 1, timeout=0.8)) == []
    assert event_frames(frames_until(vendor_frames, 1, timeout=0.3)) == []
    assert replayed() == ["paid"]

    with transaction.atomic():
        ordering.order_accept(order_id=order.pk, vendor=order.vendor)
        assert replayed() == ["paid"]  # not before the commit
    got = frames_until(student_frames, 1) + frames_until(vendor_frames, 1)
    student_frames.close(), vendor_frames.close()
    assert [_data(frame) for frame in event_frames(got)] == [
        {"type": "order.updated", "id": order.pk, "status": "accepted"}
    ] * 2


# --- the endpoint ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_endpoint_answers_an_event_stream_that_nothing_buffers(make_client, redis_bus):
    response = make_client(StudentFactory()).get("/api/v1/events", HTTP_ACCEPT="text/event-stream")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"
    assert response["Cache-Control"] == "no-cache"
    assert response["X-Accel-Buffering"] == "no"
    body = iter(response.streaming_content)
    assert next(body) == b"retry: 3000\n\n"
    response.close()


@pytest.mark.django_db
@pytest.mark.parametrize("accept", ["text/event-stream", "application/json"])
def test_no_stream_without_sign_in_only_the_json_envelope(api_client, accept):
    response = api_client.get("/api/v1/events", HTTP_ACCEPT=accept)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_authenticated"
    bad_token = api_client.get("/api/v1/events", HTTP_ACCEPT=accept, HTTP_AUTHORIZATION="Token nope")
    assert bad_token.status_code == 401 and bad_token.json()["error"]["code"] == "authentication_failed"


@pytest.mark.django_db
def test_a_blocked_user_is_refused_the_stream(client, api_client):
    from accounts import services as account_services
    from accounts.tests.factories import StaffFactory

    student = StudentFactory()
    token = Token.objects.create(user=student).key
    client.force_login(student)
    account_services.user_block(user=student, by=StaffFactory(), reason="abuse")
    for response in (
        api_client.get("/api/v1/events", HTTP_AUTHORIZATION=f"Token {token}"),
        client.get("/api/v1/events"),
    ):
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "account_blocked"


@pytest.mark.django_db
def test_a_stream_open_when_its_user_is_blocked_ends_and_others_go_on(
    any_bus, fast_heartbeat, django_capture_on_commit_callbacks
):
    """Blocking shuts the user out of streams opened before it too: each gets `account.blocked`
    and ends (the browser's reconnect is then refused, above); another user's stream goes on."""
    from accounts import services as account_services
    from accounts.tests.factories import StaffFactory

    student, other = StudentFactory(), StudentFactory()
    blocked_stream, other_stream = stream.sync_frames(user_id=student.pk), stream.sync_frames(user_id=other.pk)
    assert next(blocked_stream) == next(other_stream) == stream.RETRY
    with django_capture_on_commit_callbacks(execute=True):
        account_services.user_block(user=student, by=StaffFactory(), reason="abuse")

    got = frames_until(blocked_stream, 1)
    assert [_data(f) for f in event_frames(got)] == [{"type": "account.blocked", "id": student.pk, "status": "blocked"}]
    with pytest.raises(StopIteration):
        next(blocked_stream)  # ended, not waiting for the next heartbeat
    _publish(other.pk, 9)
    assert [_data(f)["id"] for f in event_frames(frames_until(other_stream, 1))] == [9]
    other_stream.close()


def test_the_async_stream_ends_on_account_blocked_too(redis_bus, fast_heartbeat):
    """The `events` process's stream (ASGI) relays the block's event and ends like the sync one."""
    import asyncio

    async def read() -> list[bytes]:
        frames = stream.async_frames(user_id=43)
        got = [await frames.__anext__()]  # retry: subscribed
        bus.publish(user_ids=[43], data=json.dumps({"type": "account.blocked", "id": 43, "status": "blocked"}))
        async with asyncio.timeout(3):
            got += [chunk async for chunk in frames]  # ends by itself
        return got

    got = run_async(read())
    assert got[0] == stream.RETRY
    assert [_data(f)["type"] for f in event_frames(got[1:])] == ["account.blocked"]


@pytest.mark.django_db
@pytest.mark.parametrize("given", ["yesterday", "1-2-3", "9" * 40 + "-0"])
def test_a_malformed_last_event_id_is_a_400(make_client, given):
    client = make_client(StudentFactory())
    for response in (
        client.get("/api/v1/events", HTTP_LAST_EVENT_ID=given),
        client.get("/api/v1/events", {"last_event_id": given}),
    ):
        assert response.status_code == 400
        assert response.json()["error"]["details"] == {"last_event_id": ["Not an event id."]}


@pytest.mark.django_db(transaction=True)
def test_an_order_changes_even_when_redis_cannot_take_its_event(settings, caplog):
    order = paid_order()
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        settings.REDIS_URL = f"redis://127.0.0.1:{probe.getsockname()[1]}/0"
    accepted = ordering.order_accept(order_id=order.pk, vendor=order.vendor)
    order.refresh_from_db()
    assert accepted.status == order.status == "accepted"
    assert "events: could not publish to Redis" in caplog.text
