"""Where one notification goes: push to each of the user's subscriptions, SMS when none took it.

Run by the `push.tasks.push_deliver` task, after the commit that made the news. A 404/410
deletes that subscription; any other refusal or network error counts a failure. No push
delivered → SMS, unless the user turned SMS off and still has a live subscription (a push
service that fails for a while then sends nothing: the next notification tries again). With
push off on the server (no VAPID keys) everything goes by SMS, whatever the user chose.
"""

from __future__ import annotations

import enum

from accounts.models import User
from accounts.sms import enqueue_sms
from core.metrics import count

from . import selectors, services
from .sender import Outcome, push_payload, send
from .vapid import push_enabled


class Channel(enum.Enum):
    PUSH = "push"
    SMS = "sms"
    NONE = "none"  # SMS off, a live subscription, and no push got through this time


def send_sms_to(*, user_id: int, body: str) -> Channel:
    """Queue the SMS now (the caller is past its commit); NONE for a user who no longer exists."""
    phone = User.objects.filter(pk=user_id).values_list("phone", flat=True).first()
    if not phone:
        return Channel.NONE
    enqueue_sms(phone=phone, body=body)
    return Channel.SMS


def notification_deliver(*, user_id: int, body: str, url: str, tag: str) -> Channel:
    """Deliver `body` to the user by push where it works, else by SMS; returns the channel used."""
    delivered = False
    enabled = push_enabled()
    if enabled:
        payload = push_payload(body=body, url=url, tag=tag)
        for subscription in selectors.push_subscription_list_for(user_id=user_id):
            outcome = send(subscription, payload)
            if outcome is Outcome.DELIVERED:
                services.push_subscription_delivered(subscription_id=subscription.pk)
                count("push_sent")
                delivered = True
                continue
            count("push_failed")
            if outcome is Outcome.GONE:
                services.push_subscription_gone(subscription_id=subscription.pk)
            else:
                services.push_subscription_failed(subscription_id=subscription.pk)
    if delivered:
        return Channel.PUSH
    held = (
        enabled
        and not selectors.push_sms_enabled_for(user_id=user_id)
        and selectors.push_subscription_exists_for(user_id=user_id)
    )
    if held:
        return Channel.NONE
    return send_sms_to(user_id=user_id, body=body)
