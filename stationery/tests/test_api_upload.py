"""POST /api/v1/print-jobs: the multipart upload, its checks and its idempotency."""

import pytest
from django.test.client import encode_multipart
from django.urls import reverse

from accounts.tests.factories import FoodVendorFactory, StaffFactory, StationeryVendorFactory, StudentFactory
from catalog.models import PrintService
from catalog.tests.factories import PrintServiceFactory, StationeryShopFactory
from stationery.models import PrintJob

from .pdfs import (
    encrypted_pdf_bytes,
    pdf_bytes,
    print_files,
    stored_files,
    text_as_pdf_bytes,
    truncated_pdf_bytes,
    upload,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/print-jobs"


def _post(client, print_service, data=None, name="notes.pdf", **fields):
    body = {
        "file": upload(pdf_bytes(3) if data is None else data, name=name),
        "service": print_service.pk,
        "copies": 2,
        "double_sided": "false",
        **fields,
    }
    return client.post(URL, body, format="multipart")


def _assert_envelope(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"]["code"] == code
    assert set(body) == {"error", "request_id"}
    return body["error"]


def test_url_is_the_contract_path():
    assert reverse("print-job-list") == URL


def test_student_uploads_a_pdf_and_gets_an_estimate(make_client, media_root):
    student = StudentFactory()
    service = PrintServiceFactory(price_paise=200)  # ₹2 per page
    response = _post(make_client(student), service, note="Spiral bind if you can")
    assert response.status_code == 201, response.content
    body = response.json()
    assert {
        "id",
        "status",
        "vendor",
        "student",
        "service",
        "pages",
        "copies",
        "double_sided",
        "estimated_paise",
        "amount_paise",
        "is_paid",
        "created_at",
    } <= set(body)
    assert body["status"] == "submitted"
    assert (body["pages"], body["copies"], body["estimated_paise"]) == (3, 2, 1200)
    assert (body["vendor"], body["student"], body["service"]) == (service.vendor_id, student.pk, service.pk)
    assert body["amount_paise"] is None and body["is_paid"] is False and body["double_sided"] is False
    assert body["note"] == "Spiral bind if you can"
    job = PrintJob.objects.get(pk=body["id"])
    assert len(print_files(media_root)) == 1 and (media_root / job.file.name).exists()
    assert "file" not in body or not str(body.get("file", "")).startswith("/")  # no storage path or URL leaks


def test_job_services_are_priced_flat(make_client):
    service = PrintServiceFactory(unit=PrintService.Unit.JOB, price_paise=4000)
    response = _post(make_client(StudentFactory()), service, data=pdf_bytes(40), copies=3)
    assert response.status_code == 201
    assert response.json()["estimated_paise"] == 4000


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (text_as_pdf_bytes(), "notes.pdf"),
        (truncated_pdf_bytes(), "notes.pdf"),
        (encrypted_pdf_bytes(), "locked.pdf"),
        (b"", "empty.pdf"),
        (pdf_bytes(0), "blank.pdf"),
    ],
    ids=["text-renamed-pdf", "truncated", "encrypted", "empty", "zero-pages"],
)
def test_unprintable_files_get_invalid_file_and_leave_nothing_behind(make_client, media_root, data, name):
    service = PrintServiceFactory()
    before = stored_files(media_root)
    response = _post(make_client(StudentFactory()), service, data=data, name=name)
    error = _assert_envelope(response, 400, "invalid_file")
    assert error["details"]["file"] and error["details"]["file"][0] in error["message"]
    assert PrintJob.objects.count() == 0
    assert stored_files(media_root) == before == []


def test_too_many_pages_is_invalid_file(make_client, settings, media_root):
    settings.PRINT_MAX_PAGES = 2
    response = _post(make_client(StudentFactory()), PrintServiceFactory(), data=pdf_bytes(3))
    error = _assert_envelope(response, 400, "invalid_file")
    assert "at most 2" in error["details"]["file"][0]
    assert stored_files(media_root) == []


def test_file_over_the_limit_by_its_declared_length_is_413(make_client, settings, media_root):
    settings.PRINT_MAX_UPLOAD_MB = 1
    big = pdf_bytes(1, padding=2 * 1024 * 1024)
    response = _post(make_client(StudentFactory()), PrintServiceFactory(), data=big)
    error = _assert_envelope(response, 413, "file_too_large")
    assert "1 MB" in error["message"]
    assert PrintJob.objects.count() == 0
    assert stored_files(media_root) == []


def test_file_just_over_the_limit_is_stopped_while_streaming(make_client, settings, media_root, monkeypatch):
    """Within the form overhead the Content-Length check lets it through; the upload handler stops it."""
    settings.PRINT_MAX_UPLOAD_MB = 1

    def must_not_run(**kwargs):
        raise AssertionError("the upload should have been stopped before the service")

    monkeypatch.setattr("stationery.services.print_job_submit", must_not_run)
    big = pdf_bytes(1, padding=1024 * 1024 + 10)
    response = _post(make_client(StudentFactory()), PrintServiceFactory(), data=big)
    _assert_envelope(response, 413, "file_too_large")
    assert PrintJob.objects.count() == 0
    assert stored_files(media_root) == []


def test_a_declared_length_over_the_limit_is_refused_without_reading_the_body(make_client, settings):
    """The test client's payload fails the test if the body is read past its real end."""
    settings.PRINT_MAX_UPLOAD_MB = 1
    client = make_client(StudentFactory())
    boundary = "BoUnDaRy"
    payload = encode_multipart(boundary, {"service": PrintServiceFactory().pk, "file": upload(pdf_bytes(1))})
    response = client.generic(
        "POST",
        URL,
        payload,
        content_type=f"multipart/form-data; boundary={boundary}",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    _assert_envelope(response, 413, "file_too_large")
    assert PrintJob.objects.count() == 0


def test_a_file_within_the_limit_is_accepted(make_client, settings):
    settings.PRINT_MAX_UPLOAD_MB = 1
    padded = pdf_bytes(1, padding=1024 * 1024 - 2048)
    assert 1024 * 1024 - 2048 < len(padded) <= 1024 * 1024
    response = _post(make_client(StudentFactory()), PrintServiceFactory(), data=padded)
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"copies": 0}, "copies"),
        ({"copies": 101}, "copies"),
        ({"copies": "two"}, "copies"),
        ({"service": "abc"}, "service"),
        ({"service": ""}, "service"),
        ({"double_sided": "maybe"}, "double_sided"),
        ({"note": "n" * 301}, "note"),
    ],
)
def test_bad_fields_are_validation_errors(make_client, media_root, fields, field):
    response = _post(make_client(StudentFactory()), PrintServiceFactory(), **fields)
    error = _assert_envelope(response, 400, "validation_error")
    assert field in error["details"]
    assert stored_files(media_root) == []


def test_missing_file_is_a_validation_error(make_client):
    response = make_client(StudentFactory()).post(URL, {"service": PrintServiceFactory().pk}, format="multipart")
    error = _assert_envelope(response, 400, "validation_error")
    assert "file" in error["details"]


def test_unknown_service_is_a_validation_error(make_client, media_root):
    service = PrintServiceFactory()
    service.pk = 424242
    error = _assert_envelope(_post(make_client(StudentFactory()), service), 400, "validation_error")
    assert "service" in error["details"]
    assert stored_files(media_root) == []


def test_closed_shop_is_409_shop_closed(make_client, media_root):
    service = PrintServiceFactory(vendor=StationeryShopFactory(is_open=False).vendor)
    _assert_envelope(_post(make_client(StudentFactory()), service), 409, "shop_closed")
    assert stored_files(media_root) == []


def test_unavailable_service_is_409_item_unavailable(make_client):
    _assert_envelope(
        _post(make_client(StudentFactory()), PrintServiceFactory(is_available=False)), 409, "item_unavailable"
    )


@pytest.mark.parametrize(
    ("make_user", "code"),
    [
        (StationeryVendorFactory, "permission_denied"),
        (FoodVendorFactory, "permission_denied"),
        (StaffFactory, "permission_denied"),
    ],
)
def test_only_students_upload(make_client, media_root, make_user, code):
    _assert_envelope(_post(make_client(make_user()), PrintServiceFactory()), 403, code)
    assert stored_files(media_root) == []


def test_anonymous_upload_is_401(api_client):
    response = _post(api_client, PrintServiceFactory())
    _assert_envelope(response, 401, "not_authenticated")


def test_the_vendor_comes_from_the_service_never_from_the_body(make_client):
    service = PrintServiceFactory()
    other_vendor = PrintServiceFactory().vendor
    response = _post(make_client(StudentFactory()), service, vendor=other_vendor.pk, student=999, status="paid")
    assert response.status_code == 201
    job = PrintJob.objects.get()
    assert job.vendor_id == service.vendor_id and job.status == "submitted"


# --- Idempotency-Key ----------------------------------------------------------------


def test_same_key_and_body_replays_the_first_response_and_creates_one_job(make_client, media_root):
    client = make_client(StudentFactory())
    service = PrintServiceFactory()
    data = pdf_bytes(3)
    first = client.post(
        URL,
        {"file": upload(data), "service": service.pk, "copies": 2},
        format="multipart",
        HTTP_IDEMPOTENCY_KEY="upload-1",
    )
    again = client.post(
        URL,
        {"file": upload(data), "service": service.pk, "copies": 2},
        format="multipart",
        HTTP_IDEMPOTENCY_KEY="upload-1",
    )
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert PrintJob.objects.count() == 1
    assert len(print_files(media_root)) == 1


def test_same_key_with_another_file_is_409(make_client, media_root):
    client = make_client(StudentFactory())
    service = PrintServiceFactory()
    first = client.post(
        URL, {"file": upload(pdf_bytes(3)), "service": service.pk}, format="multipart", HTTP_IDEMPOTENCY_KEY="k"
    )
    other = client.post(
        URL, {"file": upload(pdf_bytes(4)), "service": service.pk}, format="multipart", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert first.status_code == 201
    _assert_envelope(other, 409, "idempotency_conflict")
    assert PrintJob.objects.count() == 1
    assert len(print_files(media_root)) == 1


def test_a_refused_upload_does_not_burn_its_key(make_client):
    client = make_client(StudentFactory())
    service = PrintServiceFactory(vendor=StationeryShopFactory(is_open=False).vendor)
    body = lambda: {"file": upload(pdf_bytes(1)), "service": service.pk}  # noqa: E731
    assert client.post(URL, body(), format="multipart", HTTP_IDEMPOTENCY_KEY="retry-me").status_code == 409
    service.vendor.shop.is_open = True
    service.vendor.shop.save()
    assert client.post(URL, body(), format="multipart", HTTP_IDEMPOTENCY_KEY="retry-me").status_code == 201


# --- the pages and the dashboard: session auth with CSRF --------------------------------


def _session_client(user, *, with_csrf: bool):
    from django.utils.crypto import get_random_string
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    secret = get_random_string(32)
    client.cookies["csrftoken"] = secret
    if with_csrf:
        client.credentials(HTTP_X_CSRFTOKEN=secret)
    return client


def test_session_upload_needs_the_csrf_token(media_root):
    student = StudentFactory()
    service = PrintServiceFactory()
    refused = _post(_session_client(student, with_csrf=False), service)
    assert refused.status_code == 403
    assert stored_files(media_root) == []
    accepted = _post(_session_client(student, with_csrf=True), service)
    assert accepted.status_code == 201, accepted.content


def test_session_upload_over_the_limit_is_stopped_even_when_auth_reads_the_body(settings, media_root):
    """Session auth's CSRF check parses the body first; the size limit already applies there."""
    settings.PRINT_MAX_UPLOAD_MB = 1
    response = _post(
        _session_client(StudentFactory(), with_csrf=True), PrintServiceFactory(), data=pdf_bytes(1, padding=1024 * 1024)
    )
    _assert_envelope(response, 413, "file_too_large")
    assert stored_files(media_root) == []
