"""Payments on real orders and print jobs placed through their services; the one way tests capture.

`open_payment` + `capture` apply a capture through payments' one capture path
(`payment_capture`, as a webhook would); `pay_through_checkout` pays as a student does, at
the sandbox. `ordering.tests.factories.paid_order` is built on them.
"""

from __future__ import annotations

import hashlib
import hmac
import json

import factory
from django.test import TestCase

from payments import services as payment_services
from payments.models import Payment
from razorpay_sandbox import state as sandbox_state
from razorpay_sandbox.state import new_id, webhook_body

# The one set of test credentials (the sandbox fixture's), re-exported for the payments tests.
from razorpay_sandbox.tests.fixtures import KEY_ID as KEY_ID
from razorpay_sandbox.tests.fixtures import KEY_SECRET, WEBHOOK_SECRET


def _place_order():
    from ordering.tests.factories import place_order  # it builds on this module

    return place_order()


class PaymentFactory(factory.django.DjangoModelFactory):
    """An open payment for a freshly placed order (its Razorpay order id is made up)."""

    class Meta:
        model = Payment

    order = factory.LazyFunction(_place_order)
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


def post_webhook(
    client,
    body: bytes,
    *,
    event_id: str | None = None,
    secret: str | None = WEBHOOK_SECRET,
    apply: bool = True,
    **headers,
):
    """POST a raw event to our webhook as Razorpay does: signed over exactly these bytes.

    The endpoint stores the event and queues its application after commit. Inside a test's
    transaction nothing commits, so with `apply` (the default) the request's on-commit callbacks
    run as its commit would run them: the eager task applies the event, as under `make run`.
    With `apply=False` the event is left stored and pending, as if no worker had taken it yet.
    (In a transactional test the request commits for real: the event is applied either way.)
    """
    extra = {"HTTP_X_RAZORPAY_EVENT_ID": event_id or new_id("evt")}
    if secret is not None:
        extra["HTTP_X_RAZORPAY_SIGNATURE"] = sign(secret, body)
    extra.update(headers)
    with TestCase.captureOnCommitCallbacks(execute=apply):
        return client.generic(
            "POST", "/api/v1/payments/webhooks/razorpay", body, content_type="application/json", **extra
        )


def as_json(body: bytes) -> dict:
    return json.loads(body)


def open_payment(*, payer, order_=None, job=None) -> Payment:
    """A payment as `payment_open` leaves it once Razorpay made its order (the id is made up)."""
    amount = order_.total_paise if order_ is not None else job.amount_paise
    return Payment.objects.create(
        order=order_, print_job=job, payer=payer, amount_paise=amount, currency="INR", razorpay_order_id=new_id("order")
    )


def capture(payment: Payment) -> Payment:
    """Capture through the one capture path: payable marked paid, ledger posted."""
    return payment_services.payment_capture(
        payment_id=payment.pk,
        razorpay_payment_id=new_id("pay"),
        amount_paise=payment.amount_paise,
        currency="INR",
        source=payment_services.Source.WEBHOOK,
    )


def pay_through_checkout(payable: str, obj) -> Payment:
    """Pay for an order or a print job as its student would, through the sandbox checkout."""
    student = obj.student
    payment = payment_services.payment_open(payable=payable, object_id=obj.pk, user=student)
    signed = sandbox_state.checkout_complete(payment.razorpay_order_id, succeed=True)
    return payment_services.payment_verify(user=student, **signed)
