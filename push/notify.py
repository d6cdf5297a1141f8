"""The one way the apps tell a person something that is not a sign-in code.

`notify_user` is called where an SMS was queued before: after the current transaction
commits it either queues the SMS at once (push off on the server, or no subscription: as
before) or hands the message to `push.tasks.push_deliver`, which tries push first
(push.delivery). Sign-in codes stay SMS only (`accounts.sms.queue_sms`).
"""

from __future__ import annotations

from django.db import transaction

from accounts.sms import stash_body

from .delivery import send_sms_to
from .selectors import push_subscription_exists_for
from .tasks import push_deliver
from .vapid import push_enabled


def notify_user(*, user_id: int, body: str, url: str, tag: str) -> None:
    """Tell the user `body` once the transaction commits (nothing if it rolls back).

    `url` is the path of the page the notification opens, `tag` names what it is about
    (`order-<id>`, `print-job-<id>`) so a newer notification replaces an older one.
    The text travels to the task by reference, never in its arguments (accounts.sms.stash_body).
    """

    def _queue() -> None:
        if not push_enabled() or not push_subscription_exists_for(user_id=user_id):
            send_sms_to(user_id=user_id, body=body)
            return
        push_deliver.apply_async(
            kwargs={"user_id": user_id, "body_ref": stash_body(body), "url": url, "tag": tag},
            kwargsrepr=repr({"user_id": user_id, "body_ref": "…", "url": url, "tag": tag}),
        )

    transaction.on_commit(_queue)
