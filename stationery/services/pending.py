"""Pending uploads: a file chosen on the print form is uploaded once, then priced and sent by its id.

The page uploads the file the moment the student chooses it (`print_upload_create`); every
later price check names the upload instead of sending the file again (`print_job_quote_upload`),
and "Send to the shop" makes the job from the same stored file (`print_job_submit_upload`),
which moves the file to the job and deletes the upload. What nobody sends expires after
PRINT_UPLOAD_TTL_MINUTES and `print_upload_purge_expired` deletes it with its file.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import Forbidden

from ..documents import PrintChoices, document_as_pdf
from ..errors import FileTooLarge, UploadExpired
from ..locks import student_lock, upload_lock
from ..models import PRINT_UPLOAD_FOLDER, PrintJob, PrintUpload, print_upload_path
from ..pdf import pdf_inspect
from ..selectors import print_upload_get_for
from ..uploads import max_upload_bytes
from .core import _file_storage
from .submission import PrintQuote, _clean_name, print_job_quote, print_job_submit

logger = logging.getLogger(__name__)

# The most files one student may have uploaded and not yet sent; an upload beyond it drops the oldest.
MAX_PENDING_UPLOADS = 5


def _delete_on_commit(names: list[str]) -> None:
    storage = _file_storage()
    for name in names:
        if name:
            transaction.on_commit(lambda name=name: storage.delete(name))


@transaction.atomic
def print_upload_create(*, student: User, upload: UploadedFile, now: datetime | None = None) -> PrintUpload:
    """Store the chosen file once, for the student alone, until PRINT_UPLOAD_TTL_MINUTES from now.

    Checks the size and that it is a printable PDF (a JPEG or PNG photo is made into one) of
    1 … PRINT_MAX_PAGES pages. The student's oldest pending uploads beyond MAX_PENDING_UPLOADS
    are deleted. Raises Forbidden (not a student), FileTooLarge, InvalidFile.
    """
    if not student.is_student:
        raise Forbidden(_("Only students can send print jobs."))
    if upload.size is not None and upload.size > max_upload_bytes():
        raise FileTooLarge(max_mb=settings.PRINT_MAX_UPLOAD_MB)
    pdf = document_as_pdf(upload)
    info = pdf_inspect(pdf)
    now = now or timezone.now()
    storage = _file_storage()
    stored_name = storage.save(print_upload_path(None, ""), pdf)
    try:
        student_lock(user_id=student.pk)
        created = PrintUpload.objects.create(
            student=student,
            file=stored_name,
            original_name=_clean_name(upload.name or ""),
            pages=info.pages,
            size=pdf.size,
            expires_at=now + timedelta(minutes=settings.PRINT_UPLOAD_TTL_MINUTES),
        )
        older = PrintUpload.objects.filter(student_id=student.pk).order_by("-created_at", "-id")[MAX_PENDING_UPLOADS:]
        stale = list(older.values_list("pk", "file"))
        if stale:
            PrintUpload.objects.filter(pk__in=[pk for pk, _ in stale]).delete()
            _delete_on_commit([name for _, name in stale])
    except BaseException:
        storage.delete(stored_name)
        raise
    return created


@contextmanager
def _stored_document(pending: PrintUpload):
    """The upload's stored PDF, open for reading, named as the student's file was."""
    handle = _file_storage().open(pending.file.name, "rb")
    handle.name = pending.original_name or "document.pdf"
    try:
        yield handle
    finally:
        handle.close()


def print_job_quote_upload(
    *, student: User, upload_id: int, service_id: int, choices: PrintChoices, note: str = ""
) -> PrintQuote:
    """`print_job_quote` for a pending upload of the student's, without the file being sent again.

    NotFound for another student's upload (or one already sent), UploadExpired past its time,
    and whatever `print_job_quote` raises.
    """
    pending = print_upload_get_for(user=student, upload_id=upload_id)
    with _stored_document(pending) as document:
        return print_job_quote(student=student, service_id=service_id, upload=document, note=note, choices=choices)


@transaction.atomic
def print_job_submit_upload(
    *, student: User, upload_id: int, service_id: int, choices: PrintChoices, note: str = ""
) -> PrintJob:
    """Send a pending upload of the student's to a shop: `print_job_submit` with its stored file.

    The upload's row is locked (after the student's, LOCK_ORDER), so sending it twice at once
    makes one job: the second finds it gone (NotFound). The job gets its own copy of the file;
    the upload and its file are deleted once this commits. NotFound for another student's
    upload, UploadExpired past its time, and whatever `print_job_submit` raises.
    """
    student_lock(user_id=student.pk)
    pending = upload_lock(upload_id=upload_id, student_id=student.pk)
    if pending.expires_at <= timezone.now():
        raise UploadExpired()
    with _stored_document(pending) as document:
        job = print_job_submit(student=student, service_id=service_id, upload=document, note=note, choices=choices)
    stored_name = pending.file.name
    pending.delete()
    _delete_on_commit([stored_name])
    return job


def print_upload_purge_expired(*, now: datetime | None = None) -> int:
    """Delete every pending upload past its `expires_at`, with its file; returns how many.

    Then files in the uploads' folder that no row names and are older than the longest an
    upload lives (a process that died between storing the file and its row) go too.
    Safe to run twice and concurrently.
    """
    now = now or timezone.now()
    storage = _file_storage()
    removed = 0
    for pk, name in list(PrintUpload.objects.filter(expires_at__lte=now).values_list("pk", "file")):
        with transaction.atomic():
            deleted, _ = PrintUpload.objects.filter(pk=pk, expires_at__lte=now).delete()
            if deleted:
                _delete_on_commit([name])
                removed += 1
    try:
        _, names = storage.listdir(PRINT_UPLOAD_FOLDER)
    except FileNotFoundError:
        names = []
    paths = {f"{PRINT_UPLOAD_FOLDER}/{name}" for name in names}
    referenced = set(PrintUpload.objects.filter(file__in=paths).values_list("file", flat=True))
    cutoff = now - timedelta(minutes=settings.PRINT_UPLOAD_TTL_MINUTES)
    for path in sorted(paths - referenced):
        try:
            if storage.get_modified_time(path) >= cutoff:
                continue
        except FileNotFoundError:
            continue
        storage.delete(path)
    if removed:
        logger.info("expired print uploads deleted", extra={"count": removed})
    return removed
