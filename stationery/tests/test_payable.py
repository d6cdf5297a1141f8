import pytest

from accounts.tests.factories import StudentFactory
from payments import payables
from stationery.models import PrintJob

from .factories import PrintJobFactory

pytestmark = pytest.mark.django_db

S = PrintJob.Status


def test_print_jobs_are_registered_as_a_payable():
    payable = payables.get("print_job")
    assert payable.model is PrintJob


def test_payable_scopes_prices_and_marks_paid():
    payable = payables.get("print_job")
    job = PrintJobFactory(status=S.READY, amount_paise=1500)
    assert list(payable.queryset_for_payer(job.student)) == [job]
    assert not payable.queryset_for_payer(StudentFactory()).exists()
    assert payable.amount_paise(job) == 1500
    assert (payable.vendor_id(job), payable.payer_id(job)) == (job.vendor_id, job.student_id)
    assert payable.is_payable(job)
    assert f"#{job.pk}" in payable.describe(job)

    payment = type("PaymentStub", (), {"pk": 3, "print_job_id": job.pk, "payer": job.student})()
    payable.mark_paid(obj=PrintJob.objects.select_for_update().get(pk=job.pk), payment=payment)
    job.refresh_from_db()
    assert job.status == S.PAID and job.is_paid


@pytest.mark.parametrize("status", [S.SUBMITTED, S.ACCEPTED, S.PAID, S.COMPLETED, S.REJECTED, S.CANCELLED])
def test_only_ready_jobs_are_payable(status):
    assert not payables.get("print_job").is_payable(PrintJobFactory(status=status))
