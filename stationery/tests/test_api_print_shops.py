"""Issue 21 through the API: choices, the estimate, photos, previews, release codes, ready-by."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tests.factories import StationeryVendorFactory, StudentFactory
from catalog.tests.factories import PrintServiceFactory, StationeryShopFactory
from stationery import services
from stationery.models import PrintJob

from .factories import PrintJobFactory
from .pdfs import content_pdf_bytes, photo_bytes, stored_files, text_as_pdf_bytes, upload

pytestmark = pytest.mark.django_db

URL = "/api/v1/print-jobs"
KINDS = ["grey", "colour", "grey", "colour", "blank", "grey", "colour"]  # colour: 2, 4, 7


@pytest.fixture
def shop_services():
    vendor = StationeryShopFactory().vendor
    page = PrintServiceFactory(vendor=vendor, name="Prints", price_paise=200, colour_price_paise=1000)
    binding = PrintServiceFactory(vendor=vendor, name="Spiral binding", unit="job", price_paise=3000)
    return page, binding


def _form(service, *, data=None, name="report.pdf", **fields):
    return {
        "file": upload(content_pdf_bytes(KINDS) if data is None else data, name=name),
        "service": service.pk,
        "copies": 2,
        "double_sided": "true",
        **fields,
    }


def _code(response):
    return response.json()["error"]["code"]


def test_the_estimate_follows_range_colour_mode_sheets_and_finishing(make_client, shop_services, media_root):
    page, binding = shop_services
    student = make_client(StudentFactory())
    body = _form(page, page_range="1-4,7", colour_mode="auto", pages_per_sheet="2", finishing=[binding.pk])
    response = student.post(f"{URL}/estimate", body, format="multipart")
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["pages"] == 7 and answer["pages_selected"] == 5 and answer["page_range"] == "1-4,7"
    assert answer["colour_pages"] == [2, 4, 7] and answer["paper_size"] == "A4"
    # 5 pages, 2 to a side → 3 sides → 2 sheets double-sided, × 2 copies.
    assert answer["sheets"] == 4
    assert answer["estimated_paise"] == (2 * 200 + 3 * 1000) * 2 + 3000 * 2
    assert [preview["page"] for preview in answer["previews"]] == [1, 2, 3, 4]
    assert answer["previews"][0]["src"].startswith("data:image/png;base64,")
    assert not PrintJob.objects.exists() and stored_files(media_root) == []

    bw = student.post(f"{URL}/estimate", _form(page, page_range="1-4,7"), format="multipart").json()
    assert bw["estimated_paise"] == 5 * 200 * 2


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"page_range": "3-9"}, "page_range"),
        ({"page_range": "0"}, "page_range"),
        ({"page_range": "5-2"}, "page_range"),
        ({"pages_per_sheet": "3"}, "pages_per_sheet"),
        ({"colour_mode": "full"}, "colour_mode"),
    ],
)
def test_bad_choices_are_400_and_store_nothing(make_client, shop_services, media_root, fields, field):
    page, _ = shop_services
    for url in (URL, f"{URL}/estimate"):
        response = make_client(StudentFactory()).post(url, _form(page, **fields), format="multipart")
        assert response.status_code == 400 and _code(response) == "validation_error", response.content
        assert field in response.json()["error"]["details"]
    assert not PrintJob.objects.exists() and stored_files(media_root) == []


def test_auto_colour_on_a_black_and_white_service_is_refused(make_client):
    service = PrintServiceFactory(colour_price_paise=None)
    response = make_client(StudentFactory()).post(URL, _form(service, colour_mode="auto"), format="multipart")
    assert response.status_code == 400 and "colour_mode" in response.json()["error"]["details"]


def test_finishing_must_be_a_job_service_of_the_same_shop(make_client, shop_services):
    page, binding = shop_services
    elsewhere = PrintServiceFactory(unit="job", price_paise=100)
    client = make_client(StudentFactory())
    for wrong in ([elsewhere.pk], [page.pk], [binding.pk, binding.pk]):
        response = client.post(URL, _form(page, finishing=wrong), format="multipart")
        assert response.status_code == 400 and "finishing" in response.json()["error"]["details"], wrong


def test_a_sent_job_keeps_its_choices_and_the_vendor_sees_its_colour_pages(make_client, shop_services):
    page, binding = shop_services
    student = StudentFactory()
    body = _form(page, page_range="2-4", colour_mode="auto", pages_per_sheet="4", finishing=[binding.pk])
    response = make_client(student).post(URL, body, format="multipart")
    assert response.status_code == 201, response.content
    job = response.json()
    assert (job["page_range"], job["pages_selected"], job["colour_pages"], job["analysis"]) == (
        "2-4",
        3,
        [2, 4],
        "done",
    )
    assert (job["pages_per_sheet"], job["sheets"], job["finishing"], job["colour_mode"]) == (4, 2, [binding.pk], "auto")
    assert job["estimated_paise"] == (200 + 2 * 1000) * 2 + 3000 * 2
    assert job["pickup_code"] is None and job["estimated_ready_at"] is None

    listed = make_client(page.vendor).get(URL).json()["results"][0]
    assert listed["colour_pages"] == [2, 4] and listed["finishing_names"] == ["Spiral binding"]


def test_a_photo_is_sent_as_a_one_page_pdf(make_client, shop_services, media_root):
    page, _ = shop_services
    response = make_client(StudentFactory()).post(
        URL, _form(page, data=photo_bytes(), name="form.jpg", colour_mode="auto"), format="multipart"
    )
    assert response.status_code == 201, response.content
    job = PrintJob.objects.get()
    assert (job.pages, job.colour_pages) == (1, [1])
    stored = (media_root / job.file.name).read_bytes()
    assert stored.startswith(b"%PDF-") and b"SecretPhone" not in stored


def test_a_file_the_renderer_refuses_is_invalid_file_and_nothing_is_stored(
    make_client, shop_services, media_root, monkeypatch
):
    from stationery import documents

    page, _ = shop_services

    def refuse(*args, **kwargs):
        from stationery.errors import InvalidFile

        raise InvalidFile("The document cannot be rendered for printing.")

    monkeypatch.setattr(documents, "analyse_pdf", refuse)
    response = make_client(StudentFactory()).post(URL, _form(page), format="multipart")
    assert response.status_code == 400 and _code(response) == "invalid_file"
    assert not PrintJob.objects.exists() and stored_files(media_root) == []


def test_a_text_file_named_pdf_is_still_invalid_file(make_client, shop_services):
    page, _ = shop_services
    response = make_client(StudentFactory()).post(URL, _form(page, data=text_as_pdf_bytes()), format="multipart")
    assert response.status_code == 400 and _code(response) == "invalid_file"


# --- large files: read in the background --------------------------------------------


def test_a_large_file_is_pending_then_done_with_its_estimate(
    make_client, shop_services, settings, django_capture_on_commit_callbacks
):
    settings.PRINT_ANALYSIS_INLINE_PAGES = 3
    page, _ = shop_services
    client = make_client(StudentFactory())
    estimate = client.post(f"{URL}/estimate", _form(page, colour_mode="auto"), format="multipart").json()
    assert (estimate["analysis"], estimate["colour_pages"]) == ("pending", None)
    assert estimate["estimated_paise"] == 7 * 200 * 2  # page 1 (grey) read; the rest b/w for now
    assert estimate["estimated_max_paise"] == 7 * 1000 * 2

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(URL, _form(page, colour_mode="auto"), format="multipart")
    assert response.status_code == 201 and response.json()["analysis"] == "pending"
    job = PrintJob.objects.get()
    assert job.colour_pages == [] and job.estimated_paise == 7 * 200 * 2

    for callback in callbacks:  # the task runs (eagerly in tests) once the job is committed
        callback()
    job.refresh_from_db()
    assert (job.analysis, job.colour_pages) == ("done", [2, 4, 7])
    assert job.estimated_paise == (4 * 200 + 3 * 1000) * 2
    assert client.get(f"{URL}/{job.pk}/pages/7.png").status_code == 200


def test_a_small_file_is_read_in_the_request(make_client, shop_services, django_capture_on_commit_callbacks):
    page, _ = shop_services
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = make_client(StudentFactory()).post(URL, _form(page, colour_mode="auto"), format="multipart")
    assert response.json()["analysis"] == "done" and response.json()["colour_pages"] == [2, 4, 7]
    # Nothing queued for later but the shop's live event (events.publisher): no background analysis.
    assert [callback for callback in callbacks if "event_publish" not in callback.__qualname__] == []
    assert len(callbacks) == 1


# --- previews -----------------------------------------------------------------------


def _sent_job(make_client, service, **fields):
    response = make_client(StudentFactory()).post(URL, _form(service, **fields), format="multipart")
    assert response.status_code == 201, response.content
    return PrintJob.objects.get(pk=response.json()["id"])


def test_previews_go_to_the_student_and_the_vendor_only(make_client, shop_services):
    page, _ = shop_services
    job = _sent_job(make_client, page, page_range="2-3")
    for user in (job.student, job.vendor):
        response = make_client(user).get(f"{URL}/{job.pk}/pages/2.png")
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert make_client(user).get(f"{URL}/{job.pk}/pages/1.png").status_code == 404  # not selected
    for stranger in (StudentFactory(), StationeryVendorFactory()):
        response = make_client(stranger).get(f"{URL}/{job.pk}/pages/2.png")
        assert response.status_code == 404 and _code(response) == "not_found"
    assert APIClient().get(f"{URL}/{job.pk}/pages/2.png").status_code == 401


def test_previews_are_deleted_with_the_file(make_client, shop_services, media_root):
    page, _ = shop_services
    job = _sent_job(make_client, page)
    assert any("print-previews" in str(path) for path in stored_files(media_root))
    PrintJob.objects.filter(pk=job.pk).update(
        status="rejected", reason="x", ended_at=timezone.now() - timedelta(days=30)
    )
    assert services.print_job_files_purge() == 1
    assert stored_files(media_root) == []
    assert make_client(job.student).get(f"{URL}/{job.pk}/pages/1.png").status_code == 404


# --- the release code and ready-by ---------------------------------------------------


def test_completion_needs_the_release_code(make_client, settings):
    settings.PICKUP_CODE_MAX_ATTEMPTS = 3
    job = PrintJobFactory(status="paid", pickup_code="135790")
    vendor = make_client(job.vendor)
    assert make_client(job.student).get(f"{URL}/{job.pk}").json()["pickup_code"] == "135790"
    assert vendor.get(f"{URL}/{job.pk}").json()["pickup_code"] is None
    for wrong in ({}, {"pickup_code": ""}, {"pickup_code": "000000"}):
        response = vendor.post(f"{URL}/{job.pk}/complete", wrong, format="json")
        assert response.status_code == 400 and _code(response) == "invalid_pickup_code"
    job.refresh_from_db()
    assert job.status == "paid"
    locked_out = vendor.post(f"{URL}/{job.pk}/complete", {"pickup_code": "135790"}, format="json")
    assert locked_out.status_code == 429  # guess-limited, like orders
    job.refresh_from_db()
    assert job.status == "paid"


def test_the_right_code_completes_the_job(make_client):
    job = PrintJobFactory(status="paid", pickup_code="135790")
    response = make_client(job.vendor).post(f"{URL}/{job.pk}/complete", {"pickup_code": " 135790 "}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "completed"


def test_paying_gives_the_job_a_code():
    job = PrintJobFactory(status="ready")
    payment = type("PaymentStub", (), {"pk": 1, "print_job_id": job.pk, "payer": job.student})()
    services.print_job_mark_paid(job_id=job.pk, payment=payment)
    job.refresh_from_db()
    assert len(job.pickup_code) == 6 and job.pickup_code.isdigit()


def test_an_accepted_job_is_ready_after_the_queue_ahead_of_it():
    service = PrintServiceFactory(pages_per_minute=10)
    ahead = PrintJobFactory(service=service, status="accepted", pages=30, pages_selected=30, copies=1)
    job = PrintJobFactory(service=service, pages=20, pages_selected=20, pages_per_sheet=2, copies=2)
    before = timezone.now()
    services.print_job_accept(vendor=service.vendor, job_id=job.pk)
    job.refresh_from_db()
    # 30 sides ahead + 20 of its own (10 sides × 2 copies) at 10 a minute: 5 minutes.
    expected = before + timedelta(minutes=5)
    assert abs((job.estimated_ready_at - expected).total_seconds()) < 5
    assert ahead.estimated_ready_at is None
