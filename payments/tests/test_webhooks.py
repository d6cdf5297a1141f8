"""POST /payments/webhooks/razorpay: signature over the raw body, each event once, never backwards."""

import hashlib
import json

import pytest
from rest_framework.test import APIClient

from ledger.models import Transaction
from ordering.models import Order
from payments.models import Payment, PaymentEvent, WebhookEvent
from payments.services import payment_capture, webhook_apply

from .factories import KEY_SECRET, WEBHOOK_SECRET, PaymentFactory, event_body, payment_entity, post_webhook, sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def razorpay():
    """Razorpay's side of the wire: no session, no token, and CSRF checks on as for a browser."""
    return APIClient(enforce_csrf_checks=True)


def _state():
    return (
        list(Payment.objects.values_list("status", "captured_paise")),
        list(Order.objects.values_list("status", flat=True)),
        Transaction.objects.count(),
        WebhookEvent.objects.count(),
        PaymentEvent.objects.count(),
    )


def test_captured_event_captures_once_and_duplicates_answer_200(razorpay):
    payment = PaymentFactory()
    body = event_body("payment.captured", payment=payment_entity(payment, razorpay_payment_id="pay_ONE00000000001"))

    first = post_webhook(razorpay, body, event_id="evt_same")
    assert first.status_code == 200, first.content
    assert first.json() == {"status": "accepted"}
    again = post_webhook(razorpay, body, event_id="evt_same")
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"

    payment.refresh_from_db()
    assert payment.status == "captured" and payment.razorpay_payment_id == "pay_ONE00000000001"
    assert payment.order.__class__.objects.get(pk=payment.order_id).status == Order.Status.PAID
    assert WebhookEvent.objects.count() == 1
    event = WebhookEvent.objects.get()
    assert event.event_type == "payment.captured" and event.processed_at and event.body == body.decode()
    assert (event.status, event.attempts, event.last_error) == ("applied", 0, "")
    assert event.result == f"payment #{payment.pk} captured"
    assert Transaction.objects.filter(kind="capture").count() == 1


def test_order_paid_and_payment_captured_for_the_same_payment_capture_once(razorpay):
    payment = PaymentFactory()
    entity = payment_entity(payment)
    assert post_webhook(razorpay, event_body("payment.captured", payment=entity)).status_code == 200
    assert post_webhook(razorpay, event_body("order.paid", payment=entity, order={"id": "x"})).status_code == 200
    assert WebhookEvent.objects.count() == 2
    assert Transaction.objects.count() == 1
    assert PaymentEvent.objects.filter(to_status="captured").count() == 1


@pytest.mark.parametrize(
    "tamper",
    ["altered_body", "missing_signature", "api_secret", "empty_signature"],
)
def test_bad_signatures_are_400_and_change_nothing(razorpay, tamper):
    payment = PaymentFactory()
    body = event_body("payment.captured", payment=payment_entity(payment))
    before = _state()
    if tamper == "altered_body":
        signature = sign(WEBHOOK_SECRET, body)
        altered = body.replace(b'"amount": %d' % payment.amount_paise, b'"amount": 1', 1)
        assert altered != body
        response = post_webhook(razorpay, altered, secret=None, HTTP_X_RAZORPAY_SIGNATURE=signature)
    elif tamper == "missing_signature":
        response = post_webhook(razorpay, body, secret=None)
    elif tamper == "api_secret":
        response = post_webhook(razorpay, body, secret=KEY_SECRET)
    else:
        response = post_webhook(razorpay, body, secret=None, HTTP_X_RAZORPAY_SIGNATURE="")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "signature_invalid"
    assert _state() == before


def test_reserialised_json_does_not_verify(razorpay):
    """The signature covers the exact bytes: the same JSON laid out differently is refused."""
    payment = PaymentFactory()
    body = event_body("payment.captured", payment=payment_entity(payment))
    compact = json.dumps(json.loads(body), separators=(",", ":")).encode()
    response = post_webhook(
        razorpay, compact, secret=None, HTTP_X_RAZORPAY_SIGNATURE=sign(WEBHOOK_SECRET, body)
    )
    assert response.status_code == 400


def test_missing_event_id_is_refused(razorpay):
    payment = PaymentFactory()
    body = event_body("payment.captured", payment=payment_entity(payment))
    response = post_webhook(razorpay, body, HTTP_X_RAZORPAY_EVENT_ID="")
    assert response.status_code == 400
    assert WebhookEvent.objects.count() == 0


def test_unknown_events_are_stored_and_answered_200(razorpay):
    response = post_webhook(razorpay, event_body("payment.dispute.created", payment={"id": "pay_x"}))
    assert response.status_code == 200
    assert WebhookEvent.objects.get().result == "ignored"


def test_events_for_unknown_orders_are_answered_200(razorpay):
    body = event_body("payment.captured", payment={"id": "pay_X", "order_id": "order_nope", "status": "captured"})
    assert post_webhook(razorpay, body).status_code == 200
    assert "no payment" in WebhookEvent.objects.get().result


def test_failed_then_captured_captured_wins(razorpay):
    payment = PaymentFactory()
    failed = payment_entity(payment, razorpay_payment_id="pay_ATTEMPT0000001", status="failed")
    assert post_webhook(razorpay, event_body("payment.failed", payment=failed)).status_code == 200
    payment.refresh_from_db()
    assert payment.status == "failed" and payment.failure_reason

    captured = payment_entity(payment, razorpay_payment_id="pay_ATTEMPT0000001")
    assert post_webhook(razorpay, event_body("payment.captured", payment=captured)).status_code == 200
    payment.refresh_from_db()
    assert payment.status == "captured"
    assert Order.objects.get(pk=payment.order_id).status == Order.Status.PAID
    assert list(payment.events.values_list("from_status", "to_status")) == [
        ("created", "failed"),
        ("failed", "captured"),
    ]


def test_failed_after_captured_never_moves_backwards(razorpay):
    payment = PaymentFactory()
    entity = payment_entity(payment)
    post_webhook(razorpay, event_body("payment.captured", payment=entity))
    failed = {**entity, "status": "failed"}
    assert post_webhook(razorpay, event_body("payment.failed", payment=failed)).status_code == 200
    payment.refresh_from_db()
    assert payment.status == "captured"
    assert Order.objects.get(pk=payment.order_id).status == Order.Status.PAID


def test_a_capture_with_a_different_amount_is_flagged_and_refunded(razorpay, django_capture_on_commit_callbacks):
    payment = PaymentFactory()
    entity = payment_entity(payment, amount=payment.amount_paise - 100)
    assert post_webhook(razorpay, event_body("payment.captured", payment=entity), apply=False).status_code == 200
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        webhook_apply(webhook_event_id=WebhookEvent.objects.get().pk)
    payment.refresh_from_db()
    assert payment.is_flagged and "expected" in payment.flag_reason
    assert payment.status == "refunded" and payment.refunded_paise == payment.captured_paise
    assert Order.objects.get(pk=payment.order_id).status == Order.Status.PENDING_PAYMENT
    kinds = sorted(Transaction.objects.values_list("kind", flat=True))
    assert kinds == ["capture", "refund"]
    refund = payment.refunds.get()
    assert refund.is_automatic and refund.amount_paise == payment.captured_paise
    assert len(callbacks) == 1  # the refund goes to Razorpay only after commit


def test_an_overpaid_capture_is_flagged_and_refunded_in_full(razorpay):
    payment = PaymentFactory()
    entity = payment_entity(payment, amount=payment.amount_paise + 100)
    assert post_webhook(razorpay, event_body("payment.captured", payment=entity)).status_code == 200
    payment.refresh_from_db()
    assert payment.is_flagged and "expected" in payment.flag_reason
    assert payment.captured_paise == payment.amount_paise + 100
    assert payment.status == "refunded" and payment.refunded_paise == payment.captured_paise
    refund = payment.refunds.get()
    assert refund.is_automatic and refund.amount_paise == payment.amount_paise + 100
    assert Order.objects.get(pk=payment.order_id).status == Order.Status.PENDING_PAYMENT
    assert sorted(Transaction.objects.values_list("kind", flat=True)) == ["capture", "refund"]


def test_a_capture_in_another_currency_is_flagged_and_refunded(razorpay):
    payment = PaymentFactory()
    entity = payment_entity(payment, currency="USD")
    post_webhook(razorpay, event_body("payment.captured", payment=entity))
    payment.refresh_from_db()
    assert payment.is_flagged and "USD" in payment.flag_reason
    assert Order.objects.get(pk=payment.order_id).status == Order.Status.PENDING_PAYMENT


def test_webhook_is_csrf_exempt_and_needs_no_auth(razorpay):
    payment = PaymentFactory()
    response = post_webhook(razorpay, event_body("payment.captured", payment=payment_entity(payment)))
    assert response.status_code == 200


def test_capture_service_is_idempotent_when_called_directly():
    payment = PaymentFactory()
    for _ in range(3):
        payment_capture(
            payment_id=payment.pk,
            razorpay_payment_id="pay_DIRECT00000001",
            amount_paise=payment.amount_paise,
            currency="INR",
            source="reconcile",
        )
    assert Transaction.objects.count() == 1
    assert PaymentEvent.objects.filter(to_status="captured").count() == 1


def test_a_signed_body_replayed_under_a_new_event_id_is_a_duplicate(razorpay):
    """The event id header is not signed: an attacker holding one signed body must not replay it."""
    payment = PaymentFactory()
    body = event_body("payment.captured", payment=payment_entity(payment, razorpay_payment_id="pay_REPLAY00000001"))
    first = post_webhook(razorpay, body, event_id="evt_original")
    assert first.json()["status"] == "accepted"
    before = _state()
    replayed = post_webhook(razorpay, body, event_id="evt_forged_new_id")
    assert replayed.status_code == 200 and replayed.json() == {"status": "duplicate"}
    assert _state() == before
    event = WebhookEvent.objects.get()
    assert event.event_id == "evt_original"
    assert event.body_sha256 == hashlib.sha256(body).hexdigest()


def test_the_body_hash_is_unique_in_the_database():
    from django.db import IntegrityError, transaction

    WebhookEvent.objects.create(event_id="evt_a", event_type="x", body="{}", body_sha256="a" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        WebhookEvent.objects.create(event_id="evt_b", event_type="x", body="{}", body_sha256="a" * 64)


def test_a_replayed_failed_event_under_a_new_id_does_not_fail_a_later_capture(razorpay):
    payment = PaymentFactory()
    failed = event_body("payment.failed", payment=payment_entity(payment, status="failed"))
    post_webhook(razorpay, failed, event_id="evt_fail_1")
    captured = event_body("payment.captured", payment=payment_entity(payment, razorpay_payment_id="pay_RETRY0000001"))
    post_webhook(razorpay, captured, event_id="evt_cap_1")
    assert post_webhook(razorpay, failed, event_id="evt_fail_2").json() == {"status": "duplicate"}
    payment.refresh_from_db()
    assert payment.status == "captured"
