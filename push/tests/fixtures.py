"""Fixtures of Web Push (registered for the whole suite by the root conftest.py).

`push_service`: the loopback push service of push.tests.push_service, running, with the
settings that let the server POST to it (its host allowed, http for loopback).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .push_service import PushService


@pytest.fixture
def push_service(settings) -> Iterator[PushService]:
    service = PushService(server_public_key=settings.VAPID_PUBLIC_KEY).start()
    settings.PUSH_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.PUSH_ALLOW_HTTP_LOOPBACK = True
    try:
        yield service
    finally:
        service.stop()
