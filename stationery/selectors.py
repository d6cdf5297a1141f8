"""Reads of print jobs, always scoped to the user asking.

A student sees their own jobs, an approved and active stationery vendor the jobs
sent to its shop, and nobody else sees any: another user's job is simply not found
(404). A vendor that is not (or no longer) approved reads no job and no file.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from catalog.models import PrintService
from core.errors import NotFound
from payments.serializers import payable_refunds_prefetch

from .errors import UploadExpired
from .models import PrintJob, PrintUpload


def print_job_queryset_for(*, user: User) -> QuerySet[PrintJob]:
    """Every print job `user` may see, with what the `print_job` shape needs joined in."""
    jobs = PrintJob.objects.select_related("service").prefetch_related(payable_refunds_prefetch())
    if user.is_student:
        return jobs.filter(student_id=user.pk)
    if user.is_stationery_vendor and user.is_approved and user.is_active:
        return jobs.filter(vendor_id=user.pk)
    return jobs.none()


def print_job_list_for(*, user: User, status: str | None = None) -> QuerySet[PrintJob]:
    """The user's print jobs, newest first, optionally of one status."""
    jobs = print_job_queryset_for(user=user)
    if status:
        jobs = jobs.filter(status=status)
    return jobs.order_by("-created_at", "-id")


def print_job_get_for(*, user: User, job_id: int) -> PrintJob:
    """One of the user's print jobs; `NotFound` for anyone else's."""
    job = print_job_queryset_for(user=user).filter(pk=job_id).first()
    if job is None:
        raise NotFound(_("No such print job."))
    return job


def print_job_file_for(*, user: User, job_id: int) -> PrintJob:
    """A job whose PDF `user` may download (its student or its vendor) and which is still stored."""
    job = print_job_get_for(user=user, job_id=job_id)
    if not job.is_file_available:
        raise NotFound(_("The file of this print job has been deleted after the retention period."))
    return job


def print_service_orderable(*, service_id: int) -> PrintService | None:
    """A live print service of an approved, active stationery vendor (available or not), or None.

    Availability and whether the shop is open are checked by the caller, so that
    each refusal gets its own error code.
    """
    return (
        PrintService.objects.select_related("vendor", "vendor__shop")
        .filter(
            pk=service_id,
            is_deleted=False,
            vendor__role=User.Role.VENDOR,
            vendor__vendor_type=User.VendorType.STATIONERY,
            vendor__is_approved=True,
            vendor__is_active=True,
        )
        .first()
    )


def print_upload_get_for(*, user: User, upload_id: int, now: datetime | None = None) -> PrintUpload:
    """One of the student's own pending uploads; NotFound for anyone else's, UploadExpired once past its time."""
    upload = PrintUpload.objects.filter(pk=upload_id, student_id=user.pk).first()
    if upload is None:
        raise NotFound(_("No such uploaded file. Choose the file again."))
    if upload.expires_at <= (now or timezone.now()):
        raise UploadExpired()
    return upload
