"""`manage.py seed_demo` (campus/management/commands/seed_demo.py over campus/demo/): the demo campus."""

import re
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import StudentFactory, admin_login_through_the_form
from campus.demo.builders import demo_slot_times
from campus.demo.data import VENDORS
from campus.management.commands import seed_demo
from catalog.models import MenuItem, PrintService, Shop
from ordering.models import Order, Slot
from stationery.models import PrintJob

pytestmark = pytest.mark.django_db
IST = ZoneInfo("Asia/Kolkata")


def run(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "shops": Shop.objects.count(),
        "menu_items": MenuItem.objects.count(),
        "print_services": PrintService.objects.count(),
        "slots": Slot.objects.count(),
    }


def printed_password(output: str) -> str:
    return re.search(r"password (\S+)", output).group(1)


def test_seed_demo_builds_the_campus_and_is_safe_to_run_twice(api_client):
    first_output = run()
    first = counts()
    second_output = run()
    assert counts() == first

    # People: one staff, four vendors, three students.
    assert User.objects.filter(role="staff", is_staff=True, is_superuser=True).count() == 1
    assert User.objects.filter(role="vendor").count() == 4
    assert User.objects.filter(role="student").count() == 3
    assert first["users"] == 8

    # The printed staff password signs in to the admin, and a rerun prints one that works too.
    staff = User.objects.get(role="staff")
    assert staff.check_password(printed_password(second_output))
    assert staff.phone in first_output
    browser = Client()
    signed_in = admin_login_through_the_form(browser, phone=staff.phone, password=printed_password(second_output))
    assert signed_in.status_code == 302
    assert browser.get("/admin/").status_code == 200

    # Every sign-in phone is printed.
    for user in User.objects.all():
        assert user.phone in second_output

    food = Shop.objects.filter(vendor_type="food", vendor__is_approved=True)
    assert food.count() == 2
    for shop in food:
        items = MenuItem.objects.filter(vendor_id=shop.pk, is_deleted=False)
        assert items.count() == 12
        # Canteen prices: rupees, stored as paise.
        assert all(1000 <= item.price_paise <= 20000 and item.price_paise % 100 == 0 for item in items)
        assert items.values("category").distinct().count() >= 3
    assert MenuItem.objects.filter(name="Masala Dosa", price_paise=5000).exists()

    stationery = Shop.objects.get(vendor_type="stationery")
    services = {s.name: s for s in PrintService.objects.filter(vendor_id=stationery.pk)}
    assert (services["B/W print"].unit, services["B/W print"].price_paise, services["B/W print"].is_colour) == (
        "page",
        200,
        False,
    )
    assert services["Colour print"].is_colour and services["Colour print"].unit == "page"
    assert services["Spiral binding"].unit == "job"
    colour = services["A4 print, colour pages in colour"]
    assert (colour.price_paise, colour.colour_price_paise) == (200, 1000)
    # A sample job whose report has one colour page (the chart on page 2), printed with binding.
    job = PrintJob.objects.get(note__startswith="Demo: the chart")
    assert (job.page_range, job.colour_mode, job.colour_pages, job.finishing) == (
        "1-3",
        "auto",
        [2],
        [services["Spiral binding"].pk],
    )
    assert job.estimated_paise == (2 * 200 + 1000) * 2 + 3000 * 2

    pending = User.objects.get(role="vendor", is_approved=False)
    assert Shop.objects.filter(pk=pending.pk).exists()

    # Students see exactly the three approved shops.
    listed = {row["id"] for row in api_client.get("/api/v1/vendors").json()["results"]}
    assert listed == set(food.values_list("pk", flat=True)) | {stationery.pk}

    # Slots by hand: only the food vendors', all ahead, 30 minutes, capacity 10, inside lunch or evening.
    assert sum(slot.reserved for slot in Slot.objects.all()) == 3  # the demo's ready, unclaimed and late orders
    now = timezone.now()
    for slot in Slot.objects.filter(schedule__isnull=True):
        assert slot.vendor.vendor_type == "food" and slot.vendor.is_approved
        assert slot.starts_at > now - timedelta(minutes=1)
        assert slot.ends_at - slot.starts_at == timedelta(minutes=30)
        # Empty but for the demo's orders waiting at the counter (test_seed_demo_shows_the_counter_orders...).
        assert slot.capacity == 10 and slot.reserved == slot.orders.filter(status__in=Order.LIVE_STATUSES).count()
        local = slot.starts_at.astimezone(IST).time()
        assert local.minute in (0, 30)
        assert (12 <= local.hour < 14) or (17 <= local.hour < 20) or (local.hour == 14 and local.minute == 0)
    # Tomorrow's 11 slots per food vendor exist whatever the time of day.
    tomorrow = timezone.localdate(now, IST) + timedelta(days=1)
    for shop in food:
        assert Slot.objects.filter(vendor_id=shop.pk, schedule__isnull=True, starts_at__date=tomorrow).count() == 11


def test_seed_demo_shows_the_kitchen_flow():
    from campus.demo.kitchen import DEMO_CLOSURE_DAYS_AHEAD
    from ordering.models import Closure, SlotSchedule

    run()
    schedule = SlotSchedule.objects.get()
    closure = Closure.objects.get(vendor=schedule.vendor)
    assert closure.date == timezone.localdate() + timedelta(days=DEMO_CLOSURE_DAYS_AHEAD)
    generated = Slot.objects.filter(schedule=schedule)
    assert generated.exists() and not generated.filter(starts_at__date=closure.date).exists()
    assert {(s.capacity, s.capacity_units, s.ends_at - s.starts_at) for s in generated} == {
        (8, 24, timedelta(minutes=20))
    }
    assert MenuItem.objects.get(vendor=schedule.vendor, name="Veg Thali").prep_units == 3
    before = generated.count()
    run()
    assert Slot.objects.filter(schedule=schedule).count() == before
    assert (SlotSchedule.objects.count(), Closure.objects.count()) == (1, 1)


def test_seed_demo_staff_password_option():
    run("--staff-password", "demo-pass-123")
    assert User.objects.get(role="staff").check_password("demo-pass-123")


def test_seed_demo_late_at_night_creates_only_tomorrows_slots(monkeypatch):
    late = datetime.now(IST).replace(hour=23, minute=30, second=0, microsecond=0)
    monkeypatch.setattr(seed_demo, "now", lambda: late)
    run()
    by_hand = Slot.objects.filter(schedule__isnull=True)
    local_days = {slot.starts_at.astimezone(IST).date() for slot in by_hand}
    assert local_days == {late.date() + timedelta(days=1)}
    assert by_hand.count() == 2 * 11


def test_seed_demo_fills_in_what_is_missing_without_duplicating():
    run()
    vendor_item = MenuItem.objects.get(name="Masala Dosa")
    vendor_item.is_deleted = True
    vendor_item.save()
    before = counts()
    run()
    after = counts()
    assert after["menu_items"] == before["menu_items"] + 1
    assert MenuItem.objects.filter(name="Masala Dosa", is_deleted=False).count() == 1


def test_seed_demo_refuses_a_demo_phone_taken_by_another_role():
    StudentFactory(phone=VENDORS[0].phone)
    with pytest.raises(CommandError, match="already belongs to a student"):
        run()


@pytest.mark.parametrize(
    ("hour", "minute", "expected"),
    [
        (8, 0, 22),  # before lunch: all of today's 11 and tomorrow's 11
        (13, 10, 2 + 6 + 11),  # during lunch: 13:30 and 14:00, the evening, tomorrow
        (14, 0, 6 + 11),  # a slot starting right now is not ahead
        (19, 45, 11),  # after the last slot start
        (23, 59, 11),  # late at night: tomorrow's still exist
    ],
)
def test_demo_slot_times(hour, minute, expected):
    at = datetime(2026, 3, 10, hour, minute, tzinfo=IST)
    slots = demo_slot_times(at=at)
    assert len(slots) == expected
    assert all(start > at and end - start == timedelta(minutes=30) for start, end in slots)
    starts = [start.astimezone(IST).strftime("%d %H:%M") for start, _ in slots]
    assert "11 12:00" in starts and "11 19:30" in starts and "11 20:00" not in starts and "11 14:30" not in starts


def test_demo_slot_times_follow_the_time_zone_setting(settings):
    """Issue 17: the campus day is settings.TIME_ZONE, read at use time, never a zone written in the command."""
    settings.TIME_ZONE = "Europe/London"
    london = ZoneInfo("Europe/London")
    slots = demo_slot_times(at=datetime(2026, 3, 10, 8, 0, tzinfo=london))
    starts = [start.astimezone(london).strftime("%d %H:%M") for start, _ in slots]
    assert len(slots) == 22 and starts[0] == "10 12:00" and "11 19:30" in starts


def test_seed_demo_opens_its_shops_and_shows_money_states(settings, tmp_path):
    """Shops start closed, so the demo opens the approved ones; it shows a processed refund and a repriced job."""
    from payments.models import Refund

    settings.MEDIA_ROOT = str(tmp_path)
    run()
    run()
    shops = dict(Shop.objects.values_list("vendor__is_approved", "is_open").order_by("vendor__is_approved"))
    assert set(Shop.objects.filter(vendor__is_approved=True).values_list("is_open", flat=True)) == {True}
    assert shops[False] is False  # the vendor waiting for approval stays closed
    [refund] = Refund.objects.all()
    assert refund.status == "processed" and refund.processed_at is not None
    assert refund.payment.order.status == "rejected"
    job = PrintJob.objects.get(status="ready")
    assert job.status == "ready" and job.amount_reason and job.is_above_estimate_tolerance


def test_seed_demo_shows_the_counter_orders_and_a_paid_print_job_with_its_release_code(settings, tmp_path):
    """Issues 20 and 21: a ready, an unclaimed and a late order at the demo canteen; a paid job with its code."""
    from campus.demo import data
    from payments.models import Payment

    settings.MEDIA_ROOT = str(tmp_path)
    run()
    canteen = User.objects.get(phone=next(d.phone for d in VENDORS if d.vendor_type == "food" and d.approved))
    orders = {o.note: o for o in Order.objects.filter(vendor=canteen, note__startswith="Demo: ")}
    ready, unclaimed, late = (
        orders[data.DEMO_READY_NOTE],
        orders[data.DEMO_UNCLAIMED_NOTE],
        orders[data.DEMO_DELAYED_NOTE],
    )
    assert (ready.status, unclaimed.status, late.status) == ("ready", "unclaimed", "accepted")
    for order in (ready, unclaimed, late):
        assert re.fullmatch(r"[0-9]{6}", order.pickup_code)
        assert Payment.objects.get(order=order).status == Payment.Status.CAPTURED
    assert len({ready.student_id, unclaimed.student_id, late.student_id}) == 3
    assert late.delay_minutes == data.DEMO_DELAY_MINUTES
    assert late.estimated_ready_at >= late.slot.starts_at + timedelta(minutes=data.DEMO_DELAY_MINUTES)

    job = PrintJob.objects.get(note=data.DEMO_RELEASE_NOTE)
    assert job.status == "paid" and re.fullmatch(r"[0-9]{6}", job.pickup_code)
    assert job.vendor.vendor_type == "stationery"
    assert Payment.objects.get(print_job=job).captured_paise == job.amount_paise > 0
    student = Client()
    student.force_login(job.student)
    page = student.get("/print-jobs").content.decode()
    assert f">{job.pickup_code}</p>" in page and 'aria-label="QR code of your release code"' in page

    before = (Order.objects.count(), PrintJob.objects.count(), Payment.objects.count())
    run()
    assert (Order.objects.count(), PrintJob.objects.count(), Payment.objects.count()) == before
