"""Print-job readers: a stationery vendor reads its shop's jobs only while approved and active."""

import pytest
from django.core.files.base import ContentFile

from accounts import services as account_services
from accounts.tests.factories import StaffFactory
from core.errors import NotFound
from stationery import selectors

from .factories import PrintJobFactory
from .pdfs import pdf_bytes

pytestmark = pytest.mark.django_db


def _job_with_file():
    job = PrintJobFactory()
    job.file.save("ignored.pdf", ContentFile(pdf_bytes(1)), save=True)
    return job


def test_an_approved_vendor_reads_its_jobs_and_files():
    job = _job_with_file()
    assert list(selectors.print_job_list_for(user=job.vendor)) == [job]
    assert selectors.print_job_file_for(user=job.vendor, job_id=job.pk) == job


def test_a_vendor_rejected_after_approval_reads_no_job_and_no_file():
    job = _job_with_file()
    vendor = job.vendor
    account_services.vendor_reject(vendor=vendor, by=StaffFactory(), reason="Complaints")
    vendor.refresh_from_db()
    assert list(selectors.print_job_list_for(user=vendor)) == []
    with pytest.raises(NotFound):
        selectors.print_job_get_for(user=vendor, job_id=job.pk)
    with pytest.raises(NotFound):
        selectors.print_job_file_for(user=vendor, job_id=job.pk)
    # The student still reads its own job and file.
    assert selectors.print_job_file_for(user=job.student, job_id=job.pk) == job


def test_a_blocked_vendor_reads_no_job():
    job = PrintJobFactory()
    job.vendor.is_active = False
    job.vendor.save(update_fields=["is_active"])
    assert list(selectors.print_job_list_for(user=job.vendor)) == []
