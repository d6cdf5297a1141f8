"""Payments for the payments tests, on real orders and print jobs placed through their services."""

from __future__ import annotations

import hashlib
import hmac
import json

import factory

from ordering.tests.factories import place_order
from payments.models import Payment
from payments.sandbox.state import new_id, webhook_body

# The credentials every payments test runs with (the sandbox checks them like Razorpay would).
KEY_ID = "rzp_test_tnttests01"
KEY_SECRET = "tnt-tests-key-secret"
WEBHOOK_SECRET = "tnt-tests-webhook-secret"


class PaymentFactory(factory.django.DjangoModelFactory):
    """An open payment for a freshly placed order (its Razorpay order id is made up)."""

    class Meta:
        model = Payment

    order = factory.LazyFunction(place_order)
    payer = factory.LazyAttribute(lambda payment: payment.order.student)
    amount_paise = factory.LazyAttribute(lambda payment: payment.order.total_paise)
    currency = "INR"
    razorpay_order_id = factory.LazyFunction(lambda: new_id("order"))


def sign(secret: str, message: bytes | str) -> str:
    """Lowercase hex HMAC-SHA256, computed here with the standard library rather than with the
    production helper, so a bug in that helper (key and message swapped, another digest) shows."""
    if isinstance(message, str):
        message = message.encode("utf-8")
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def checkout_signature(razorpay_order_id: str, razorpay_payment_id: str, secret: str = KEY_SECRET) -> str:
    """What Razorpay Checkout hands back: HMAC-SHA256(key secret, "<order id>|<payment id>")."""
    return sign(secret, f"{razorpay_order_id}|{razorpay_payment_id}")


def payment_entity(payment: Payment, *, razorpay_payment_id: str | None = None, status: str = "captured", **over):
    """A Razorpay payment entity for one of our payments, as webhooks carry it."""
    entity = {
        "id": razorpay_payment_id or new_id("pay"),
        "entity": "payment",
        "amount": payment.amount_paise,
        "currency": "INR",
        "status": status,
        "order_id": payment.razorpay_order_id,
        "captured": status == "captured",
        "method": "upi",
        "amount_refunded": 0,
        "error_description": None if status == "captured" else "Cancelled by the customer",
        "created_at": 1_700_000_000,
    }
    entity.update(over)
    return entity


def event_body(event: str, **entities) -> bytes:
    """The raw body of a Razorpay event carrying the given entities ({"payment": {...}})."""
    return webhook_body(event, {name: {"entity": entity} for name, entity in entities.items()})


def post_webhook(client, body: bytes, *, event_id: str | None = None, secret: str | None = WEBHOOK_SECRET, **headers):
    """POST a raw event to our webhook as Razorpay does: signed over exactly these bytes."""
    extra = {"HTTP_X_RAZORPAY_EVENT_ID": event_id or new_id("evt")}
    if secret is not None:
        extra["HTTP_X_RAZORPAY_SIGNATURE"] = sign(secret, body)
    extra.update(headers)
    return client.generic("POST", "/api/v1/payments/webhooks/razorpay", body, content_type="application/json", **extra)


def as_json(body: bytes) -> dict:
    return json.loads(body)
