"""Rate limits counted in the shared cache (django-ratelimit), one way for every app.

Keys are callables: a view passes what it already validated (django-ratelimit's
`post:` keys cannot see JSON bodies); `ip_key` uses `core.ip.client_ip_key` (which
honours TRUSTED_PROXY_COUNT). Over the limit raises `RateLimited` with
`Retry-After` = seconds until the window ends.
"""

from __future__ import annotations

from django_ratelimit.core import get_usage

from core.errors import RateLimited
from core.ip import client_ip_key


def ip_key(group: str, request) -> str:
    return client_ip_key(getattr(request, "_request", request))


def enforce(request, *, group: str, key, rate: str, count: bool = True) -> None:
    """Count this request against `rate` for `key`; raise RateLimited once it is over.

    With `count=False` nothing is counted: it only refuses when the budget is already
    used up (for limits on failures, which are counted after the failure).
    """
    usage = get_usage(request, group=group, key=key, rate=rate, increment=count)
    if usage is None:
        return
    over = usage["should_limit"] if count else usage["count"] >= usage["limit"]
    if not over:
        return
    retry_after = max(1, int(usage["time_left"]))
    raise RateLimited(details={"retry_after": retry_after}, headers={"Retry-After": str(retry_after)})
