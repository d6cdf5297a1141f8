"""One-time sign-in codes, kept in the shared cache only as a keyed hash.

Per phone the cache holds one record `{"nonce", "mac", "expires_at"}` where
`mac = HMAC(key derived from SECRET_KEY, phone | nonce | code)`; the code itself
is never stored. A new code replaces the old one (new nonce). Wrong tries are
counted per nonce with an atomic `incr`; after `OTP_MAX_ATTEMPTS` the code is
dead. A successful check claims the nonce with an atomic `add`, so a code works
once even under concurrent verifies. Expiry is checked against `expires_at`
(read through `clock()`), and the cache entry also carries the TTL so nothing
lingers.

Cache failures (Redis down) are not caught here: they propagate so the API
answers 503 `service_unavailable` instead of pretending a code was wrong.
"""

from __future__ import annotations

import math
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import constant_time_compare, salted_hmac

CODE_DIGITS = 6
_KEY_SALT = "tnt.accounts.otp"


def clock() -> float:
    """Seconds since the epoch; tests replace it to travel in time."""
    return time.time()


@dataclass(frozen=True)
class IssuedCode:
    code: str
    expires_in: int
    resend_after: int


def _ttl() -> int:
    return int(settings.OTP_TTL_SECONDS)


def _resend_seconds() -> int:
    return max(0, int(settings.OTP_RESEND_SECONDS))


def _phone_ref(phone: str) -> str:
    # Cache keys name a keyed hash of the phone, not the phone itself.
    return salted_hmac(f"{_KEY_SALT}.phone", phone, algorithm="sha256").hexdigest()[:40]


def code_key(phone: str) -> str:
    return f"otp:code:{_phone_ref(phone)}"


def _attempts_key(phone: str, nonce: str) -> str:
    return f"otp:tries:{_phone_ref(phone)}:{nonce}"


def _used_key(phone: str, nonce: str) -> str:
    return f"otp:used:{_phone_ref(phone)}:{nonce}"


def _resend_key(phone: str) -> str:
    return f"otp:resend:{_phone_ref(phone)}"


def _mac(phone: str, nonce: str, code: str) -> str:
    return salted_hmac(f"{_KEY_SALT}.code", f"{phone}|{nonce}|{code}", algorithm="sha256").hexdigest()


def generate_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def resend_wait(*, phone: str) -> int:
    """Claim the resend slot for `phone`: 0 if a code may be sent now, else seconds to wait.

    Atomic (`cache.add`), so two simultaneous requests cannot both send.
    """
    cool_down = _resend_seconds()
    if cool_down == 0:
        return 0
    now = clock()
    if cache.add(_resend_key(phone), now + cool_down, timeout=cool_down):
        return 0
    until = cache.get(_resend_key(phone))
    if until is None:  # expired between the two calls
        return 0 if cache.add(_resend_key(phone), now + cool_down, timeout=cool_down) else 1
    return max(1, math.ceil(until - now))


def issue(*, phone: str) -> IssuedCode:
    """Make a new code for `phone`, replacing any earlier one."""
    ttl = _ttl()
    code = generate_code()
    nonce = secrets.token_hex(8)
    record = {"nonce": nonce, "mac": _mac(phone, nonce, code), "expires_at": clock() + ttl}
    cache.set(code_key(phone), record, timeout=ttl)
    return IssuedCode(code=code, expires_in=ttl, resend_after=_resend_seconds())


def check(*, phone: str, code: str) -> bool:
    """True exactly once for the right, live code of `phone`; False for anything else.

    Wrong, expired, dead (too many tries), already used and never-requested codes
    all give the same False.
    """
    key = code_key(phone)
    record = cache.get(key)
    if not isinstance(record, dict):
        # Do the same hashing work as a real check, so timing says little.
        constant_time_compare(_mac(phone, "0" * 16, code), "0" * 64)
        return False
    nonce = record["nonce"]
    if clock() >= record["expires_at"]:
        _discard(phone, nonce)
        return False

    attempts_key = _attempts_key(phone, nonce)
    cache.add(attempts_key, 0, timeout=_ttl())
    try:
        attempts = cache.incr(attempts_key)
    except ValueError:  # the counter expired together with the code
        return False
    max_attempts = int(settings.OTP_MAX_ATTEMPTS)
    if attempts > max_attempts:
        _discard(phone, nonce)
        return False

    if not constant_time_compare(_mac(phone, nonce, code), record["mac"]):
        if attempts >= max_attempts:
            _discard(phone, nonce)
        return False

    # Single use: only the first verify to claim this nonce wins.
    if not cache.add(_used_key(phone, nonce), 1, timeout=_ttl()):
        return False
    _discard(phone, nonce)
    return True


def count_wrong_try(*, phone: str) -> None:
    """Count a wrong try of the live code of `phone` without checking any code (a staff
    sign-in with a missing or wrong password): after OTP_MAX_ATTEMPTS the code is dead."""
    record = cache.get(code_key(phone))
    if not isinstance(record, dict):
        return
    nonce = record["nonce"]
    attempts_key = _attempts_key(phone, nonce)
    cache.add(attempts_key, 0, timeout=_ttl())
    try:
        attempts = cache.incr(attempts_key)
    except ValueError:
        return
    if attempts >= int(settings.OTP_MAX_ATTEMPTS):
        _discard(phone, nonce)


def _discard(phone: str, nonce: str) -> None:
    """Drop the code of `phone` if it is still the one with `nonce` (a newer code stays)."""
    key = code_key(phone)
    current = cache.get(key)
    if isinstance(current, dict) and current.get("nonce") == nonce:
        cache.delete(key)
    cache.delete(_attempts_key(phone, nonce))
