"""API token → user from the cache, with revocation at once (issue 27).

Every API request with a token used to read the token and its user from PostgreSQL (17% of
`POST /orders` in the bench's profile). `accounts.authentication.TokenAuthentication` now
reads them from the cache (Redis in production) and goes to the database on a miss.

- Key: `accounts:token:<sha256 of the token>` (`credential_digest`): the raw token is never
  written to the cache, neither in a key nor in a value.
- Value: the user's columns (all but the password hash, which a cached user leaves deferred)
  and the token's creation time, with the column names they were read under, so an entry
  written before a deploy that changed the User model is a miss, never a misread.
- Only an active user is stored; an entry lives `TOKEN_CACHE_SECONDS` (60 s).

Revocation: `token_forget` replaces the entry by a tombstone, at once and again when the
writing transaction commits. Readers store with `cache.add`, which never overwrites, so a
reader that read the database before the change committed cannot put the old user back:
if it stored first, the tombstone replaces its entry; if it stores later, the tombstone
stays. While a tombstone lives (as long as an entry could) that token is read from the
database. Who forgets, through the signals connected in `AccountsConfig.ready()` (so no
path of the ORM can forget to):

- `post_delete` of a Token: logout (`services.user_sign_out`), blocking (`user_block`
  deletes the user's tokens), a token replaced by a new one, an account deleted with its
  tokens;
- `post_save` of a User: every change of the account made through the ORM
  (blocking, unblocking, vendor approval and rejection, role, vendor type, staff flags,
  name), the staff API, the admin's actions and its change form alike: all the user's
  tokens. A save of `last_login` alone (signing in) changes nothing the token answers.

Writes that bypass the ORM (`QuerySet.update()`, raw SQL) show within `TOKEN_CACHE_SECONDS`.
The cache accelerates and is never needed: when it fails, authentication reads the database,
and a failed forget is logged (the entry then expires on its own).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from redis.exceptions import RedisError
from rest_framework.authtoken.models import Token

from .models import User
from .selectors import credential_digest

logger = logging.getLogger(__name__)

CACHE_ERRORS = (RedisError, OSError)
REVOKED = "revoked"


def _columns() -> tuple[str, ...]:
    return tuple(f.attname for f in User._meta.concrete_fields if f.attname != "password")


def _key(token_key: str) -> str:
    return f"accounts:token:{credential_digest(token_key)}"


def token_user_cached(*, token_key: str) -> tuple[User, Token] | None:
    """The user and token of `token_key` from the cache; None on a miss or a tombstone.

    Raises one of CACHE_ERRORS when the cache fails (the caller then neither waits for it a
    second time to store, nor needs it: the database answers).
    """
    entry = cache.get(_key(token_key))
    if not isinstance(entry, tuple) or len(entry) != 3:
        return None
    columns, values, created = entry
    if columns != _columns():
        return None
    user = User.from_db("default", list(columns), list(values))
    token = Token.from_db("default", ["key", "user_id", "created"], [token_key, user.pk, created])
    token.user = user
    return user, token


def token_user_store(*, token: Token) -> None:
    """Keep `token` (read from the database with its user) for the next requests, unless a
    tombstone or another entry is there. Only an active user is kept."""
    user = token.user
    if not user.is_active:
        return
    columns = _columns()
    entry: tuple[Any, ...] = (columns, tuple(getattr(user, name) for name in columns), token.created)
    try:
        cache.add(_key(token.key), entry, timeout=settings.TOKEN_CACHE_SECONDS)
    except CACHE_ERRORS:
        logger.warning("token cache unavailable", exc_info=True)


def _tombstone(keys: list[str]) -> None:
    try:
        cache.set_many(dict.fromkeys(keys, REVOKED), timeout=settings.TOKEN_CACHE_SECONDS)
    except CACHE_ERRORS:
        logger.warning("token cache unavailable: tokens not forgotten", extra={"tokens": len(keys)}, exc_info=True)


def token_forget(*, token_keys: list[str]) -> None:
    """Forget what the cache holds for these tokens, at once and when the current transaction commits."""
    if not token_keys:
        return
    keys = [_key(token_key) for token_key in token_keys]
    _tombstone(keys)
    transaction.on_commit(lambda: _tombstone(keys))


def user_tokens_forget(*, user_id: int) -> None:
    """Forget the cached tokens of the user (its access or its profile changed)."""
    token_forget(token_keys=list(Token.objects.filter(user_id=user_id).values_list("key", flat=True)))


def on_token_deleted(sender, instance: Token, **kwargs) -> None:
    token_forget(token_keys=[instance.key])


def on_user_saved(sender, instance: User, created: bool = False, update_fields=None, **kwargs) -> None:
    if created or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return
    user_tokens_forget(user_id=instance.pk)
