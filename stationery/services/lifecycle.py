"""The print job's workflow: the vendor's and student's moves, payment, a refund in full.

Each service takes the job's id and the acting user, locks the job row scoped to that user
(`stationery.locks.job_lock`), so another user's job is not found and two concurrent actions
cannot both succeed, and returns the row it locked.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import InvalidTransition, ValidationFailed
from core.money import is_paise
from payments.models import Payment
from payments.services import payment_release_payable

from .. import notifications
from ..errors import PrintJobNotPaid
from ..jobs import pickup_code_check, pickup_code_new, ready_at_for
from ..locks import job_lock
from ..models import MAX_AMOUNT_PAISE, PrintJob, amount_exceeds_tolerance
from .core import REASON_MAX, _transition

# A job in one of these has not been paid yet and could still be.
_UNPAID_LIVE_STATUSES = (PrintJob.Status.SUBMITTED, PrintJob.Status.ACCEPTED, PrintJob.Status.READY)
# A whole refund by staff cancels a job in any of these statuses, whatever TRANSITIONS says.
_REFUND_CANCELS = {status: (PrintJob.Status.CANCELLED,) for status in PrintJob.REFUND_CANCELS_STATUSES}


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(details={"reason": [_("Say why.")]})
    if len(reason) > REASON_MAX:
        raise ValidationFailed(
            details={"reason": [_("At most %(reason_max)s characters.") % {"reason_max": REASON_MAX}]}
        )
    return reason


@transaction.atomic
def print_job_accept(*, vendor: User, job_id: int) -> PrintJob:
    """The vendor takes on a submitted job. NotFound if it is not theirs; InvalidTransition otherwise."""
    job = job_lock(job_id=job_id, vendor_id=vendor.pk)
    fields = {"estimated_ready_at": ready_at_for(job=job)} if job.status == PrintJob.Status.SUBMITTED else {}
    return _transition(job=job, to_status=PrintJob.Status.ACCEPTED, actor=vendor, fields=fields)


@transaction.atomic
def print_job_mark_ready(*, vendor: User, job_id: int, amount_paise: int, reason: str = "") -> PrintJob:
    """The vendor has printed an accepted job and sets what the student pays (1 … 10,00,000 paise).

    An amount more than PRINT_PRICE_TOLERANCE_PCT percent above the estimate needs a `reason`
    (ValidationFailed `reason` without one); it is kept as `amount_reason` and shown to the
    student beside the estimate. Within the tolerance a reason is kept if given.
    The student gets an SMS with the amount once this commits.
    """
    if not is_paise(amount_paise, maximum=MAX_AMOUNT_PAISE):
        raise ValidationFailed(
            details={
                "amount_paise": [
                    _("Enter a whole number of paise, 1 to %(max_amount_paise)s.")
                    % {"max_amount_paise": MAX_AMOUNT_PAISE}
                ]
            }
        )
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise ValidationFailed(
            details={"reason": [_("At most %(reason_max)s characters.") % {"reason_max": REASON_MAX}]}
        )
    job = job_lock(job_id=job_id, vendor_id=vendor.pk)
    if (
        not reason
        and job.status == PrintJob.Status.ACCEPTED
        and amount_exceeds_tolerance(amount_paise=amount_paise, estimated_paise=job.estimated_paise)
    ):
        raise ValidationFailed(
            _("This is more than %(print_price_tolerance_pct)s%% above the estimate; tell the student why.")
            % {"print_price_tolerance_pct": settings.PRINT_PRICE_TOLERANCE_PCT},
            details={"reason": [_("Say why the amount is above the estimate.")]},
        )
    _transition(
        job=job,
        to_status=PrintJob.Status.READY,
        actor=vendor,
        fields={"amount_paise": amount_paise, "amount_reason": reason},
    )
    notifications.print_job_ready(job=job)
    return job


@transaction.atomic
def print_job_complete(*, vendor: User, job_id: int, pickup_code: str = "") -> PrintJob:
    """The vendor hands a paid job over to the student showing its pickup code.

    An unpaid job cannot be completed (409); a wrong code is InvalidPickupCode (400), and
    too many wrong codes for the job RateLimited (429), as for orders (core.pickup).
    """
    job = job_lock(job_id=job_id, vendor_id=vendor.pk)
    refusal = PrintJobNotPaid(details={"status": job.status}) if job.status in _UNPAID_LIVE_STATUSES else None
    if PrintJob.Status.COMPLETED in PrintJob.TRANSITIONS[job.status]:
        pickup_code_check(job=job, given=pickup_code)
    _transition(job=job, to_status=PrintJob.Status.COMPLETED, actor=vendor, refusal=refusal)
    # Handed over: the vendor's money of this job moves from pending to available (payouts).
    payment_release_payable(payable="print_job", obj=job, actor=vendor)
    return job


@transaction.atomic
def print_job_reject(*, vendor: User, job_id: int, reason: str) -> PrintJob:
    """The vendor turns a job down before it is paid, saying why; the student gets an SMS
    pointing to the app, where the reason is shown (a vendor's text never goes into an SMS)."""
    reason = _clean_reason(reason)
    job = job_lock(job_id=job_id, vendor_id=vendor.pk)
    _transition(job=job, to_status=PrintJob.Status.REJECTED, actor=vendor, reason=reason, fields={"reason": reason})
    notifications.print_job_rejected(job=job)
    return job


@transaction.atomic
def print_job_cancel(*, student: User, job_id: int) -> PrintJob:
    """The student withdraws a job before it is printed (submitted or accepted).

    Once it is `ready` the shop has printed it, so the student may cancel only when the
    final amount is more than PRINT_PRICE_TOLERANCE_PCT percent above the estimate;
    otherwise, and from any later status, InvalidTransition (409).
    """
    job = job_lock(job_id=job_id, student_id=student.pk)
    if job.status == PrintJob.Status.READY and not job.is_above_estimate_tolerance:
        raise InvalidTransition(
            _("This job is printed at about its estimate; it can no longer be cancelled."),
            details={"status": job.status},
        )
    return _transition(job=job, to_status=PrintJob.Status.CANCELLED, actor=student)


@transaction.atomic
def print_job_mark_paid(*, job_id: int, payment: Payment) -> PrintJob:
    """A captured payment pays a ready job: status `paid`, `paid_at`, an event; the locked row.

    Called by payments inside its capture transaction with the job already locked (locking
    again in the same transaction is a no-op); raises InvalidTransition if the job is not
    `ready`, ValueError for a payment of another job. The student is told "payment received"
    (with the pickup code) once this commits.
    """
    if payment.print_job_id != job_id:
        raise ValueError(f"payment {payment.pk} is not for print job {job_id}")
    job = job_lock(job_id=job_id)
    _transition(
        job=job,
        to_status=PrintJob.Status.PAID,
        actor=payment.payer,
        reason=f"payment {payment.pk}",
        fields={"paid_at": timezone.now(), "pickup_code": pickup_code_new()},
    )
    # Once per payment: only the move to `paid` sends it, and that move happens once.
    notifications.print_job_payment_received(job=job)
    return job


@transaction.atomic
def print_job_cancel_refunded(*, job_id: int, actor: User | None) -> bool:
    """Staff refunded the whole capture of a paid job: it is cancelled and not handed over.

    Called by payments (through the payable registry) inside the refund's transaction, with
    the job row locked before the payment's. From `paid`: status `cancelled`, `cancel_reason`
    "refunded", `ended_at` and an event row; completing it is then 409. Any other status: False.
    """
    job = job_lock(job_id=job_id)
    if job.status not in PrintJob.REFUND_CANCELS_STATUSES:
        return False
    reason = "Refunded in full by campus staff."
    _transition(
        job=job,
        to_status=PrintJob.Status.CANCELLED,
        actor=actor,
        reason=reason,
        fields={"cancel_reason": PrintJob.CANCEL_REFUNDED, "reason": reason},
        transitions=_REFUND_CANCELS,
    )
    return True
