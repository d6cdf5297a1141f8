"""The print form (issue 22): sent by the id of a file uploaded once, and asking to sign in first."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.tests.factories import StudentFactory
from stationery import services as stationery_services
from stationery.models import PrintJob, PrintUpload

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def campus():
    return factories.campus()


def _pending(student, pages: int = 3) -> PrintUpload:
    upload = SimpleUploadedFile("notes.pdf", factories.pdf_bytes(pages), content_type="application/pdf")
    return stationery_services.print_upload_create(student=student, upload=upload)


def _form(campus, **fields) -> dict:
    return {"service": campus.bw.pk, "copies": "2", "double_sided": "true", "note": "", "action": "send", **fields}


def test_signed_out_the_form_asks_to_sign_in_and_comes_back_to_this_shop(client, campus):
    url = f"/print/{campus.xerox.vendor_id}"
    html = client.get(url).content.decode()
    assert 'type="file"' not in html and "Send to the shop" not in html
    assert f'href="/login?next=%2Fprint%2F{campus.xerox.vendor_id}"' in html and "Sign in to choose a file" in html


def test_the_sign_in_page_keeps_the_way_back_and_refuses_one_off_the_site(client, campus):
    back = f"/print/{campus.xerox.vendor_id}"
    assert f'value="{back}"' in client.get(f"/login?next={back}").content.decode()
    assert "evil.example" not in client.get("/login?next=https://evil.example/print").content.decode()


def test_sending_by_upload_makes_the_job_from_that_file(client, campus):
    student = StudentFactory()
    client.force_login(student)
    pending = _pending(student)
    response = client.post(f"/print/{campus.xerox.vendor_id}", _form(campus, upload=str(pending.pk), note="Stapled"))
    assert response.status_code == 302 and response["Location"] == "/print-jobs"
    job = PrintJob.objects.get()
    assert (job.student, job.pages, job.copies, job.double_sided, job.note) == (student, 3, 2, True, "Stapled")
    assert not PrintUpload.objects.exists()


def test_another_students_upload_is_not_found_and_sends_nothing(client, campus):
    owner = StudentFactory()
    pending = _pending(owner)
    client.force_login(StudentFactory())
    response = client.post(f"/print/{campus.xerox.vendor_id}", _form(campus, upload=str(pending.pk)))
    assert response.status_code == 404
    assert "No such uploaded file. Choose the file again." in response.content.decode()
    assert not PrintJob.objects.exists() and PrintUpload.objects.filter(pk=pending.pk).exists()


def test_a_refused_form_keeps_the_upload_so_the_file_is_not_chosen_again(client, campus):
    student = StudentFactory()
    client.force_login(student)
    pending = _pending(student)
    response = client.post(f"/print/{campus.xerox.vendor_id}", _form(campus, upload=str(pending.pk), copies="0"))
    assert response.status_code == 400
    html = response.content.decode()
    assert f'name="upload" value="{pending.pk}"' in html and "Uploaded: notes.pdf, 3 pages." in html
    assert not PrintJob.objects.exists()


def test_without_a_file_or_an_upload_it_says_to_choose_one(client, campus):
    client.force_login(StudentFactory())
    response = client.post(f"/print/{campus.xerox.vendor_id}", _form(campus))
    assert response.status_code == 400 and "Choose a PDF file to print." in response.content.decode()
