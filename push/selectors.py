"""Readers of push subscriptions and preferences; every read is scoped to one user."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import PushPreference, PushSubscription


def push_subscription_list_for(*, user_id: int) -> QuerySet[PushSubscription]:
    """The user's subscriptions, oldest first."""
    return PushSubscription.objects.filter(user_id=user_id).order_by("pk")


def push_subscription_exists_for(*, user_id: int) -> bool:
    """Whether the user has a live subscription (one not deleted after a 404/410 or too many failures)."""
    return PushSubscription.objects.filter(user_id=user_id).exists()


def push_works_for(*, user_id: int) -> bool:
    """Whether one of the user's subscriptions has had a message accepted by its push service."""
    return PushSubscription.objects.filter(user_id=user_id, last_success_at__isnull=False).exists()


def push_sms_enabled_for(*, user_id: int) -> bool:
    """The user's SMS choice: on unless they turned it off (`PushPreference.sms`)."""
    sms = PushPreference.objects.filter(user_id=user_id).values_list("sms", flat=True).first()
    return True if sms is None else sms


def push_preferences_get(*, user_id: int) -> dict[str, bool]:
    """`{"sms", "push_works"}` as the preferences endpoint shows them."""
    return {"sms": push_sms_enabled_for(user_id=user_id), "push_works": push_works_for(user_id=user_id)}
