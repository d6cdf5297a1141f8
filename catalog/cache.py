"""A vendor's public answers (its menu, its detail) kept in the cache as the JSON bytes they are sent as.

Reading a menu is the hottest request of the campus and its answer changes rarely, so
`GET /vendors/{id}/menu` and `GET /vendors/{id}` are answered from the cache (Redis in
production) without touching the database, and rebuilt from it on a miss.

Freshness: every vendor has a version token (`catalog:vendor:<id>:version`); an answer is
stored with the token it was built under, and served only while that token is still the
vendor's (both are read in one round trip, MGET). `vendor_public_changed(vendor_id=...)`
sets a new token at once and again when the writing transaction commits, so the next read
misses and rebuilds from the committed rows. A reader stores what it built with the token
it read *before* reading the database, so a reader that raced a write stores an answer
that no reader accepts after the commit: no stale answer survives a committed change.
Who calls it:

- catalog: `post_save` / `post_delete` of `Shop` and `MenuItem` (connected in
  `CatalogConfig.ready()`), i.e. every write of those rows whichever path makes it: the
  catalog services, the Django admin's change forms, the shell;
- accounts: the `vendor_access_changed` hook (`accounts.hooks`), run by the services that
  approve, reject, block and unblock a vendor, since visibility depends on the vendor's
  account and accounts may not import catalog.

Writes that bypass both (`QuerySet.update()`, raw SQL) show after at most
`CATALOG_PUBLIC_CACHE_SECONDS` (60 s): every stored answer expires by then. A stale menu
can never charge a wrong price: placing an order reads prices and availability from the
database (`ordering.services.order_place`).

The cache accelerates and is never needed: if it fails (Redis down or frozen), the answer
is built from the database after one failed call, and writes commit all the same.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# How long a vendor's token outlives its last change. Much longer than an answer lives, so
# answers stored under a token that has since expired are long gone.
VERSION_SECONDS = 7 * 24 * 3600
# A vendor whose token is missing (never changed since the cache was emptied) reads this one.
INITIAL_TOKEN = "0"
CACHE_ERRORS = (RedisError, OSError)

MENU = "menu"
DETAIL = "detail"


def answer_seconds() -> int:
    """How long a stored answer may be served: the bound on staleness for writes that bypass the hooks."""
    return settings.CATALOG_PUBLIC_CACHE_SECONDS


def _version_key(vendor_id: int) -> str:
    return f"catalog:vendor:{vendor_id}:version"


def _answer_key(vendor_id: int, part: str) -> str:
    return f"catalog:vendor:{vendor_id}:{part}"


def _read(vendor_id: int, part: str) -> tuple[str, bytes | None]:
    """The vendor's current token and the answer stored under it (None if none is), in one MGET."""
    version_key, answer_key = _version_key(vendor_id), _answer_key(vendor_id, part)
    found = cache.get_many([version_key, answer_key])
    token = found.get(version_key) or INITIAL_TOKEN
    stored = found.get(answer_key)
    return token, stored[1] if stored is not None and stored[0] == token else None


def vendor_public_stored(*, vendor_id: int, part: str) -> bytes | None:
    """The stored answer if it is still fresh, else None (a miss, or the cache unavailable): never builds."""
    try:
        return _read(vendor_id, part)[1]
    except CACHE_ERRORS:
        return None


def vendor_public_answer(*, vendor_id: int, part: str, build: Callable[[], bytes]) -> bytes:
    """The stored answer `part` of vendor `vendor_id`, or `build()`'s, stored for the next readers.

    Exceptions of `build` (NotFound for a vendor students may not see) pass through and
    nothing is stored, so unknown ids leave nothing behind in the cache.
    """
    try:
        token, stored = _read(vendor_id, part)
    except CACHE_ERRORS:
        logger.warning("catalog cache unavailable; answering from the database", exc_info=True)
        return build()
    if stored is not None:
        return stored
    body = build()
    try:
        cache.set(_answer_key(vendor_id, part), (token, body), answer_seconds())
    except CACHE_ERRORS:
        logger.warning("catalog cache unavailable; answer not stored", exc_info=True)
    return body


def _new_version(vendor_id: int) -> None:
    try:
        cache.set(_version_key(vendor_id), secrets.token_hex(8), VERSION_SECONDS)
    except CACHE_ERRORS:
        # The write stands; answers stored before it expire within answer_seconds().
        logger.warning("catalog cache unavailable; vendor %s answers expire on their own", vendor_id, exc_info=True)


def vendor_public_changed(*, vendor_id: int) -> None:
    """What students see of vendor `vendor_id` changed (or may have): drop its stored answers.

    A new token now (a reader later in this transaction, or a test inside one, misses) and
    again on commit (readers that rebuilt from the not yet committed rows meanwhile stored
    under a token no one reads afterwards). Outside a transaction both happen at once.
    """
    _new_version(vendor_id)
    transaction.on_commit(lambda: _new_version(vendor_id))


# --- who calls vendor_public_changed (connected in CatalogConfig.ready) -----------------------


def on_catalog_row_written(sender, instance, **kwargs) -> None:
    """post_save / post_delete of Shop and MenuItem: their vendor's answers change."""
    vendor_public_changed(vendor_id=instance.vendor_id)


def on_vendor_access_changed(*, user) -> None:
    """accounts' hook: a vendor was approved, rejected, blocked or unblocked."""
    vendor_public_changed(vendor_id=user.pk)
