"""Abuse limits of print jobs: open jobs per student, uploads and estimates per hour, unaccepted expiry."""

from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from accounts import sms
from accounts.tests.factories import StudentFactory
from catalog.tests.factories import PrintServiceFactory
from stationery import services, tasks
from stationery.models import PrintJob
from tests.concurrency import run_concurrently

from .factories import PrintJobFactory
from .pdfs import pdf_bytes, print_files, upload

pytestmark = pytest.mark.django_db

S = PrintJob.Status
URL = "/api/v1/print-jobs"


def _post(client, service):
    body = {"file": upload(pdf_bytes(1)), "service": service.pk, "copies": 1, "double_sided": "false"}
    return client.post(URL, body, format="multipart")


# --- open jobs ----------------------------------------------------------------------------


def test_a_student_has_at_most_print_max_open_jobs(make_client, settings, media_root):
    settings.PRINT_MAX_OPEN_JOBS = 2
    service = PrintServiceFactory()
    student = StudentFactory()
    PrintJobFactory(student=student, service=service, status=S.COMPLETED)  # ended: not counted
    PrintJobFactory(student=student, service=service, status=S.REJECTED)
    client = make_client(student)
    assert _post(client, service).status_code == 201
    assert _post(client, service).status_code == 201
    files = print_files(media_root)
    refused = _post(client, service)
    assert refused.status_code == 409, refused.content
    assert refused.json()["error"]["code"] == "too_many_open_jobs"
    assert PrintJob.objects.filter(student=student).exclude(status__in=PrintJob.ENDED_STATUSES).count() == 2
    assert print_files(media_root) == files  # nothing stored for the refused upload
    # Cancelling one frees a place.
    job = PrintJob.objects.filter(student=student, status=S.SUBMITTED).first()
    services.print_job_cancel(student=student, job_id=job.pk)
    assert _post(client, service).status_code == 201


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locking")
def test_concurrent_uploads_of_one_student_never_pass_the_open_jobs_limit(make_client, settings, media_root):
    settings.PRINT_MAX_OPEN_JOBS = 2
    service = PrintServiceFactory()
    student = StudentFactory()
    clients = [make_client(student) for _ in range(6)]
    statuses = run_concurrently(len(clients), lambda index: _post(clients[index], service).status_code)
    assert Counter(statuses) == {201: 2, 409: 4}, statuses
    assert PrintJob.objects.filter(student=student).count() == 2
    assert len(print_files(media_root)) == 2  # the refused uploads' files were removed again


# --- rate limits --------------------------------------------------------------------------


def test_uploads_are_rate_limited_per_student_with_retry_after(make_client, settings):
    settings.RATE_LIMIT_PRINT = "2/h"
    settings.PRINT_MAX_OPEN_JOBS = 10
    service = PrintServiceFactory()
    client = make_client(StudentFactory())
    assert [_post(client, service).status_code for _ in range(2)] == [201, 201]
    limited = _post(client, service)
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(limited["Retry-After"]) <= 3600
    assert PrintJob.objects.count() == 2
    assert _post(make_client(StudentFactory()), service).status_code == 201


def test_estimates_on_the_print_page_share_the_upload_limit(client, settings):
    settings.RATE_LIMIT_PRINT = "2/h"
    service = PrintServiceFactory()
    student = StudentFactory()
    client.force_login(student)
    url = "/api/v1/print-jobs/estimate"

    def estimate():
        return client.post(url, {"service": service.pk, "file": upload(pdf_bytes(1)), "copies": "1"})

    assert estimate().status_code == 200
    assert _post(_api_client_for(student), service).status_code == 201
    limited = estimate()
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "rate_limited"


def _api_client_for(user):
    from conftest import client_for

    return client_for(user)


# --- unaccepted jobs expire --------------------------------------------------------------------


def _submitted_with_file(*, hours_ago: float, **kwargs) -> PrintJob:
    job = PrintJobFactory(**kwargs)
    job.file.save("x.pdf", ContentFile(pdf_bytes(1)), save=True)
    PrintJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=hours_ago))
    job.refresh_from_db()
    return job


def test_a_submitted_job_nobody_accepted_is_cancelled_and_its_file_deleted(
    settings, media_root, django_capture_on_commit_callbacks
):
    settings.PRINT_UNACCEPTED_EXPIRY_HOURS = 24
    old = _submitted_with_file(hours_ago=25)
    fresh = _submitted_with_file(hours_ago=23)
    accepted = _submitted_with_file(hours_ago=30, status=S.ACCEPTED)
    path = media_root / old.file.name
    assert path.exists()
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.print_job_expire_unaccepted() == 1
    old.refresh_from_db()
    assert old.status == S.CANCELLED and old.ended_at is not None
    assert old.file.name == "" and old.file_deleted_at is not None
    assert not path.exists()
    assert old.events.last().reason == services.UNACCEPTED_REASON and old.events.last().actor is None
    fresh.refresh_from_db()
    accepted.refresh_from_db()
    assert (fresh.status, accepted.status) == (S.SUBMITTED, S.ACCEPTED)
    assert (media_root / fresh.file.name).exists() and (media_root / accepted.file.name).exists()
    assert [m["to"] for m in sms.outbox] == [old.student.phone]
    # Twice is harmless.
    assert services.print_job_expire_unaccepted() == 0


def test_the_expiry_reads_its_setting_when_it_runs(settings, media_root):
    job = _submitted_with_file(hours_ago=3)
    assert services.print_job_expire_unaccepted() == 0
    settings.PRINT_UNACCEPTED_EXPIRY_HOURS = 2
    assert services.print_job_expire_unaccepted() == 1
    job.refresh_from_db()
    assert job.status == S.CANCELLED


def test_a_submitted_job_cannot_have_been_paid():
    """Nothing to refund on expiry: `paid` is reachable only from `ready`."""
    assert S.PAID not in PrintJob.TRANSITIONS[S.SUBMITTED]
    assert [status for status, targets in PrintJob.TRANSITIONS.items() if S.PAID in targets] == [S.READY]


def test_the_beat_task_expires_unaccepted_jobs(media_root):
    job = _submitted_with_file(hours_ago=django_settings.PRINT_UNACCEPTED_EXPIRY_HOURS + 1)
    scheduled = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks.expire_unaccepted_print_jobs.name in scheduled
    assert tasks.expire_unaccepted_print_jobs.apply().get() == 1
    job.refresh_from_db()
    assert job.status == S.CANCELLED
