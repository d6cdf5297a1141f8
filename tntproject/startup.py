"""Checks a serving process makes before it takes work."""

from django.conf import settings


def require_secret_key() -> None:
    """Refuse to serve without SECRET_KEY: Django raises ImproperlyConfigured when it is empty."""
    settings.SECRET_KEY  # noqa: B018 - the access is the check
