"""The refusals of Web Push, with stable codes."""

from __future__ import annotations

from core.errors import Conflict, ServiceUnavailable


class PushUnavailable(ServiceUnavailable):
    code = "push_unavailable"
    message = "Push notifications are not set up on this server; notifications go by SMS."


class PushNotWorking(Conflict):
    code = "push_not_working"
    message = "Turn SMS off only once a push notification has reached one of your devices."
