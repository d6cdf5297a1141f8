"""Mutants: API tokens answered from the cache (accounts/token_cache.py) are revoked at once."""

from __future__ import annotations

CACHE = "accounts/token_cache.py"
TESTS = ["accounts/tests/test_token_cache.py"]

MUTANTS: list[dict] = [
    {
        "id": "token-cache-kept-on-logout",
        "file": CACHE,
        "function": "on_token_deleted",
        "find": "    token_forget(token_keys=[instance.key])",
        "replace": "    return None",
        "tests": TESTS,
        "k": "logout or replaced",
        "why": "a deleted token (logout, a token replaced) keeps answering from the cache",
    },
    {
        "id": "token-cache-kept-on-user-change",
        "file": CACHE,
        "function": "on_user_saved",
        "find": "    user_tokens_forget(user_id=instance.pk)",
        "replace": "    return None",
        "tests": TESTS,
        "k": "rejected or role or deactivated",
        "why": "a vendor rejected, a role changed or an account deactivated keeps its old access from the cache",
    },
    {
        "id": "token-cache-skips-saves-with-fields",
        "file": CACHE,
        "function": "on_user_saved",
        "find": 'if created or (update_fields is not None and set(update_fields) <= {"last_login"}):',
        "replace": "if created or update_fields is not None:",
        "tests": TESTS,
        "k": "rejected",
        "why": "services that save only the changed fields (approval, rejection) do not forget the cached user",
    },
    {
        "id": "token-cache-forget-only-on-commit",
        "file": CACHE,
        "function": "token_forget",
        "find": "    _tombstone(keys)\n    transaction.on_commit",
        "replace": "    transaction.on_commit",
        "tests": TESTS,
        "k": "blocked or logout",
        "why": "revocation waits for the commit: a request in between is still answered for the blocked user",
    },
    {
        "id": "token-cache-forget-only-at-once",
        "file": CACHE,
        "function": "token_forget",
        "find": "    transaction.on_commit(lambda: _tombstone(keys))",
        "replace": "    pass",
        "tests": TESTS,
        "k": "before_the_block_committed",
        "why": "a request that read the user before the block committed puts it back in the cache afterwards",
    },
    {
        "id": "token-cache-store-overwrites-tombstone",
        "file": CACHE,
        "function": "token_user_store",
        "find": "cache.add(_key(token.key), entry,",
        "replace": "cache.set(_key(token.key), entry,",
        "tests": TESTS,
        "k": "tombstone",
        "why": "a slow request stores the user it read before the block over the revocation",
    },
    {
        "id": "token-cache-raw-token-in-key",
        "file": CACHE,
        "function": "_key",
        "find": 'return f"accounts:token:{credential_digest(token_key)}"',
        "replace": 'return f"accounts:token:{token_key}"',
        "tests": TESTS,
        "k": "digest",
        "why": "the raw API token is written to Redis as a key (readable by anyone who can read the cache)",
    },
]
