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
    if not backend:
        # Not chosen (DEBUG off has no default): `check --deploy` says so (E004) and the serving
        # processes refuse to start (tntproject.startup); commands like migrate still run.
        return []
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


@register("accounts", deploy=True)
def check_sms_backend_is_chosen(app_configs=None, **kwargs) -> list[Error]:
    """With DEBUG off SMS_BACKEND has no default: production must name it (even `file`)."""
    if settings.DEBUG or settings.SMS_BACKEND:
        return []
    return [
        Error(
            "SMS_BACKEND is not set. With DEBUG off it has no default: say how texts leave.",
            hint="Set SMS_BACKEND=msg91 or twilio (or SMS_BACKEND=file to write them, codes included, "
            "to SMS_FILE_PATH on this machine).",
            id="accounts.E004",
        )
    ]
