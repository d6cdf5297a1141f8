"""The reusable Idempotency-Key helper, on a throwaway DRF view (the orders API tests it end to end)."""

import json
import threading
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from accounts.models import IdempotencyKey
from accounts.tests.factories import StudentFactory
from core.errors import ValidationFailed
from core.idempotency import run_idempotent
from tests.concurrency import run_concurrently

factory = APIRequestFactory()


class Recorder:
    """A handler that counts its runs and writes one row per run (an IdempotencyKey of another user)."""

    def __init__(self, status=201, raises=None, pause=None):
        self.runs = 0
        self.status = status
        self.raises = raises
        self.pause = pause

    def __call__(self):
        self.runs += 1
        if self.pause is not None:
            self.pause.wait(timeout=10)
        if self.raises is not None:
            raise self.raises
        return Response({"run": self.runs, "when": timezone.now()}, status=self.status)


def make_view(handler, *, atomic=False):
    class View(APIView):
        def post(self, request):
            return run_idempotent(request, handler, atomic=atomic)

    return View.as_view()


def post(view, user, body, key="key-1", path="/api/v1/things", fmt="json"):
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    request = factory.post(path, body, format=fmt, **headers)
    force_authenticate(request, user=user)
    response = view(request)
    response.render()
    return response


@pytest.mark.django_db
class TestRunIdempotent:
    @pytest.mark.parametrize("atomic", [False, True])
    def test_replays_the_first_response(self, atomic):
        handler = Recorder()
        view = make_view(handler, atomic=atomic)
        user = StudentFactory()
        first = post(view, user, {"a": 1, "b": [1, 2]})
        again = post(view, user, {"b": [1, 2], "a": 1})  # same body, other key order
        assert handler.runs == 1
        assert first.status_code == again.status_code == 201
        assert json.loads(again.content) == json.loads(first.content)
        assert again["Idempotent-Replayed"] == "true"
        assert "Idempotent-Replayed" not in first

    def test_without_a_key_every_request_runs(self):
        handler = Recorder()
        view = make_view(handler)
        user = StudentFactory()
        post(view, user, {"a": 1}, key=None)
        post(view, user, {"a": 1}, key=None)
        assert handler.runs == 2
        assert not IdempotencyKey.objects.exists()

    @pytest.mark.parametrize("other", [{"a": 2}, {"a": 1, "extra": True}, {}])
    def test_other_body_same_key_is_409(self, other):
        handler = Recorder()
        view = make_view(handler)
        user = StudentFactory()
        post(view, user, {"a": 1})
        response = post(view, user, other)
        assert response.status_code == 409
        assert response.data["error"]["code"] == "idempotency_conflict"
        assert handler.runs == 1

    def test_same_key_on_another_endpoint_is_409(self):
        handler = Recorder()
        view = make_view(handler)
        user = StudentFactory()
        post(view, user, {"a": 1}, path="/api/v1/orders")
        response = post(view, user, {"a": 1}, path="/api/v1/orders/1/pay")
        assert response.status_code == 409
        assert handler.runs == 1

    def test_keys_are_per_user(self):
        handler = Recorder()
        view = make_view(handler)
        post(view, StudentFactory(), {"a": 1})
        response = post(view, StudentFactory(), {"a": 1})
        assert response.status_code == 201 and handler.runs == 2

    def test_a_request_still_in_flight_is_409(self):
        user = StudentFactory()
        handler = Recorder()
        view = make_view(handler)
        post(view, user, {"a": 1})
        # The same request, caught while the first copy is still running.
        IdempotencyKey.objects.update(state=IdempotencyKey.State.IN_FLIGHT, response_status=None, response_body=None)

        response = post(view, user, {"a": 1})

        assert response.status_code == 409
        assert response.data["error"]["code"] == "idempotency_conflict"
        assert "still being processed" in response.data["error"]["message"]
        assert handler.runs == 1

    def test_a_stale_in_flight_key_is_taken_over_once(self, settings):
        settings.IDEMPOTENCY_IN_FLIGHT_TIMEOUT_SECONDS = 60
        user = StudentFactory()
        handler = Recorder()
        view = make_view(handler)
        first = post(view, user, {"a": 1})
        # Pretend the process died right after claiming the key.
        IdempotencyKey.objects.update(
            state=IdempotencyKey.State.IN_FLIGHT,
            response_status=None,
            response_body=None,
            created_at=timezone.now() - timedelta(minutes=5),
        )
        retried = post(view, user, {"a": 1})
        assert retried.status_code == 201 and handler.runs == 2
        replay = post(view, user, {"a": 1})
        assert json.loads(replay.content) == json.loads(retried.content) != json.loads(first.content)

    @pytest.mark.parametrize("atomic", [False, True])
    def test_errors_are_not_stored_and_a_retry_runs_again(self, atomic):
        user = StudentFactory()
        failing = Recorder(raises=ValidationFailed(details={"a": ["bad"]}))
        response = post(make_view(failing, atomic=atomic), user, {"a": 1})
        assert response.status_code == 400
        assert not IdempotencyKey.objects.exists()
        working = Recorder()
        assert post(make_view(working, atomic=atomic), user, {"a": 1}).status_code == 201
        assert working.runs == 1

    def test_unexpected_exceptions_free_the_key(self):
        user = StudentFactory()
        response = post(make_view(Recorder(raises=RuntimeError("boom"))), user, {"a": 1})
        assert response.status_code == 500
        assert not IdempotencyKey.objects.exists()

    @pytest.mark.parametrize("atomic", [False, True])
    def test_server_error_answers_are_not_stored(self, atomic):
        user = StudentFactory()
        post(make_view(Recorder(status=503), atomic=atomic), user, {"a": 1})
        assert not IdempotencyKey.objects.exists()

    def test_client_error_answers_returned_not_raised_are_replayed(self):
        handler = Recorder(status=402)
        view = make_view(handler)
        user = StudentFactory()
        assert post(view, user, {"a": 1}).status_code == 402
        assert post(view, user, {"a": 1}).status_code == 402
        assert handler.runs == 1

    def test_atomic_handler_rolls_back_with_its_key(self):
        user = StudentFactory()

        def handler():
            IdempotencyKey.objects.create(user=StudentFactory(), key="side-effect", scope="x", fingerprint="y")
            raise ValidationFailed()

        post(make_view(handler, atomic=True), user, {"a": 1})
        assert not IdempotencyKey.objects.filter(key="side-effect").exists()
        assert not IdempotencyKey.objects.exists()

    @pytest.mark.parametrize("key", ["", "k" * 256])
    def test_bad_keys_are_400(self, key):
        handler = Recorder()
        response = post(make_view(handler), StudentFactory(), {"a": 1}, key=key)
        assert response.status_code == 400
        assert response.data["error"]["code"] == "validation_error"
        assert "Idempotency-Key" in response.data["error"]["details"]
        assert handler.runs == 0

    def test_a_255_character_key_is_fine(self):
        handler = Recorder()
        assert post(make_view(handler), StudentFactory(), {"a": 1}, key="k" * 255).status_code == 201

    def test_multipart_bodies_are_fingerprinted_by_file_content(self):
        handler = Recorder()
        view = make_view(handler)
        user = StudentFactory()

        def upload(content):
            body = {"copies": "2", "file": SimpleUploadedFile("a.pdf", content, content_type="application/pdf")}
            return post(view, user, body, fmt="multipart")

        assert upload(b"%PDF-1 one").status_code == 201
        assert upload(b"%PDF-1 one").status_code == 201
        assert handler.runs == 1
        assert upload(b"%PDF-1 two").status_code == 409


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_concurrent_same_key_runs_the_handler_once():
    user = StudentFactory()
    release = threading.Event()
    handler = Recorder(pause=release)
    view = make_view(handler)
    results = []

    def worker(_):
        results.append(post(view, user, {"a": 1}).status_code)

    def release_the_winner():
        # Let the five losers come back with 409 while the winner is still inside the handler.
        deadline = timezone.now() + timedelta(seconds=10)
        while len(results) < 5 and timezone.now() < deadline:
            threading.Event().wait(0.05)
        release.set()

    run_concurrently(6, worker, while_running=release_the_winner, timeout=20)

    assert sorted(results) == [201, 409, 409, 409, 409, 409]
    assert handler.runs == 1
    assert IdempotencyKey.objects.get().state == IdempotencyKey.State.DONE


@pytest.mark.django_db
def test_keys_past_retention_are_purged_by_the_beat_task(settings):
    from core.tasks import purge_idempotency_keys

    settings.IDEMPOTENCY_KEY_RETENTION_HOURS = 24
    user = StudentFactory()
    old = IdempotencyKey.objects.create(user=user, key="old", scope="POST /x", fingerprint="f")
    fresh = IdempotencyKey.objects.create(user=user, key="fresh", scope="POST /x", fingerprint="f")
    IdempotencyKey.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))

    assert purge_idempotency_keys.delay().get() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["fresh"]
    assert purge_idempotency_keys.delay().get() == 0
    assert IdempotencyKey.objects.filter(pk=fresh.pk).exists()
    assert "accounts.tasks.purge_idempotency_keys" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
