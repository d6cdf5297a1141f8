"""The texts students get about their print jobs: exact words, one currency style, the link, and
"payment received" with the pickup code once per payment however often the capture arrives."""

from __future__ import annotations

import pytest

from payments import services as payment_services
from payments.tests.factories import open_payment
from stationery import notifications, services
from stationery.models import PrintJob

from .factories import PrintJobFactory

pytestmark = pytest.mark.django_db

SITE = "https://print.example.edu"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def _bodies(outbox, job: PrintJob) -> list[str]:
    return [message["body"] for message in outbox if message["to"] == job.student.phone]


def _link(job: PrintJob) -> str:
    return f"Open {SITE}/print-jobs#job-{job.pk} to see your print job."


def test_ready_names_the_amount_to_pay(sms_outbox, django_capture_on_commit_callbacks):
    job = PrintJobFactory(status=PrintJob.Status.ACCEPTED)
    with django_capture_on_commit_callbacks(execute=True):
        services.print_job_mark_ready(vendor=job.vendor, job_id=job.pk, amount_paise=1_23_450, reason="Spiral binding")
    assert _bodies(sms_outbox, job) == [
        f"Tap N Take: your print job #{job.pk} is ready. Pay ₹1,234.50 in the app, then collect it. {_link(job)}"
    ]


def test_payment_received_carries_the_pickup_code_once_however_often_the_capture_arrives(
    sms_outbox, django_capture_on_commit_callbacks
):
    job = PrintJobFactory(status=PrintJob.Status.READY, amount_paise=1100)
    payment = open_payment(payer=job.student, job=job)
    for source in ("verify", "webhook", "reconcile"):
        with django_capture_on_commit_callbacks(execute=True):
            payment_services.payment_capture(
                payment_id=payment.pk, razorpay_payment_id="pay_P1", amount_paise=1100, currency="INR", source=source
            )
    job.refresh_from_db()
    assert job.status == PrintJob.Status.PAID
    assert _bodies(sms_outbox, job) == [
        f"Tap N Take: we received your payment of ₹11 for print job #{job.pk}. "
        f"Show pickup code {job.pickup_code} at the shop to collect it. {_link(job)}"
    ]


def test_rejected_and_not_accepted_are_whole_sentences_without_the_vendors_words(
    sms_outbox, django_capture_on_commit_callbacks
):
    job = PrintJobFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.print_job_reject(vendor=job.vendor, job_id=job.pk, reason="Toner is out, visit http://evil.example")
        notifications.print_job_not_accepted(job=job)
    assert _bodies(sms_outbox, job) == [
        f"Tap N Take: your print job #{job.pk} could not be printed by the shop. {_link(job)}",
        f"Tap N Take: your print job #{job.pk} was not accepted in time, so it is cancelled and its file deleted. "
        f"{_link(job)}",
    ]
