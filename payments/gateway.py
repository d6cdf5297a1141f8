"""The only module that talks to Razorpay, through the official `razorpay` SDK.

Every call carries an explicit timeout (the SDK sets none). Every SDK error and
network failure becomes `core.errors.GatewayError` (502 `gateway_error`);
`GatewayRejected`, its subclass, means Razorpay answered and refused (4xx), so
retrying the same request cannot help. Callers never hold a database row lock
while calling these functions.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Callable
from typing import Any

import razorpay
import requests
from django.utils.translation import gettext as _
from razorpay import errors as razorpay_errors

from core.errors import GatewayError

from .conf import RazorpayConfig, razorpay_config
from .errors import GatewayRejected

logger = logging.getLogger(__name__)


def hmac_sha256_hex(secret: str, message: bytes | str) -> str:
    """Lowercase hex HMAC-SHA256, as Razorpay signs checkout results and webhooks."""
    if isinstance(message, str):
        message = message.encode("utf-8")
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def _client(config: RazorpayConfig) -> razorpay.Client:
    if not config.configured:
        raise GatewayError(_("Online payments are not configured on this server."))
    return razorpay.Client(auth=(config.key_id, config.key_secret), base_url=config.base_url)


def _call(operation: str, call: Callable[[razorpay.Client, float], Any]) -> dict:
    """Run one SDK call; map every failure to GatewayError; insist on a JSON object back."""
    config = razorpay_config()
    client = _client(config)
    started = time.monotonic()
    try:
        result = call(client, config.timeout)
    except razorpay_errors.BadRequestError as exc:
        logger.warning("razorpay %s refused: %s", operation, exc)
        raise GatewayRejected(details={"gateway": str(exc)[:200]}) from exc
    except (razorpay_errors.GatewayError, razorpay_errors.ServerError) as exc:
        logger.warning("razorpay %s failed: %s", operation, exc)
        raise GatewayError() from exc
    except requests.RequestException as exc:  # connection, timeout, non-JSON body
        logger.warning("razorpay %s unreachable: %s", operation, type(exc).__name__)
        raise GatewayError() from exc
    except ValueError as exc:  # a body that is not JSON, on older requests versions
        logger.warning("razorpay %s answered garbage", operation)
        raise GatewayError() from exc
    finally:
        client.session.close()
        logger.info("razorpay %s took %.0f ms", operation, (time.monotonic() - started) * 1000)
    if not isinstance(result, dict):
        logger.warning("razorpay %s answered %s, not an object", operation, type(result).__name__)
        raise GatewayError()
    return result


def _entity(operation: str, result: dict, *, prefix: str) -> dict:
    entity_id = result.get("id")
    if not isinstance(entity_id, str) or not entity_id.startswith(prefix):
        logger.warning("razorpay %s answered without a %s id", operation, prefix)
        raise GatewayError()
    return result


def order_create(*, amount_paise: int, currency: str, receipt: str, notes: dict[str, str]) -> dict:
    """Create a Razorpay order (auto-capture) and return it; it must echo our amount and currency."""
    payload = {
        "amount": amount_paise,
        "currency": currency,
        "receipt": receipt[:40],
        "notes": notes,
        "payment_capture": 1,
    }
    result = _call("order.create", lambda client, timeout: client.order.create(payload, timeout=timeout))
    order = _entity("order.create", result, prefix="order_")
    if order.get("amount") != amount_paise or order.get("currency") != currency:
        logger.error("razorpay order %s does not echo our amount/currency", order.get("id"))
        raise GatewayError()
    return order


def order_payments(*, razorpay_order_id: str) -> list[dict]:
    """Every payment attempt Razorpay knows for one of our orders."""
    result = _call("order.payments", lambda client, timeout: client.order.payments(razorpay_order_id, timeout=timeout))
    items = result.get("items")
    if not isinstance(items, list):
        raise GatewayError()
    return [item for item in items if isinstance(item, dict)]


def payment_fetch(*, razorpay_payment_id: str) -> dict:
    result = _call("payment.fetch", lambda client, timeout: client.payment.fetch(razorpay_payment_id, timeout=timeout))
    return _entity("payment.fetch", result, prefix="pay_")


def refund_create(*, razorpay_payment_id: str, amount_paise: int, idempotency_key: str, notes: dict[str, str]) -> dict:
    """Ask Razorpay to refund; the same `idempotency_key` never refunds twice (X-Refund-Idempotency)."""
    payload = {"amount": amount_paise, "notes": notes}
    # The SDK's payment.refund(payment_id, data) takes the body as a dict; extra keyword
    # arguments go to requests, so the idempotency header travels with the call.
    result = _call(
        "payment.refund",
        lambda client, timeout: client.payment.refund(
            razorpay_payment_id, payload, headers={"X-Refund-Idempotency": idempotency_key}, timeout=timeout
        ),
    )
    refund = _entity("payment.refund", result, prefix="rfnd_")
    if refund.get("amount") != amount_paise or refund.get("payment_id") != razorpay_payment_id:
        logger.error("razorpay refund %s does not echo our amount/payment", refund.get("id"))
        raise GatewayError()
    return refund


def refund_fetch(*, razorpay_refund_id: str) -> dict:
    result = _call("refund.fetch", lambda client, timeout: client.refund.fetch(razorpay_refund_id, timeout=timeout))
    return _entity("refund.fetch", result, prefix="rfnd_")


def payment_signature_valid(*, razorpay_order_id: str, razorpay_payment_id: str, signature: str) -> bool:
    """Checkout's signature: HMAC-SHA256(key secret, "<our order id>|<payment id>"), constant time."""
    config = razorpay_config()
    if not (config.key_secret and isinstance(signature, str) and signature):
        return False
    expected = hmac_sha256_hex(config.key_secret, f"{razorpay_order_id}|{razorpay_payment_id}")
    return _same_hex_digest(expected, signature)


def webhook_signature_valid(*, body: bytes, signature: str | None) -> bool:
    """X-Razorpay-Signature: HMAC-SHA256 of the raw body bytes, keyed with the webhook secret (not the
    API secret), compared in constant time. The body is never re-serialised before checking."""
    config = razorpay_config()
    if not (config.webhook_secret and isinstance(signature, str) and signature):
        return False
    expected = hmac_sha256_hex(config.webhook_secret, body)
    return _same_hex_digest(expected, signature)


def _same_hex_digest(expected: str, given: str) -> bool:
    """Constant-time comparison of hex digests; compared as bytes, since compare_digest refuses
    non-ASCII text (a hostile header must be a mismatch, not a crash)."""
    return hmac.compare_digest(expected.encode(), given.strip().lower().encode("utf-8", "surrogateescape"))
