"""Rate limits of the sign-in endpoints (django-ratelimit, counted in the shared cache).

Keys are callables: the phone key reads the normalised phone the view already
validated (django-ratelimit's `post:` keys cannot see JSON bodies), the IP key
uses `accounts.ip.client_ip_key` (which honours TRUSTED_PROXY_COUNT). Over the
limit raises `RateLimited` with `Retry-After` = seconds until the window ends.
"""

from __future__ import annotations

from django.conf import settings
from django_ratelimit.core import get_usage

from tntproject.errors import RateLimited

from .ip import client_ip_key

OTP_PHONE_GROUP = "accounts.otp.phone"
OTP_REQUEST_IP_GROUP = "accounts.otp.request.ip"
OTP_VERIFY_IP_GROUP = "accounts.otp.verify.ip"


def ip_key(group: str, request) -> str:
    return client_ip_key(getattr(request, "_request", request))


def enforce(request, *, group: str, key, rate: str) -> None:
    """Count this request against `rate` for `key`; raise RateLimited once it is over."""
    usage = get_usage(request, group=group, key=key, rate=rate, increment=True)
    if usage is None or not usage["should_limit"]:
        return
    retry_after = max(1, int(usage["time_left"]))
    raise RateLimited(details={"retry_after": retry_after}, headers={"Retry-After": str(retry_after)})


def enforce_otp_request_limits_by_ip(request) -> None:
    enforce(request, group=OTP_REQUEST_IP_GROUP, key=ip_key, rate=settings.RATE_LIMIT_OTP_IP)


def enforce_otp_request_limits_by_phone(request, *, phone: str) -> None:
    """Count a code request for an already normalised `phone` (the API and the pages share the counter)."""
    enforce(request, group=OTP_PHONE_GROUP, key=lambda group, req: phone, rate=settings.RATE_LIMIT_OTP_PHONE)


def enforce_otp_verify_limits(request) -> None:
    enforce(request, group=OTP_VERIFY_IP_GROUP, key=ip_key, rate=settings.RATE_LIMIT_OTP_IP)
