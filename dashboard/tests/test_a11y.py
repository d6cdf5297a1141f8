"""Issue 25, accessible: every view of the vendor dashboard passes axe-core (no serious or critical
violation) at 360 and 1280 px: each tab of the food and the print dashboard, the menu editor, the
schedules and the counter."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ordering.services import order_accept
from tests.a11y import describe, serious_violations

from .conftest import LAPTOP
from .factories import (
    dish,
    food_vendor,
    paid_order,
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
    paid_order(lunch, {dosa: 2, coffee: 1}, note="Less spicy, please")
    order_accept(order_id=paid_order(lunch, {coffee: 2}).pk, vendor=food)
    place_order(lunch, {dosa: 1})
    shop = stationery_vendor()
    job, _ = submit_print_job(print_service(shop), pages=3, copies=1)

    problems = []
    for viewport in (PHONE, LAPTOP):
        width = viewport["width"]

        def check(page, name: str) -> None:
            problems.extend(describe(serious_violations(page), f"{name} at {width} px"))

        page = open_dashboard(food, viewport)
        expect(page.locator(f"#slot-{lunch.pk} .order")).to_have_count(2)
        _settled(page)
        check(page, "food: orders")
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
        _settled(page)
        check(page, "print: jobs")
        for name in ("services", "history", "money"):
            _tab(page, name)
            check(page, f"print: {name}")
    assert problems == [], "axe-core found serious or critical violations:\n" + "\n".join(problems)
