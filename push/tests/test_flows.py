"""Real flows reach the student's phone by push: the vendor accepts an order, a print job is ready."""

from __future__ import annotations

import pytest

from core.links import site_link
from core.money import rupees
from ordering import notifications as order_texts
from ordering import services as ordering
from ordering.tests.factories import paid_order
from stationery import services as stationery
from stationery.models import PrintJob
from stationery.tests.factories import PrintJobFactory

from .factories import subscribe

pytestmark = pytest.mark.django_db


def test_a_vendor_accepting_an_order_pushes_the_order_page_to_the_student(
    push_service, django_capture_on_commit_callbacks, sms_outbox
):
    order = paid_order()
    subscribe(order.student, push_service, "phone")
    sms_outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        ordering.order_accept(order_id=order.pk, vendor=order.vendor)

    [payload] = push_service.payloads("phone")
    assert payload == {
        "title": "Tap N Take",
        "body": f"Tap N Take: your order #{order.pk} was accepted. Pick it up {order_texts._pickup_time(order)}. "
        f"Open {site_link(f'/orders/{order.pk}')} to see your order.",
        "url": f"/orders/{order.pk}",
        "tag": f"order-{order.pk}",
    }
    assert sms_outbox == []


def test_the_same_flow_without_a_subscription_texts_the_same_sentence(
    push_service, django_capture_on_commit_callbacks, sms_outbox
):
    order = paid_order()
    sms_outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ordering.order_accept(order_id=order.pk, vendor=order.vendor)
    assert push_service.received == []
    assert [(m["to"], m["body"]) for m in sms_outbox] == [
        (
            order.student.phone,
            f"Tap N Take: your order #{order.pk} was accepted. Pick it up {order_texts._pickup_time(order)}. "
        f"Open {site_link(f'/orders/{order.pk}')} to see your order.",
        )
    ]


def test_a_ready_print_job_pushes_the_print_jobs_page_at_that_job(
    push_service, django_capture_on_commit_callbacks, sms_outbox
):
    job = PrintJobFactory(status=PrintJob.Status.ACCEPTED)
    subscribe(job.student, push_service, "phone")

    with django_capture_on_commit_callbacks(execute=True):
        stationery.print_job_mark_ready(vendor=job.vendor, job_id=job.pk, amount_paise=job.estimated_paise)

    [payload] = push_service.payloads("phone")
    assert payload["url"] == f"/print-jobs#job-{job.pk}"
    assert payload["tag"] == f"print-job-{job.pk}"
    amount = rupees(job.estimated_paise, short=True)
    assert payload["body"] == (
        f"Tap N Take: your print job #{job.pk} is ready. Pay {amount} in the app, then collect it. "
        f"Open {site_link(f'/print-jobs#job-{job.pk}')} to see your print job."
    )
    assert sms_outbox == []


def test_an_order_the_vendor_rejects_reaches_the_student_by_sms_when_push_is_gone(
    push_service, django_capture_on_commit_callbacks, sms_outbox
):
    order = paid_order()
    subscribe(order.student, push_service, "phone", answer=410)
    sms_outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ordering.order_reject(order_id=order.pk, vendor=order.vendor, reason="Out of paneer")
    assert [r.status for r in push_service.received] == [410]
    [message] = [m for m in sms_outbox if m["to"] == order.student.phone]
    assert f"#{order.pk} could not be taken" in message["body"] and "Out of paneer" not in message["body"]
