import pytest
from django.core.files.base import ContentFile

from stationery import services
from stationery.models import PrintJob

from .factories import PrintJobFactory

pytestmark = pytest.mark.django_db


def test_changelist_with_filters(admin_client):
    PrintJobFactory.create_batch(2)
    PrintJobFactory(status=PrintJob.Status.PAID)
    response = admin_client.get("/admin/stationery/printjob/")
    assert response.status_code == 200
    assert response.context["cl"].result_count == 3
    filtered = admin_client.get("/admin/stationery/printjob/?status__exact=paid")
    assert filtered.status_code == 200 and filtered.context["cl"].result_count == 1
    for query in ("?double_sided__exact=1", "?service__unit__exact=page", "?paid_at__isempty=0", "?q=notes"):
        assert admin_client.get("/admin/stationery/printjob/" + query).status_code == 200


def test_change_page_shows_events_read_only(admin_client):
    job = PrintJobFactory()
    job.file.save("x.pdf", ContentFile(b"%PDF-1.4"), save=True)
    services.print_job_accept(vendor=job.vendor, job_id=job.pk)
    response = admin_client.get(f"/admin/stationery/printjob/{job.pk}/change/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "accepted" in content and "submitted" in content
    assert 'name="status"' not in content  # nothing editable
    assert f"stored ({job.file.name})" in content
    assert 'href="print-jobs/' not in content and f'href="/{job.file.name}' not in content  # never a link


def test_staff_cannot_add_or_delete_jobs(admin_client):
    job = PrintJobFactory()
    assert admin_client.get("/admin/stationery/printjob/add/").status_code == 403
    assert admin_client.get(f"/admin/stationery/printjob/{job.pk}/delete/").status_code == 403
