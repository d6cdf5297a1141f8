import os
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from stationery import tasks
from stationery.models import PrintJob
from stationery.services import ORPHAN_GRACE, print_job_files_purge, print_job_orphan_files_purge

from .factories import PrintJobFactory
from .pdfs import pdf_bytes, print_files

pytestmark = pytest.mark.django_db

S = PrintJob.Status


def _with_file(*, ended_hours_ago=None, **kwargs):
    job = PrintJobFactory(**kwargs)
    job.file.save("x.pdf", ContentFile(pdf_bytes(1)), save=True)
    if ended_hours_ago is not None:
        PrintJob.objects.filter(pk=job.pk).update(ended_at=timezone.now() - timedelta(hours=ended_hours_ago))
    job.refresh_from_db()
    return job


def test_task_has_the_name_the_beat_schedule_uses(settings):
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks.purge_print_files.name == "stationery.tasks.purge_print_files"
    assert tasks.purge_print_files.name in scheduled


def test_files_of_jobs_ended_long_ago_are_deleted_and_live_ones_kept(settings, media_root):
    settings.PRINT_FILE_RETENTION_HOURS = 48
    old = [
        _with_file(status=S.COMPLETED, ended_hours_ago=49),
        _with_file(status=S.REJECTED, ended_hours_ago=72),
        _with_file(status=S.CANCELLED, ended_hours_ago=100),
    ]
    recent = _with_file(status=S.COMPLETED, ended_hours_ago=47)
    live = [_with_file(status=status) for status in (S.SUBMITTED, S.ACCEPTED, S.READY, S.PAID)]
    PrintJob.objects.filter(pk=live[0].pk).update(created_at=timezone.now() - timedelta(days=30))
    old_paths = [media_root / job.file.name for job in old]

    result = tasks.purge_print_files.delay().get()

    assert result == {"purged": 3, "orphans": 0, "uploads": 0}
    for job, path in zip(old, old_paths, strict=True):
        job.refresh_from_db()
        assert not path.exists()
        assert job.file_deleted_at is not None and job.file.name == ""
        assert job.status in PrintJob.ENDED_STATUSES  # the row stays
    for job in [recent, *live]:
        job.refresh_from_db()
        assert job.file_deleted_at is None and (media_root / job.file.name).exists()
    assert len(print_files(media_root)) == 5


def test_purge_is_safe_to_run_twice(media_root):
    job = _with_file(status=S.COMPLETED, ended_hours_ago=100)
    assert print_job_files_purge() == 1
    first_deleted_at = PrintJob.objects.get(pk=job.pk).file_deleted_at
    assert print_job_files_purge() == 0
    assert PrintJob.objects.get(pk=job.pk).file_deleted_at == first_deleted_at


def test_purge_finishes_a_job_whose_file_is_already_gone(media_root):
    job = _with_file(status=S.CANCELLED, ended_hours_ago=100)
    job.file.storage.delete(job.file.name)  # a run that died between deleting the file and saving the row
    assert print_job_files_purge() == 1
    job.refresh_from_db()
    assert job.file_deleted_at is not None


def test_retention_hours_come_from_the_setting(settings):
    settings.PRINT_FILE_RETENTION_HOURS = 1
    job = _with_file(status=S.COMPLETED, ended_hours_ago=2)
    assert print_job_files_purge() == 1
    job.refresh_from_db()
    assert job.file_deleted_at is not None


def test_orphaned_files_older_than_the_grace_period_are_removed(media_root):
    job = _with_file()
    storage = job.file.storage
    orphan = storage.save("print-jobs/orphan.pdf", ContentFile(b"%PDF-"))
    fresh_orphan = storage.save("print-jobs/fresh.pdf", ContentFile(b"%PDF-"))
    old = (timezone.now() - ORPHAN_GRACE - timedelta(minutes=5)).timestamp()
    os.utime(media_root / orphan, (old, old))
    os.utime(media_root / job.file.name, (old, old))  # old but still referenced: kept

    assert print_job_orphan_files_purge() == 1
    assert not (media_root / orphan).exists()
    assert (media_root / fresh_orphan).exists()
    assert (media_root / job.file.name).exists()


def test_orphan_sweep_with_no_folder_yet():
    assert print_job_orphan_files_purge() == 0
