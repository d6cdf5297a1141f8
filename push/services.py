"""Writers of push subscriptions and preferences.

Each write is one statement or an upsert (`INSERT … ON CONFLICT`), so no row lock is taken
and none enters `core.locks.LOCK_ORDER`: a browser subscribing twice at once, or a send
recording its outcome while the user unsubscribes, ends in one consistent row or none.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.errors import NotFound, ValidationFailed

from . import selectors
from .endpoints import endpoint_problem
from .errors import PushNotWorking
from .models import PushPreference, PushSubscription


@transaction.atomic
def push_subscription_save(*, user_id: int, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    """Store the browser's subscription for the user and return it.

    The same endpoint again is the same row, now the caller's: unchanged (same user and keys)
    it keeps its delivery record, else it starts afresh. Beyond `PUSH_MAX_SUBSCRIPTIONS_PER_USER`
    the user's oldest other subscriptions are dropped (never the one just saved).
    ValidationFailed for an endpoint the server must not POST to (see push.endpoints).
    """
    problem = endpoint_problem(endpoint)
    if problem:
        raise ValidationFailed(details={"endpoint": [problem]})
    same = PushSubscription.objects.filter(endpoint=endpoint, user_id=user_id, p256dh=p256dh, auth=auth).first()
    if same is not None:
        return same
    (subscription,) = PushSubscription.objects.bulk_create(
        [PushSubscription(user_id=user_id, endpoint=endpoint, p256dh=p256dh, auth=auth)],
        update_conflicts=True,
        unique_fields=["endpoint"],
        update_fields=["user", "p256dh", "auth", "last_success_at", "failures"],
    )
    if subscription.pk is None:  # a database that cannot return the upserted id
        subscription = PushSubscription.objects.get(endpoint=endpoint)
    others = PushSubscription.objects.filter(user_id=user_id).exclude(pk=subscription.pk)
    keep = list(others.order_by("-pk").values_list("pk", flat=True)[: settings.PUSH_MAX_SUBSCRIPTIONS_PER_USER - 1])
    others.exclude(pk__in=keep).delete()
    return subscription


def push_subscription_delete(*, user_id: int, subscription_id: int) -> None:
    """Delete one of the user's subscriptions. NotFound for another user's or a missing one."""
    deleted, _ = PushSubscription.objects.filter(pk=subscription_id, user_id=user_id).delete()
    if not deleted:
        raise NotFound()


def push_preference_set(*, user_id: int, sms: bool) -> dict[str, bool]:
    """Turn the user's SMS on or off; returns the preferences as the endpoint shows them.

    Off only once push works for the user (PushNotWorking, 409, else): a user must never turn
    off the one channel that reaches them.
    """
    if not sms and not selectors.push_works_for(user_id=user_id):
        raise PushNotWorking()
    PushPreference.objects.bulk_create(
        [PushPreference(user_id=user_id, sms=sms, updated_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["user"],
        update_fields=["sms", "updated_at"],
    )
    return selectors.push_preferences_get(user_id=user_id)


def push_subscription_delivered(*, subscription_id: int) -> None:
    """The push service accepted a message: the subscription works, its failures are forgiven."""
    PushSubscription.objects.filter(pk=subscription_id).update(last_success_at=timezone.now(), failures=0)


def push_subscription_gone(*, subscription_id: int) -> None:
    """The push service answered 404 or 410: the browser unsubscribed; forget the subscription."""
    PushSubscription.objects.filter(pk=subscription_id).delete()


def push_subscription_failed(*, subscription_id: int) -> None:
    """A refusal or a network error: count it; after `PUSH_MAX_FAILURES` in a row the subscription
    is dropped, so a dead one cannot keep a user who turned SMS off unreached."""
    PushSubscription.objects.filter(pk=subscription_id).update(failures=F("failures") + 1)
    PushSubscription.objects.filter(pk=subscription_id, failures__gte=settings.PUSH_MAX_FAILURES).delete()
