"""Error reports to Sentry, on only when SENTRY_DSN is set, with no personal data in them.

`before_send` walks the whole event (request, exception messages, breadcrumbs, Celery task
arguments, extra data) and takes out phones (+91… and bare 10-digit numbers), sign-in and pickup
codes, tokens, authorization headers, cookies, signatures and uploaded file names. It tags each
event with the request id (`X-Request-ID`, from `core.logging`) so a report leads to its log lines.
Local variables are not sent at all (they hold users and bodies). Imported by settings: no models here.
"""

from __future__ import annotations

import re
from typing import Any

FILTERED = "[Filtered]"

# Keys whose values are never sent, whatever they hold (compared lower-case, "-" read as "_").
_SECRET_KEY_PARTS = (
    "phone",
    "otp",
    "token",
    "password",
    "passwd",
    "secret",
    "authorization",
    "cookie",
    "csrf",
    "session",
    "signature",
    "api_key",
    "apikey",
    "original_name",
    "upload_name",
    "email",
    "contact",
)
_SECRET_KEYS = {"code", "pickup_code", "to", "body", "body_ref", "file", "file_name", "data", "query_string"}
# The SDK's own fields of an event: no personal data, and a release may look like a token (a commit hash).
_SDK_FIELDS = {"event_id", "timestamp", "release", "environment", "sdk", "modules", "platform", "level", "server_name"}

_PATTERNS = (
    # Phones: +91 and ten digits (spaces or dashes allowed), or any bare 10-digit number.
    (re.compile(r"(?:\+|\b)91[\s-]?\d{5}[\s-]?\d{5}\b"), "[phone]"),
    (re.compile(r"\b\d{10}\b"), "[phone]"),
    # Tokens and signatures: DRF tokens are 40 hex digits, Razorpay's HMACs 64.
    (re.compile(r"(?i)\b(token|bearer|basic)\s+[\w.~+/=-]+"), r"\1 [token]"),
    (re.compile(r"(?i)\b[0-9a-f]{40,}\b"), "[token]"),
    # Codes: sign-in codes and pickup codes are 6 digits.
    (re.compile(r"\b\d{6}\b"), "[code]"),
    # Uploaded file names (print files, photos).
    (re.compile(r"(?i)[^\s/\\'\"=:]+\.(?:pdf|docx?|pptx?|xlsx?|odt|txt|png|jpe?g|gif|webp|heic|heif)\b"), "[file]"),
)


def scrub_text(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _secret_key(key: Any) -> bool:
    name = str(key).lower().replace("-", "_")
    return name in _SECRET_KEYS or any(part in name for part in _SECRET_KEY_PARTS)


def scrub(value: Any, *, depth: int = 0) -> Any:
    """`value` with secret keys' values replaced and every string's phones, codes, tokens, file names taken out."""
    if depth > 20:
        return FILTERED
    if isinstance(value, dict):
        return {key: FILTERED if _secret_key(key) else scrub(item, depth=depth + 1) for key, item in value.items()}
    if isinstance(value, list | tuple):
        # Headers may come as [name, value] pairs.
        if len(value) == 2 and isinstance(value[0], str) and _secret_key(value[0]):
            return [value[0], FILTERED]
        return [scrub(item, depth=depth + 1) for item in value]
    if isinstance(value, str):
        return scrub_text(value)
    return value


def before_send(event: dict, hint: dict | None = None) -> dict:
    """Sentry's hook: the scrubbed event, tagged with the request id."""
    from .logging import request_id_var

    request_id = request_id_var.get()
    user = event.get("user") or {}
    event = {key: value if key in _SDK_FIELDS else scrub(value) for key, value in event.items()}
    # The user is named by id only (never phone, name, e-mail or address).
    event["user"] = {"id": user["id"]} if user.get("id") is not None else {}
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("cookies", None)
        request.pop("data", None)
        request.pop("env", None)
    if request_id and request_id != "-":
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def before_breadcrumb(crumb: dict, hint: dict | None = None) -> dict:
    return scrub(crumb)


def sentry_init(
    *, dsn: str, environment: str = "", release: str = "", traces_sample_rate: float = 0.0, **extra
) -> None:
    """Start the SDK with the Django and Celery integrations and the scrubbing hooks."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # No user identity, request bodies, frame variables, SQL parameters or task arguments collected
        # at all; before_send scrubs what is left (messages, URLs, headers, breadcrumbs).
        data_collection={
            "user_info": False,
            "http_bodies": [],
            "stack_frame_variables": False,
            "database_query_data": False,
            "queues": False,
        },
        traces_sample_rate=traces_sample_rate,
        before_send=before_send,
        before_breadcrumb=before_breadcrumb,
        **extra,
    )
