"""Issue 20 in real Chromium: a food vendor adds a weekly schedule in the dashboard and its slots
exist in the database; closes a day; presses "busy" for 15 minutes and resumes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from catalog.models import Shop
from ordering.models import Closure, Slot, SlotSchedule

from .conftest import LAPTOP
from .factories import food_vendor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 780}


def test_a_schedule_made_in_the_editor_makes_its_slots_and_busy_pauses(open_dashboard, screenshots_dir):
    vendor = food_vendor("Chai Adda")
    page = open_dashboard(vendor, viewport=LAPTOP)
    page.locator('.tab[data-tab="slots"]').click()

    form = page.locator("#schedule-form")
    for day in ("Sat", "Sun"):
        form.get_by_label(day).check()  # Mon–Fri are ticked to start with: every day now
    form.get_by_label("First slot starts").fill("08:00")
    form.get_by_label("Last slot ends").fill("09:00")
    form.get_by_label("Each slot (minutes)").fill("30")
    form.get_by_label("Orders per slot").fill("6")
    form.get_by_label("Kitchen units per slot (empty: no cap)").fill("18")
    form.get_by_role("button", name="Add schedule").click()

    listed = page.locator("#schedules-list li")
    expect(listed).to_have_count(1)
    expect(listed.first).to_contain_text(
        "Mon, Tue, Wed, Thu, Fri, Sat, Sun · 08:00–09:00 · every 30 min · 6 orders · 18 kitchen units"
    )
    schedule = SlotSchedule.objects.get(vendor=vendor)
    assert (schedule.weekdays, schedule.slot_minutes, schedule.capacity, schedule.capacity_units) == (
        list(range(7)),
        30,
        6,
        18,
    )
    slots = Slot.objects.filter(vendor=vendor, schedule=schedule)
    assert 12 <= slots.count() <= 14  # 7 days × 2, less today's if already begun
    assert {(s.capacity, s.capacity_units, s.ends_at - s.starts_at) for s in slots} == {(6, 18, timedelta(minutes=30))}
    assert {timezone.localtime(s.starts_at).strftime("%H:%M") for s in slots} == {"08:00", "08:30"}

    # Close a day: its slots go.
    closed = timezone.localdate() + timedelta(days=3)
    closure_form = page.locator("#closure-form")
    closure_form.get_by_label("Closed on").fill(closed.isoformat())
    closure_form.get_by_label("Why (optional)").fill("Sports day")
    closure_form.get_by_role("button", name="Close that day").click()
    expect(page.locator("#closures-list li")).to_contain_text(f"{closed.isoformat()} · Sports day")
    assert Closure.objects.filter(vendor=vendor, date=closed).exists()
    assert not Slot.objects.filter(vendor=vendor, starts_at__date=closed).exists()

    # The tomorrow's table shows the generated slots with their units.
    tomorrow = timezone.localdate() + timedelta(days=1)
    page.locator("#slots-day").fill(tomorrow.isoformat())
    page.locator("#slots-day").dispatch_event("change")
    expect(page.locator("#slots-table tbody tr")).to_have_count(2)
    expect(page.locator("#slots-table tbody tr").first.locator(".units")).to_have_text("0 / 18")

    # Busy for 15 minutes, then resume.
    page.get_by_role("group", name="Busy: pause new orders").get_by_role("button", name="15 min").click()
    expect(page.locator("#busy-state")).to_contain_text(re.compile(r"Busy · paused until \d"))
    until = Shop.objects.get(pk=vendor.pk).paused_until
    assert until is not None and timedelta(minutes=14) < until - timezone.now() <= timedelta(minutes=15)
    page.evaluate("() => window.scrollTo(0, 0)")  # the sticky top bar at the top of the full-page shot
    page.screenshot(path=str(screenshots_dir / "dashboard-schedules-1280.png"), full_page=True)

    phone = open_dashboard(vendor, viewport=PHONE)
    phone.locator('.tab[data-tab="slots"]').click()
    expect(phone.locator("#schedules-list li")).to_have_count(1)
    expect(phone.locator("#busy-state")).to_contain_text("Busy · paused until")
    phone.screenshot(path=str(screenshots_dir / "dashboard-schedules-360.png"), full_page=True)
    width = phone.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"the schedule editor scrolls sideways at 360 px: {width}"

    phone.get_by_role("button", name="Resume").click()
    expect(phone.locator("#busy-state")).to_have_text("Taking new orders")
    assert Shop.objects.get(pk=vendor.pk).paused_until is None
