"""Issue 25, the keyboard alone on the dashboard: a vendor accepts a paid order, marks it ready and
completes it with the student's pickup code, and a print shop accepts a job, sets its amount and
completes it with the release code, using Tab, Space, Enter and typing only (no clicks), seeing
where the focus is at every stop; the tabs are reached and switched by keyboard too."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ordering.models import Order
from stationery.models import PrintJob
from tests.a11y import tab_to

from .conftest import LAPTOP
from .factories import dish, food_vendor, paid_order, pay, print_service, slot, stationery_vendor, submit_print_job

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


def test_a_print_shop_accepts_prices_and_completes_a_job_with_the_keyboard_alone(open_dashboard, sandbox):
    shop = stationery_vendor()
    job, _ = submit_print_job(print_service(shop), pages=2, copies=1)  # ≈ ₹4
    page = open_dashboard(shop, LAPTOP)
    card = page.locator(f"#job-{job.pk}")
    expect(card).to_be_visible()

    tab_to(page, card.get_by_role("button", name="Accept"))
    page.keyboard.press("Enter")
    expect(card.locator(".status")).to_have_text("Accepted")

    # The amount, typed over the estimate it starts with: well above it, the form asks why, and
    # Enter in the reason sends both and marks the job ready.
    tab_to(page, card.get_by_label(f"Amount for job {job.pk} in rupees"))
    page.keyboard.press("Control+A")
    page.keyboard.type("6")
    reason = card.locator("input[name=amount_reason]")
    expect(reason).to_be_visible()
    tab_to(page, reason)
    page.keyboard.type("Printed both sides as asked")
    page.keyboard.press("Enter")
    expect(card.locator(".status")).to_have_text("Ready")
    job.refresh_from_db()
    assert (job.status, job.amount_paise, job.amount_reason) == (
        PrintJob.Status.READY,
        600,
        "Printed both sides as asked",
    )

    pay("print_job", job)  # the student pays; the card asks for the release code
    job.refresh_from_db()
    code = card.get_by_label(f"Pickup code for print job {job.pk}")
    expect(code).to_be_visible()
    tab_to(page, code, backwards=True)
    page.keyboard.type(job.pickup_code)
    page.keyboard.press("Enter")
    expect(card.locator(".status")).to_have_text("Completed")
    assert PrintJob.objects.get(pk=job.pk).status == PrintJob.Status.COMPLETED
