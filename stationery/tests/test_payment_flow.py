"""Print jobs paid through the real payments machinery: the sandbox on a live server, the razorpay SDK over HTTP.

Transactional tests: the live server answers from another thread, so nothing may sit in an open test transaction.
"""

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.tests.factories import StudentFactory
from catalog.tests.factories import PrintServiceFactory
from ledger import chart
from ledger.models import Transaction
from ledger.selectors import vendor_summary
from payments.models import Payment, PaymentEvent
from razorpay_sandbox import state as sandbox_state
from stationery.models import PrintJob, PrintJobEvent
from tests.concurrency import run_concurrently

from .factories import PrintJobFactory
from .pdfs import pdf_bytes, upload

pytestmark = pytest.mark.django_db(transaction=True)

S = PrintJob.Status


@pytest.fixture(autouse=True)
def _no_platform_fee(settings):
    settings.PLATFORM_FEE_BPS = 0


def _job_url(job_id: int, action: str | None = None) -> str:
    return f"/api/v1/print-jobs/{job_id}" + (f"/{action}" if action else "")


def test_upload_estimate_ready_pay_complete_and_the_ledger_credits_the_vendor(
    sandbox, make_client, sms_outbox, media_root
):
    service = PrintServiceFactory(price_paise=200)  # ₹2 per page
    vendor_id = service.vendor_id
    student_client = make_client(StudentFactory())
    vendor_client = make_client(service.vendor)

    # The student sends a 3-page PDF for 2 copies: 3 × 2 × ₹2 = ₹12.
    created = student_client.post(
        "/api/v1/print-jobs",
        {"file": upload(pdf_bytes(3)), "service": service.pk, "copies": 2, "double_sided": "true"},
        format="multipart",
    )
    assert created.status_code == 201, created.content
    job_id = created.json()["id"]
    assert created.json()["estimated_paise"] == 1200

    # Not payable before the vendor has set the amount.
    assert student_client.post(_job_url(job_id, "pay")).status_code == 409

    assert vendor_client.post(_job_url(job_id, "accept")).status_code == 200
    ready = vendor_client.post(_job_url(job_id, "ready"), {"amount_paise": 1200}, format="json")
    assert ready.status_code == 200 and ready.json()["amount_paise"] == 1200
    assert any("₹12 " in message["body"] for message in sms_outbox)

    # Completing before it is paid is refused.
    refused = vendor_client.post(_job_url(job_id, "complete"))
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "invalid_transition"
    # A move the job's statuses do not allow is refused in one sentence, in the caller's language.
    again = vendor_client.post(_job_url(job_id, "accept"))
    assert again.status_code == 409
    assert again.json()["error"]["message"] == "A print job that is ready to pay cannot become accepted."
    again = vendor_client.post(_job_url(job_id, "accept"), HTTP_ACCEPT_LANGUAGE="hi")
    assert again.json()["error"]["message"] == "जिस प्रिंट जॉब की स्थिति “भुगतान के लिए तैयार” है, वह “स्वीकार किया” नहीं हो सकती।"

    checkout = student_client.post(_job_url(job_id, "pay"), HTTP_IDEMPOTENCY_KEY="pay-print-1")
    assert checkout.status_code == 200, checkout.content
    assert checkout.json()["amount_paise"] == 1200 and checkout.json()["currency"] == "INR"

    sandbox.webhooks(False)  # the checkout callback alone pays it this time
    signed = sandbox.pay(checkout.json()["razorpay_order_id"])
    verified = student_client.post("/api/v1/payments/verify", signed, format="json")
    assert verified.status_code == 200, verified.content
    assert verified.json()["status"] == "captured" and verified.json()["print_job"] == job_id

    paid = student_client.get(_job_url(job_id)).json()
    assert (paid["status"], paid["is_paid"]) == ("paid", True)

    paid_summary = vendor_summary(vendor_id=vendor_id)
    assert (paid_summary["pending_paise"], paid_summary["available_paise"]) == (1200, 0)
    code = paid["pickup_code"]
    assert code and vendor_client.get(_job_url(job_id)).json()["pickup_code"] is None  # never to the vendor
    completed = vendor_client.post(_job_url(job_id, "complete"), {"pickup_code": code}, format="json")
    assert completed.status_code == 200 and completed.json()["status"] == "completed"

    summary = vendor_summary(vendor_id=vendor_id)
    assert summary["payable_paise"] == 1200 and summary["captured_paise"] == 1200
    assert (summary["pending_paise"], summary["available_paise"]) == (0, 1200)
    capture = Transaction.objects.get(kind="capture")
    fee, _ = sandbox_state.fee_and_tax(1200)
    assert dict(capture.entries.values_list("account__code", "amount_paise")) == {
        chart.GATEWAY: 1200 - fee,
        chart.GATEWAY_FEES: fee,
        chart.vendor_pending(vendor_id): -1200,
    }
    release = Transaction.objects.get(kind="release")
    assert dict(release.entries.values_list("account__code", "amount_paise")) == {
        chart.vendor_pending(vendor_id): 1200,
        chart.vendor_payable(vendor_id): -1200,
    }
    assert list(PrintJobEvent.objects.filter(job_id=job_id).values_list("to_status", flat=True)) == [
        "submitted",
        "accepted",
        "ready",
        "paid",
        "completed",
    ]


def test_paying_twice_one_after_the_other_captures_once(sandbox, make_client):
    job = PrintJobFactory(status=S.READY, amount_paise=900)
    client = make_client(job.student)
    first = client.post(_job_url(job.pk, "pay")).json()
    second = client.post(_job_url(job.pk, "pay")).json()
    assert first["razorpay_order_id"] == second["razorpay_order_id"]  # one open payment, one Razorpay order

    signed = sandbox.pay(first["razorpay_order_id"])  # the sandbox also delivers the webhook
    for _ in range(2):
        assert client.post("/api/v1/payments/verify", signed, format="json").status_code == 200

    again = client.post(_job_url(job.pk, "pay"))
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_paid"
    assert Payment.objects.filter(print_job=job).count() == 1
    assert PaymentEvent.objects.filter(to_status="captured").count() == 1
    assert Transaction.objects.filter(kind="capture").count() == 1
    assert PrintJobEvent.objects.filter(job=job, to_status=S.PAID).count() == 1
    assert vendor_summary(vendor_id=job.vendor_id)["payable_paise"] == 900


def test_paying_concurrently_opens_one_payment_and_captures_once(sandbox, make_client):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is shown on PostgreSQL")
    job = PrintJobFactory(status=S.READY, amount_paise=1500)
    token = make_client(job.student)._credentials["HTTP_AUTHORIZATION"]

    def client() -> APIClient:
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=token)
        return api

    # Ten taps on "Pay" at once: one payment, one Razorpay order for all of them.
    def pay(_) -> tuple[int, str | None]:
        response = client().post(_job_url(job.pk, "pay"))
        return response.status_code, response.json().get("razorpay_order_id")

    checkouts: list[tuple[int, str | None]] = run_concurrently(10, pay)
    assert len(checkouts) == 10 and {status for status, _ in checkouts} == {200}
    assert len({order_id for _, order_id in checkouts}) == 1
    assert Payment.objects.filter(print_job=job).count() == 1

    # Ten checkout callbacks at once, with the sandbox's webhook arriving too: one capture.
    signed = sandbox.pay(checkouts[0][1])
    verified: list[int] = run_concurrently(
        10, lambda _: client().post("/api/v1/payments/verify", signed, format="json").status_code
    )

    assert verified == [200] * 10
    payment = Payment.objects.get(print_job=job)
    assert payment.status == "captured" and payment.captured_paise == 1500
    assert PaymentEvent.objects.filter(payment=payment, to_status="captured").count() == 1
    assert Transaction.objects.filter(kind="capture").count() == 1
    assert PrintJobEvent.objects.filter(job=job, to_status=S.PAID).count() == 1
    job.refresh_from_db()
    assert job.status == S.PAID
    assert vendor_summary(vendor_id=job.vendor_id)["payable_paise"] == 1500


def test_another_student_cannot_pay_for_the_job(sandbox, make_client):
    job = PrintJobFactory(status=S.READY)
    other = make_client(StudentFactory())
    response = other.post(_job_url(job.pk, "pay"))
    assert response.status_code == 404
    assert not Payment.objects.exists()


def test_a_capture_after_the_student_cancelled_is_refunded_not_marked_paid(sandbox, make_client):
    # Well above its estimate (with the shop's reason), so the student may still cancel it when ready.
    job = PrintJobFactory(status=S.READY, estimated_paise=300, amount_paise=700, amount_reason="Colour cover")
    client = make_client(job.student)
    checkout = client.post(_job_url(job.pk, "pay")).json()
    assert client.post(_job_url(job.pk, "cancel")).status_code == 200

    sandbox.webhooks(False)
    signed = sandbox.pay(checkout["razorpay_order_id"])  # the tab stayed open and the student paid anyway
    assert client.post("/api/v1/payments/verify", signed, format="json").status_code == 200

    job.refresh_from_db()
    assert job.status == S.CANCELLED and job.paid_at is None
    payment = Payment.objects.get(print_job=job)
    assert payment.is_flagged and payment.refunds.count() == 1
    assert vendor_summary(vendor_id=job.vendor_id)["payable_paise"] == 0
