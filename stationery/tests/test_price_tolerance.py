"""Print prices you can trust: well above the estimate needs a reason, and only then may a ready job be cancelled."""

import pytest

from core.errors import InvalidTransition, ValidationFailed
from stationery import services
from stationery.models import PrintJob

from .factories import PrintJobFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted_job():
    return PrintJobFactory(status=PrintJob.Status.ACCEPTED, estimated_paise=1000)


def test_ready_above_tolerance_needs_a_reason(accepted_job, make_client):
    client = make_client(accepted_job.vendor)
    url = f"/api/v1/print-jobs/{accepted_job.pk}/ready"
    refused = client.post(url, {"amount_paise": 1101}, format="json")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "validation_error"
    assert "reason" in refused.json()["error"]["details"]
    accepted_job.refresh_from_db()
    assert accepted_job.status == PrintJob.Status.ACCEPTED and accepted_job.amount_paise is None

    done = client.post(url, {"amount_paise": 3000, "reason": "Spiral binding as asked"}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["amount_reason"] == "Spiral binding as asked"
    assert done.json()["estimated_paise"] == 1000 and done.json()["amount_paise"] == 3000
    student_view = make_client(accepted_job.student).get(f"/api/v1/print-jobs/{accepted_job.pk}").json()
    assert student_view["amount_reason"] == "Spiral binding as asked"


def test_within_tolerance_no_reason_is_needed(accepted_job):
    job = services.print_job_mark_ready(vendor=accepted_job.vendor, job_id=accepted_job.pk, amount_paise=1100)
    assert job.status == PrintJob.Status.READY and job.amount_reason == ""


def test_tolerance_is_a_setting_read_at_use(accepted_job, settings):
    settings.PRINT_PRICE_TOLERANCE_PCT = 50
    services.print_job_mark_ready(vendor=accepted_job.vendor, job_id=accepted_job.pk, amount_paise=1500)


def test_a_blank_reason_does_not_count(accepted_job):
    with pytest.raises(ValidationFailed):
        services.print_job_mark_ready(
            vendor=accepted_job.vendor, job_id=accepted_job.pk, amount_paise=5000, reason="  "
        )


def test_ready_job_at_about_its_estimate_cannot_be_cancelled(accepted_job, make_client):
    services.print_job_mark_ready(vendor=accepted_job.vendor, job_id=accepted_job.pk, amount_paise=1050)
    response = make_client(accepted_job.student).post(f"/api/v1/print-jobs/{accepted_job.pk}/cancel")
    assert response.status_code == 409 and response.json()["error"]["code"] == "invalid_transition"
    accepted_job.refresh_from_db()
    assert accepted_job.status == PrintJob.Status.READY


def test_ready_job_well_above_its_estimate_can_be_cancelled(accepted_job, make_client):
    services.print_job_mark_ready(
        vendor=accepted_job.vendor, job_id=accepted_job.pk, amount_paise=2000, reason="Colour pages"
    )
    response = make_client(accepted_job.student).post(f"/api/v1/print-jobs/{accepted_job.pk}/cancel")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"


def test_before_it_is_printed_the_student_may_still_cancel(accepted_job):
    job = services.print_job_cancel(student=accepted_job.student, job_id=accepted_job.pk)
    assert job.status == PrintJob.Status.CANCELLED


def test_a_paid_job_is_never_cancelled_even_well_above_its_estimate():
    job = PrintJobFactory(status=PrintJob.Status.PAID, estimated_paise=1000, amount_paise=5000, amount_reason="x")
    with pytest.raises(InvalidTransition):
        services.print_job_cancel(student=job.student, job_id=job.pk)
