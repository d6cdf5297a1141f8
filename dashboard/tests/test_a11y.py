"""Issue 25, accessible: every view of the vendor dashboard passes axe-core (no serious or critical
violation) at 360 and 1280 px: each tab of the food and the print dashboard, the menu editor, the
schedules and the counter. The queues hold a card in each state (food: paid, accepted, ready with
its pickup form; print: submitted with its page previews, accepted with its price form, ready,
paid with its release-code form), and the cards' expanded parts are checked open: the reject
form, and the price form asking why the amount is above the estimate."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ordering.services import order_accept, order_mark_ready
from stationery import services as stationery_services
from tests.a11y import describe, serious_violations

from .conftest import LAPTOP
from .factories import (
    dish,
    food_vendor,
    paid_order,
    pay,
    place_order,
    print_service,
    slot,
    stationery_vendor,
    submit_print_job,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 780}


def _settled(page) -> None:
    page.wait_for_load_state("networkidle")


def _tab(page, name: str) -> None:
    page.locator(f'.tab[data-tab="{name}"]').click()
    expect(page.locator(f"#panel-{name}")).to_be_visible()
    _settled(page)


def test_every_dashboard_view_passes_axe_core_at_360_and_1280_px(open_dashboard, sandbox):
    food = food_vendor()
    lunch = slot(food)
    dosa, coffee = dish(food, "Masala dosa", 6000), dish(food, "Filter coffee", 2000, category="Drinks")
    paid = paid_order(lunch, {dosa: 2, coffee: 1}, note="Less spicy, please")
    order_accept(order_id=paid_order(lunch, {coffee: 2}).pk, vendor=food)
    ready = order_accept(order_id=paid_order(lunch, {dosa: 1}).pk, vendor=food)
    order_mark_ready(order_id=ready.pk, vendor=food)
    place_order(lunch, {dosa: 1})
    shop = stationery_vendor()
    service = print_service(shop)
    job, _ = submit_print_job(service, pages=3, copies=1)
    accepted_job, ready_job, paid_job = (submit_print_job(service, pages=2, copies=1)[0] for _ in range(3))
    for later in (accepted_job, ready_job, paid_job):
        stationery_services.print_job_accept(vendor=shop, job_id=later.pk)
    for later in (ready_job, paid_job):
        stationery_services.print_job_mark_ready(vendor=shop, job_id=later.pk, amount_paise=400)
    paid_job.refresh_from_db()
    pay("print_job", paid_job)

    problems = []
    for viewport in (PHONE, LAPTOP):
        width = viewport["width"]

        def check(page, name: str) -> None:
            problems.extend(describe(serious_violations(page), f"{name} at {width} px"))

        page = open_dashboard(food, viewport)
        expect(page.locator(f"#slot-{lunch.pk} .order")).to_have_count(3)
        expect(page.locator(f"#order-{ready.pk} input[name=pickup_code]")).to_be_visible()
        _settled(page)
        check(page, "food: orders")
        card = page.locator(f"#order-{paid.pk}")
        card.get_by_role("button", name="Reject…").click()
        expect(card.locator(".reject-form")).to_be_visible()
        check(page, "food: orders, a reject form open")
        card.get_by_role("button", name="Keep").click()
        _tab(page, "slots")
        expect(page.locator("#schedule-form")).to_be_visible()
        check(page, "food: slots and schedules")
        _tab(page, "menu")
        expect(page.locator("#menu-table tr.menu-row")).to_have_count(2)
        check(page, "food: menu")
        page.locator('#menu-table tr[data-name="Masala dosa"]').get_by_role("button", name="Edit").click()
        expect(page.locator("#menu-form")).to_be_visible()
        _settled(page)
        check(page, "food: menu editor")
        _tab(page, "history")
        check(page, "food: history")
        _tab(page, "money")
        expect(page.locator("#sales-chart g.day")).to_have_count(14)
        check(page, "food: money")

        counter = open_dashboard(food, viewport, path="/dashboard/counter")
        _settled(counter)
        check(counter, "counter")

        page = open_dashboard(shop, viewport)
        expect(page.locator(f"#job-{job.pk}")).to_be_visible()
        expect(page.locator(f"#job-{job.pk} .thumbs img")).to_have_count(3)
        expect(page.locator(f"#job-{paid_job.pk} input[name=pickup_code]")).to_be_visible()
        _settled(page)
        check(page, "print: jobs")
        card = page.locator(f"#job-{job.pk}")
        card.get_by_role("button", name="Reject…").click()
        expect(card.locator(".reject-form")).to_be_visible()
        priced = page.locator(f"#job-{accepted_job.pk}")
        priced.locator("input[name=amount]").fill("90")  # well above the estimate: the form asks why
        expect(priced.locator("input[name=amount_reason]")).to_be_visible()
        check(page, "print: jobs, a reject form and the price's reason open")
        card.get_by_role("button", name="Keep").click()
        for name in ("services", "history", "money"):
            _tab(page, name)
            check(page, f"print: {name}")
    assert problems == [], "axe-core found serious or critical violations:\n" + "\n".join(problems)
