"""How payments prices, scopes and marks paid a print job (see `payments.payables`)."""

from __future__ import annotations

from payments import payables

from .models import PrintJob
from .services import print_job_cancel_refunded, print_job_mark_paid


def _describe(job: PrintJob) -> str:
    return f"Print job #{job.pk}: {job.pages} page(s) × {job.copies}"


def _mark_paid(*, obj: PrintJob, payment) -> None:
    print_job_mark_paid(job_id=obj.pk, payment=payment)


PRINT_JOB_PAYABLE = payables.PayableType(
    name="print_job",
    model=PrintJob,
    queryset_for_payer=lambda user: PrintJob.objects.filter(student=user),
    amount_paise=lambda job: job.amount_paise,
    vendor_id=lambda job: job.vendor_id,
    payer_id=lambda job: job.student_id,
    is_payable=lambda job: job.status == PrintJob.Status.READY and job.amount_paise is not None,
    mark_paid=_mark_paid,
    describe=_describe,
    cancel_refunded=lambda *, obj, actor: print_job_cancel_refunded(job_id=obj.pk, actor=actor),
)


def payable_register() -> None:
    payables.register(PRINT_JOB_PAYABLE)
