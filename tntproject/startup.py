"""Checks a serving process makes before it takes work."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def require_secret_key() -> None:
    """Refuse to serve without SECRET_KEY: Django raises ImproperlyConfigured when it is empty."""
    settings.SECRET_KEY  # noqa: B018 - the access is the check


def require_sms_backend() -> None:
    """Refuse to serve with DEBUG off unless SMS_BACKEND was chosen explicitly (it has no default there)."""
    if not settings.DEBUG and not settings.SMS_BACKEND:
        raise ImproperlyConfigured(
            "SMS_BACKEND must be set when DEBUG is off (msg91, twilio, or file to write texts to SMS_FILE_PATH)."
        )


def require_production_settings() -> None:
    """Every check a serving process (web, worker, beat) makes before it takes work."""
    require_secret_key()
    require_sms_backend()
