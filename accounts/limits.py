"""Rate limits of the sign-in endpoints (OTP request and verify, staff passwords).

Counted through `core.limits.enforce`; the phone keys read the normalised phone the
view already validated, the IP keys are `core.limits.ip_key`.
"""

from __future__ import annotations

from django.conf import settings
from django_ratelimit.core import get_usage

from core.limits import enforce, ip_key

OTP_PHONE_GROUP = "accounts.otp.phone"
OTP_REQUEST_IP_GROUP = "accounts.otp.request.ip"
OTP_VERIFY_IP_GROUP = "accounts.otp.verify.ip"
OTP_FAILURES_PHONE_GROUP = "accounts.otp.failures.phone"
ADMIN_LOGIN_PHONE_GROUP = "accounts.admin_login.phone"
ADMIN_LOGIN_IP_GROUP = "accounts.admin_login.ip"


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
