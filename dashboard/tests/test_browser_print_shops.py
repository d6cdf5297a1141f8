"""Issue 21 in real Chromium: a student picks a range and colour, sees the price change and sends;
the print shop sees the selection, the colour pages and their previews, and completes with the code."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import StudentFactory
from catalog.tests.factories import PrintServiceFactory
from stationery.models import PrintJob
from stationery.tests.pdfs import content_pdf_bytes

from .conftest import LAPTOP
from .factories import pay, stationery_vendor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 780}
KINDS = ["grey", "colour", "grey", "colour", "blank", "grey", "colour"]  # colour pages 2, 4, 7


def test_range_and_auto_colour_change_the_price_and_the_shop_sees_the_colour_pages(
    open_dashboard, screenshots_dir, sandbox
):
    vendor = stationery_vendor("Colour Corner")
    PrintServiceFactory(vendor=vendor, name="A4 prints", price_paise=200, colour_price_paise=1000)
    PrintServiceFactory(vendor=vendor, name="Spiral binding", unit="job", price_paise=3000)
    student = StudentFactory()

    page = open_dashboard(student, viewport=PHONE, path=f"/print/{vendor.pk}")
    estimate = page.get_by_test_id("estimate")
    page.get_by_label("PDF file").set_input_files(
        {"name": "report.pdf", "mimeType": "application/pdf", "buffer": content_pdf_bytes(KINDS)}
    )
    expect(estimate).to_contain_text("Estimate: ₹14 for 7 of 7 pages (3 in colour: 2, 4, 7)")
    page.get_by_test_id("page-range").fill("1-4,7")
    expect(estimate).to_contain_text("Estimate: ₹10 for 5 of 7 pages")
    page.get_by_label("Colour pages in colour").check()
    # 2 black-and-white pages at ₹2 and 3 colour pages at ₹10.
    expect(estimate).to_contain_text("Estimate: ₹34 for 5 of 7 pages (3 in colour: 2, 4, 7)")
    page.get_by_label("Spiral binding").check()
    expect(estimate).to_contain_text("Estimate: ₹64")
    expect(page.locator("[data-previews] img")).to_have_count(4)
    assert not PrintJob.objects.exists()
    page.screenshot(path=str(screenshots_dir / "print-form-colour-360.png"), full_page=True)
    width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"the print form scrolls sideways at 360 px: {width}"
    page.set_viewport_size(LAPTOP)
    page.screenshot(path=str(screenshots_dir / "print-form-colour-1280.png"), full_page=True)

    page.get_by_role("button", name="Send to the shop").click()
    page.wait_for_url("**/print-jobs")
    job = PrintJob.objects.get()
    assert (job.page_range, job.colour_mode, job.colour_pages, job.estimated_paise) == (
        "1-4,7",
        "auto",
        [2, 4, 7],
        6400,
    )

    dashboard = open_dashboard(vendor, viewport=LAPTOP)
    card = dashboard.locator(f"#job-{job.pk}")
    expect(card).to_contain_text("5 pages of 7 (pages 1-4,7)")
    expect(card).to_contain_text("Colour pages: 2, 4, 7")
    expect(card).to_contain_text("Finishing (per copy): Spiral binding")
    expect(card.locator(".thumb img")).to_have_count(5)
    expect(card.locator(".thumb--colour")).to_have_count(3)
    dashboard.wait_for_function(
        "() => [...document.querySelectorAll('.thumb img')].every((img) => img.complete && img.naturalWidth > 0)"
    )
    dashboard.screenshot(path=str(screenshots_dir / "dashboard-print-colour-1280.png"), full_page=True)
    dashboard.set_viewport_size(PHONE)
    dashboard.screenshot(path=str(screenshots_dir / "dashboard-print-colour-360.png"), full_page=True)
    dashboard.set_viewport_size(LAPTOP)

    card.get_by_role("button", name="Accept").click()
    expect(card).to_contain_text("Ready by")
    card.get_by_role("button", name="Set amount & mark ready").click()
    expect(card).to_contain_text("Waiting for the student to pay")
    job.refresh_from_db()
    pay("print_job", job)
    job.refresh_from_db()
    code = card.get_by_label(f"Pickup code for print job {job.pk}")
    code.fill(job.pickup_code)
    card.get_by_role("button", name="Complete").click()
    expect(card.locator(".status")).to_have_text("Completed")
    job.refresh_from_db()
    assert job.status == PrintJob.Status.COMPLETED
