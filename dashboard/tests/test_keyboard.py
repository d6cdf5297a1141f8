"""Issue 25, the keyboard alone on the dashboard: a vendor accepts a paid order, marks it ready and
completes it with the student's pickup code using Tab, Enter and typing only (no clicks), seeing
where the focus is at every stop; the tabs are reached and switched by keyboard too."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ordering.models import Order
from tests.a11y import tab_to

from .conftest import LAPTOP
from .factories import dish, food_vendor, paid_order, slot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_vendor_accepts_readies_and_completes_an_order_with_the_keyboard_alone(open_dashboard, sandbox):
    vendor = food_vendor()
    lunch = slot(vendor)
    order = paid_order(lunch, {dish(vendor, "Masala dosa", 6000): 2})
    page = open_dashboard(vendor, LAPTOP)
    card = page.locator(f"#order-{order.pk}")
    expect(card).to_be_visible()

    tab_to(page, card.get_by_role("button", name="Accept"))
    page.keyboard.press("Enter")
    expect(card.locator(".status")).to_have_text("Accepted")
    assert Order.objects.get(pk=order.pk).status == Order.Status.ACCEPTED

    # The card is drawn again after each answer: the next stop is found from wherever the focus is now.
    tab_to(page, card.get_by_role("button", name="Mark ready"))
    page.keyboard.press("Space")
    expect(card.locator(".status")).to_have_text("Ready")
    assert Order.objects.get(pk=order.pk).status == Order.Status.READY

    tab_to(page, card.get_by_label(f"Pickup code for order {order.pk}"))
    page.keyboard.type(order.pickup_code)
    page.keyboard.press("Enter")
    expect(card.locator(".status")).to_have_text("Completed")
    assert Order.objects.get(pk=order.pk).status == Order.Status.COMPLETED

    # The tabs: reached by Tab, opened by Enter.
    history = page.locator('.tab[data-tab="history"]')
    tab_to(page, history, backwards=True)
    page.keyboard.press("Enter")
    expect(history).to_have_attribute("aria-selected", "true")
    expect(page.locator("#panel-history")).to_be_visible()
    expect(page.locator(f'#history-table tr[data-order-id="{order.pk}"]')).to_have_attribute("data-status", "completed")
