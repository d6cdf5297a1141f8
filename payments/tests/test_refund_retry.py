"""Issue 16: a refund Razorpay reports failed gives its money back, alerts staff, and can be retried."""

import logging

import pytest

from accounts.tests.factories import FoodVendorFactory, StaffFactory, StudentFactory
from ledger import chart
from ledger.models import Transaction
from ledger.selectors import book_check, vendor_summary
from ordering.tests.factories import place_order
from payments import services
from payments.models import Payment, PaymentEvent, Refund

from .test_release import TOTAL, _pay, _vendor_does

pytestmark = pytest.mark.django_db(transaction=True)


def _pending_refund(sandbox, make_client, payment, amount=1000) -> Refund:
    sandbox.fault("error")  # reserved, but Razorpay cannot be reached: it stays pending
    make_client(StaffFactory()).post(
        f"/api/v1/payments/{payment.pk}/refund", {"amount_paise": amount, "reason": "Cold food"}, format="json"
    )
    sandbox.fault(None)
    return Refund.objects.get(payment=payment, status="pending")


def _failed_refund(sandbox, make_client, payment, amount=1000) -> Refund:
    refund = _pending_refund(sandbox, make_client, payment, amount)
    return services.refund_settle(refund_id=refund.pk, status="failed", source="webhook", failure_reason="bank")


def _retry(client, refund_id, **headers):
    return client.post(f"/api/v1/refunds/{refund_id}/retry", format="json", **headers)


@pytest.fixture
def paid(sandbox, make_client):
    order = place_order(quantity=2)
    return order, _pay(sandbox, make_client, order)


def test_a_failed_refund_goes_back_to_pending_and_alerts_staff(paid, sandbox, make_client, caplog):
    order, payment = paid
    with caplog.at_level(logging.ERROR, logger="payments.services"):
        refund = _failed_refund(sandbox, make_client, payment)
    assert refund.status == "failed"
    payment.refresh_from_db()
    assert payment.refunded_paise == 0 and payment.status == "captured"
    # Reversed into pending: the order is not completed.
    assert vendor_summary(vendor_id=order.vendor_id)["pending_paise"] == TOTAL
    reversal = Transaction.objects.get(kind="reversal", reverses__reference=f"refund:{refund.pk}")
    assert (
        dict(reversal.entries.values_list("account__code", "amount_paise"))[chart.vendor_pending(order.vendor_id)] < 0
    )
    assert any(f"refund {refund.pk} " in r.getMessage() and r.levelno >= logging.ERROR for r in caplog.records)
    assert PaymentEvent.objects.filter(payment=payment, note__startswith=f"STAFF: refund #{refund.pk} failed").exists()


def test_a_failed_refund_after_completion_lands_in_available(paid, sandbox, make_client):
    order, payment = paid
    _vendor_does(make_client, order, "accept", "ready", "complete")
    refund = _failed_refund(sandbox, make_client, payment)
    summary = vendor_summary(vendor_id=order.vendor_id)
    assert refund.status == "failed" and summary["pending_paise"] == 0 and summary["available_paise"] == TOTAL


def test_staff_retry_sends_it_again_once(paid, sandbox, make_client):
    order, payment = paid
    failed = _failed_refund(sandbox, make_client, payment)
    staff = make_client(StaffFactory())
    response = _retry(staff, failed.pk, HTTP_IDEMPOTENCY_KEY="retry-1")
    assert response.status_code == 201, response.content
    again = _retry(staff, failed.pk, HTTP_IDEMPOTENCY_KEY="retry-1")
    assert again.status_code == 201 and again.json()["id"] == response.json()["id"]
    second = _retry(staff, failed.pk)
    assert second.status_code == 409 and second.json()["error"]["code"] == "invalid_transition"

    retry = Refund.objects.get(retry_of=failed)
    assert retry.pk == response.json()["id"] and retry.amount_paise == 1000
    assert retry.status == "processed" and retry.idempotency_key != failed.idempotency_key
    failed.refresh_from_db()
    assert failed.status == "failed"  # the ledger is append-only: the failed one stays as it was
    payment.refresh_from_db()
    assert payment.refunded_paise == 1000 and payment.status == "partially_refunded"
    assert Transaction.objects.filter(kind="refund").count() == 2
    assert vendor_summary(vendor_id=order.vendor_id)["payable_paise"] == TOTAL - 1000
    assert book_check().ok


def test_retry_refusals(paid, sandbox, make_client, api_client):
    order, payment = paid
    pending = _pending_refund(sandbox, make_client, payment, amount=TOTAL - 100)
    staff = make_client(StaffFactory())
    assert _retry(staff, 999999).status_code == 404
    not_failed = _retry(staff, pending.pk)
    assert not_failed.status_code == 409 and not_failed.json()["error"]["code"] == "invalid_transition"
    failed = services.refund_settle(refund_id=pending.pk, status="failed", source="webhook")
    # Meanwhile most of the money went back another way: the retry no longer fits.
    assert (
        staff.post(
            f"/api/v1/payments/{payment.pk}/refund", {"amount_paise": 200, "reason": "x"}, format="json"
        ).status_code
        == 201
    )
    too_much = _retry(staff, failed.pk)
    assert too_much.status_code == 409 and too_much.json()["error"]["code"] == "refund_exceeds_captured"
    for outsider in (order.student, order.vendor, StudentFactory(), FoodVendorFactory(), StaffFactory(perms=[])):
        assert _retry(make_client(outsider), failed.pk).status_code == 403
    assert _retry(api_client, failed.pk).status_code == 401
    assert not Refund.objects.filter(retry_of=failed).exists()


def test_the_student_sees_a_failed_refund_as_delayed_never_refunded(paid, sandbox, make_client):
    order, payment = paid
    _failed_refund(sandbox, make_client, payment)
    body = make_client(order.student).get(f"/api/v1/orders/{order.pk}").json()
    assert body["refunded_paise"] == 0 and body["refunds"][0]["status"] == "failed"
    assert Payment.objects.get(pk=payment.pk).refunded_paise == 0
