"""Texts to people about their account: one function per message.

Services call these; none composes a text itself. A sign-in code's text says what it
is and never to share it; an approval text carries no reason a staff member typed
(the campus office gives it in person).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import User
from .sms import queue_sms


def otp_code(*, phone: str, code: str, expires_in: int) -> None:
    """The sign-in code for `phone`, valid `expires_in` seconds (said in whole minutes, at least one)."""
    minutes = max(1, expires_in // 60)
    queue_sms(
        phone=phone,
        body=_("%(code)s is your Tap N Take sign-in code. It expires in %(minutes)s min. Never share it.")
        % {"code": code, "minutes": minutes},
    )


def vendor_approved(*, vendor: User) -> None:
    queue_sms(phone=vendor.phone, body=_("Tap N Take: your shop is approved. Sign in to open it to students."))


def vendor_rejected(*, vendor: User, was_approved: bool) -> None:
    """Approval refused; `was_approved` when the shop was listed until now."""
    if was_approved:
        body = _("Tap N Take: your shop was not approved and is no longer listed. Contact campus staff for details.")
    else:
        body = _("Tap N Take: your shop was not approved. Contact campus staff for details.")
    queue_sms(phone=vendor.phone, body=body)
