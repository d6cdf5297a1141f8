"""SMS backends, chosen by `SMS_BACKEND` like Django's email backends.

`queue_sms(phone=..., body=...)` is what the rest of the project calls: it
queues the `send_sms` Celery task once the current transaction commits. This
module imports the task; the task imports what it needs from here inside its
body, so the import goes one way only.

Backends raise `SmsError` for failures worth retrying (network trouble, provider
5xx or 429) and `SmsRejected` for ones that are not (bad credentials, invalid
number, missing configuration). Only the `console` backend ever shows a
message body; nothing here logs one.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from datetime import UTC, datetime
from pathlib import Path

import requests
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from .tasks import send_sms

logger = logging.getLogger(__name__)

# The locmem backend's outbox, like django.core.mail.outbox.
outbox: list[dict] = []


class SmsError(Exception):
    """A provider or network failure that may pass; the task retries these."""


class SmsRejected(SmsError):
    """The provider refused the message for good (credentials, number, template): no retry."""


class BaseBackend:
    name = "base"

    def send(self, *, to: str, body: str) -> None:
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    """Development only: prints the message (codes included) to stdout."""

    name = "console"

    def send(self, *, to: str, body: str) -> None:
        print(f"[sms to {to}] {body}", flush=True)


class LocmemBackend(BaseBackend):
    """Tests: keeps messages in `accounts.sms.outbox`."""

    name = "locmem"

    def send(self, *, to: str, body: str) -> None:
        outbox.append({"to": to, "body": body, "sent_at": datetime.now(UTC).isoformat()})


class FileBackend(BaseBackend):
    """Appends one JSON line `{"to", "body", "sent_at"}` per message to SMS_FILE_PATH.

    The file holds sign-in codes, so it is created mode 0600 (owner only) and an existing
    one is narrowed to that; its folder is created 0700.
    """

    name = "file"
    FILE_MODE = 0o600

    def send(self, *, to: str, body: str) -> None:
        path = Path(settings.SMS_FILE_PATH)
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            line = json.dumps({"to": to, "body": body, "sent_at": datetime.now(UTC).isoformat()})
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, self.FILE_MODE)
            with os.fdopen(fd, "a", encoding="utf-8") as handle:
                os.fchmod(handle.fileno(), self.FILE_MODE)
                handle.write(line + "\n")
        except OSError as exc:
            raise SmsError(f"cannot write SMS file: {type(exc).__name__}") from exc


class HttpBackend(BaseBackend):
    """Shared HTTP plumbing: timeouts, error classification, no bodies in errors or logs."""

    def _post(self, url: str, **kwargs) -> requests.Response:
        timeout = float(settings.SMS_TIMEOUT_SECONDS)
        try:
            response = requests.post(url, timeout=(timeout, timeout), allow_redirects=False, **kwargs)
        except requests.RequestException as exc:
            raise SmsError(f"{self.name}: network error ({type(exc).__name__})") from None
        if response.status_code == 429 or response.status_code >= 500:
            raise SmsError(f"{self.name}: provider answered HTTP {response.status_code}")
        if response.status_code >= 400:
            raise SmsRejected(f"{self.name}: provider refused the message (HTTP {response.status_code})")
        if not 200 <= response.status_code < 300:
            raise SmsError(f"{self.name}: unexpected HTTP {response.status_code}")
        return response

    @staticmethod
    def _json(response: requests.Response) -> dict:
        try:
            data = response.json()
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}


class Msg91Backend(HttpBackend):
    """MSG91's Flow API (v5): `POST {MSG91_BASE_URL}/api/v5/flow` with the `authkey` header.

    India requires DLT-registered templates, so the message goes out through the
    template `MSG91_TEMPLATE_ID`, whose one variable (named by
    `MSG91_BODY_VARIABLE`, default `body`) receives our text. MSG91 wants the
    number with its country code and no `+`.
    """

    name = "msg91"

    def send(self, *, to: str, body: str) -> None:
        if not settings.MSG91_AUTH_KEY or not settings.MSG91_TEMPLATE_ID:
            raise SmsRejected("msg91: MSG91_AUTH_KEY and MSG91_TEMPLATE_ID must be set")
        variable = getattr(settings, "MSG91_BODY_VARIABLE", "body")
        payload = {
            "template_id": settings.MSG91_TEMPLATE_ID,
            "short_url": "0",
            "recipients": [{"mobiles": to.lstrip("+"), variable: body}],
        }
        if settings.SMS_SENDER_ID:
            payload["sender"] = settings.SMS_SENDER_ID
        response = self._post(
            settings.MSG91_BASE_URL.rstrip("/") + "/api/v5/flow",
            json=payload,
            headers={"authkey": settings.MSG91_AUTH_KEY, "accept": "application/json"},
        )
        data = self._json(response)
        # MSG91 can answer 200 with {"type": "error"} (e.g. an unknown template).
        if data.get("type") != "success":
            raise SmsRejected("msg91: provider did not accept the message")


class TwilioBackend(HttpBackend):
    """Twilio's Messages resource:
    `POST {TWILIO_BASE_URL}/2010-04-01/Accounts/{AccountSid}/Messages.json`,
    HTTP basic auth (Account SID, auth token), form fields `To`, `From`, `Body`.
    """

    name = "twilio"

    def send(self, *, to: str, body: str) -> None:
        sid, token, sender = settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, settings.TWILIO_FROM_NUMBER
        if not (sid and token and sender):
            raise SmsRejected("twilio: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER must be set")
        response = self._post(
            f"{settings.TWILIO_BASE_URL.rstrip('/')}/2010-04-01/Accounts/{sid}/Messages.json",
            data={"To": to, "From": sender, "Body": body},
            auth=(sid, token),
            headers={"Accept": "application/json"},
        )
        if not self._json(response).get("sid"):
            raise SmsError("twilio: answer without a message sid")


BACKENDS: dict[str, type[BaseBackend]] = {
    "console": ConsoleBackend,
    "locmem": LocmemBackend,
    "file": FileBackend,
    "msg91": Msg91Backend,
    "twilio": TwilioBackend,
}
DEVELOPMENT_ONLY_BACKENDS = frozenset({"console", "locmem"})


def get_backend() -> BaseBackend:
    try:
        return BACKENDS[settings.SMS_BACKEND]()
    except KeyError:
        raise SmsRejected(f"unknown SMS_BACKEND {settings.SMS_BACKEND!r}") from None


SMS_BODY_TTL_SECONDS = 3600


def _body_key(ref: str) -> str:
    return f"sms:body:{ref}"


def stash_body(body: str) -> str:
    """Keep `body` in the shared cache for the task and return the reference to pass instead.

    Task arguments end up in the broker, in monitoring tools and in Celery's own
    log lines (eager mode ignores `kwargsrepr`), and bodies carry sign-in codes:
    so the task gets a random reference, never the text (a "claim check").
    """
    ref = secrets.token_urlsafe(18)
    cache.set(_body_key(ref), body, timeout=SMS_BODY_TTL_SECONDS)
    return ref


def claim_body(ref: str) -> str | None:
    return cache.get(_body_key(ref))


def forget_body(ref: str) -> None:
    cache.delete(_body_key(ref))


def enqueue_sms(*, phone: str, body: str) -> None:
    """Queue the `send_sms` task now: for callers already past their commit (push's fallback).

    The body travels by reference (see `stash_body`); the phone is masked in Celery's logs.
    """
    ref = stash_body(body)
    send_sms.apply_async(
        kwargs={"to": phone, "body_ref": ref}, kwargsrepr=repr({"to": f"…{phone[-4:]}", "body_ref": "…"})
    )


def queue_sms(*, phone: str, body: str) -> None:
    """Send an SMS after the current transaction commits (at once outside one).

    Nothing is queued if the transaction rolls back (see `enqueue_sms`).
    """

    def _queue() -> None:
        enqueue_sms(phone=phone, body=body)

    transaction.on_commit(_queue)
