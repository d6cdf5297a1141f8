"""payment_states_for_vendor: nothing for a vendor that is not (or no longer) approved, or blocked."""

import pytest

from dashboard import selectors

from .factories import captured_payment, dish, food_vendor, place_order, slot

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fields", [{"is_approved": False}, {"is_active": False}])
def test_a_vendor_no_longer_approved_reads_no_payment_state(fields):
    vendor = food_vendor()
    order = place_order(slot(vendor, capacity=5), {dish(vendor, "Idli", 4000): 1})
    captured_payment(order=order)
    assert len(selectors.payment_states_for_vendor(vendor=vendor, order_ids=[order.pk])) == 1
    for name, value in fields.items():
        setattr(vendor, name, value)
    vendor.save(update_fields=list(fields))
    assert selectors.payment_states_for_vendor(vendor=vendor, order_ids=[order.pk]) == []
