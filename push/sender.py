"""One Web Push message to one subscription, through pywebpush: encrypt (aes128gcm), sign
(VAPID), POST, and say how it went. Nothing here writes to the database."""

from __future__ import annotations

import enum
import json
import logging

import requests
from django.conf import settings
from http_ece import ECEException
from pywebpush import WebPushException, webpush

from .endpoints import endpoint_problem
from .models import PushSubscription
from .vapid import vapid_config

logger = logging.getLogger(__name__)


class Outcome(enum.Enum):
    DELIVERED = "delivered"  # the push service accepted it (2xx)
    GONE = "gone"  # 404 or 410: the browser unsubscribed
    FAILED = "failed"  # any other refusal, a network error, or an endpoint no longer allowed


class _NoRedirects(requests.Session):
    """A push service never redirects; following one would let an endpoint point the server elsewhere."""

    def request(self, *args, **kwargs):
        kwargs["allow_redirects"] = False
        return super().request(*args, **kwargs)


def push_payload(*, body: str, url: str, tag: str) -> str:
    """The JSON the service worker reads (the contract of API.md, "Live updates and notifications")."""
    return json.dumps({"title": "Tap N Take", "body": body, "url": url, "tag": tag}, ensure_ascii=False)


def send(subscription: PushSubscription, payload: str) -> Outcome:
    config = vapid_config()
    where = {"subscription": subscription.pk}
    if not config.enabled or endpoint_problem(subscription.endpoint):
        logger.warning("push skipped: push is off or the endpoint is not allowed", extra=where)
        return Outcome.FAILED
    session = _NoRedirects()
    try:
        webpush(
            subscription_info={
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            data=payload,
            vapid_private_key=config.signer,
            vapid_claims={"sub": config.subject},  # `aud` (the endpoint's origin) and `exp` added by pywebpush
            ttl=settings.PUSH_TTL_SECONDS,
            headers={"Urgency": "high"},
            timeout=settings.PUSH_TIMEOUT_SECONDS,
            requests_session=session,
        )
    except WebPushException as exc:
        status = exc.status_code
        if status in (404, 410):
            logger.info("push subscription gone (HTTP %s)", status, extra=where)
            return Outcome.GONE
        logger.warning("push refused (HTTP %s)", status, extra=where)
        return Outcome.FAILED
    except (requests.RequestException, ECEException, ValueError) as exc:
        logger.warning("push failed: %s", type(exc).__name__, extra=where)
        return Outcome.FAILED
    finally:
        session.close()
    return Outcome.DELIVERED
