"""System checks for the SMS configuration."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register

from .sms import BACKENDS, DEVELOPMENT_ONLY_BACKENDS

_REQUIRED_SETTINGS = {
    "msg91": ("MSG91_AUTH_KEY",),
    "twilio": ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM_NUMBER"),
}


@register("accounts")
def check_sms_backend(app_configs=None, **kwargs) -> list[Error]:
    backend = settings.SMS_BACKEND
    if backend not in BACKENDS:
        return [
            Error(
                f"SMS_BACKEND={backend!r} is not one of {', '.join(sorted(BACKENDS))}.",
                id="accounts.E001",
            )
        ]
    errors = []
    if not settings.DEBUG and backend in DEVELOPMENT_ONLY_BACKENDS:
        errors.append(
            Error(
                f"SMS_BACKEND={backend!r} does not deliver messages; it is for development and tests only.",
                hint="With DEBUG off use msg91 or twilio (or file for a local run).",
                id="accounts.E002",
            )
        )
    missing = [name for name in _REQUIRED_SETTINGS.get(backend, ()) if not getattr(settings, name, "")]
    if missing:
        errors.append(Error(f"SMS_BACKEND={backend!r} needs {', '.join(missing)}.", id="accounts.E003"))
    return errors
