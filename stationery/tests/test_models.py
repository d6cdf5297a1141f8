"""The database refuses print-job rows that break the lifecycle's invariants."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from stationery.models import PrintJob

from .factories import PrintJobFactory

pytestmark = pytest.mark.django_db

S = PrintJob.Status


@pytest.mark.parametrize(
    ("changes", "constraint"),
    [
        ({"copies": 0}, "print_job_copies_1_100"),
        ({"copies": 101}, "print_job_copies_1_100"),
        ({"pages": 0}, "print_job_pages_positive"),
        ({"amount_paise": 1_000_001, "status": S.READY}, "print_job_amount_in_range"),
        ({"estimated_paise": 0}, "print_job_estimate_in_range"),
        ({"estimated_paise": 1_000_001}, "print_job_estimate_in_range"),
        ({"status": S.READY, "amount_paise": None}, "print_job_priced_has_amount"),
        ({"status": S.PAID, "amount_paise": 100, "paid_at": None}, "print_job_paid_at_iff_paid"),
        ({"paid_at": timezone.now()}, "print_job_paid_at_iff_paid"),
        ({"status": S.CANCELLED, "ended_at": None}, "print_job_ended_at_iff_ended"),
        ({"ended_at": timezone.now()}, "print_job_ended_at_iff_ended"),
        ({"status": S.REJECTED, "ended_at": timezone.now(), "reason": ""}, "print_job_rejected_has_reason"),
        ({"file_deleted_at": timezone.now()}, "print_job_file_deleted_only_when_ended"),
    ],
)
def test_constraints(changes, constraint):
    job = PrintJobFactory()
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        PrintJob.objects.filter(pk=job.pk).update(**changes)


def test_random_storage_names_reveal_nothing():
    from stationery.models import print_file_path

    first, second = print_file_path(None, "Ravi Kumar marks.pdf"), print_file_path(None, "Ravi Kumar marks.pdf")
    assert first != second and "Ravi" not in first and first.startswith("print-jobs/") and first.endswith(".pdf")
