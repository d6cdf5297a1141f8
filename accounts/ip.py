"""The client's IP address, believing `X-Forwarded-For` only as far as `TRUSTED_PROXY_COUNT` allows.

Each proxy appends the address it received the request from, so with N trusted
proxies in front of the app the client is the N-th entry from the right; the
entries to its left were written by the client and are ignored. With N = 0 the
header is never read: `REMOTE_ADDR` is the client.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

UNKNOWN_IP = "0.0.0.0"  # noqa: S104  (a placeholder address, never bound)


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The caller's address as a normalised string (never empty)."""
    remote = _valid(request.META.get("REMOTE_ADDR", "")) or UNKNOWN_IP
    trusted = max(0, int(getattr(settings, "TRUSTED_PROXY_COUNT", 0)))
    if trusted == 0:
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
