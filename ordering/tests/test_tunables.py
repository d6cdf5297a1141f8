"""Ordering's tunables are read when used, so `override_settings` (and a changed environment) applies."""

import pytest
from django.test import override_settings

from core.errors import RateLimited
from ordering import services
from ordering.errors import InvalidPickupCode
from ordering.models import Order

from .factories import ready_order

pytestmark = pytest.mark.django_db


def _wrong(order: Order) -> str:
    return "000000" if order.pickup_code != "000000" else "111111"


@override_settings(PICKUP_CODE_MAX_ATTEMPTS=2, PICKUP_CODE_LOCKOUT_SECONDS=77)
def test_pickup_code_attempts_and_lockout_follow_override_settings():
    order = ready_order()
    for _ in range(2):
        with pytest.raises(InvalidPickupCode):
            services.order_complete(order_id=order.pk, vendor=order.vendor, pickup_code=_wrong(order))
    with pytest.raises(RateLimited) as limited:
        services.order_complete(order_id=order.pk, vendor=order.vendor, pickup_code=order.pickup_code)
    assert limited.value.headers["Retry-After"] == "77"


def test_a_larger_attempt_budget_set_at_run_time_allows_more_guesses(settings):
    settings.PICKUP_CODE_MAX_ATTEMPTS = 12
    order = ready_order()
    for _ in range(11):
        with pytest.raises(InvalidPickupCode):
            services.order_complete(order_id=order.pk, vendor=order.vendor, pickup_code=_wrong(order))
    services.order_complete(order_id=order.pk, vendor=order.vendor, pickup_code=order.pickup_code)
    order.refresh_from_db()
    assert order.status == Order.Status.COMPLETED


@override_settings(ORDER_CUTOFF_MINUTES=90)
def test_order_cutoff_follows_override_settings():
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    assert services.order_cutoff(now=now) == now + timedelta(minutes=90)
