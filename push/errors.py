"""The refusals of Web Push, with stable codes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.errors import Conflict, ServiceUnavailable


class PushUnavailable(ServiceUnavailable):
    code = "push_unavailable"
    message = _("Push notifications are not set up on this server; notifications go by SMS.")


class PushNotWorking(Conflict):
    code = "push_not_working"
    message = _("Turn SMS off only once a push notification has reached one of your devices.")
