"""The sandbox's memory: Razorpay entities in the Django cache, and the switches tests flip.

Nothing here is reachable in production: the views refuse to answer unless the
sandbox is enabled, and `payments.checks` refuses a sandbox with DEBUG off.
"""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import string
import time
from collections.abc import Iterator
from typing import Any

import requests
from django.core.cache import cache

from core.money import is_paise
from payments.conf import razorpay_config
from payments.gateway import hmac_sha256_hex

logger = logging.getLogger(__name__)

PREFIX = "razorpay-sandbox:"
TTL = 7 * 24 * 3600
ACCOUNT_ID = "acc_TNTSANDBOX0001"
_ALPHABET = string.ascii_letters + string.digits


class SandboxError(Exception):
    """A request Razorpay would refuse with 400 BAD_REQUEST_ERROR."""


def new_id(prefix: str) -> str:
    return f"{prefix}_" + "".join(secrets.choice(_ALPHABET) for _ in range(14))


def _key(kind: str, name: str) -> str:
    return f"{PREFIX}{kind}:{name}"


def _get(kind: str, name: str) -> Any:
    return cache.get(_key(kind, name))


def _put(kind: str, name: str, value: Any) -> None:
    cache.set(_key(kind, name), value, TTL)


@contextlib.contextmanager
def _mutex(name: str, wait: float = 5.0) -> Iterator[None]:
    """A cross-process lock on one sandbox entity (cache.add is atomic in Redis and locmem)."""
    key = _key("lock", name)
    deadline = time.monotonic() + wait
    while not cache.add(key, 1, 10):
        if time.monotonic() > deadline:
            raise SandboxError("busy, try again")
        time.sleep(0.01)
    try:
        yield
    finally:
        cache.delete(key)


# --- switches for tests and demos --------------------------------------------------


def set_fault(mode: str | None, *, seconds: float = 3.0) -> None:
    """Make the API answer like a failing Razorpay: "error" (500), "garbage" (non-JSON 502),
    "hang" (answer after `seconds`), or None (healthy)."""
    if mode is None:
        cache.delete(_key("switch", "fault"))
    else:
        cache.set(_key("switch", "fault"), {"mode": mode, "seconds": seconds}, TTL)


def fault() -> dict | None:
    return cache.get(_key("switch", "fault"))


def set_webhooks(enabled: bool) -> None:
    """Off: Razorpay "loses" every webhook (reconciliation must find the money)."""
    cache.set(_key("switch", "webhooks_off"), not enabled, TTL)


def webhooks_enabled() -> bool:
    return not cache.get(_key("switch", "webhooks_off"), False)


def deliveries() -> list[dict]:
    """Webhook deliveries attempted so far (event, id, HTTP status), oldest first."""
    return list(cache.get(_key("log", "deliveries"), []))


def _log_delivery(entry: dict) -> None:
    with _mutex("deliveries"):
        log = cache.get(_key("log", "deliveries"), [])
        log.append(entry)
        cache.set(_key("log", "deliveries"), log[-200:], TTL)


# --- orders, payments, refunds ---------------------------------------------------------


def order_create(*, amount: Any, currency: Any, receipt: Any, notes: Any, webhook_url: str) -> dict:
    if not is_paise(amount):
        raise SandboxError("The amount must be an integer of at least 1 paise.")
    if currency != "INR":
        raise SandboxError("Currency is not supported.")
    order = {
        "id": new_id("order"),
        "entity": "order",
        "amount": amount,
        "amount_paid": 0,
        "amount_due": amount,
        "currency": currency,
        "receipt": str(receipt or "")[:40] or None,
        "offer_id": None,
        "status": "created",
        "attempts": 0,
        "notes": notes if isinstance(notes, dict) else [],
        "created_at": int(time.time()),
    }
    _put("order", order["id"], order)
    _put("order-payments", order["id"], [])
    _put("webhook-url", order["id"], webhook_url)
    return order


def order_get(order_id: str) -> dict | None:
    return _get("order", order_id)


def order_payments(order_id: str) -> list[dict]:
    return [payment for pid in _get("order-payments", order_id) or [] if (payment := _get("payment", pid))]


def payment_get(payment_id: str) -> dict | None:
    return _get("payment", payment_id)


# Razorpay's standard pricing: 2% of the amount, plus 18% GST on that fee; `fee` includes the GST (`tax`).
FEE_BPS = 200
GST_PERCENT = 18


def fee_and_tax(amount: int) -> tuple[int, int]:
    """What Razorpay keeps of a captured `amount` in paise: (fee including GST, the GST part)."""
    fee = amount * FEE_BPS // 10000
    tax = fee * GST_PERCENT // 100
    return fee + tax, tax


def _payment_entity(order: dict, *, status: str, amount: int | None = None) -> dict:
    captured = status == "captured"
    amount = order["amount"] if amount is None else amount
    fee, tax = fee_and_tax(amount) if captured and isinstance(amount, int) else (None, None)
    return {
        "id": new_id("pay"),
        "entity": "payment",
        "amount": amount,
        "currency": order["currency"],
        "base_amount": amount,
        "status": status,
        "order_id": order["id"],
        "invoice_id": None,
        "international": False,
        "method": "upi",
        "amount_refunded": 0,
        "amount_transferred": 0,
        "refund_status": None,
        "captured": captured,
        "description": None,
        "vpa": "student@sandbox",
        "email": "student@example.invalid",
        "contact": "+919999999999",
        "notes": order.get("notes") or [],
        "fee": fee,
        "tax": tax,
        "error_code": None if captured else "BAD_REQUEST_ERROR",
        "error_description": None if captured else "The sandbox was told to fail this payment.",
        "error_source": None if captured else "customer",
        "error_step": None if captured else "payment_authentication",
        "error_reason": None if captured else "payment_cancelled",
        "acquirer_data": {"rrn": "".join(secrets.choice(string.digits) for _ in range(12))},
        "created_at": int(time.time()),
    }


def signature_for(order_id: str, payment_id: str) -> str:
    return hmac_sha256_hex(razorpay_config().key_secret, f"{order_id}|{payment_id}")


def checkout_complete(order_id: str, *, succeed: bool, amount: int | None = None) -> dict:
    """A person paid (or failed to pay) at the checkout page. Sends the webhooks Razorpay would and
    returns what checkout hands back to the page (signed fields on success, error on failure).

    `amount` lets a test capture a different amount than the order's (a tampered checkout)."""
    with _mutex(f"order:{order_id}"):
        order = order_get(order_id)
        if order is None:
            raise SandboxError("The id provided does not exist")
        if succeed and order["status"] == "paid":
            raise SandboxError("This order has already been paid.")
        payment = _payment_entity(order, status="captured" if succeed else "failed", amount=amount)
        _put("payment", payment["id"], payment)
        _put("order-payments", order_id, [*(_get("order-payments", order_id) or []), payment["id"]])
        order["attempts"] += 1
        if succeed:
            order.update(status="paid", amount_paid=payment["amount"], amount_due=0)
        else:
            order["status"] = "attempted"
        _put("order", order_id, order)

    if succeed:
        send_webhook(order_id, "payment.captured", {"payment": {"entity": payment}})
        send_webhook(order_id, "order.paid", {"payment": {"entity": payment}, "order": {"entity": order}})
        return {
            "razorpay_order_id": order_id,
            "razorpay_payment_id": payment["id"],
            "razorpay_signature": signature_for(order_id, payment["id"]),
        }
    send_webhook(order_id, "payment.failed", {"payment": {"entity": payment}})
    return {
        "error": {
            "code": payment["error_code"],
            "description": payment["error_description"],
            "reason": payment["error_reason"],
            "metadata": {"order_id": order_id, "payment_id": payment["id"]},
        }
    }


def refund_create(*, payment_id: str, amount: Any, notes: Any, idempotency_key: str | None) -> dict:
    """Refund (part of) a captured payment; the same X-Refund-Idempotency key returns the same refund."""
    with _mutex(f"payment:{payment_id}"):
        if idempotency_key:
            existing_id = _get("refund-idem", idempotency_key)
            if existing_id and (existing := _get("refund", existing_id)):
                if existing["payment_id"] != payment_id or existing["amount"] != amount:
                    raise SandboxError("The idempotency key was used for another refund request.")
                return existing
        payment = payment_get(payment_id)
        if payment is None:
            raise SandboxError("The id provided does not exist")
        if payment["status"] not in ("captured", "refunded"):
            raise SandboxError("The payment has not been captured, so it cannot be refunded.")
        if not is_paise(amount):
            raise SandboxError("The refund amount must be a positive integer of paise.")
        if amount > payment["amount"] - payment["amount_refunded"]:
            raise SandboxError("The refund amount provided is greater than amount captured.")
        refund = {
            "id": new_id("rfnd"),
            "entity": "refund",
            "amount": amount,
            "currency": payment["currency"],
            "payment_id": payment_id,
            "notes": notes if isinstance(notes, dict) else {},
            "receipt": None,
            "acquirer_data": {"arn": None},
            "created_at": int(time.time()),
            "batch_id": None,
            "status": "pending",
            "speed_processed": None,
            "speed_requested": "normal",
        }
        payment["amount_refunded"] += amount
        payment["refund_status"] = "full" if payment["amount_refunded"] == payment["amount"] else "partial"
        if payment["refund_status"] == "full":
            payment["status"] = "refunded"
        _put("payment", payment_id, payment)
        _put("refund", refund["id"], refund)
        _put("payment-refunds", payment_id, [*(_get("payment-refunds", payment_id) or []), refund["id"]])
        if idempotency_key:
            _put("refund-idem", idempotency_key, refund["id"])

    answer = dict(refund)
    # The bank settles the refund at once in the sandbox; Razorpay says so by webhook.
    refund = {**refund, "status": "processed", "speed_processed": "normal"}
    _put("refund", refund["id"], refund)
    send_webhook(
        payment["order_id"], "refund.processed", {"refund": {"entity": refund}, "payment": {"entity": payment}}
    )
    return answer


def refund_get(refund_id: str) -> dict | None:
    return _get("refund", refund_id)


def payment_refunds(payment_id: str) -> list[dict]:
    return [refund for rid in _get("payment-refunds", payment_id) or [] if (refund := _get("refund", rid))]


# --- webhooks ---------------------------------------------------------------------------------


def webhook_body(event: str, payload: dict) -> bytes:
    return json.dumps(
        {
            "entity": "event",
            "account_id": ACCOUNT_ID,
            "event": event,
            "contains": list(payload),
            "payload": payload,
            "created_at": int(time.time()),
        }
    ).encode()


def send_webhook(order_id: str, event: str, payload: dict) -> int | None:
    """POST a signed event to the webhook URL recorded with the order, as Razorpay does.
    Returns the HTTP status, or None when webhooks are switched off or delivery failed."""
    url = _get("webhook-url", order_id)
    event_id = new_id("evt")
    if not url or not webhooks_enabled():
        _log_delivery({"event": event, "event_id": event_id, "status": None, "dropped": True})
        return None
    body = webhook_body(event, payload)
    headers = {
        "Content-Type": "application/json",
        "X-Razorpay-Signature": hmac_sha256_hex(razorpay_config().webhook_secret, body),
        "X-Razorpay-Event-Id": event_id,
        "User-Agent": "Razorpay-Webhook/v1 (TNT sandbox)",
    }
    try:
        response = requests.post(url, data=body, headers=headers, timeout=5)
        status: int | None = response.status_code
    except requests.RequestException as exc:
        logger.warning("sandbox webhook %s to %s failed: %s", event, url, type(exc).__name__)
        status = None
    _log_delivery({"event": event, "event_id": event_id, "status": status, "dropped": False})
    return status
