"""SMS backends, chosen by `SMS_BACKEND` like Django's email backends.

`queue_sms(phone=..., body=...)` is what the rest of the project calls: it
queues the `send_sms` Celery task once the current transaction commits.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

# The locmem backend's outbox, like django.core.mail.outbox.
outbox: list[dict] = []


class SmsError(Exception):
    """A provider or network failure; the task retries these."""


class BaseBackend:
    def send(self, *, to: str, body: str) -> None:
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    """Development only: prints the message (codes included) to stdout."""

    def send(self, *, to: str, body: str) -> None:
        print(f"[sms to {to}] {body}", flush=True)


class LocmemBackend(BaseBackend):
    def send(self, *, to: str, body: str) -> None:
        outbox.append({"to": to, "body": body, "sent_at": datetime.now(UTC).isoformat()})


class FileBackend(BaseBackend):
    """Appends one JSON line per message to SMS_FILE_PATH."""

    def send(self, *, to: str, body: str) -> None:
        path = Path(settings.SMS_FILE_PATH)
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"to": to, "body": body, "sent_at": datetime.now(UTC).isoformat()})
        with path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")


BACKENDS: dict[str, type[BaseBackend]] = {
    "console": ConsoleBackend,
    "locmem": LocmemBackend,
    "file": FileBackend,
}


def get_backend() -> BaseBackend:
    try:
        return BACKENDS[settings.SMS_BACKEND]()
    except KeyError:
        raise SmsError(f"unknown SMS_BACKEND {settings.SMS_BACKEND!r}") from None


def queue_sms(*, phone: str, body: str) -> None:
    """Send an SMS after the current transaction commits (at once outside one)."""
    from .tasks import send_sms

    transaction.on_commit(lambda: send_sms.delay(to=phone, body=body))
