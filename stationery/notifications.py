"""Texts to students about their print jobs: one function per message.

A text never carries free text a vendor typed (a reject reason, a shop name the vendor
can rename): an SMS from the campus's own sender id would make such text a phishing
channel. The print jobs page shows the reason; the text links there (from SITE_URL).
Every text is whole sentences, and amounts are written as on the pages
(`core.money.rupees`, short: `₹1,234`).

Each goes through `push.notify.notify_user`: by Web Push where the person has a working
subscription (opening the print jobs page, or the shop's dashboard), by SMS otherwise.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from core.links import site_link
from core.money import rupees
from push.notify import notify_user

from .models import PrintJob


def _amount(paise: int) -> str:
    return rupees(paise, short=True)


def _job_path(job: PrintJob) -> str:
    return reverse("pages:print-jobs") + f"#job-{job.pk}"


def _send(job: PrintJob, body: str) -> None:
    """To the student, with the link to the job on the print jobs page; a push opens it there."""
    body += " " + _("Open %(link)s to see your print job.") % {"link": site_link(_job_path(job))}
    notify_user(user_id=job.student_id, body=body, url=_job_path(job), tag=f"print-job-{job.pk}")


def print_job_ready(*, job: PrintJob) -> None:
    _send(
        job,
        _("Tap N Take: your print job #%(id)s is ready. Pay %(amount)s in the app, then collect it.")
        % {"id": job.pk, "amount": _amount(job.amount_paise)},
    )


def print_job_payment_received(*, job: PrintJob) -> None:
    """Sent once, when the job's payment is captured (the move to `paid` happens once)."""
    _send(
        job,
        _(
            "Tap N Take: we received your payment of %(amount)s for print job #%(id)s. "
            "Show pickup code %(code)s at the shop to collect it."
        )
        % {"amount": _amount(job.amount_paise), "id": job.pk, "code": job.pickup_code},
    )


def print_job_rejected(*, job: PrintJob) -> None:
    _send(job, _("Tap N Take: your print job #%(id)s could not be printed by the shop.") % {"id": job.pk})


def print_job_not_accepted(*, job: PrintJob) -> None:
    _send(
        job,
        _("Tap N Take: your print job #%(id)s was not accepted in time, so it is cancelled and its file deleted.")
        % {"id": job.pk},
    )


def _send_vendor(job: PrintJob, body: str) -> None:
    """To the print shop; a push opens its dashboard."""
    notify_user(user_id=job.vendor_id, body=body, url=reverse("dashboard:home"), tag=f"print-job-{job.pk}")


def print_job_refunded_by_staff(*, job: PrintJob, amount_paise: int, cancelled: bool) -> None:
    """Campus staff refunded (part of) a paid print job, from its case file in the admin; to the student."""
    body = _("Tap N Take: campus staff refunded %(amount)s for your print job #%(id)s.") % {
        "amount": _amount(amount_paise),
        "id": job.pk,
    }
    if cancelled:
        body += " " + _("The job is cancelled.")
    _send(job, body)


def vendor_print_job_refunded_by_staff(*, job: PrintJob, amount_paise: int, cancelled: bool) -> None:
    """The same refund, told to the print shop (a cancelled job must not be handed over)."""
    body = _("Tap N Take: campus staff refunded %(amount)s of print job #%(id)s.") % {
        "amount": _amount(amount_paise),
        "id": job.pk,
    }
    if cancelled:
        body += " " + _("It is cancelled, so do not hand it over.")
    _send_vendor(job, body)
