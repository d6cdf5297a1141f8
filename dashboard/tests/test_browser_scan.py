"""The queue cards' "Scan code" in real Chromium (issues 20 and 21): a fake camera shows the
student's QR and the card completes itself through its complete action. Also on the food queue:
the "Late +10 min" button and the orders not collected in time.

The page only talks to the API, so each assertion on the page is followed by one on the database.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ordering.models import Order
from ordering.tests.factories import accepted_order, ready_order
from stationery import services as stationery_services
from stationery.models import PrintJob

from .camera import qr_picture, write_y4m
from .conftest import LAPTOP
from .factories import dish, food_vendor, pay, print_service, slot, stationery_vendor, submit_print_job

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def _paid_job(vendor) -> PrintJob:
    job, _ = submit_print_job(print_service(vendor), pages=2, copies=1)
    stationery_services.print_job_accept(vendor=vendor, job_id=job.pk)
    stationery_services.print_job_mark_ready(vendor=vendor, job_id=job.pk, amount_paise=job.estimated_paise)
    job.refresh_from_db()
    pay("print_job", job)
    job.refresh_from_db()
    assert job.status == PrintJob.Status.PAID and len(job.pickup_code) == 6
    return job


def test_a_paid_print_job_is_completed_by_scanning_its_release_code(
    camera_browser, open_dashboard, tmp_path, screenshots_dir, sandbox
):
    vendor = stationery_vendor()
    job = _paid_job(vendor)
    # The scanner open on the card, at both widths, looking at a QR that is no code (so it stays open).
    other_qr = camera_browser(write_y4m(tmp_path / "other-qr.y4m", qr_picture("menu: tapntake.example")))
    for viewport in (PHONE, LAPTOP):
        shot = open_dashboard(vendor, viewport=viewport, browser=other_qr)
        card = shot.locator(f"#job-{job.pk}")
        scan = card.get_by_role("button", name="Scan code")
        expect(scan).to_have_accessible_description(f"Scan the release code of print job {job.pk} with the camera")
        scan.click()
        stop = card.get_by_role("button", name=f"Stop the camera for print job {job.pk}")
        expect(stop).to_be_focused()
        expect(card.get_by_role("status")).to_have_text("Hold the student's QR code in front of the camera.")
        shot.wait_for_function("() => document.querySelector('.scanner__video').readyState >= 2")
        shot.wait_for_timeout(600)  # a few frames read, none a code
        assert shot.evaluate("document.documentElement.scrollWidth") <= viewport["width"]  # no sideways scrolling
        card.screenshot(path=str(screenshots_dir / f"dashboard-card-scanner-{viewport['width']}.png"))
        shot.screenshot(path=str(screenshots_dir / f"dashboard-scanner-{viewport['width']}.png"), full_page=True)
        shot.keyboard.press("Enter")  # the focused Stop button
        expect(card.locator("video")).to_be_hidden()
        assert shot.evaluate("document.querySelector('.scanner__video').srcObject") is None  # camera released
    assert PrintJob.objects.values_list("status", flat=True).get(pk=job.pk) == PrintJob.Status.PAID

    browser = camera_browser(write_y4m(tmp_path / "release-qr.y4m", qr_picture(job.pickup_code)))
    page = open_dashboard(vendor, browser=browser)
    card = page.locator(f"#job-{job.pk}")
    scan = card.get_by_role("button", name="Scan code")
    expect(scan).to_have_attribute("aria-pressed", "false")
    scan.focus()
    page.keyboard.press("Enter")
    expect(card.locator(".status")).to_have_text("Completed")
    assert PrintJob.objects.values_list("status", flat=True).get(pk=job.pk) == PrintJob.Status.COMPLETED
    expect(card.locator("video")).to_have_count(0)  # the pickup form, and its camera, are gone


def _clock(moment: datetime) -> str:
    """As the dashboard writes a time: 24-hour campus time."""
    return timezone.localtime(moment).strftime("%H:%M")


def test_late_moves_the_ready_time_and_an_unclaimed_order_waits_in_the_queue(open_dashboard):
    vendor = food_vendor()
    lunch = slot(vendor)
    dosa = dish(vendor, "Masala dosa", 6000)
    late = accepted_order(slot=lunch, lines={dosa: 1})
    missed = ready_order(slot=lunch, lines={dosa: 2})
    Order.objects.filter(pk=missed.pk).update(status=Order.Status.UNCLAIMED)  # as the no-show batch leaves it
    before = late.estimated_ready_at
    assert before is not None

    page = open_dashboard(vendor)
    card = page.locator(f"#order-{late.pk}")
    expect(card).to_contain_text(f"Ready about {_clock(before)}")
    card.get_by_role("button", name="Late +10 min").click()
    expect(card).to_contain_text(f"Ready about {_clock(before + timedelta(minutes=10))} · 10 min late")
    late.refresh_from_db()
    assert late.estimated_ready_at == before + timedelta(minutes=10)
    assert late.status == Order.Status.ACCEPTED

    unclaimed = page.locator(f"#order-{missed.pk}")
    expect(unclaimed.locator(".status")).to_have_text("Not collected")
    expect(unclaimed).to_contain_text("Not collected in time")
    unclaimed.get_by_label(f"Pickup code for order {missed.pk}").fill(missed.pickup_code)
    unclaimed.get_by_role("button", name="Complete").click()
    expect(unclaimed.locator(".status")).to_have_text("Completed")
    assert Order.objects.values_list("status", flat=True).get(pk=missed.pk) == Order.Status.COMPLETED
