from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import StudentFactory
from core.errors import NotFound
from ordering import selectors, services
from ordering.models import Order

from .factories import MenuItemFactory, ShopFactory, SlotFactory, accepted_order, paid_order, place_order, ready_order

pytestmark = pytest.mark.django_db


class TestPrepSheet:
    def test_sums_live_paid_orders_by_item(self):
        slot = SlotFactory(capacity=50)
        samosa = MenuItemFactory(vendor=slot.vendor, name="Samosa")
        lassi = MenuItemFactory(vendor=slot.vendor, name="Lassi")
        paid_order(slot=slot, items=[samosa, lassi], quantity=2)
        accepted_order(slot=slot, items=[samosa], quantity=4)
        ready_order(slot=slot, items=[lassi], quantity=1)
        place_order(slot=slot, items=[samosa], quantity=7)  # unpaid: left out
        cancelled = paid_order(slot=slot, items=[samosa], quantity=5)
        services.order_cancel(order_id=cancelled.pk, student=cancelled.student)
        done = ready_order(slot=slot, items=[lassi], quantity=3)
        services.order_complete(order_id=done.pk, vendor=done.vendor, pickup_code=done.pickup_code)
        paid_order(slot=SlotFactory(vendor=slot.vendor), items=[samosa], quantity=9)  # another slot

        sheet = selectors.slot_prep_sheet(vendor=slot.vendor, slot_id=slot.pk)

        assert sheet == [
            {"menu_item": lassi.pk, "name": "Lassi", "options": [], "label": "Lassi", "quantity": 3},
            {"menu_item": samosa.pk, "name": "Samosa", "options": [], "label": "Samosa", "quantity": 6},
        ]

    def test_uses_the_current_item_name_once_even_after_a_rename(self):
        slot = SlotFactory(capacity=5)
        tea = MenuItemFactory(vendor=slot.vendor, name="Tea")
        paid_order(slot=slot, items=[tea])
        tea.name = "Masala tea"
        tea.save()
        paid_order(slot=slot, items=[tea])
        assert selectors.slot_prep_sheet(vendor=slot.vendor, slot_id=slot.pk) == [
            {"menu_item": tea.pk, "name": "Masala tea", "options": [], "label": "Masala tea", "quantity": 2}
        ]

    def test_constant_number_of_queries(self, django_assert_num_queries):
        small = SlotFactory(capacity=50)
        big = SlotFactory(vendor=small.vendor, capacity=50)
        items = [MenuItemFactory(vendor=small.vendor) for _ in range(5)]
        paid_order(slot=small, items=items[:1])
        for _ in range(20):
            paid_order(slot=big, items=items)
        with django_assert_num_queries(2):
            selectors.slot_prep_sheet(vendor=small.vendor, slot_id=small.pk)
        with django_assert_num_queries(2):
            assert len(selectors.slot_prep_sheet(vendor=small.vendor, slot_id=big.pk)) == 5

    def test_another_vendors_slot_is_not_found(self):
        slot = SlotFactory()
        with pytest.raises(NotFound):
            selectors.slot_prep_sheet(vendor=ShopFactory().vendor, slot_id=slot.pk)


class TestOrderSelectors:
    def test_order_get_for_is_scoped(self):
        order = place_order()
        assert selectors.order_get_for(user=order.student, order_id=order.pk) == order
        assert selectors.order_get_for(user=order.vendor, order_id=order.pk) == order
        with pytest.raises(NotFound):
            selectors.order_get_for(user=StudentFactory(), order_id=order.pk)
        with pytest.raises(NotFound):
            selectors.order_get_for(user=ShopFactory().vendor, order_id=order.pk)

    def test_date_is_the_slots_campus_date(self):
        # A slot at 00:30 IST on day D is 19:00 UTC on day D-1; the filter uses D.
        vendor = ShopFactory().vendor
        local_midnight = timezone.localtime(timezone.now() + timedelta(days=2)).replace(
            hour=0, minute=30, second=0, microsecond=0
        )
        slot = SlotFactory(vendor=vendor, starts_at=local_midnight)
        order = place_order(slot=slot)
        assert list(selectors.order_list_for(user=vendor, slot_date=local_midnight.date())) == [order]
        assert not selectors.order_list_for(user=vendor, slot_date=local_midnight.date() - timedelta(days=1)).exists()


class TestSlotSelectors:
    def test_open_slots_exclude_cutoff_inactive_and_deleted(self, settings):
        settings.ORDER_CUTOFF_MINUTES = 15
        slot = SlotFactory()
        SlotFactory(vendor=slot.vendor, starts_at=timezone.now() + timedelta(minutes=14))
        SlotFactory(vendor=slot.vendor, is_active=False)
        SlotFactory(vendor=slot.vendor, is_deleted=True)
        assert list(selectors.slot_list_open_for_vendor(vendor_id=slot.vendor_id)) == [slot]

    def test_pending_payment_is_not_prepared(self):
        assert Order.Status.PENDING_PAYMENT not in selectors.PREP_STATUSES


class TestVendorsNotApproved:
    """A food vendor whose approval was withdrawn (or that is blocked) reads nothing of its shop."""

    @staticmethod
    def _withdraw(vendor, **fields):
        for name, value in fields.items():
            setattr(vendor, name, value)
        vendor.save(update_fields=list(fields))

    @pytest.mark.parametrize("fields", [{"is_approved": False}, {"is_active": False}])
    def test_orders_slots_and_prep_sheet_are_gone(self, fields):
        slot = SlotFactory(capacity=5)
        item = MenuItemFactory(vendor=slot.vendor)
        order = paid_order(slot=slot, items=[item])
        vendor = slot.vendor
        assert list(selectors.order_list_for(user=vendor)) == [order]
        self._withdraw(vendor, **fields)
        assert list(selectors.order_list_for(user=vendor)) == []
        with pytest.raises(NotFound):
            selectors.order_get_for(user=vendor, order_id=order.pk)
        assert list(selectors.slot_list_for_vendor(vendor=vendor)) == []
        with pytest.raises(NotFound):
            selectors.slot_prep_sheet(vendor=vendor, slot_id=slot.pk)
