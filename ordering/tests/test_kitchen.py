"""Issue 20 (kitchen), the services: unclaimed orders, complete-by-code, unique pickup codes, ready-time estimates, delays."""

from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.tests.factories import FoodVendorFactory
from core.errors import InvalidTransition, NotFound, RateLimited, ValidationFailed
from ledger.selectors import vendor_summary
from ordering import services
from ordering.errors import InvalidPickupCode
from ordering.models import Order, OrderEvent, Slot
from ordering.services import estimates, lifecycle
from ordering.tasks import mark_unclaimed_orders

from .factories import SlotFactory, accepted_order, paid_order, ready_order

pytestmark = pytest.mark.django_db
S = Order.Status


def _slot_ended(order: Order, *, minutes_ago: float) -> Order:
    """Move the order's slot so that it ended `minutes_ago` minutes ago (30 minutes long)."""
    ends = timezone.now() - timedelta(minutes=minutes_ago)
    Slot.objects.filter(pk=order.slot_id).update(starts_at=ends - timedelta(minutes=30), ends_at=ends)
    return order


def _reminders(outbox, order: Order) -> list[str]:
    return [m["body"] for m in outbox if f"#{order.pk} is still waiting" in m["body"]]


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run a service with its on-commit SMS sent: sent(fn, **kwargs)."""

    def run(fn, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(**kwargs)

    return run


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


# --- unclaimed ----------------------------------------------------------------------


class TestUnclaimed:
    def test_not_before_the_grace_has_passed(self, settings, sms_outbox, sent):
        order = _slot_ended(ready_order(), minutes_ago=settings.PICKUP_GRACE_MINUTES - 1)
        assert sent(services.order_mark_unclaimed_due) == 0
        order.refresh_from_db()
        assert order.status == S.READY and _reminders(sms_outbox, order) == []

    def test_at_the_grace_it_becomes_unclaimed_with_one_reminder(self, settings, sms_outbox, sent):
        order = ready_order()
        ends = timezone.now() - timedelta(minutes=5)
        Slot.objects.filter(pk=order.slot_id).update(starts_at=ends - timedelta(minutes=30), ends_at=ends)
        at_grace = ends + timedelta(minutes=settings.PICKUP_GRACE_MINUTES)
        assert sent(services.order_mark_unclaimed_due, now=at_grace - timedelta(seconds=1)) == 0
        assert sent(services.order_mark_unclaimed_due, now=at_grace) == 1
        order.refresh_from_db()
        assert order.status == S.UNCLAIMED
        event = OrderEvent.objects.filter(order=order).last()
        assert (event.from_status, event.to_status, event.actor) == (S.READY, S.UNCLAIMED, None)
        assert len(_reminders(sms_outbox, order)) == 1
        # Run again (and again): nothing moves, nobody is reminded twice.
        assert sent(services.order_mark_unclaimed_due, now=at_grace + timedelta(hours=1)) == 0
        assert sent(services.order_mark_unclaimed, order_id=order.pk, now=at_grace) is False
        assert len(_reminders(sms_outbox, order)) == 1

    def test_reminder_carries_no_vendor_text(self, sms_outbox, sent):
        order = _slot_ended(ready_order(note="call me"), minutes_ago=60)
        sent(services.order_mark_unclaimed_due)
        (body,) = _reminders(sms_outbox, order)
        assert "call me" not in body and order.items.first().name not in body and order.pickup_code not in body

    def test_one_order_before_its_grace_is_left(self, settings):
        order = _slot_ended(ready_order(), minutes_ago=settings.PICKUP_GRACE_MINUTES - 1)
        assert services.order_mark_unclaimed(order_id=order.pk) is False
        order.refresh_from_db()
        assert order.status == S.READY

    def test_only_ready_orders_become_unclaimed(self):
        accepted = _slot_ended(accepted_order(), minutes_ago=60)
        assert services.order_mark_unclaimed_due() == 0
        accepted.refresh_from_db()
        assert accepted.status == S.ACCEPTED

    def test_no_refund_and_money_stays_pending_until_handed_over(self):
        order = _slot_ended(ready_order(), minutes_ago=60)
        total = order.total_paise
        services.order_mark_unclaimed_due()
        order.refresh_from_db()
        assert order.status == S.UNCLAIMED
        assert not order.payments.filter(refunds__isnull=False).exists()
        summary = vendor_summary(vendor_id=order.vendor_id)
        assert (summary["pending_paise"], summary["available_paise"]) == (total, 0)

        services.order_complete(order_id=order.pk, vendor=order.vendor, pickup_code=order.pickup_code)

        order.refresh_from_db()
        assert order.status == S.COMPLETED
        summary = vendor_summary(vendor_id=order.vendor_id)
        assert (summary["pending_paise"], summary["available_paise"]) == (0, total)

    def test_unclaimed_with_a_wrong_code_stays_unclaimed(self):
        order = _slot_ended(ready_order(), minutes_ago=60)
        services.order_mark_unclaimed_due()
        with pytest.raises(InvalidPickupCode):
            services.order_complete(order_id=order.pk, vendor=order.vendor, pickup_code=_wrong(order.pickup_code))
        order.refresh_from_db()
        assert order.status == S.UNCLAIMED

    def test_transition_map(self):
        assert Order.TRANSITIONS[S.READY] == {S.COMPLETED, S.UNCLAIMED}
        assert Order.TRANSITIONS[S.UNCLAIMED] == {S.COMPLETED}

    def test_task_and_command(self, settings):
        assert settings.CELERY_BEAT_SCHEDULE["mark-unclaimed-orders"]["task"] == mark_unclaimed_orders.name
        first = _slot_ended(ready_order(), minutes_ago=45)
        assert mark_unclaimed_orders.delay().get() == 1
        assert mark_unclaimed_orders.delay().get() == 0
        second = _slot_ended(ready_order(), minutes_ago=45)
        out = StringIO()
        call_command("mark_unclaimed_orders", stdout=out)
        assert "Marked 1 " in out.getvalue()
        call_command("mark_unclaimed_orders", stdout=out)
        assert "Marked 0 " in out.getvalue()
        assert set(Order.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)) == {S.UNCLAIMED}


# --- complete by code ---------------------------------------------------------------


class TestCompleteByCode:
    def test_ready_order_by_its_code(self):
        order = ready_order()
        done = services.order_complete_by_code(vendor=order.vendor, pickup_code=order.pickup_code)
        assert done.pk == order.pk
        order.refresh_from_db()
        assert order.status == S.COMPLETED
        assert vendor_summary(vendor_id=order.vendor_id)["available_paise"] == order.total_paise

    def test_unclaimed_order_by_its_code(self):
        order = _slot_ended(ready_order(), minutes_ago=60)
        services.order_mark_unclaimed_due()
        services.order_complete_by_code(vendor=order.vendor, pickup_code=f" {order.pickup_code} ")
        order.refresh_from_db()
        assert order.status == S.COMPLETED

    def test_another_vendor_with_the_right_code_is_refused(self):
        order = ready_order()
        other_vendor = SlotFactory().vendor
        with pytest.raises(InvalidPickupCode):
            services.order_complete_by_code(vendor=other_vendor, pickup_code=order.pickup_code)
        order.refresh_from_db()
        assert order.status == S.READY

    @pytest.mark.parametrize("make", [paid_order, accepted_order], ids=["paid", "accepted"])
    def test_not_yet_ready_is_not_handed_over(self, make):
        order = make()
        with pytest.raises(InvalidPickupCode):
            services.order_complete_by_code(vendor=order.vendor, pickup_code=order.pickup_code)
        order.refresh_from_db()
        assert order.status != S.COMPLETED

    def test_wrong_codes_are_limited_per_counter(self, settings):
        settings.PICKUP_COUNTER_MAX_MISSES = 3
        order = ready_order()
        for wrong in ("12", "abcdef", _wrong(order.pickup_code)):
            with pytest.raises(InvalidPickupCode):
                services.order_complete_by_code(vendor=order.vendor, pickup_code=wrong)
        with pytest.raises(RateLimited) as limited:
            services.order_complete_by_code(vendor=order.vendor, pickup_code=order.pickup_code)
        assert limited.value.headers["Retry-After"] == str(settings.PICKUP_CODE_LOCKOUT_SECONDS)
        order.refresh_from_db()
        assert order.status == S.READY
        # Another vendor's counter is not locked by these misses.
        other = ready_order()
        services.order_complete_by_code(vendor=other.vendor, pickup_code=other.pickup_code)

    def test_a_right_code_does_not_reset_the_count(self, settings):
        settings.PICKUP_COUNTER_MAX_MISSES = 2
        first = ready_order()
        second = ready_order(slot=SlotFactory(vendor=first.vendor))
        with pytest.raises(InvalidPickupCode):
            services.order_complete_by_code(vendor=first.vendor, pickup_code=_wrong(first.pickup_code))
        services.order_complete_by_code(vendor=first.vendor, pickup_code=first.pickup_code)
        with pytest.raises(InvalidPickupCode):
            services.order_complete_by_code(vendor=first.vendor, pickup_code=_wrong(second.pickup_code))
        with pytest.raises(RateLimited):
            services.order_complete_by_code(vendor=first.vendor, pickup_code=second.pickup_code)


# --- unique pickup codes ------------------------------------------------------------


class TestPickupCodesUnique:
    def test_a_code_a_live_order_holds_is_drawn_again(self):
        first = paid_order()
        taken = first.pickup_code
        fresh = "654321" if taken != "654321" else "123456"
        drawn = []
        real = lifecycle._pickup_code_unused

        def spy(**kwargs):
            drawn.append(real(**kwargs))
            return drawn[-1]

        with (
            mock.patch("ordering.services.lifecycle.pickup_code_generate", side_effect=[taken, taken, fresh]),
            mock.patch("ordering.services.lifecycle._pickup_code_unused", side_effect=spy),
        ):
            second = paid_order(slot=SlotFactory(vendor=first.vendor))
        assert second.pickup_code == fresh
        assert drawn == [fresh]  # the taken code was never offered (not left to the constraint)

    def test_another_vendors_code_may_repeat(self):
        first = paid_order()
        with mock.patch("ordering.services.lifecycle.pickup_code_generate", return_value=first.pickup_code):
            other = paid_order()
        assert other.pickup_code == first.pickup_code and other.vendor_id != first.vendor_id

    def test_a_race_for_the_same_code_is_retried(self):
        first = paid_order()
        taken = first.pickup_code
        fresh = "654321" if taken != "654321" else "123456"
        # The other capture's code is not seen in the read (as if it committed a moment later).
        with mock.patch("ordering.services.lifecycle._pickup_code_unused", side_effect=[taken, fresh]):
            second = paid_order(slot=SlotFactory(vendor=first.vendor))
        assert second.pickup_code == fresh
        assert OrderEvent.objects.filter(order=second, to_status=S.PAID).count() == 1

    def test_the_database_refuses_two_live_orders_with_one_code(self):
        first = paid_order()
        second = paid_order(slot=SlotFactory(vendor=first.vendor))
        with pytest.raises(IntegrityError), transaction.atomic():
            Order.objects.filter(pk=second.pk).update(pickup_code=first.pickup_code)

    def test_a_finished_orders_code_may_come_back(self):
        first = ready_order()
        services.order_complete(order_id=first.pk, vendor=first.vendor, pickup_code=first.pickup_code)
        with mock.patch("ordering.services.lifecycle.pickup_code_generate", return_value=first.pickup_code):
            second = paid_order(slot=SlotFactory(vendor=first.vendor))
        assert second.pickup_code == first.pickup_code


# --- ready-time estimates and delays --------------------------------------------------


class TestEstimate:
    def test_the_rule(self):
        start = timezone.now()
        end = start + timedelta(minutes=15)
        assert estimates.estimate_for_queue(starts_at=start, ends_at=end, place=3, prep_minutes=5) == start
        assert estimates.estimate_for_queue(starts_at=start, ends_at=end, place=5, prep_minutes=5) == start + timedelta(
            minutes=10
        )

    def test_accepting_sets_it_from_the_queue(self, settings):
        settings.ORDER_PREP_MINUTES = 10
        slot = SlotFactory()  # 30 minutes: three orders fit
        orders = [accepted_order(slot=slot) for _ in range(5)]
        start = slot.starts_at
        got = [Order.objects.get(pk=o.pk).estimated_ready_at for o in orders]
        assert got == [start, start, start, start + timedelta(minutes=10), start + timedelta(minutes=20)]


class TestDelay:
    def test_moves_the_estimate_and_tells_the_student(self, sms_outbox, sent):
        order = accepted_order(note="extra spicy")
        before = Order.objects.get(pk=order.pk).estimated_ready_at
        assert before is not None
        delayed = sent(services.order_delay, order_id=order.pk, vendor=order.vendor, minutes=10)
        assert delayed.estimated_ready_at == before + timedelta(minutes=10)
        assert Order.objects.get(pk=order.pk).delay_minutes == 10
        (body,) = [m["body"] for m in sms_outbox if f"#{order.pk} is running" in m["body"]]
        assert "extra spicy" not in body
        assert "10 minutes late" in body and f"{timezone.localtime(before + timedelta(minutes=10)):%H:%M}" in body

    @pytest.mark.parametrize("minutes", [4, 121, 0, -5, "10", True])
    def test_minutes_out_of_range(self, minutes):
        order = accepted_order()
        with pytest.raises(ValidationFailed):
            services.order_delay(order_id=order.pk, vendor=order.vendor, minutes=minutes)
        assert Order.objects.get(pk=order.pk).delay_minutes == 0

    def test_another_vendors_order_is_not_found(self):
        order = accepted_order()
        with pytest.raises(NotFound):
            services.order_delay(order_id=order.pk, vendor=FoodVendorFactory(), minutes=10)
        assert Order.objects.get(pk=order.pk).delay_minutes == 0

    @pytest.mark.parametrize("make", [paid_order, ready_order], ids=["paid", "ready"])
    def test_only_accepted_orders(self, make):
        order = make()
        with pytest.raises(InvalidTransition):
            services.order_delay(order_id=order.pk, vendor=order.vendor, minutes=10)

    def test_total_is_capped(self):
        order = accepted_order()
        for _ in range(4):
            services.order_delay(order_id=order.pk, vendor=order.vendor, minutes=120)
        with pytest.raises(ValidationFailed):
            services.order_delay(order_id=order.pk, vendor=order.vendor, minutes=5)
