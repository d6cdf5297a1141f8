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
OTP_FAILURES_PHONE_GROUP = "accounts.otp.failures.phone"
ADMIN_LOGIN_PHONE_GROUP = "accounts.admin_login.phone"
ADMIN_LOGIN_IP_GROUP = "accounts.admin_login.ip"


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


def enforce_otp_request_limits_by_ip(request) -> None:
    enforce(request, group=OTP_REQUEST_IP_GROUP, key=ip_key, rate=settings.RATE_LIMIT_OTP_IP)


def enforce_otp_request_limits_by_phone(request, *, phone: str) -> None:
    """Count a code request for an already normalised `phone` (the API and the pages share the counter)."""
    enforce(request, group=OTP_PHONE_GROUP, key=lambda group, req: phone, rate=settings.RATE_LIMIT_OTP_PHONE)


def enforce_otp_verify_limits(request) -> None:
    enforce(request, group=OTP_VERIFY_IP_GROUP, key=ip_key, rate=settings.RATE_LIMIT_OTP_IP)


# --- Wrong sign-in codes per phone, all codes together ------------------------------------


def _otp_failures_rate() -> str:
    return f"{int(settings.OTP_MAX_FAILURES_PER_HOUR)}/h"


def otp_failures_check(*, phone: str) -> None:
    """Refuse (429) while `phone` has had OTP_MAX_FAILURES_PER_HOUR wrong codes this hour."""
    enforce(None, group=OTP_FAILURES_PHONE_GROUP, key=lambda group, req: phone, rate=_otp_failures_rate(), count=False)


def otp_failure_count(*, phone: str) -> None:
    """Count one wrong code (or wrong staff password) of `phone`; never raises."""
    get_usage(
        None, group=OTP_FAILURES_PHONE_GROUP, key=lambda group, req: phone, rate=_otp_failures_rate(), increment=True
    )


# --- Wrong admin passwords, per phone and per IP --------------------------------------------


def _admin_login_keys(request, phone: str):
    return (
        (ADMIN_LOGIN_PHONE_GROUP, lambda group, req: phone),
        (ADMIN_LOGIN_IP_GROUP, ip_key),
    )


def admin_login_check(request, *, phone: str) -> None:
    """Refuse (429) once `phone` or the caller's IP had RATE_LIMIT_ADMIN_LOGIN wrong passwords."""
    for group, key in _admin_login_keys(request, phone):
        enforce(request, group=group, key=key, rate=settings.RATE_LIMIT_ADMIN_LOGIN, count=False)


def admin_login_failure_count(request, *, phone: str) -> None:
    for group, key in _admin_login_keys(request, phone):
        get_usage(request, group=group, key=key, rate=settings.RATE_LIMIT_ADMIN_LOGIN, increment=True)
