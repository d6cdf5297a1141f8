"""The client's IP address, believing `X-Forwarded-For` only as far as `TRUSTED_PROXY_COUNT` allows.

Each proxy appends the address it received the request from, so with N trusted
proxies in front of the app the client is the N-th entry from the right; the
entries to its left were written by the client and are ignored. With N = 0 the
header is never read: `REMOTE_ADDR` is the client.
"""

from __future__ import annotations

import ipaddress
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

logger = logging.getLogger(__name__)

UNKNOWN_IP = "0.0.0.0"  # noqa: S104  (a placeholder address, never bound)

# Evidence that requests come through a proxy nobody told us about (TRUSTED_PROXY_COUNT = 0
# while X-Forwarded-For arrives): then every client shares the proxy's address, and so one
# rate-limit bucket. Kept in the shared cache for `check --deploy` (accounts.W010) and
# /health/ready; each process logs it once and refreshes the record at most hourly.
UNTRUSTED_FORWARDED_FOR_KEY = "accounts:ip:untrusted-forwarded-for"
UNTRUSTED_FORWARDED_FOR_TTL = 7 * 24 * 3600
_RECORD_EVERY_SECONDS = 3600
_last_recorded: float | None = None


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def note_forwarded_for(request: HttpRequest) -> None:
    """Record (once an hour per process, in the cache) a request with X-Forwarded-For while no proxy is trusted."""
    global _last_recorded
    if int(getattr(settings, "TRUSTED_PROXY_COUNT", 0)) > 0 or not request.META.get("HTTP_X_FORWARDED_FOR"):
        return
    now = time.monotonic()
    if _last_recorded is not None and now - _last_recorded < _RECORD_EVERY_SECONDS:
        return
    if _last_recorded is None:
        logger.warning(
            "request with X-Forwarded-For while TRUSTED_PROXY_COUNT is 0: behind a proxy every client "
            "shares its address and one rate-limit bucket; set TRUSTED_PROXY_COUNT"
        )
    _last_recorded = now
    try:
        cache.set(UNTRUSTED_FORWARDED_FOR_KEY, int(time.time()), timeout=UNTRUSTED_FORWARDED_FOR_TTL)
    except Exception:  # a detail for operators; never fail a request over it
        logger.warning("could not record the untrusted X-Forwarded-For in the cache")


def untrusted_forwarded_for_seen() -> bool:
    """Whether a request came with X-Forwarded-For while TRUSTED_PROXY_COUNT was 0 (in the last week)."""
    if int(getattr(settings, "TRUSTED_PROXY_COUNT", 0)) > 0:
        return False
    try:
        return cache.get(UNTRUSTED_FORWARDED_FOR_KEY) is not None
    except Exception:  # the cache being down is reported by its own check
        return False


def client_ip(request: HttpRequest) -> str:
    """The caller's address as a normalised string (never empty)."""
    remote = _valid(request.META.get("REMOTE_ADDR", "")) or UNKNOWN_IP
    trusted = max(0, int(getattr(settings, "TRUSTED_PROXY_COUNT", 0)))
    if trusted == 0:
        note_forwarded_for(request)
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < trusted:
        # Fewer entries than proxies: the request did not come through them all.
        return remote
    return _valid(hops[-trusted]) or remote


def client_ip_key(request: HttpRequest) -> str:
    """`client_ip` for rate limiting: IPv6 grouped by /64, since one host usually owns the whole prefix."""
    address = ipaddress.ip_address(client_ip(request))
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address) + "/64"
    return str(address)
