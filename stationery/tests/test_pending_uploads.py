"""A file chosen on the print form is uploaded once (POST /print-uploads), then priced and sent by
its id: another student's id is 404, an expired one 410, and the expired ones are deleted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import StationeryVendorFactory, StudentFactory
from catalog.tests.factories import PrintServiceFactory
from stationery import services
from stationery.models import PrintJob, PrintUpload

from .pdfs import pdf_bytes, stored_files, text_as_pdf_bytes, upload
from .test_api_upload import _assert_envelope

pytestmark = pytest.mark.django_db

UPLOADS = "/api/v1/print-uploads"
ESTIMATE = "/api/v1/print-jobs/estimate"
JOBS = "/api/v1/print-jobs"


def _upload(client, data: bytes | None = None, name: str = "notes.pdf"):
    return client.post(UPLOADS, {"file": upload(pdf_bytes(3) if data is None else data, name)}, format="multipart")


def _by_reference(upload_id: int, service, **fields) -> dict:
    return {"upload": upload_id, "service": service.pk, "copies": 2, "double_sided": True, **fields}


def _uploaded(root) -> list:
    return [path for path in stored_files(root) if path.relative_to(root).parts[0] == "print-uploads"]


def _job_files(root) -> list:
    return [path for path in stored_files(root) if path.relative_to(root).parts[0] == "print-jobs"]


def test_the_file_is_stored_once_for_its_student_and_priced_by_reference_without_it(make_client, media_root):
    client = make_client(StudentFactory())
    service = PrintServiceFactory(price_paise=200)
    created = _upload(client, name="Unit 3 notes.pdf")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["original_name"], body["pages"]) == ("Unit 3 notes.pdf", 3)
    assert len(_uploaded(media_root)) == 1

    # A re-quote is a small JSON body naming the upload: no file bytes travel again.
    quoted = client.post(ESTIMATE, _by_reference(body["id"], service), format="json")
    assert quoted.status_code == 200, quoted.content
    assert (quoted.json()["pages"], quoted.json()["estimated_paise"]) == (3, 1200)
    requoted = client.post(ESTIMATE, _by_reference(body["id"], service, copies=5, page_range="1-2"), format="json")
    assert (requoted.json()["pages_selected"], requoted.json()["estimated_paise"]) == (2, 2000)
    assert not PrintJob.objects.exists() and len(_uploaded(media_root)) == 1


def test_sending_the_upload_makes_the_job_from_the_same_file_and_uses_it_up(
    make_client, media_root, django_capture_on_commit_callbacks
):
    student = StudentFactory()
    client = make_client(student)
    service = PrintServiceFactory(price_paise=200)
    upload_id = _upload(client, name="essay.pdf").json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(JOBS, _by_reference(upload_id, service, note="Staple it"), format="json")
    assert created.status_code == 201, created.content
    job = PrintJob.objects.get()
    assert (job.student, job.pages, job.copies, job.double_sided, job.estimated_paise, job.note) == (
        student,
        3,
        2,
        True,
        1200,
        "Staple it",
    )
    assert job.original_name == "essay.pdf" and job.file.read() == pdf_bytes(3)
    assert not PrintUpload.objects.exists()
    assert _uploaded(media_root) == [] and len(_job_files(media_root)) == 1

    # Used up: sending it again makes no second job.
    again = client.post(JOBS, _by_reference(upload_id, service), format="json")
    _assert_envelope(again, 404, "not_found")
    assert PrintJob.objects.count() == 1


def test_another_students_upload_is_not_found_and_nothing_changes(make_client, media_root):
    owner, other = make_client(StudentFactory()), make_client(StudentFactory())
    service = PrintServiceFactory()
    upload_id = _upload(owner).json()["id"]
    _assert_envelope(other.post(ESTIMATE, _by_reference(upload_id, service), format="json"), 404, "not_found")
    _assert_envelope(other.post(JOBS, _by_reference(upload_id, service), format="json"), 404, "not_found")
    assert not PrintJob.objects.exists()
    assert PrintUpload.objects.filter(pk=upload_id).exists() and len(_uploaded(media_root)) == 1


def test_an_expired_upload_is_a_clear_410_for_the_price_and_the_job(make_client, media_root):
    client = make_client(StudentFactory())
    service = PrintServiceFactory()
    upload_id = _upload(client).json()["id"]
    PrintUpload.objects.filter(pk=upload_id).update(expires_at=timezone.now() - timedelta(seconds=1))
    for url in (ESTIMATE, JOBS):
        error = _assert_envelope(client.post(url, _by_reference(upload_id, service), format="json"), 410, "upload_expired")
        assert error["message"] == "This file was uploaded too long ago and has been deleted. Choose it again."
    assert not PrintJob.objects.exists()


def test_an_upload_lives_for_print_upload_ttl_minutes(make_client, settings, media_root):
    settings.PRINT_UPLOAD_TTL_MINUTES = 15
    before = timezone.now()
    body = _upload(make_client(StudentFactory())).json()
    pending = PrintUpload.objects.get(pk=body["id"])
    assert before + timedelta(minutes=15) <= pending.expires_at <= timezone.now() + timedelta(minutes=15)


def test_the_file_or_its_upload_not_both_and_not_neither(make_client, media_root):
    client = make_client(StudentFactory())
    service = PrintServiceFactory()
    upload_id = _upload(client).json()["id"]
    both = {"file": upload(pdf_bytes(1)), "upload": upload_id, "service": service.pk}
    error = _assert_envelope(client.post(ESTIMATE, both, format="multipart"), 400, "validation_error")
    assert set(error["details"]) == {"upload"}
    neither = client.post(ESTIMATE, {"service": service.pk}, format="json")
    assert set(_assert_envelope(neither, 400, "validation_error")["details"]) == {"file"}


def test_what_is_not_a_pdf_is_refused_and_not_stored(make_client, media_root):
    response = _upload(make_client(StudentFactory()), data=text_as_pdf_bytes())
    _assert_envelope(response, 400, "invalid_file")
    assert not PrintUpload.objects.exists() and stored_files(media_root) == []


def test_only_signed_in_students_upload(make_client, media_root):
    from rest_framework.test import APIClient

    _assert_envelope(_upload(APIClient()), 401, "not_authenticated")
    _assert_envelope(_upload(make_client(StationeryVendorFactory())), 403, "permission_denied")
    assert stored_files(media_root) == []


def test_a_student_keeps_the_newest_uploads_only(make_client, media_root, django_capture_on_commit_callbacks):
    client = make_client(StudentFactory())
    with django_capture_on_commit_callbacks(execute=True):
        ids = [_upload(client).json()["id"] for _ in range(services.MAX_PENDING_UPLOADS + 1)]
    assert sorted(PrintUpload.objects.values_list("pk", flat=True)) == ids[1:]
    assert len(_uploaded(media_root)) == services.MAX_PENDING_UPLOADS


def test_expired_uploads_are_deleted_with_their_files(make_client, media_root, django_capture_on_commit_callbacks):
    client = make_client(StudentFactory())
    old, fresh = _upload(client).json()["id"], _upload(client).json()["id"]
    PrintUpload.objects.filter(pk=old).update(expires_at=timezone.now() - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.print_upload_purge_expired() == 1
    assert list(PrintUpload.objects.values_list("pk", flat=True)) == [fresh]
    assert [path.name for path in _uploaded(media_root)] == [PrintUpload.objects.get().file.name.split("/")[-1]]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.print_upload_purge_expired() == 0  # safe to run twice
