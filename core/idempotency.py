"""`Idempotency-Key` for money-moving POSTs.

Same user + same key + same body (and same method and path) → the first
response again (same status and body, plus `Idempotent-Replayed: true`), and
nothing new happens. Same key with another body or on another endpoint, or
while the first request is still running → 409 `idempotency_conflict`.

The key row is inserted and committed *before* the handler runs, so the unique
constraint (user, key) admits exactly one runner however many copies of the
request arrive at once; the others see it in flight (409) or done (replay).

Refusals raised by the handler (validation errors, `slot_full`, …) and 5xx
answers are not stored: the key is freed and a retry runs again, because the
handler's own transaction rolled back and nothing happened.

`atomic=True` runs the handler and the recording of its response in one
transaction, so they commit together: a crash can never leave a created object
whose key still says "in flight". Use it for handlers that only touch the
database (placing an order, uploading a print job). Handlers that call a
payment gateway between transactions must not be wrapped (no lock may be held
across a network call); they must be safe to run again themselves.

A key left in flight by a process that died is taken over by a retry with the
same body after `IDEMPOTENCY_IN_FLIGHT_TIMEOUT_SECONDS` (default 120).

Call it outside any transaction (`ATOMIC_REQUESTS` is off), after authentication
and permission checks, from a DRF view:

    return run_idempotent(request, lambda: self._create(request), atomic=True)

The key rows are `accounts.IdempotencyKey` (one per user and key, with the user's other
rows): the model and its table stay in accounts, so no migration moves data; this module,
the logic every app's money-moving POST shares, is the kernel's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import IdempotencyKey
from core.errors import IdempotencyConflict, ValidationFailed

HEADER = "Idempotency-Key"
REPLAY_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
SCOPE_LENGTH = IdempotencyKey._meta.get_field("scope").max_length


def _in_flight_timeout() -> timedelta:
    return timedelta(seconds=settings.IDEMPOTENCY_IN_FLIGHT_TIMEOUT_SECONDS)


def _file_digest(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _file_digests(request: Request) -> dict[str, list[str]]:
    """Every uploaded file by field name, as digests of its content (a field may carry several)."""
    files = getattr(request, "FILES", None)
    if not files:
        return {}
    return {name: [_file_digest(upload) for upload in uploads] for name, uploads in files.lists()}


def _canonical_body(request: Request) -> str:
    files = _file_digests(request)
    data = request.data
    if hasattr(data, "lists"):  # QueryDict (form or multipart): keep repeated fields, files by content
        plain = {key: values if len(values) != 1 else values[0] for key, values in data.lists() if key not in files}
    else:
        plain = data
    return json.dumps({"data": plain, "files": files}, sort_keys=True, separators=(",", ":"), default=str)


def _scope(request: Request) -> str:
    return f"{request.method} {request.path}"


def fingerprint_of(request: Request) -> str:
    """SHA-256 over method, path and the parsed body (uploaded files by their content)."""
    return hashlib.sha256(f"{_scope(request)}\n{_canonical_body(request)}".encode()).hexdigest()


def _json_safe(data) -> object:
    """The body exactly as the client received it, as plain JSON (dates as strings, no ReturnDict)."""
    if data is None:
        return None
    return json.loads(JSONRenderer().render(data))


def _replay(record: IdempotencyKey) -> Response:
    response = Response(record.response_body, status=record.response_status)
    response[REPLAY_HEADER] = "true"
    return response


def _claim(request: Request, key: str, fingerprint: str) -> IdempotencyKey | Response:
    """Insert the key as in flight (ours to run), or answer from the row that holds it."""
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(
                user=request.user, key=key, scope=_scope(request)[:SCOPE_LENGTH], fingerprint=fingerprint
            )
    except IntegrityError:
        pass
    existing = IdempotencyKey.objects.filter(user=request.user, key=key).first()
    if existing is None:
        # The first request failed and freed the key between our insert and this read.
        raise IdempotencyConflict(_("The first request with this Idempotency-Key just failed; retry it."))
    if existing.fingerprint != fingerprint:
        raise IdempotencyConflict(_("This Idempotency-Key was already used for a different request."))
    if existing.state == IdempotencyKey.State.DONE:
        return _replay(existing)
    # In flight. If it has been for too long its process died: take it over, once.
    stale_before = timezone.now() - _in_flight_timeout()
    taken = IdempotencyKey.objects.filter(
        pk=existing.pk, state=IdempotencyKey.State.IN_FLIGHT, created_at__lt=stale_before
    ).update(created_at=timezone.now())
    if taken != 1:
        raise IdempotencyConflict(_("A request with this Idempotency-Key is still being processed."))
    existing.refresh_from_db()
    return existing


def _record(record: IdempotencyKey, response: Response) -> None:
    IdempotencyKey.objects.filter(pk=record.pk).update(
        state=IdempotencyKey.State.DONE,
        response_status=response.status_code,
        response_body=_json_safe(getattr(response, "data", None)),
    )


def _release(record: IdempotencyKey) -> None:
    """Free a key whose request did nothing, so that a retry runs again."""
    IdempotencyKey.objects.filter(pk=record.pk, state=IdempotencyKey.State.IN_FLIGHT).delete()


def run_idempotent(request: Request, handler: Callable[[], Response], *, atomic: bool = False) -> Response:
    """Run `handler` at most once per (user, Idempotency-Key); replay its response otherwise.

    Without the header the handler simply runs. A key that is empty or longer
    than 255 characters is a 400 validation_error. Raises IdempotencyConflict (409).
    """
    key = request.headers.get(HEADER)
    if key is None or not request.user.is_authenticated:
        return handler()
    if not 1 <= len(key) <= MAX_KEY_LENGTH:
        raise ValidationFailed(
            details={HEADER: [_("Must be 1 to %(max_key_length)s characters.") % {"max_key_length": MAX_KEY_LENGTH}]}
        )

    claimed = _claim(request, key, fingerprint_of(request))
    if isinstance(claimed, Response):
        return claimed
    record = claimed

    try:
        if atomic:
            with transaction.atomic():
                response = handler()
                if response.status_code >= 500:
                    transaction.set_rollback(True)
                else:
                    _record(record, response)
        else:
            response = handler()
    except BaseException:
        _release(record)
        raise
    if response.status_code >= 500:
        _release(record)
    elif not atomic:
        # The handler's work is committed; if this write fails the key stays in flight
        # (409 for retries) rather than being freed to run the handler a second time.
        _record(record, response)
    return response


def idempotency_keys_purge(*, older_than: timedelta | None = None) -> int:
    """Delete recorded keys older than IDEMPOTENCY_KEY_RETENTION_HOURS; returns how many.

    A client retries a request within minutes; a day later the same key is a new request.
    """
    age = older_than or timedelta(hours=settings.IDEMPOTENCY_KEY_RETENTION_HOURS)
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=timezone.now() - age).delete()
    return deleted
