"""The student's print jobs page shows a paid job's release code, in digits and as a QR (issue 21)."""

from __future__ import annotations

import re

import pytest

from accounts.tests.factories import StudentFactory
from stationery.models import PrintJob
from stationery.tests.factories import PrintJobFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def student_client(client):
    student = StudentFactory()
    client.force_login(student)
    client.student = student
    return client


def _job_item(html: str, job: PrintJob) -> str:
    match = re.search(rf'<li id="job-{job.pk}".*?</li>', html, re.S)
    assert match, f"print job {job.pk} is not on the page"
    return match.group(0)


def test_a_paid_job_shows_its_release_code_and_its_qr(student_client):
    paid = PrintJobFactory(student=student_client.student, status=PrintJob.Status.PAID, pickup_code="314159")
    ready = PrintJobFactory(student=student_client.student, status=PrintJob.Status.READY)
    done = PrintJobFactory(student=student_client.student, status=PrintJob.Status.COMPLETED, pickup_code="271828")
    someone_elses = PrintJobFactory(status=PrintJob.Status.PAID, pickup_code="161803")

    html = student_client.get("/print-jobs").content.decode()

    item = _job_item(html, paid)
    assert 'data-testid="release-code"' in item
    assert 'aria-label="Release code 3 1 4 1 5 9">314159</p>' in item
    assert re.search(r'<svg [^>]*role="img" aria-label="QR code of your release code"', item)
    assert "<path" in item  # the QR's modules are drawn
    for job in (ready, done):
        assert 'data-testid="release-code"' not in _job_item(html, job) and "<svg" not in _job_item(html, job)
    assert "271828" not in html  # handed over: the code is no longer shown
    assert "161803" not in html and f'id="job-{someone_elses.pk}"' not in html
