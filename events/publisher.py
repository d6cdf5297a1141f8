"""The one publisher of live events: services call `event_publish`, which sends on commit.

Who receives which event is decided by each app (`ordering/events.py`, `stationery/events.py`);
this module only makes sure nothing leaves a transaction that rolls back: the event is sent by
`transaction.on_commit` (at once when no transaction is open), and a failure to send is logged,
never raised into the request whose change is already committed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import transaction

from . import bus


def event_publish(*, user_ids: Iterable[int | None], type: str, id: int, status: str) -> None:
    """Once the current transaction commits, send `{"type", "id", "status"}` to each of `user_ids`."""
    users = sorted({user_id for user_id in user_ids if user_id is not None})
    if not users:
        return
    data = json.dumps({"type": type, "id": id, "status": status})
    transaction.on_commit(lambda: bus.publish(user_ids=users, data=data), robust=True)


# Sent to a user who is blocked: each of their open streams relays it and ends (stream.py), and
# the browser's reconnect is refused like any request of a blocked account.
ACCOUNT_BLOCKED = "account.blocked"


def on_user_blocked(*, user) -> None:
    """The accounts hook: once the block commits, end the user's streams opened before it."""
    event_publish(user_ids=[user.pk], type=ACCOUNT_BLOCKED, id=user.pk, status="blocked")
