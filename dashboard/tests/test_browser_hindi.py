"""Issue 25's Hindi pass of the dashboard: every tab of both kinds of shop in Hindi, in Chromium, at
360 px (a phone at the counter) and 1280 px, with screenshots (test-artifacts/screenshots/hi-dashboard-*).

The vendor chose Hindi with the switcher (stored on the account) and the browser asks for English:
the stored choice wins. On every tab no English word is left but names (the shop's, the dish's, the
service's) and the few words that are names themselves (PDF, QR, CSV, FSSAI, JPEG, PNG, WebP, MB).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import LAPTOP
from .factories import dish, food_vendor, paid_order, print_service, slot, stationery_vendor, submit_print_job

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("compiled_messages")]

PHONE = {"width": 360, "height": 780}
VIEWPORTS = {"360": PHONE, "1280": LAPTOP}
# Words that stay as they are in Hindi text: names, file formats, the product, the other language's button.
KEPT = ("Tap N Take", "English", "FSSAI", "JPEG", "PNG", "WebP", "PDF", "CSV", "QR", "MB", "A4")
WORD = re.compile(r"[A-Za-z]{2,}")


def english_left(text: str, names: tuple[str, ...]) -> list[str]:
    for kept in (*names, *KEPT):
        text = text.replace(kept, " ")
    return WORD.findall(text)


def open_in_hindi(open_dashboard, vendor, viewport):
    vendor.language = "hi"
    vendor.save(update_fields=["language"])
    page = open_dashboard(vendor, viewport=viewport)
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    expect(page.locator("#live-status")).to_contain_text("लाइव", timeout=15_000)
    return page


def visit_tabs(page, tabs, names, screenshots_dir, kind: str, width: str) -> None:
    for tab, ready in tabs:
        page.locator(f'.tab[data-tab="{tab}"]').click()
        panel = page.locator('.panel[role="tabpanel"]:visible')
        expect(panel).to_have_count(1)
        expect(page.locator(ready).first).to_be_visible()
        page.wait_for_timeout(400)  # the tab's lists have answered and are drawn
        page.screenshot(path=str(screenshots_dir / f"hi-dashboard-{kind}-{tab}-{width}.png"), full_page=True)
        text = page.locator("body").inner_text()
        assert english_left(text, names) == [], f"English left on the {tab} tab at {width} px"


@pytest.mark.parametrize("width", VIEWPORTS)
def test_the_food_dashboard_in_hindi_has_no_english_left(open_dashboard, sandbox, screenshots_dir, width):
    vendor = food_vendor("Dosa Point")
    lunch = slot(vendor)
    thali = dish(vendor, "Masala dosa", 10_00_000)  # the dearest a dish may be: ₹10,000
    order = paid_order(lunch, {thali: 12})
    page = open_in_hindi(open_dashboard, vendor, VIEWPORTS[width])

    card = page.locator(f"#order-{order.pk}")
    expect(card).to_be_visible()
    expect(card.locator(".status")).to_have_text("भुगतान हो गया")
    expect(card.get_by_role("button", name="स्वीकार करें")).to_be_visible()
    expect(card).to_contain_text("₹1,20,000.00")  # Indian grouping in Hindi too
    expect(page.locator('.tab[data-tab="queue"]')).to_contain_text("ऑर्डर")

    names = ("Dosa Point", "Masala dosa", "Meals", "MEALS")  # the category is the vendor's name too (CSS may upper-case it)
    visit_tabs(
        page,
        [("queue", "#queue .order"), ("slots", "#schedule-form"), ("menu", "#menu-table .menu-row"),
         ("history", "#history-table tbody tr"), ("money", "#statement-table")],
        names, screenshots_dir, "food", width,
    )  # fmt: skip
    expect(page.locator("#money-period")).to_contain_text("से")


@pytest.mark.parametrize("width", VIEWPORTS)
def test_the_print_shop_dashboard_in_hindi_has_no_english_left(open_dashboard, screenshots_dir, width):
    vendor = stationery_vendor("Xerox Point")
    service = print_service(vendor, "A4 black and white")
    job, _ = submit_print_job(service, pages=3, copies=2)
    page = open_in_hindi(open_dashboard, vendor, VIEWPORTS[width])

    card = page.locator(f"#job-{job.pk}")
    expect(card).to_be_visible()
    expect(card.locator(".status")).to_have_text("नया")
    expect(card).to_contain_text("2 कॉपी")

    names = ("Xerox Point", "A4 black and white")
    visit_tabs(
        page,
        [("jobs", "#jobs .order"), ("services", "#services-table tbody tr"), ("history", "#history-table tbody tr"),
         ("money", "#statement-table")],
        names, screenshots_dir, "print", width,
    )  # fmt: skip


def test_the_switcher_on_the_dashboard_turns_it_english_and_back(open_dashboard):
    vendor = food_vendor("Dosa Point")
    page = open_in_hindi(open_dashboard, vendor, LAPTOP)
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator('.tab[data-tab="queue"]')).to_contain_text("Orders")
    vendor.refresh_from_db()
    assert vendor.language == "en"
    page.get_by_role("button", name="हिन्दी").click()
    expect(page.locator('.tab[data-tab="queue"]')).to_contain_text("ऑर्डर")
    vendor.refresh_from_db()
    assert vendor.language == "hi"
