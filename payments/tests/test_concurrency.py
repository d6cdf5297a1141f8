"""Exactly once under concurrency: verify and webhooks racing for the same payment (PostgreSQL, threads)."""


import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.tests.factories import StaffFactory
from ledger.models import Entry, Transaction
from ordering.models import Order, OrderEvent
from ordering.tests.factories import place_order
from ordering.tests.test_concurrency import run_together
from payments.errors import RefundExceedsCaptured
from payments.models import Payment, PaymentEvent, Refund, WebhookEvent
from payments.services import payment_capture, payment_refund, webhook_apply
from razorpay_sandbox.state import new_id
from tests.concurrency import run_concurrently

from .factories import PaymentFactory, event_body, post_webhook

pytestmark = pytest.mark.django_db(transaction=True)


def test_ten_verifies_and_ten_webhooks_at_once_capture_once(sandbox, make_client):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is shown on PostgreSQL")
    order = place_order(quantity=2)
    student_client = make_client(order.student)
    checkout = student_client.post(f"/api/v1/orders/{order.pk}/pay").json()
    sandbox.webhooks(False)  # we deliver the webhooks ourselves, all at once
    signed = sandbox.pay(checkout["razorpay_order_id"])
    payment_entity = sandbox.payment(signed["razorpay_payment_id"])
    token = student_client._credentials["HTTP_AUTHORIZATION"]

    bodies = [event_body("payment.captured" if i % 2 else "order.paid", payment=payment_entity) for i in range(10)]

    def verify() -> tuple[str, int]:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=token)
        return "verify", client.post("/api/v1/payments/verify", signed, format="json").status_code

    def webhook(index: int) -> tuple[str, int]:
        return "webhook", post_webhook(APIClient(), bodies[index]).status_code

    # Ten checkout callbacks and ten webhook deliveries at the same moment.
    statuses: list[tuple[str, int]] = run_concurrently(20, lambda i: verify() if i < 10 else webhook(i - 10))

    assert sorted(statuses) == [("verify", 200)] * 10 + [("webhook", 200)] * 10
    payment = Payment.objects.get()
    assert payment.status == "captured" and payment.captured_paise == order.total_paise
    assert PaymentEvent.objects.filter(to_status="captured").count() == 1
    assert Transaction.objects.filter(kind="capture").count() == 1
    assert Transaction.objects.count() == 1 and Entry.objects.count() == 3  # gateway, fee, pending
    assert OrderEvent.objects.filter(order=order, to_status=Order.Status.PAID).count() == 1
    # Each distinct body is stored once: the same body under another event id is a duplicate.
    assert WebhookEvent.objects.count() == len(set(bodies)) >= 2
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


def test_the_same_event_delivered_concurrently_is_stored_once(make_client):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is shown on PostgreSQL")
    from .factories import PaymentFactory, payment_entity

    payment = PaymentFactory()
    body = event_body("payment.captured", payment=payment_entity(payment))
    statuses: list[int] = run_concurrently(
        8, lambda _: post_webhook(APIClient(), body, event_id="evt_RACE000000001").status_code
    )
    assert statuses == [200] * 8
    assert WebhookEvent.objects.count() == 1
    assert Transaction.objects.count() == 1


def test_eight_workers_applying_one_stored_event_at_once_apply_it_once():
    """The same pending event taken at once by the worker's task, its retries, the sweep and a replay
    (each in its own connection): the event's row lock lets one apply it, the rest find it applied."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is shown on PostgreSQL")
    import hashlib

    from .factories import payment_entity

    payment = PaymentFactory()
    body = event_body("payment.captured", payment=payment_entity(payment)).decode()
    # Stored as the endpoint stores it; no task has taken it yet.
    event = WebhookEvent.objects.create(
        event_id="evt_WORKERS0000001",
        event_type="payment.captured",
        body=body,
        body_sha256=hashlib.sha256(body.encode()).hexdigest(),
    )

    outcomes = run_concurrently(8, lambda _: webhook_apply(webhook_event_id=event.pk))

    assert sorted(applied for _, applied in outcomes) == [False] * 7 + [True]
    event.refresh_from_db()
    assert (event.status, event.attempts) == ("applied", 0)
    payment.refresh_from_db()
    assert payment.status == "captured"
    assert Transaction.objects.filter(kind="capture").count() == 1
    assert PaymentEvent.objects.filter(to_status="captured").count() == 1
    assert OrderEvent.objects.filter(order_id=payment.order_id, to_status=Order.Status.PAID).count() == 1


def test_deliveries_the_sweep_and_a_replay_racing_for_one_event_capture_once():
    """Four deliveries of one event, two sweeps and two replays at the same moment: stored once,
    applied once, one ledger posting."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is shown on PostgreSQL")
    from datetime import timedelta

    from django.utils import timezone

    from payments.services import webhooks_replay, webhooks_requeue

    from .factories import payment_entity

    payment = PaymentFactory()
    body = event_body("payment.captured", payment=payment_entity(payment))
    later = timezone.now() + timedelta(hours=1)

    def act(index: int):
        if index < 4:
            return post_webhook(APIClient(), body, event_id="evt_EVERYONE00001").status_code
        if index < 6:
            return webhooks_requeue(now=later)
        stored = WebhookEvent.objects.filter(event_id="evt_EVERYONE00001").values_list("pk", flat=True)
        return webhooks_replay(webhook_event_ids=list(stored))

    outcomes = run_concurrently(8, act)

    assert outcomes[:4] == [200] * 4, outcomes
    assert not any(isinstance(outcome, Exception) for outcome in outcomes), outcomes
    event = WebhookEvent.objects.get()
    assert event.status == "applied"
    assert Transaction.objects.filter(kind="capture").count() == 1
    assert PaymentEvent.objects.filter(to_status="captured").count() == 1


def test_four_staff_refunds_at_once_never_refund_more_than_captured():
    """Razorpay is unreachable (the payments conftest), so each refund is reserved, posted and stays
    pending: only the payment's row lock keeps two reservations from both seeing 4,500 refundable."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is shown on PostgreSQL")
    payment = PaymentFactory()
    payment_capture(
        payment_id=payment.pk, razorpay_payment_id=new_id("pay"), amount_paise=4500, currency="INR", source="reconcile"
    )
    staff = [StaffFactory() for _ in range(4)]

    def refund(actor):
        return lambda: payment_refund(payment_id=payment.pk, amount_paise=2251, reason="race", actor=actor)

    results = run_together([refund(actor) for actor in staff])

    refunds = [r for r in results if isinstance(r, Refund)]
    refused = [r for r in results if isinstance(r, RefundExceedsCaptured)]
    assert len(refunds) == 1 and len(refused) == 3, results
    assert all(error.code == "refund_exceeds_captured" for error in refused)
    assert refunds[0].status == Refund.Status.PENDING
    payment.refresh_from_db()
    assert Refund.objects.filter(payment=payment).count() == 1
    total = sum(Refund.objects.filter(payment=payment).values_list("amount_paise", flat=True))
    assert total == payment.refunded_paise == 2251 <= payment.captured_paise
    assert Transaction.objects.filter(kind="refund").count() == 1


def test_a_full_refund_racing_the_vendor_completing_the_order_one_wins_and_the_books_agree(sandbox, make_client):
    """Issue 16: staff refund the whole order while the vendor types its pickup code: exactly one wins."""
    from collections import Counter

    from accounts.tests.factories import StaffFactory
    from ledger.selectors import book_check, vendor_summary
    from ordering import services as ordering_services
    from ordering.models import Slot
    from ordering.tests.test_concurrency import run_together
    from payments import services
    from payments.models import Refund

    from .test_release import _pay

    if connection.vendor != "postgresql":
        pytest.skip("concurrency is shown on PostgreSQL")
    staff = StaffFactory()
    outcomes = Counter()
    for round_ in range(6):
        order = place_order(quantity=2)
        payment = _pay(sandbox, make_client, order)
        vendor, the_slot = order.vendor, order.slot
        ordering_services.order_accept(order_id=order.pk, vendor=vendor)
        ordering_services.order_mark_ready(order_id=order.pk, vendor=vendor)
        code = Order.objects.get(pk=order.pk).pickup_code

        def complete(order_id=order.pk, vendor=vendor, code=code):
            return ordering_services.order_complete(order_id=order_id, vendor=vendor, pickup_code=code).status

        def refund(payment_id=payment.pk):
            return services.payment_refund(payment_id=payment_id, amount_paise=None, reason="race", actor=staff).pk

        if round_ % 2:
            completed, refunded = run_together([complete, refund])
        else:
            refunded, completed = run_together([refund, complete])
        order.refresh_from_db()
        payment.refresh_from_db()
        summary = vendor_summary(vendor_id=vendor.pk)
        # The refund always goes through (staff may refund a completed order too); the handover does not.
        assert isinstance(refunded, int) and Refund.objects.filter(payment=payment).count() == 1
        assert payment.refunded_paise == payment.captured_paise
        if order.status == Order.Status.COMPLETED:
            assert completed == "completed"
            # Completion released the money first; the refund came out of available.
            assert summary["pending_paise"] == 0 and summary["available_paise"] == 0
            assert Transaction.objects.filter(kind="release", reference=f"payment:{payment.pk}").exists()
        else:
            assert order.status == Order.Status.CANCELLED and order.cancel_reason == "refunded"
            assert isinstance(completed, Exception) and getattr(completed, "code", "") == "invalid_transition"
            assert summary["pending_paise"] == 0 and summary["available_paise"] == 0
            assert not Transaction.objects.filter(kind="release", reference=f"payment:{payment.pk}").exists()
        expected_reserved = 1 if order.status == Order.Status.COMPLETED else 0
        assert Slot.objects.get(pk=the_slot.pk).reserved == expected_reserved
        assert OrderEvent.objects.filter(order=order, to_status__in=["completed", "cancelled"]).count() == 1
        outcomes[order.status] += 1
    assert book_check().ok
    assert sum(outcomes.values()) == 6


def test_concurrent_retries_of_a_failed_refund_send_it_once(sandbox, make_client):
    from accounts.tests.factories import StaffFactory
    from ledger.selectors import book_check
    from ordering.tests.test_concurrency import run_together
    from payments import services
    from payments.models import Refund

    from .test_release import _pay

    if connection.vendor != "postgresql":
        pytest.skip("concurrency is shown on PostgreSQL")
    payment = _pay(sandbox, make_client, place_order(quantity=2))
    sandbox.fault("error")
    services.payment_refund(payment_id=payment.pk, amount_paise=1000, reason="cold", actor=StaffFactory())
    sandbox.fault(None)
    failed = services.refund_settle(
        refund_id=Refund.objects.get().pk, status="failed", source="webhook", failure_reason="bank"
    )
    clients = [make_client(StaffFactory()) for _ in range(6)]
    results = run_together(
        [lambda c=c: c.post(f"/api/v1/refunds/{failed.pk}/retry", format="json").status_code for c in clients]
    )
    assert sorted(results) == [201] + [409] * 5
    assert Refund.objects.filter(retry_of=failed).count() == 1
    payment.refresh_from_db()
    assert payment.refunded_paise == 1000
    assert Transaction.objects.filter(kind="refund").count() == 2
    assert book_check().ok
