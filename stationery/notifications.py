"""Texts to students about their print jobs: one function per message.

A text never carries free text a vendor typed (a reject reason, a shop name the vendor
can rename): an SMS from the campus's own sender id would make such text a phishing
channel. The print jobs page shows the reason; the text points there.

Each goes through `push.notify.notify_user`: by Web Push where the person has a working
subscription (opening the print jobs page, or the shop's dashboard), by SMS otherwise.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from core.money import rupees_for_sms
from push.notify import notify_user

from .models import PrintJob


def _send(job: PrintJob, body: str) -> None:
    """To the student; a push opens the print jobs page at this job."""
    url = reverse("pages:print-jobs") + f"#job-{job.pk}"
    notify_user(user_id=job.student_id, body=body, url=url, tag=f"print-job-{job.pk}")


def print_job_ready(*, job: PrintJob) -> None:
    _send(
        job,
        _("Tap N Take: your print job #%(id)s is ready. Pay %(amount)s in the app, then collect it.")
        % {"id": job.pk, "amount": rupees_for_sms(job.amount_paise)},
    )


def print_job_rejected(*, job: PrintJob) -> None:
    _send(job, _("Tap N Take: your print job #%(id)s could not be printed. See why in the app.") % {"id": job.pk})


def print_job_not_accepted(*, job: PrintJob) -> None:
    _send(
        job,
        _("Tap N Take: your print job #%(id)s was not accepted in time and is cancelled; its file is deleted.")
        % {"id": job.pk},
    )


def _send_vendor(job: PrintJob, body: str) -> None:
    """To the print shop; a push opens its dashboard."""
    notify_user(user_id=job.vendor_id, body=body, url=reverse("dashboard:home"), tag=f"print-job-{job.pk}")


def print_job_refunded_by_staff(*, job: PrintJob, amount_paise: int, cancelled: bool) -> None:
    """Campus staff refunded (part of) a paid print job, from its case file in the admin; to the student."""
    body = _("Tap N Take: campus staff refunded %(amount)s for your print job #%(id)s.") % {
        "amount": rupees_for_sms(amount_paise),
        "id": job.pk,
    }
    if cancelled:
        body += " " + _("The job is cancelled.")
    _send(job, body)


def vendor_print_job_refunded_by_staff(*, job: PrintJob, amount_paise: int, cancelled: bool) -> None:
    """The same refund, told to the print shop (a cancelled job must not be handed over)."""
    body = _("Tap N Take: campus staff refunded %(amount)s of print job #%(id)s.") % {
        "amount": rupees_for_sms(amount_paise),
        "id": job.pk,
    }
    if cancelled:
        body += " " + _("It is cancelled: do not hand it over.")
    _send_vendor(job, body)
