"""Which push endpoints the server will POST to: the SSRF guard.

A subscription's endpoint comes from the browser, that is from the user, and the server
POSTs to it. So only https URLs on the known push services (`PUSH_ALLOWED_HOSTS`: exact
names, or `*.example.com` for any name under example.com) on the default port are accepted,
checked when a subscription is saved and again before each send. Plain http to a loopback
address (an IP literal) is allowed only with `PUSH_ALLOW_HTTP_LOOPBACK` (off by default; the tests' own push
service).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings


def _is_loopback(host: str) -> bool:
    """A loopback IP literal (names are not resolved here: a name could point anywhere)."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _host_allowed(host: str) -> bool:
    for pattern in settings.PUSH_ALLOWED_HOSTS:
        pattern = pattern.strip().lower().rstrip(".")
        if pattern.startswith("*."):
            if host.endswith(pattern[1:]) and len(host) > len(pattern) - 1:
                return True
        elif host == pattern:
            return True
    return False


def endpoint_problem(endpoint: str) -> str | None:
    """Why the server must not POST to `endpoint`, or None when it may."""
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        return "The endpoint is not a valid URL."
    host = (parts.hostname or "").rstrip(".")
    if not host or parts.username is not None or parts.password is not None or parts.fragment:
        return "The endpoint is not a valid push service URL."
    if parts.scheme == "http" and settings.PUSH_ALLOW_HTTP_LOOPBACK and _is_loopback(host):
        return None if _host_allowed(host) else "The endpoint is not on a known push service."
    if parts.scheme != "https":
        return "The endpoint must be an https URL."
    if port not in (None, 443):
        return "The endpoint must use the default https port."
    if not _host_allowed(host):
        return "The endpoint is not on a known push service."
    return None
