"""Push subscriptions for the tests: through the service, as the API stores them."""

from __future__ import annotations

from django.utils import timezone

from push import services
from push.models import PushSubscription

from .push_service import PushService


def subscribe(user, service: PushService, name: str, *, answer: int = 201, works: bool = False) -> PushSubscription:
    """A browser of `user` subscribed at the loopback service's /push/<name>, answering `answer`.

    `works`: it has delivered before (so its user may turn SMS off).
    """
    body = service.subscribe(name, answer=answer)
    subscription = services.push_subscription_save(
        user_id=user.pk, endpoint=body["endpoint"], p256dh=body["keys"]["p256dh"], auth=body["keys"]["auth"]
    )
    if works:
        PushSubscription.objects.filter(pk=subscription.pk).update(last_success_at=timezone.now())
    return subscription
