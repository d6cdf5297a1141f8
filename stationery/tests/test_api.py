"""The print-job API after upload: scoping, the file, the vendor's and the student's actions."""

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.tests.factories import FoodVendorFactory, StaffFactory, StationeryVendorFactory, StudentFactory
from catalog.tests.factories import PrintServiceFactory
from stationery import urls as stationery_urls
from stationery.models import PrintJob

from .factories import PrintJobFactory
from .pdfs import pdf_bytes

pytestmark = pytest.mark.django_db

S = PrintJob.Status


def _url(job, action=None):
    pk = job if isinstance(job, int) else job.pk
    return f"/api/v1/print-jobs/{pk}" + (f"/{action}" if action else "")


def _code(response):
    return response.json()["error"]["code"]


def _job_with_file(**kwargs):
    job = PrintJobFactory(**kwargs)
    job.file.save("ignored.pdf", ContentFile(pdf_bytes(3)), save=True)
    return job


# --- list and detail ---------------------------------------------------------------------


def test_students_list_only_their_own_jobs(make_client):
    mine = PrintJobFactory.create_batch(2)
    student = mine[0].student
    PrintJobFactory.create_batch(2, student=student, service=mine[1].service)
    PrintJobFactory()  # someone else's
    body = make_client(student).get("/api/v1/print-jobs").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3
    assert {row["student"] for row in body["results"]} == {student.pk}


def test_vendors_list_only_their_shops_jobs(make_client):
    service = PrintServiceFactory()
    PrintJobFactory.create_batch(3, service=service)
    PrintJobFactory()  # another shop's
    body = make_client(service.vendor).get("/api/v1/print-jobs").json()
    assert body["count"] == 3
    assert {row["vendor"] for row in body["results"]} == {service.vendor_id}


def test_list_filters_by_status_and_rejects_unknown_ones(make_client):
    service = PrintServiceFactory()
    PrintJobFactory(service=service, status=S.READY)
    PrintJobFactory(service=service)
    client = make_client(service.vendor)
    body = client.get("/api/v1/print-jobs?status=ready").json()
    assert [row["status"] for row in body["results"]] == ["ready"]
    response = client.get("/api/v1/print-jobs?status=lost")
    assert response.status_code == 400 and _code(response) == "validation_error"
    assert "status" in response.json()["error"]["details"]


def test_list_is_newest_first_and_paginated(make_client):
    service = PrintServiceFactory()
    jobs = PrintJobFactory.create_batch(3, service=service)
    body = make_client(service.vendor).get("/api/v1/print-jobs?page_size=2").json()
    assert [row["id"] for row in body["results"]] == [jobs[2].pk, jobs[1].pk]
    assert body["next"] is not None


def test_list_query_count_does_not_grow_with_jobs(make_client, django_assert_max_num_queries):
    service = PrintServiceFactory()
    client = make_client(service.vendor)
    PrintJobFactory.create_batch(2, service=service)
    with django_assert_max_num_queries(4) as few:
        client.get("/api/v1/print-jobs")
    PrintJobFactory.create_batch(15, service=PrintServiceFactory(vendor=service.vendor))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/api/v1/print-jobs")
    assert response.json()["count"] == 17


def test_student_and_vendor_see_the_job(make_client):
    job = PrintJobFactory(status=S.READY)
    for user in (job.student, job.vendor):
        response = make_client(user).get(_url(job))
        assert response.status_code == 200
        body = response.json()
        assert (body["id"], body["status"], body["amount_paise"], body["is_paid"]) == (job.pk, "ready", 1200, False)


@pytest.mark.parametrize("suffix", [None, "file"])
def test_another_student_and_another_vendor_get_404(make_client, suffix):
    job = _job_with_file()
    for outsider in (StudentFactory(), PrintServiceFactory().vendor):
        response = make_client(outsider).get(_url(job, suffix))
        assert response.status_code == 404, outsider
        assert _code(response) == "not_found"


@pytest.mark.parametrize("suffix", [None, "file"])
def test_food_vendors_do_not_find_print_jobs(make_client, suffix):
    job = _job_with_file()
    client = make_client(FoodVendorFactory())
    response = client.get(_url(job, suffix))
    assert response.status_code == 404 and _code(response) == "not_found"
    assert client.get("/api/v1/print-jobs").json()["results"] == []
    response = client.post(_url(job, "accept"))
    assert response.status_code == 403 and _code(response) == "wrong_vendor_type"


def test_unapproved_stationery_vendor_gets_403_on_vendor_endpoints(make_client):
    job = PrintJobFactory()
    client = make_client(StationeryVendorFactory(is_approved=False))
    for response in (client.get("/api/v1/print-jobs"), client.post(_url(job, "accept"))):
        assert response.status_code == 403 and _code(response) == "vendor_not_approved"
    response = client.get(_url(job))
    assert response.status_code == 404 and _code(response) == "not_found"


def test_staff_see_no_print_jobs_here(make_client):
    job = PrintJobFactory()
    client = make_client(StaffFactory())
    assert client.get("/api/v1/print-jobs").json()["results"] == []
    response = client.get(_url(job))
    assert response.status_code == 404 and _code(response) == "not_found"


def test_anonymous_gets_401(api_client):
    job = PrintJobFactory()
    for response in (
        api_client.get("/api/v1/print-jobs"),
        api_client.get(_url(job)),
        api_client.get(_url(job, "file")),
    ):
        assert response.status_code == 401 and _code(response) == "not_authenticated"


@pytest.mark.parametrize("path", ["/api/v1/print-jobs/99999999999999999999999", "/api/v1/print-jobs/abc"])
def test_odd_ids_are_404_not_500(make_client, path):
    response = make_client(StudentFactory()).get(path)
    assert response.status_code == 404
    assert _code(response) == "not_found"


# --- the file ----------------------------------------------------------------------------


def test_student_and_vendor_download_the_pdf_safely(make_client):
    job = _job_with_file()
    for user in (job.student, job.vendor):
        response = make_client(user).get(_url(job, "file"))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == pdf_bytes(3)
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="notes.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ('evil"; filename=x.exe\r\nSet-Cookie: a=b.pdf', "evil_filename_x.exe_Set-Cookie_a_b.pdf"),
        ("../../etc/passwd", "passwd.pdf"),
        ("C:\\Users\\ravi\\Résumé final.PDF", "Resume_final.pdf"),
        ("परीक्षा.pdf", None),
        ("", None),
    ],
)
def test_download_name_is_sanitised(make_client, original, expected):
    job = _job_with_file(original_name=original)
    response = make_client(job.student).get(_url(job, "file"))
    assert response.status_code == 200
    name = expected or f"print-job-{job.pk}.pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'


def test_file_errors_are_json_whatever_the_client_accepts(make_client):
    job = _job_with_file()
    response = make_client(StudentFactory()).get(_url(job, "file"), HTTP_ACCEPT="application/pdf")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    ok = make_client(job.student).get(_url(job, "file"), HTTP_ACCEPT="application/pdf")
    assert ok.status_code == 200


def test_purged_file_is_404(make_client):
    job = _job_with_file(status=S.COMPLETED)
    job.file.delete(save=False)
    PrintJob.objects.filter(pk=job.pk).update(file="", file_deleted_at=timezone.now())
    response = make_client(job.student).get(_url(job, "file"))
    assert response.status_code == 404 and _code(response) == "not_found"
    assert make_client(job.student).get(_url(job)).json()["file_available"] is False


def test_file_missing_from_storage_is_404_not_500(make_client):
    job = _job_with_file()
    job.file.storage.delete(job.file.name)
    response = make_client(job.vendor).get(_url(job, "file"))
    assert response.status_code == 404


def test_uploads_are_not_served_from_any_public_url(client):
    job = _job_with_file()
    for path in (f"/media/{job.file.name}", f"/{job.file.name}", f"/uploads/{job.file.name}"):
        assert client.get(path).status_code == 404


# --- the workflow over HTTP --------------------------------------------------------------


def test_vendor_workflow_and_student_view(make_client, sms_outbox, django_capture_on_commit_callbacks):
    job = PrintJobFactory()
    vendor = make_client(job.vendor)
    assert vendor.post(_url(job, "accept")).json()["status"] == "accepted"
    with django_capture_on_commit_callbacks(execute=True):
        response = vendor.post(_url(job, "ready"), {"amount_paise": 1250}, format="json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["amount_paise"]) == ("ready", 1250)
    assert "₹12.50" in sms_outbox[-1]["body"] and sms_outbox[-1]["to"] == job.student.phone

    response = vendor.post(_url(job, "complete"))
    assert response.status_code == 409 and _code(response) == "invalid_transition"
    job.refresh_from_db()
    assert job.status == S.READY


@pytest.mark.parametrize("amount", [0, 1_000_001, "ten", None])
def test_ready_amount_is_validated(make_client, amount):
    job = PrintJobFactory(status=S.ACCEPTED)
    body = {} if amount is None else {"amount_paise": amount}
    response = make_client(job.vendor).post(_url(job, "ready"), body, format="json")
    assert response.status_code == 400 and _code(response) == "validation_error"
    assert "amount_paise" in response.json()["error"]["details"]


def test_reject_needs_a_reason_and_tells_the_student(make_client, sms_outbox, django_capture_on_commit_callbacks):
    job = PrintJobFactory(status=S.ACCEPTED)
    client = make_client(job.vendor)
    response = client.post(_url(job, "reject"), {"reason": ""}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["error"]["details"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(job, "reject"), {"reason": "Pages are unreadable"}, format="json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["reason"]) == ("rejected", "Pages are unreadable")
    assert f"#{job.pk}" in sms_outbox[-1]["body"]
    assert "Pages are unreadable" not in sms_outbox[-1]["body"]  # the reason is shown in the app only


def test_reject_after_paid_is_409(make_client):
    job = PrintJobFactory(status=S.PAID)
    response = make_client(job.vendor).post(_url(job, "reject"), {"reason": "late"}, format="json")
    assert response.status_code == 409 and _code(response) == "invalid_transition"


def test_student_cancels_before_paid_but_not_after(make_client):
    job = PrintJobFactory(status=S.ACCEPTED)
    response = make_client(job.student).post(_url(job, "cancel"))
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    # Printed at about its estimate: no longer (see test_price_tolerance.py for the exception).
    printed = PrintJobFactory(status=S.READY, estimated_paise=1200, amount_paise=1200)
    response = make_client(printed.student).post(_url(printed, "cancel"))
    assert response.status_code == 409 and _code(response) == "invalid_transition"
    paid = PrintJobFactory(status=S.PAID)
    response = make_client(paid.student).post(_url(paid, "cancel"))
    assert response.status_code == 409 and _code(response) == "invalid_transition"


def test_complete_a_paid_job(make_client):
    job = PrintJobFactory(status=S.PAID)
    response = make_client(job.vendor).post(_url(job, "complete"), {"pickup_code": job.pickup_code}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "completed" and response.json()["ended_at"] is not None


VENDOR_ACTIONS = [("accept", {}), ("ready", {"amount_paise": 100}), ("complete", {}), ("reject", {"reason": "x"})]


@pytest.mark.parametrize(("action", "body"), VENDOR_ACTIONS)
def test_food_vendors_get_403_on_vendor_actions(make_client, action, body):
    job = PrintJobFactory(status=S.ACCEPTED)
    response = make_client(FoodVendorFactory()).post(_url(job, action), body, format="json")
    assert response.status_code == 403 and _code(response) == "wrong_vendor_type"
    job.refresh_from_db()
    assert job.status == S.ACCEPTED


@pytest.mark.parametrize(("action", "body"), VENDOR_ACTIONS)
def test_another_vendor_gets_404_on_vendor_actions(make_client, action, body):
    job = PrintJobFactory(status=S.ACCEPTED)
    response = make_client(PrintServiceFactory().vendor).post(_url(job, action), body, format="json")
    assert response.status_code == 404 and _code(response) == "not_found"
    job.refresh_from_db()
    assert job.status == S.ACCEPTED


@pytest.mark.parametrize(("action", "body"), VENDOR_ACTIONS)
def test_students_cannot_take_vendor_actions(make_client, action, body):
    job = PrintJobFactory(status=S.ACCEPTED)
    response = make_client(job.student).post(_url(job, action), body, format="json")
    assert response.status_code == 403 and _code(response) == "permission_denied"


def test_only_the_jobs_student_cancels(make_client):
    job = PrintJobFactory()
    assert make_client(StudentFactory()).post(_url(job, "cancel")).status_code == 404
    response = make_client(job.vendor).post(_url(job, "cancel"))
    assert response.status_code == 403
    job.refresh_from_db()
    assert job.status == S.SUBMITTED


def test_pay_is_not_routed_here():
    """`POST /print-jobs/{id}/pay` belongs to payments, which routes it before this app's routes."""
    assert not any("pay" in str(pattern.pattern) for pattern in stationery_urls.urlpatterns)


# --- a vendor whose approval was withdrawn ---------------------------------------------


def test_a_rejected_vendor_downloads_no_file_and_reads_no_job(make_client):
    from accounts import services as account_services

    job = _job_with_file()
    client = make_client(job.vendor)
    assert client.get(_url(job, "file")).status_code == 200
    account_services.vendor_reject(vendor=job.vendor, by=StaffFactory(), reason="Leaked files")
    response = client.get(_url(job, "file"))
    assert response.status_code == 404
    assert _code(response) == "not_found"
    assert client.get(_url(job)).status_code == 404
    assert _code(client.get("/api/v1/print-jobs")) == "vendor_not_approved"
    assert make_client(job.student).get(_url(job, "file")).status_code == 200
