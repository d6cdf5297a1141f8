"""Pickup codes: six random digits shown to the student once paid, typed or scanned at handover.

Wrong guesses are counted per object in the cache (Redis: `incr` is atomic, so parallel
guesses all count); after PICKUP_CODE_MAX_ATTEMPTS within PICKUP_CODE_LOCKOUT_SECONDS the
object refuses every code with RateLimited (429, Retry-After). Settings are read at use.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from core.errors import RateLimited


def pickup_code_generate() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def _key(scope: str, pk: int) -> str:
    return f"{scope}:pickup-code-misses:{pk}"


def pickup_attempts_check(*, scope: str, pk: int, noun: str = "order", max_misses: int | None = None) -> None:
    """RateLimited once this object has had too many wrong codes lately (PICKUP_CODE_MAX_ATTEMPTS, or `max_misses`)."""
    limit = int(settings.PICKUP_CODE_MAX_ATTEMPTS) if max_misses is None else max_misses
    if cache.get(_key(scope, pk), 0) >= limit:
        raise RateLimited(
            _("Too many wrong pickup codes for this print job. Try again later.")
            if noun == "print job"
            else _("Too many wrong pickup codes for this order. Try again later."),
            headers={"Retry-After": str(int(settings.PICKUP_CODE_LOCKOUT_SECONDS))},
        )


def pickup_attempts_record_miss(*, scope: str, pk: int) -> None:
    key = _key(scope, pk)
    lockout = int(settings.PICKUP_CODE_LOCKOUT_SECONDS)
    cache.add(key, 0, timeout=lockout)  # starts the window once
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=lockout)


def pickup_attempts_clear(*, scope: str, pk: int) -> None:
    cache.delete(_key(scope, pk))


def pickup_code_matches(*, given: object, expected: str) -> bool:
    """Constant-time comparison; an object without a code matches nothing."""
    return bool(expected) and secrets.compare_digest(str(given or "").strip().encode(), expected.encode())
