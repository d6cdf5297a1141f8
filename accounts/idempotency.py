"""`Idempotency-Key` for money-moving POSTs.

Same user + same key + same body -> the first response again, and nothing new
happens. Same key with another body, or while the first request is still
running -> 409 `idempotency_conflict`. Errors raised by the handler are not
stored (the handler's transaction rolled back), so a retry runs again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from rest_framework.request import Request
from rest_framework.response import Response

from tntproject.errors import IdempotencyConflict, ValidationFailed

from .models import IdempotencyKey

HEADER = "Idempotency-Key"


def _file_digest(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _canonical_body(request: Request) -> str:
    data = request.data
    if hasattr(data, "lists"):
        plain = {key: values if len(values) != 1 else values[0] for key, values in data.lists()}
    else:
        plain = data
    files = {name: _file_digest(f) for name, f in getattr(request, "FILES", {}).items()}
    return json.dumps({"data": plain, "files": files}, sort_keys=True, default=str)


def fingerprint_of(request: Request) -> str:
    scope = f"{request.method} {request.path}"
    return hashlib.sha256(f"{scope}\n{_canonical_body(request)}".encode()).hexdigest()


def run_idempotent(request: Request, handler: Callable[[], Response]) -> Response:
    """Run `handler` at most once per (user, Idempotency-Key); replay its response otherwise."""
    key = request.headers.get(HEADER)
    if key is None:
        return handler()
    if not 1 <= len(key) <= 255:
        raise ValidationFailed(details={HEADER: ["Must be 1 to 255 characters."]})

    scope = f"{request.method} {request.path}"[:200]
    fingerprint = fingerprint_of(request)
    try:
        with transaction.atomic():
            record = IdempotencyKey.objects.create(user=request.user, key=key, scope=scope, fingerprint=fingerprint)
    except IntegrityError:
        existing = IdempotencyKey.objects.filter(user=request.user, key=key).first()
        if existing is None or existing.fingerprint != fingerprint or existing.state != IdempotencyKey.State.DONE:
            raise IdempotencyConflict() from None
        response = Response(existing.response_body, status=existing.response_status)
        response["Idempotent-Replayed"] = "true"
        return response

    try:
        response = handler()
    except BaseException:
        IdempotencyKey.objects.filter(pk=record.pk).delete()
        raise
    if response.status_code >= 500:
        IdempotencyKey.objects.filter(pk=record.pk).delete()
        return response
    IdempotencyKey.objects.filter(pk=record.pk).update(
        state=IdempotencyKey.State.DONE, response_status=response.status_code, response_body=response.data
    )
    return response
