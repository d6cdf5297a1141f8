"""POST /api/v1/print-jobs/estimate: the price of a PDF before it is sent; nothing is stored."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.tests.factories import StationeryVendorFactory, StudentFactory
from catalog.tests.factories import PrintServiceFactory, StationeryShopFactory
from stationery.models import PrintJob

from .pdfs import pdf_bytes, stored_files, text_as_pdf_bytes, upload
from .test_api_upload import _assert_envelope

pytestmark = pytest.mark.django_db

URL = "/api/v1/print-jobs/estimate"


def _estimate(client, print_service, data=None, **fields):
    body = {
        "file": upload(pdf_bytes(3) if data is None else data),
        "service": print_service.pk,
        "copies": 2,
        "double_sided": "true",
        **fields,
    }
    return client.post(URL, body, format="multipart")


def test_url_is_the_contract_path():
    assert reverse("print-job-estimate") == URL


def test_student_gets_the_price_and_nothing_is_stored(make_client, media_root):
    response = _estimate(make_client(StudentFactory()), PrintServiceFactory(price_paise=200))
    assert response.status_code == 200, response.content
    body = response.json()
    assert {key: body[key] for key in ("pages", "copies", "double_sided", "estimated_paise")} == {
        "pages": 3,
        "copies": 2,
        "double_sided": True,
        "estimated_paise": 1200,
    }
    assert (body["pages_selected"], body["sheets"], body["colour_pages"], body["analysis"]) == (3, 4, [], "done")
    assert not PrintJob.objects.exists()
    assert stored_files(media_root) == []


def test_signed_out_is_401_and_a_vendor_is_403(make_client, media_root):
    service = PrintServiceFactory()
    _assert_envelope(_estimate(APIClient(), service), 401, "not_authenticated")
    _assert_envelope(_estimate(make_client(StationeryVendorFactory()), service), 403, "permission_denied")
    assert not PrintJob.objects.exists()


def test_bad_fields_are_a_validation_error_envelope(make_client, media_root):
    client = make_client(StudentFactory())
    response = _estimate(client, PrintServiceFactory(), copies=0)
    error = _assert_envelope(response, 400, "validation_error")
    assert set(error["details"]) == {"copies"} and response.json()["request_id"] == response["X-Request-ID"]
    error = _assert_envelope(client.post(URL, {"copies": 1}, format="multipart"), 400, "validation_error")
    assert {"file", "service"} <= set(error["details"])
    assert not PrintJob.objects.exists()


def test_what_is_not_a_pdf_is_invalid_file(make_client, media_root):
    response = _estimate(make_client(StudentFactory()), PrintServiceFactory(), data=text_as_pdf_bytes())
    error = _assert_envelope(response, 400, "invalid_file")
    assert error["details"]["file"]
    assert stored_files(media_root) == []


def test_a_closed_shop_is_409_like_sending(make_client, media_root):
    service = PrintServiceFactory(vendor=StationeryShopFactory(is_open=False).vendor)
    _assert_envelope(_estimate(make_client(StudentFactory()), service), 409, "shop_closed")


def test_a_file_over_the_limit_is_413(make_client, settings, media_root):
    settings.PRINT_MAX_UPLOAD_MB = 1
    big = pdf_bytes(1, padding=2 * 1024 * 1024)
    _assert_envelope(_estimate(make_client(StudentFactory()), PrintServiceFactory(), data=big), 413, "file_too_large")
    assert stored_files(media_root) == []


def test_estimates_are_rate_limited_per_student(make_client, settings, media_root):
    settings.RATE_LIMIT_PRINT = "2/h"
    service = PrintServiceFactory()
    client = make_client(StudentFactory())
    assert [_estimate(client, service).status_code for _ in range(2)] == [200, 200]
    limited = _estimate(client, service)
    _assert_envelope(limited, 429, "rate_limited")
    assert 1 <= int(limited["Retry-After"]) <= 3600
    # Another student's counter is their own.
    assert _estimate(make_client(StudentFactory()), service).status_code == 200


def test_an_invalid_form_does_not_count_against_the_limit(make_client, settings, media_root):
    settings.RATE_LIMIT_PRINT = "1/h"
    service = PrintServiceFactory()
    client = make_client(StudentFactory())
    assert _estimate(client, service, copies=0).status_code == 400
    assert _estimate(client, service).status_code == 200
    assert _estimate(client, service).status_code == 429


def test_another_students_estimate_leaves_nothing_for_anyone(make_client, media_root):
    service = PrintServiceFactory()
    first, second = StudentFactory(), StudentFactory()
    assert _estimate(make_client(first), service).status_code == 200
    for student in (first, second):
        listed = make_client(student).get("/api/v1/print-jobs")
        assert listed.status_code == 200 and listed.json()["count"] == 0
    vendor_view = make_client(service.vendor).get("/api/v1/print-jobs")
    assert vendor_view.status_code == 200 and vendor_view.json()["count"] == 0
    assert not PrintJob.objects.exists()
