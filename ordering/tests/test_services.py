import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts import sms
from accounts.tests.factories import FoodVendorFactory, StationeryVendorFactory, StudentFactory
from catalog.errors import ShopClosed
from core.errors import InvalidTransition, NotFound, RateLimited, ValidationFailed
from ordering import services
from ordering.errors import (
    InvalidPickupCode,
    ItemUnavailable,
    SlotClosed,
    SlotFull,
    SlotHasOrders,
)
from ordering.models import Order, OrderEvent, OrderItem, Slot
from ordering.services import OrderLine

from .factories import (
    MenuItemFactory,
    ShopFactory,
    SlotFactory,
    _Payment,
    accepted_order,
    paid_order,
    place_order,
    ready_order,
)

pytestmark = pytest.mark.django_db
S = Order.Status


def _place(slot, items_and_qty, student=None, vendor_id=None):
    return services.order_place(
        student=student or StudentFactory(),
        vendor_id=vendor_id or slot.vendor_id,
        slot_id=slot.pk,
        lines=[OrderLine(menu_item_id=item.pk, quantity=qty) for item, qty in items_and_qty],
    )


# --- placing ------------------------------------------------------------------------


class TestOrderPlace:
    def test_prices_come_from_the_menu_and_are_snapshotted(self):
        slot = SlotFactory()
        dosa = MenuItemFactory(vendor=slot.vendor, name="Masala dosa", price_paise=6000)
        chai = MenuItemFactory(vendor=slot.vendor, name="Chai", price_paise=1500)
        student = StudentFactory()

        order = _place(slot, [(dosa, 2), (chai, 3)], student=student)

        assert order.status == S.PENDING_PAYMENT
        assert order.total_paise == 2 * 6000 + 3 * 1500
        assert order.student == student and order.vendor == slot.vendor
        lines = {i.name: (i.unit_price_paise, i.quantity, i.line_total_paise) for i in order.items.all()}
        assert lines == {"Masala dosa": (6000, 2, 12000), "Chai": (1500, 3, 4500)}
        slot.refresh_from_db()
        assert slot.reserved == 1
        assert list(order.events.values_list("from_status", "to_status", "actor")) == [
            ("", S.PENDING_PAYMENT, student.pk)
        ]

    def test_a_later_menu_change_does_not_touch_the_order(self):
        slot = SlotFactory()
        dosa = MenuItemFactory(vendor=slot.vendor, name="Dosa", price_paise=6000)
        order = _place(slot, [(dosa, 1)])

        dosa.price_paise = 9900
        dosa.name = "Dosa (large)"
        dosa.save()

        order.refresh_from_db()
        item = order.items.get()
        assert (order.total_paise, item.unit_price_paise, item.name) == (6000, 6000, "Dosa")

    def test_payment_due_by_is_the_payment_window(self, settings):
        settings.PAYMENT_WINDOW_MINUTES = 7
        before = timezone.now()
        order = place_order()
        assert before + timedelta(minutes=7) <= order.payment_due_by <= timezone.now() + timedelta(minutes=7)

    def test_full_slot_is_refused(self):
        slot = SlotFactory(capacity=1)
        place_order(slot=slot)
        with pytest.raises(SlotFull):
            place_order(slot=slot)
        slot.refresh_from_db()
        assert slot.reserved == 1
        assert Order.objects.count() == 1

    @pytest.mark.parametrize(
        "change",
        [
            {"is_active": False},
            {"starts_at_in_minutes": 9},  # inside the 10-minute cut-off
            {"starts_at_in_minutes": -60},  # already past
        ],
    )
    def test_closed_slots_are_refused(self, change, settings):
        settings.ORDER_CUTOFF_MINUTES = 10
        slot = SlotFactory()
        if "is_active" in change:
            slot.is_active = False
        else:
            slot.starts_at = timezone.now() + timedelta(minutes=change["starts_at_in_minutes"])
            slot.ends_at = slot.starts_at + timedelta(minutes=30)
        slot.save()
        with pytest.raises(SlotClosed):
            place_order(slot=slot)
        slot.refresh_from_db()
        assert slot.reserved == 0
        assert not Order.objects.exists()

    def test_slot_just_outside_the_cutoff_is_open(self, settings):
        settings.ORDER_CUTOFF_MINUTES = 10
        slot = SlotFactory(starts_at=timezone.now() + timedelta(minutes=11))
        assert place_order(slot=slot).status == S.PENDING_PAYMENT

    def test_closed_shop_is_refused(self):
        slot = SlotFactory()
        item = MenuItemFactory(vendor=slot.vendor)
        slot.vendor.shop.is_open = False
        slot.vendor.shop.save()
        with pytest.raises(ShopClosed):
            _place(slot, [(item, 1)])
        assert not Order.objects.exists()

    @pytest.mark.parametrize("vendor_change", [{"is_approved": False}, {"is_active": False}])
    def test_hidden_vendors_are_refused(self, vendor_change):
        slot = SlotFactory()
        item = MenuItemFactory(vendor=slot.vendor)
        for field, value in vendor_change.items():
            setattr(slot.vendor, field, value)
        slot.vendor.save()
        with pytest.raises(ValidationFailed) as refused:
            _place(slot, [(item, 1)])
        assert "vendor" in refused.value.details

    def test_stationery_vendor_is_not_a_food_vendor(self):
        vendor = StationeryVendorFactory()
        ShopFactory(vendor=vendor)
        slot = SlotFactory()
        item = MenuItemFactory(vendor=slot.vendor)
        with pytest.raises(ValidationFailed) as refused:
            _place(slot, [(item, 1)], vendor_id=vendor.pk)
        assert "vendor" in refused.value.details

    def test_slot_of_another_vendor_is_refused(self):
        slot = SlotFactory()
        other_slot = SlotFactory()
        item = MenuItemFactory(vendor=slot.vendor)
        with pytest.raises(ValidationFailed) as refused:
            services.order_place(
                student=StudentFactory(),
                vendor_id=slot.vendor_id,
                slot_id=other_slot.pk,
                lines=[OrderLine(menu_item_id=item.pk, quantity=1)],
            )
        assert "slot" in refused.value.details
        other_slot.refresh_from_db()
        assert other_slot.reserved == 0

    def test_item_of_another_vendor_is_refused(self):
        slot = SlotFactory()
        foreign = MenuItemFactory()
        with pytest.raises(ValidationFailed) as refused:
            _place(slot, [(foreign, 1)])
        assert "items" in refused.value.details
        slot.refresh_from_db()
        assert slot.reserved == 0

    @pytest.mark.parametrize("item_change", [{"is_available": False}, {"is_deleted": True}])
    def test_unavailable_items_are_refused(self, item_change):
        slot = SlotFactory()
        good = MenuItemFactory(vendor=slot.vendor)
        gone = MenuItemFactory(vendor=slot.vendor, **item_change)
        with pytest.raises(ItemUnavailable) as refused:
            _place(slot, [(good, 1), (gone, 1)])
        assert refused.value.details == {"items": [gone.pk]}
        slot.refresh_from_db()
        assert slot.reserved == 0
        assert not Order.objects.exists()

    @pytest.mark.parametrize(
        "lines",
        [
            [],
            [(0, 21)],
            [(0, 0)],
            [(0, 1), (0, 2)],
        ],
        ids=["no-lines", "quantity-21", "quantity-0", "duplicate"],
    )
    def test_bad_lines_are_refused(self, lines):
        slot = SlotFactory()
        item = MenuItemFactory(vendor=slot.vendor)
        with pytest.raises(ValidationFailed) as refused:
            services.order_place(
                student=StudentFactory(),
                vendor_id=slot.vendor_id,
                slot_id=slot.pk,
                lines=[OrderLine(menu_item_id=item.pk, quantity=qty) for _, qty in lines],
            )
        assert "items" in refused.value.details

    def test_more_than_thirty_lines_are_refused(self):
        slot = SlotFactory()
        lines = [OrderLine(menu_item_id=i, quantity=1) for i in range(1, 32)]
        with pytest.raises(ValidationFailed):
            services.order_place(student=StudentFactory(), vendor_id=slot.vendor_id, slot_id=slot.pk, lines=lines)


# --- the state machine ----------------------------------------------------------------


def _snapshot(order):
    order.refresh_from_db()
    slot = Slot.objects.get(pk=order.slot_id)
    return (order.status, order.updated_at, order.events.count(), slot.reserved, order.pickup_code)


class TestTransitions:
    def test_mark_paid_sets_code_paid_at_and_event(self):
        order = services.order_mark_paid(order_id=place_order().pk, payment=_Payment(pk=42))
        assert order.status == S.PAID
        assert len(order.pickup_code) == 6 and order.pickup_code.isdigit()
        assert order.paid_at is not None
        event = order.events.last()
        assert (event.from_status, event.to_status, event.actor_id) == (S.PENDING_PAYMENT, S.PAID, None)
        assert "42" in event.reason
        order.refresh_from_db()
        assert order.status == S.PAID

    def test_mark_paid_inside_a_transaction_that_already_locked_the_order(self):
        order = place_order()
        with transaction.atomic():
            locked = Order.objects.select_for_update().get(pk=order.pk)
            locked = services.order_mark_paid(order_id=locked.pk, payment=_Payment())
            # The returned row reflects the change at once.
            assert locked.status == S.PAID and locked.pickup_code
        order.refresh_from_db()
        assert order.status == S.PAID

    def test_pickup_codes_are_not_constant(self):
        codes = {paid_order().pickup_code for _ in range(8)}
        assert len(codes) > 1

    def test_happy_path_writes_one_event_per_step(self):
        order = ready_order()
        vendor = order.vendor
        order = services.order_complete(order_id=order.pk, vendor=vendor, pickup_code=order.pickup_code)
        assert order.status == S.COMPLETED
        steps = list(order.events.values_list("from_status", "to_status"))
        assert steps == [
            ("", S.PENDING_PAYMENT),
            (S.PENDING_PAYMENT, S.PAID),
            (S.PAID, S.ACCEPTED),
            (S.ACCEPTED, S.READY),
            (S.READY, S.COMPLETED),
        ]
        assert set(order.events.exclude(to_status__in=[S.PENDING_PAYMENT, S.PAID]).values_list("actor", flat=True)) == {
            vendor.pk
        }
        # A completed order keeps its place (it was used).
        assert Slot.objects.get(pk=order.slot_id).reserved == 1

    @pytest.mark.parametrize(
        ("make", "action"),
        [
            (paid_order, "complete"),
            (place_order, "accept"),
            (accepted_order, "cancel"),
            (ready_order, "cancel"),
            (ready_order, "reject"),
            (place_order, "ready"),
            (paid_order, "ready"),
            (place_order, "reject"),
            (accepted_order, "accept"),
            (paid_order, "mark_paid"),
        ],
    )
    def test_illegal_transitions_are_409_and_write_nothing(self, make, action):
        order = make()
        before = _snapshot(order)
        call = {
            "complete": lambda: services.order_complete(order_id=order.pk, vendor=order.vendor, pickup_code="123456"),
            "accept": lambda: services.order_accept(order_id=order.pk, vendor=order.vendor),
            "cancel": lambda: services.order_cancel(order_id=order.pk, student=order.student),
            "reject": lambda: services.order_reject(order_id=order.pk, vendor=order.vendor, reason="Out of gas"),
            "ready": lambda: services.order_mark_ready(order_id=order.pk, vendor=order.vendor),
            "mark_paid": lambda: services.order_mark_paid(order_id=order.pk, payment=_Payment()),
        }[action]
        sms.outbox.clear()
        with pytest.raises(InvalidTransition):
            call()
        assert _snapshot(order) == before
        assert sms.outbox == []

    @pytest.mark.parametrize("end", ["cancelled", "rejected", "expired", "completed"])
    def test_ended_orders_cannot_move_again(self, end):
        order = paid_order() if end != "expired" else place_order()
        if end == "cancelled":
            services.order_cancel(order_id=order.pk, student=order.student)
        elif end == "rejected":
            services.order_reject(order_id=order.pk, vendor=order.vendor, reason="No stock")
        elif end == "expired":
            Order.objects.filter(pk=order.pk).update(payment_due_by=timezone.now() - timedelta(seconds=1))
            services.order_expire_unpaid()
        else:
            services.order_accept(order_id=order.pk, vendor=order.vendor)
            services.order_mark_ready(order_id=order.pk, vendor=order.vendor)
            services.order_complete(order_id=order.pk, vendor=order.vendor, pickup_code=order.pickup_code)
        order.refresh_from_db()
        before = _snapshot(order)
        for attempt in (
            lambda: services.order_cancel(order_id=order.pk, student=order.student),
            lambda: services.order_reject(order_id=order.pk, vendor=order.vendor, reason="again"),
            lambda: services.order_accept(order_id=order.pk, vendor=order.vendor),
            lambda: services.order_mark_paid(order_id=order.pk, payment=_Payment()),
        ):
            with pytest.raises(InvalidTransition):
                attempt()
        assert _snapshot(order) == before

    def test_the_transition_map_is_the_documented_state_machine(self):
        assert {
            S.PENDING_PAYMENT: {S.PAID, S.CANCELLED, S.EXPIRED},
            S.PAID: {S.ACCEPTED, S.CANCELLED, S.REJECTED},
            S.ACCEPTED: {S.READY, S.REJECTED},
            S.READY: {S.COMPLETED, S.UNCLAIMED},
            S.UNCLAIMED: {S.COMPLETED},
            S.COMPLETED: set(),
            S.CANCELLED: set(),
            S.REJECTED: set(),
            S.EXPIRED: set(),
        } == Order.TRANSITIONS


class TestReleasingPlaces:
    @pytest.mark.parametrize("make", [place_order, paid_order])
    def test_cancel_gives_the_place_back_once(self, make):
        order = make()
        services.order_cancel(order_id=order.pk, student=order.student, reason="Changed my mind")
        assert Slot.objects.get(pk=order.slot_id).reserved == 0
        with pytest.raises(InvalidTransition):
            services.order_cancel(order_id=order.pk, student=order.student)
        assert Slot.objects.get(pk=order.slot_id).reserved == 0
        order.refresh_from_db()
        assert (order.status, order.reason) == (S.CANCELLED, "Changed my mind")

    def test_cancel_with_a_stale_instance_still_frees_once(self):
        order = place_order()
        stale = Order.objects.get(pk=order.pk)
        services.order_cancel(order_id=order.pk, student=order.student)
        with pytest.raises(InvalidTransition):
            services.order_cancel(order_id=stale.pk, student=stale.student)  # re-read under the lock
        assert Slot.objects.get(pk=order.slot_id).reserved == 0

    def test_giving_a_place_back_never_takes_reserved_below_zero(self):
        order = place_order()
        Slot.objects.filter(pk=order.slot_id).update(reserved=0)  # an invariant broken by hand
        services.order_cancel(order_id=order.pk, student=order.student)
        assert Slot.objects.get(pk=order.slot_id).reserved == 0
        order.refresh_from_db()
        assert order.status == S.CANCELLED

    @pytest.mark.parametrize("make", [paid_order, accepted_order])
    def test_reject_gives_the_place_back_and_keeps_the_reason(self, make):
        other = place_order()
        order = make(slot=other.slot)
        assert Slot.objects.get(pk=order.slot_id).reserved == 2
        services.order_reject(order_id=order.pk, vendor=order.vendor, reason="  Kitchen closed early  ")
        order.refresh_from_db()
        assert (order.status, order.reason) == (S.REJECTED, "Kitchen closed early")
        assert order.events.last().reason == "Kitchen closed early"
        assert Slot.objects.get(pk=order.slot_id).reserved == 1

    def test_reject_needs_a_reason(self):
        order = paid_order()
        with pytest.raises(ValidationFailed):
            services.order_reject(order_id=order.pk, vendor=order.vendor, reason="   ")
        order.refresh_from_db()
        assert order.status == S.PAID

    def test_another_vendor_cannot_move_the_order(self):
        order = paid_order()
        stranger = ShopFactory().vendor
        with pytest.raises(NotFound):
            services.order_accept(order_id=order.pk, vendor=stranger)
        with pytest.raises(NotFound):
            services.order_reject(order_id=order.pk, vendor=stranger, reason="x")
        with pytest.raises(NotFound):
            services.order_cancel(order_id=order.pk, student=StudentFactory())
        order.refresh_from_db()
        assert order.status == S.PAID


class TestExpiry:
    def _overdue(self, order):
        Order.objects.filter(pk=order.pk).update(payment_due_by=timezone.now() - timedelta(seconds=1))

    def test_expiry_frees_the_place_once_however_often_it_runs(self):
        order = place_order()
        self._overdue(order)
        assert services.order_expire_unpaid() == 1
        assert services.order_expire_unpaid() == 0
        order.refresh_from_db()
        assert order.status == S.EXPIRED
        assert Slot.objects.get(pk=order.slot_id).reserved == 0
        assert order.events.filter(to_status=S.EXPIRED).count() == 1
        assert order.events.get(to_status=S.EXPIRED).actor is None

    def test_orders_still_in_their_window_or_paid_are_left_alone(self):
        waiting = place_order()
        paid = paid_order()
        self._overdue(paid)
        assert services.order_expire_unpaid() == 0
        waiting.refresh_from_db()
        paid.refresh_from_db()
        assert (waiting.status, paid.status) == (S.PENDING_PAYMENT, S.PAID)

    def test_many_overdue_orders_in_small_batches(self):
        slot = SlotFactory(capacity=7)
        orders = [place_order(slot=slot) for _ in range(7)]
        for order in orders:
            self._overdue(order)
        assert services.order_expire_unpaid(batch_size=3) == 7
        slot.refresh_from_db()
        assert slot.reserved == 0

    def test_an_expired_place_can_be_taken_again(self):
        slot = SlotFactory(capacity=1)
        order = place_order(slot=slot)
        with pytest.raises(SlotFull):
            place_order(slot=slot)
        self._overdue(order)
        services.order_expire_unpaid()
        assert place_order(slot=slot).status == S.PENDING_PAYMENT


class TestComplete:
    def test_wrong_code_is_refused_and_changes_nothing(self):
        order = ready_order()
        wrong = "000000" if order.pickup_code != "000000" else "111111"
        with pytest.raises(InvalidPickupCode):
            services.order_complete(order_id=order.pk, vendor=order.vendor, pickup_code=wrong)
        order.refresh_from_db()
        assert order.status == S.READY

    def test_guessing_is_locked_out_even_for_the_right_code(self, settings):
        order = ready_order()
        wrong = "000000" if order.pickup_code != "000000" else "111111"
        for _ in range(settings.PICKUP_CODE_MAX_ATTEMPTS):
            with pytest.raises(InvalidPickupCode):
                services.order_complete(order_id=order.pk, vendor=order.vendor, pickup_code=wrong)
        with pytest.raises(RateLimited) as limited:
            services.order_complete(order_id=order.pk, vendor=order.vendor, pickup_code=order.pickup_code)
        assert limited.value.headers["Retry-After"] == str(settings.PICKUP_CODE_LOCKOUT_SECONDS)
        order.refresh_from_db()
        assert order.status == S.READY

    def test_lockout_is_per_order(self):
        order = ready_order()
        other = ready_order(slot=order.slot)
        wrong = "000000" if order.pickup_code != "000000" else "111111"
        for _ in range(settings.PICKUP_CODE_MAX_ATTEMPTS):
            with pytest.raises(InvalidPickupCode):
                services.order_complete(order_id=order.pk, vendor=order.vendor, pickup_code=wrong)
        other = services.order_complete(order_id=other.pk, vendor=other.vendor, pickup_code=other.pickup_code)
        assert other.status == S.COMPLETED


class TestSms:
    def _bodies(self):
        return [(m["to"], m["body"]) for m in sms.outbox]

    def test_accept_ready_and_reject_text_the_student(self, django_capture_on_commit_callbacks):
        order = paid_order()
        phone = order.student.phone
        with django_capture_on_commit_callbacks(execute=True):
            services.order_accept(order_id=order.pk, vendor=order.vendor)
        with django_capture_on_commit_callbacks(execute=True):
            services.order_mark_ready(order_id=order.pk, vendor=order.vendor)
        rejected = paid_order()
        with django_capture_on_commit_callbacks(execute=True):
            services.order_reject(order_id=rejected.pk, vendor=rejected.vendor, reason="Out of paneer")
        # Paying sent "payment received" to each student first.
        bodies = [(to, body) for to, body in self._bodies() if "we received your payment" not in body]
        assert len(bodies) == 3
        assert bodies[0][0] == phone and "accepted" in bodies[0][1] and f"#{order.pk}" in bodies[0][1]
        assert bodies[1][0] == phone and "ready" in bodies[1][1]
        assert bodies[2][0] == rejected.student.phone and f"#{rejected.pk}" in bodies[2][1]
        assert "Out of paneer" not in bodies[2][1]  # a vendor's text never goes into an SMS
        assert "refunded" in bodies[2][1]
        # The pickup code is in the "ready" text only, when the student is about to collect.
        order.refresh_from_db()
        assert [order.pickup_code in body for _, body in bodies] == [False, True, False]

    def test_nothing_is_sent_when_the_transaction_rolls_back(self, django_capture_on_commit_callbacks):
        order = paid_order()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            try:
                with transaction.atomic():
                    services.order_accept(order_id=order.pk, vendor=order.vendor)
                    raise RuntimeError("boom")
            except RuntimeError:
                pass
        assert callbacks == []
        assert sms.outbox == []

    def test_cancelling_unpaid_sends_nothing_cancelling_paid_confirms_refund(self, django_capture_on_commit_callbacks):
        unpaid = place_order()
        with django_capture_on_commit_callbacks(execute=True):
            services.order_cancel(order_id=unpaid.pk, student=unpaid.student)
        assert sms.outbox == []
        paid = paid_order()
        with django_capture_on_commit_callbacks(execute=True):
            services.order_cancel(order_id=paid.pk, student=paid.student)
        (cancelled,) = [m["body"] for m in sms.outbox if "we received your payment" not in m["body"]]
        assert "refunded" in cancelled


# --- slots ---------------------------------------------------------------------------------


class TestSlots:
    def test_create_checks_times(self):
        vendor = ShopFactory().vendor
        start = timezone.now() + timedelta(hours=1)
        slot = services.slot_create(vendor=vendor, starts_at=start, ends_at=start + timedelta(minutes=30), capacity=5)
        assert (slot.vendor, slot.capacity, slot.reserved, slot.is_active) == (vendor, 5, 0, True)
        with pytest.raises(ValidationFailed):
            services.slot_create(vendor=vendor, starts_at=start, ends_at=start, capacity=5)
        past = timezone.now() - timedelta(hours=1)
        with pytest.raises(ValidationFailed):
            services.slot_create(vendor=vendor, starts_at=past, ends_at=past + timedelta(minutes=30), capacity=5)

    def test_capacity_cannot_drop_below_reserved(self):
        slot = SlotFactory(capacity=5)
        place_order(slot=slot)
        place_order(slot=slot)
        with pytest.raises(ValidationFailed) as refused:
            services.slot_update(slot_id=slot.pk, vendor=slot.vendor, data={"capacity": 1})
        assert "capacity" in refused.value.details
        slot.refresh_from_db()
        assert slot.capacity == 5
        services.slot_update(slot_id=slot.pk, vendor=slot.vendor, data={"capacity": 2})
        slot.refresh_from_db()
        assert slot.capacity == 2

    def test_slot_with_live_orders_cannot_move(self):
        slot = SlotFactory()
        place_order(slot=slot)
        with pytest.raises(SlotHasOrders):
            services.slot_update(
                slot_id=slot.pk,
                vendor=slot.vendor,
                data={"starts_at": slot.starts_at + timedelta(hours=1), "ends_at": slot.ends_at + timedelta(hours=1)},
            )
        # Closing it for new orders is fine.
        services.slot_update(slot_id=slot.pk, vendor=slot.vendor, data={"is_active": False})
        slot.refresh_from_db()
        assert slot.is_active is False

    @pytest.mark.parametrize("field", ["starts_at", "ends_at"])
    def test_slot_with_live_orders_cannot_move_either_end(self, field):
        slot = SlotFactory()
        place_order(slot=slot)
        before = (slot.starts_at, slot.ends_at)
        with pytest.raises(SlotHasOrders):
            services.slot_update(
                slot_id=slot.pk, vendor=slot.vendor, data={field: getattr(slot, field) + timedelta(minutes=10)}
            )
        slot.refresh_from_db()
        assert (slot.starts_at, slot.ends_at) == before

    def test_update_keeps_end_after_start(self):
        slot = SlotFactory()
        with pytest.raises(ValidationFailed):
            services.slot_update(
                slot_id=slot.pk, vendor=slot.vendor, data={"ends_at": slot.starts_at - timedelta(minutes=1)}
            )

    def test_update_of_another_vendors_slot_is_not_found(self):
        slot = SlotFactory()
        with pytest.raises(NotFound):
            services.slot_update(slot_id=slot.pk, vendor=FoodVendorFactory(), data={"capacity": 3})

    def test_delete_with_live_orders_is_409(self):
        slot = SlotFactory()
        place_order(slot=slot)
        with pytest.raises(SlotHasOrders):
            services.slot_delete(slot_id=slot.pk, vendor=slot.vendor)
        assert Slot.objects.filter(pk=slot.pk, is_deleted=False).exists()

    def test_delete_without_orders_removes_it(self):
        slot = SlotFactory()
        services.slot_delete(slot_id=slot.pk, vendor=slot.vendor)
        assert not Slot.objects.filter(pk=slot.pk).exists()

    def test_delete_with_only_finished_orders_hides_it_and_keeps_history(self):
        slot = SlotFactory()
        order = place_order(slot=slot)
        services.order_cancel(order_id=order.pk, student=order.student)
        services.slot_delete(slot_id=slot.pk, vendor=slot.vendor)
        slot.refresh_from_db()
        assert (slot.is_deleted, slot.is_active) == (True, False)
        assert OrderItem.objects.filter(order=order).exists()
        assert OrderEvent.objects.filter(order=order).count() == 2


class TestNoVendorTextInSms:
    """A vendor's free text (reason, shop name it can rename, item names) never reaches a student's SMS."""

    PHISH = "Refund failed, verify at https://evil.example/upi now"

    def test_reject_reason_accept_and_ready_texts_carry_no_vendor_text(self, django_capture_on_commit_callbacks):
        from catalog.models import Shop

        order = paid_order()
        Shop.objects.filter(vendor=order.vendor).update(name=self.PHISH)
        item_names = list(order.items.values_list("name", flat=True))
        with django_capture_on_commit_callbacks(execute=True):
            services.order_accept(order_id=order.pk, vendor=order.vendor)
            services.order_mark_ready(order_id=order.pk, vendor=order.vendor)
        rejected = paid_order()
        with django_capture_on_commit_callbacks(execute=True):
            services.order_reject(order_id=rejected.pk, vendor=rejected.vendor, reason=self.PHISH)
        rejected.refresh_from_db()
        assert rejected.reason == self.PHISH  # kept for the order page
        bodies = [m["body"] for m in sms.outbox]
        assert len(bodies) == 3
        for body in bodies:
            # The one link in a text is the campus's own page (SITE_URL), never one a vendor typed.
            assert "evil" not in body
            assert [link.startswith(settings.SITE_URL) for link in re.findall(r"https?://\S+", body)] == [True]
            assert not any(name in body for name in item_names)
