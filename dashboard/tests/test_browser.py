"""The vendor dashboard in real Chromium against a live server (issue 10's "done when").

Orders, jobs and payments are made through the real services (the payment through
the Razorpay sandbox and payments' one capture path). The page only ever talks
to the API, so every assertion on the page is followed by one on the database.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from catalog.models import MenuItem, PrintService, Shop
from ordering.models import Order, OrderEvent, Slot
from ordering.services import order_accept
from payments.models import Payment, Refund
from stationery.models import PrintJob

from .conftest import LAPTOP, TABLET
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

IST = ZoneInfo("Asia/Kolkata")
# Polling runs every few seconds; give a new order two rounds and some slack.
ARRIVAL_TIMEOUT_MS = 15_000


QUEUE_POLL = re.compile(r"/api/v1/(orders|print-jobs)\?.*status=")


def wait_for_polls(page, count: int = 1) -> None:
    """Wait until the page has polled the queue `count` times, seen from the page and the network."""
    expect(page.locator("#live-status")).to_contain_text("Live · updated")
    for _ in range(count - 1):
        with page.expect_response(QUEUE_POLL, timeout=ARRIVAL_TIMEOUT_MS):
            pass


def wait_for_stream(page) -> None:
    """Wait until the page's event stream is open (static/common/events.js marks the document)."""
    page.wait_for_selector("html[data-live-stream=open]", state="attached", timeout=ARRIVAL_TIMEOUT_MS)


def sound_played(page) -> None:
    """The new-order sound's <audio> element played (after the first tap unlocked it, muted and rewound)."""
    # A function, not an expression: Playwright evals expressions, which the page's CSP refuses.
    page.wait_for_function(
        "() => { const a = document.getElementById('new-order-sound');"
        " return !a.muted && a.currentTime > 0 && (a.ended || !a.paused); }"
    )


def fetch_json(page, method: str, path: str) -> dict:
    """Call the API from inside the page, with the dashboard's own session cookie and CSRF token."""
    return page.evaluate(
        """async ([method, path]) => {
            const token = (document.cookie.match(/csrftoken=([^;]+)/) || [])[1] || "";
            const resp = await fetch(path, {method, credentials: "same-origin",
                headers: {"X-CSRFToken": token, "Content-Type": "application/json", "Accept": "application/json"},
                body: method === "GET" ? undefined : "{}"});
            return {status: resp.status, body: await resp.json()};
        }""",
        [method, path],
    )


def wrong_code(order: Order) -> str:
    return f"{(int(order.pickup_code) + 1) % 1_000_000:06d}"


# --- food counter -------------------------------------------------------------------------


def test_a_new_paid_order_appears_by_itself_and_is_run_to_completion(open_dashboard, sandbox):
    vendor = food_vendor()
    lunch = slot(vendor)
    dosa = dish(vendor, "Masala dosa", 6000)
    page = open_dashboard(vendor)
    wait_for_polls(page)
    page.locator(".brand").click()  # the counter's first tap lets the page make sound
    expect(page.locator(".order")).to_have_count(0)

    order = paid_order(lunch, {dosa: 2})

    card = page.locator(f"#order-{order.pk}")
    expect(card).to_be_visible(timeout=ARRIVAL_TIMEOUT_MS)
    expect(card).to_have_class(re.compile(r"\border--new\b"))
    expect(page.locator("#new-banner")).to_contain_text(f"New order #{order.pk}")
    expect(page.locator("#queue-count")).to_have_text("1")
    sound_played(page)
    expect(card).to_contain_text("2 × Masala dosa")
    expect(card).to_contain_text("₹120.00")
    # The vendor never sees the student's pickup code.
    expect(card).not_to_contain_text(order.pickup_code)

    # Accept, holding the API's answer: the button stays disabled and a second tap sends nothing.
    held = []
    page.route(f"**/api/v1/orders/{order.pk}/accept", lambda route: held.append(route))
    accept = card.get_by_role("button", name="Accept")
    accept.click()
    expect(accept).to_be_disabled()
    accept.click(force=True)
    page.wait_for_timeout(300)
    assert len(held) == 1
    held[0].continue_()
    expect(card.locator(".status")).to_have_text("Accepted")
    page.unroute(f"**/api/v1/orders/{order.pk}/accept")
    order.refresh_from_db()
    assert order.status == Order.Status.ACCEPTED
    assert OrderEvent.objects.filter(order=order, to_status="accepted").count() == 1

    card.get_by_role("button", name="Mark ready").click()
    expect(card.locator(".status")).to_have_text("Ready")
    order.refresh_from_db()
    assert order.status == Order.Status.READY

    # A wrong code: the API's message in plain words, and nothing changes.
    events_before = OrderEvent.objects.filter(order=order).count()
    card.get_by_label(f"Pickup code for order {order.pk}").fill(wrong_code(order))
    card.get_by_role("button", name="Complete").click()
    expect(card.locator(".order__error")).to_have_text("This pickup code is not right.")
    expect(page.locator("#alert")).to_contain_text("This pickup code is not right.")
    expect(card.locator(".status")).to_have_text("Ready")
    order.refresh_from_db()
    assert order.status == Order.Status.READY
    assert OrderEvent.objects.filter(order=order).count() == events_before

    card.get_by_label(f"Pickup code for order {order.pk}").fill(order.pickup_code)
    card.get_by_role("button", name="Complete").click()
    expect(card.locator(".status")).to_have_text("Completed")
    expect(page.locator("#new-banner")).to_contain_text(f"Order #{order.pk} completed")
    order.refresh_from_db()
    assert order.status == Order.Status.COMPLETED


def test_a_vendor_rejects_a_paid_order_with_a_reason_and_it_shows_rejected_and_refunded(open_dashboard, sandbox):
    vendor = food_vendor()
    dosa = dish(vendor, "Paneer dosa", 9000)
    order = paid_order(slot(vendor), {dosa: 1})
    page = open_dashboard(vendor)
    card = page.locator(f"#order-{order.pk}")
    expect(card).to_be_visible()
    expect(page.locator("#live-status")).to_contain_text("Live · updated")  # the first poll has settled

    confirm = card.get_by_role("button", name="Reject order")
    card.get_by_role("button", name="Reject…").click()
    expect(confirm).to_be_visible()
    # No reason, no request: the student must be told why.
    confirm.click()
    expect(card.locator(".order__error")).to_contain_text("type a reason")
    order.refresh_from_db()
    assert order.status == Order.Status.PAID

    card.get_by_label(f"Reason for rejecting order {order.pk}").fill("Out of paneer")
    card.get_by_role("button", name="Reject order").click()
    expect(card.locator(".status")).to_have_text("Rejected")
    expect(card).to_contain_text("Reason: Out of paneer")
    refund_label = card.locator(f'[data-payment-for="order:{order.pk}"]')
    expect(refund_label).to_have_attribute("data-refunded", "true", timeout=ARRIVAL_TIMEOUT_MS)
    expect(refund_label).to_contain_text("Refunded ₹90.00")

    order.refresh_from_db()
    assert order.status == Order.Status.REJECTED
    assert order.reason == "Out of paneer"
    payment = Payment.objects.get(order=order, status__in=Payment.CAPTURED_STATUSES)
    assert payment.status == Payment.Status.REFUNDED
    assert Refund.objects.get(payment=payment).amount_paise == 9000

    # History says the same, from the API.
    page.locator('.tab[data-tab="history"]').click()
    row = page.locator(f'#history-table tr[data-order-id="{order.pk}"]')
    expect(row.locator(".status")).to_have_text("Rejected")
    expect(row.locator(".refund")).to_contain_text("Refunded ₹90.00")


def test_the_prep_sheet_totals_each_item_over_the_slots_live_orders(open_dashboard, sandbox):
    vendor = food_vendor()
    lunch = slot(vendor, capacity=10)
    later = slot(vendor, starts_in=timedelta(hours=3))
    dosa = dish(vendor, "Masala dosa", 6000)
    coffee = dish(vendor, "Filter coffee", 2000)
    first = paid_order(lunch, {dosa: 2, coffee: 1})
    paid_order(lunch, {dosa: 1})
    place_order(lunch, {dosa: 5})  # not paid: nothing to cook yet, but it holds a place
    paid_order(later, {dosa: 4})  # another slot

    page = open_dashboard(vendor)
    group = page.locator(f"#slot-{lunch.pk}")
    expect(group.locator(f"#order-{first.pk}")).to_be_visible()
    expect(group.locator(".slot-group__fill")).to_contain_text("3 / 10 reserved")

    sheet = group.locator(".prep")
    prep = group.get_by_role("button", name="Prep sheet")
    prep.click()
    expect(group.locator('button[aria-expanded="true"]')).to_be_visible()
    expect(sheet.locator("tr")).to_have_count(2, timeout=ARRIVAL_TIMEOUT_MS)
    expect(sheet.locator('tr[data-item="Masala dosa"] .qty')).to_have_text("× 3")
    expect(sheet.locator('tr[data-item="Filter coffee"] .qty')).to_have_text("× 1")

    # Accepting and rejecting orders keeps the open sheet right.
    second = Order.objects.filter(slot=lunch, status="paid").exclude(pk=first.pk).get()
    card = group.locator(f"#order-{second.pk}")
    card.get_by_role("button", name="Reject…").click()
    card.get_by_label(f"Reason for rejecting order {second.pk}").fill("Batter ran out")
    card.get_by_role("button", name="Reject order").click()
    expect(sheet.locator('tr[data-item="Masala dosa"] .qty')).to_have_text("× 2", timeout=ARRIVAL_TIMEOUT_MS)


def test_the_sales_chart_and_the_balance_show_todays_sales(open_dashboard, sandbox):
    vendor = food_vendor()
    lunch = slot(vendor)
    thali = dish(vendor, "Veg thali", 12000)
    paid_order(lunch, {thali: 1})
    paid_order(lunch, {thali: 2})

    page = open_dashboard(vendor)
    page.locator('.tab[data-tab="money"]').click()
    today = timezone.localdate().isoformat()
    days = page.locator("#sales-chart g.day")
    expect(days).to_have_count(14)
    expect(days.last).to_have_attribute("data-date", today, timeout=15_000)  # the statement's fetch, under load
    expect(days.last).to_have_attribute("data-paise", "36000")
    expect(days.last.locator("rect.bar")).to_have_attribute("height", re.compile(r"^[1-9]"))
    expect(page.locator("#sales-chart svg")).to_contain_text("₹360")
    assert page.locator('#sales-chart g.day[data-paise="0"]').count() == 13
    # Issue 16: the figures are the statement's totals (see the Money tab test below).
    expect(page.locator('#balance [data-total="gross_paise"]')).to_have_text("₹360.00")
    expect(page.locator('#balance [data-total="pending_paise"]')).to_have_text("₹360.00")
    expect(page.locator('#balance [data-total="available_paise"]')).to_have_text("₹0.00")
    expect(page.locator('#balance [data-total="refunds_processed_paise"]')).to_have_text("₹0.00")
    expect(page.locator('#balance [data-total="paid_out_paise"]')).to_have_text("₹0.00")


def test_another_vendors_order_never_appears_and_the_api_says_404(open_dashboard, sandbox):
    mine, theirs = food_vendor("Dosa Point"), food_vendor("Chaat Corner")
    my_order = paid_order(slot(mine), {dish(mine, "Idli", 4000): 1})
    their_slot = slot(theirs)
    their_order = paid_order(their_slot, {dish(theirs, "Pani puri", 5000): 1})

    page = open_dashboard(mine)
    expect(page.locator(f"#order-{my_order.pk}")).to_be_visible()
    wait_for_polls(page)
    wait_for_stream(page)
    # The other shop's news goes to its own stream; this shop's refreshes this queue.
    order_accept(order_id=their_order.pk, vendor=theirs)
    order_accept(order_id=my_order.pk, vendor=mine)
    expect(page.locator(f"#order-{my_order.pk} .status")).to_have_text("Accepted")
    expect(page.locator(f"#order-{their_order.pk}")).to_have_count(0)
    expect(page.locator(f"#slot-{their_slot.pk}")).to_have_count(0)
    page.locator('.tab[data-tab="history"]').click()
    expect(page.locator(f'#history-table tr[data-order-id="{my_order.pk}"]')).to_be_visible()
    expect(page.locator(f'#history-table tr[data-order-id="{their_order.pk}"]')).to_have_count(0)

    for method, path in [
        ("GET", f"/api/v1/orders/{their_order.pk}"),
        ("POST", f"/api/v1/orders/{their_order.pk}/accept"),
        ("GET", f"/api/v1/slots/{their_slot.pk}/prep-sheet"),
    ]:
        answer = fetch_json(page, method, path)
        assert answer["status"] == 404, (method, path, answer)
        assert answer["body"]["error"]["code"] == "not_found"
    states = fetch_json(page, "GET", f"/api/v1/dashboard/payment-states?order={their_order.pk}")
    assert states == {"status": 200, "body": {"results": []}}
    their_order.refresh_from_db()
    assert their_order.status == Order.Status.ACCEPTED  # by its own shop, above; never by this one


def test_menu_management_in_rupees(open_dashboard):
    vendor = food_vendor()
    page = open_dashboard(vendor)
    page.locator('.tab[data-tab="menu"]').click()
    form = page.locator("#menu-form")

    form.get_by_label("Name").fill("Paneer roll")
    form.get_by_label("Price (₹)").fill("45,5x")
    form.get_by_role("button", name="Add dish").click()
    expect(page.locator("#alert")).to_contain_text("Enter the price in rupees")
    assert not MenuItem.objects.filter(vendor=vendor).exists()

    form.get_by_label("Price (₹)").fill("45.50")
    form.get_by_label("Category").fill("Rolls")
    form.get_by_role("button", name="Add dish").click()
    row = page.locator('#menu-table tr[data-name="Paneer roll"]')
    expect(row.locator(".price")).to_have_text("₹45.50")
    item = MenuItem.objects.get(vendor=vendor)
    assert (item.name, item.price_paise, item.category, item.is_available) == ("Paneer roll", 4550, "Rolls", True)

    row.get_by_label("Paneer roll available").uncheck()
    expect(row.get_by_label("Paneer roll available")).not_to_be_checked()
    page.wait_for_function("() => !document.querySelector('#menu-table [aria-busy]')")
    item.refresh_from_db()
    assert item.is_available is False

    row.get_by_role("button", name="Edit").click()
    expect(form.get_by_label("Price (₹)")).to_have_value("45.50")
    form.get_by_label("Price (₹)").fill("50")
    form.get_by_role("button", name="Save changes").click()
    expect(page.locator('#menu-table tr[data-name="Paneer roll"] .price')).to_have_text("₹50.00")
    item.refresh_from_db()
    assert item.price_paise == 5000


def test_slot_management_creates_a_day_in_one_go_and_changes_capacity(open_dashboard, sandbox):
    vendor = food_vendor()
    page = open_dashboard(vendor)
    form = page.locator("#slot-batch-form")
    page.locator('.tab[data-tab="slots"]').click()
    expect(form).to_be_visible()
    tomorrow = timezone.localdate() + timedelta(days=1)
    form.get_by_label("Day").fill(tomorrow.isoformat())
    form.get_by_label("First slot starts").fill("12:00")
    form.get_by_label("Last slot ends").fill("13:30")
    form.get_by_label("Each slot (minutes)").fill("30")
    form.get_by_label("Orders per slot").fill("15")
    expect(page.locator("#slot-batch-preview")).to_have_text("3 slots: 12:00–12:30, 12:30–13:00, 13:00–13:30")
    form.get_by_role("button", name="Create slots").click()
    expect(page.locator("#slots-table tbody tr")).to_have_count(3)

    slots = list(Slot.objects.filter(vendor=vendor).order_by("starts_at"))
    assert [(s.starts_at.astimezone(IST).strftime("%Y-%m-%d %H:%M"), s.capacity) for s in slots] == [
        (f"{tomorrow} 12:00", 15),
        (f"{tomorrow} 12:30", 15),
        (f"{tomorrow} 13:00", 15),
    ]

    first = slots[0]
    row = page.locator(f'#slots-table tr[data-slot-id="{first.pk}"]')
    row.get_by_label(re.compile("Capacity of")).fill("5")
    row.get_by_role("button", name="Save").click()
    expect(page.locator("#new-banner")).to_contain_text(re.compile(r"Saved .*12:00–12:30"))
    expect(page.locator(f'#slots-table tr[data-slot-id="{first.pk}"] input[type=number]')).to_have_value("5")
    first.refresh_from_db()
    assert first.capacity == 5

    # Below the places already taken: the API refuses and says why, in words.
    dosa = dish(vendor, "Masala dosa", 6000)
    place_order(first, {dosa: 1})
    place_order(first, {dosa: 1})
    page.locator("#slots-day").dispatch_event("change")
    row = page.locator(f'#slots-table tr[data-slot-id="{first.pk}"]')
    expect(row.locator(".reserved")).to_have_text("2")
    row.get_by_label(re.compile("Capacity of")).fill("1")
    row.get_by_role("button", name="Save").click()
    expect(page.locator("#alert")).to_contain_text("2 places are already taken; capacity cannot be lower.")
    expect(row.get_by_label(re.compile("Capacity of"))).to_have_value("5")
    first.refresh_from_db()
    assert first.capacity == 5


def test_the_open_closed_switch_pauses_taking_orders(open_dashboard):
    vendor = food_vendor()
    page = open_dashboard(vendor)
    label = page.locator("#shop-open-label")
    expect(label).to_have_text("Open · taking orders")
    page.locator(".switch").click()
    expect(label).to_have_text("Closed · paused")
    expect(page.locator("#shop-open")).to_be_enabled()
    assert Shop.objects.get(vendor=vendor).is_open is False
    page.locator(".switch").click()
    expect(label).to_have_text("Open · taking orders")
    expect(page.locator("#shop-open")).to_be_enabled()
    assert Shop.objects.get(vendor=vendor).is_open is True


@pytest.mark.parametrize("viewport", [{"width": 360, "height": 780}, LAPTOP], ids=["phone", "laptop"])
def test_the_first_press_on_the_page_opens_what_it_presses(open_dashboard, viewport):
    """The first press anywhere lets the page play sound, and the sound button's words change with
    it. They changed on pointer-down, so the top bar rewrapped under the held button and the tabs
    moved: the release landed elsewhere and the vendor's first tap did nothing. Now the words wait
    for the click, and the tabs hold still while the button is held."""
    shop = stationery_vendor()
    page = open_dashboard(shop, viewport)
    expect(page.locator("#shop-open-label")).to_have_text("Open · taking orders")
    page.wait_for_load_state("networkidle")
    tab = page.locator('.tab[data-tab="services"]')
    before = tab.bounding_box()
    page.mouse.move(before["x"] + before["width"] / 2, before["y"] + before["height"] / 2)
    page.mouse.down()
    page.wait_for_timeout(400)  # room for the audio's play() to settle while the button is held
    assert tab.bounding_box() == before
    page.mouse.up()
    expect(page.locator("#panel-services")).to_be_visible()
    expect(tab).to_have_attribute("aria-selected", "true")
    expect(page.locator("#sound-toggle")).to_have_text("Sound on")


def test_order_history_filters_by_status_and_slot(open_dashboard, sandbox):
    vendor = food_vendor()
    lunch, dinner = slot(vendor), slot(vendor, starts_in=timedelta(hours=5))
    dosa = dish(vendor, "Masala dosa", 6000)
    waiting = paid_order(lunch, {dosa: 1})
    unpaid = place_order(lunch, {dosa: 2})
    evening = paid_order(dinner, {dosa: 3})

    page = open_dashboard(vendor)
    page.locator('.tab[data-tab="history"]').click()
    rows = page.locator("#history-table tbody tr")
    expect(rows).to_have_count(3)
    page.locator("#history-status").select_option("pending_payment")
    expect(rows).to_have_count(1)
    expect(page.locator(f'#history-table tr[data-order-id="{unpaid.pk}"]')).to_be_visible()
    page.locator("#history-status").select_option("paid")
    expect(rows).to_have_count(2)
    page.locator("#history-slot").select_option(str(dinner.pk))
    expect(rows).to_have_count(1)
    expect(page.locator(f'#history-table tr[data-order-id="{evening.pk}"]')).to_be_visible()
    page.locator("#history-slot").select_option("")
    page.locator("#history-status").select_option("")
    expect(rows).to_have_count(3)
    expect(page.locator(f'#history-table tr[data-order-id="{waiting.pk}"]')).to_be_visible()


# --- print shop ---------------------------------------------------------------------------


def test_a_stationery_vendor_downloads_prices_readies_and_completes_a_paid_job(open_dashboard, sandbox):
    vendor = stationery_vendor()
    service = print_service(vendor, price_paise=200)
    job, sent = submit_print_job(service, pages=3, copies=2)
    page = open_dashboard(vendor)
    card = page.locator(f"#job-{job.pk}")
    expect(card).to_be_visible()
    expect(card).to_contain_text("2 copies")
    expect(card).to_contain_text("3 pages of 3 (all pages)")
    expect(card).to_contain_text("≈ ₹12.00")

    with page.expect_download() as download_info:
        card.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    with open(download.path(), "rb") as fh:
        assert fh.read() == sent

    card.get_by_role("button", name="Accept").click()
    amount = card.get_by_label(f"Amount for job {job.pk} in rupees")
    expect(amount).to_have_value("12")
    amount.fill("24.50")
    # Twice the estimate: the form asks why, and the student will see it.
    card.get_by_label(f"Why the amount for job {job.pk} is above the estimate").fill("Colour cover")
    card.get_by_role("button", name="Set amount & mark ready").click()
    expect(card).to_contain_text("Waiting for the student to pay ₹24.50.")
    job.refresh_from_db()
    assert (job.status, job.amount_paise, job.amount_reason) == (PrintJob.Status.READY, 2450, "Colour cover")
    expect(card.get_by_role("button", name=re.compile("Complete"))).to_have_count(0)

    pay("print_job", job)
    code = card.get_by_label(f"Pickup code for print job {job.pk}")
    expect(code).to_be_visible(timeout=ARRIVAL_TIMEOUT_MS)
    expect(card).to_contain_text("Paid ₹24.50")
    job.refresh_from_db()
    code.fill("000000" if job.pickup_code != "000000" else "111111")
    card.get_by_role("button", name="Complete").click()
    expect(card.locator(".order__error")).not_to_be_empty()
    job.refresh_from_db()
    assert job.status == PrintJob.Status.PAID
    code.fill(job.pickup_code)
    card.get_by_role("button", name="Complete").click()
    expect(card.locator(".status")).to_have_text("Completed")
    job.refresh_from_db()
    assert job.status == PrintJob.Status.COMPLETED


def test_a_stationery_vendor_sees_new_jobs_arrive_and_rejects_one_with_a_reason(open_dashboard, sandbox):
    vendor = stationery_vendor()
    service = print_service(vendor)
    page = open_dashboard(vendor)
    wait_for_polls(page)
    job, _ = submit_print_job(service, pages=1, copies=1)
    card = page.locator(f"#job-{job.pk}")
    expect(card).to_be_visible(timeout=ARRIVAL_TIMEOUT_MS)
    expect(page.locator("#new-banner")).to_contain_text(f"New print job #{job.pk}")
    expect(card).to_have_class(re.compile(r"\border--new\b"))

    card.get_by_role("button", name="Reject…").click()
    card.get_by_label(f"Reason for rejecting job {job.pk}").fill("The file is blank")
    card.get_by_role("button", name="Reject job").click()
    expect(card.locator(".status")).to_have_text("Rejected")
    job.refresh_from_db()
    assert (job.status, job.reason) == (PrintJob.Status.REJECTED, "The file is blank")


def test_print_services_management(open_dashboard):
    vendor = stationery_vendor()
    page = open_dashboard(vendor)
    page.locator('.tab[data-tab="services"]').click()
    form = page.locator("#service-form")
    form.get_by_label("Name").fill("A4 colour")
    form.get_by_label("Charged per").select_option("page")
    form.get_by_label("Price (₹)").fill("10")
    form.get_by_label("Colour").check()
    form.get_by_role("button", name="Add service").click()
    row = page.locator('#services-table tr[data-name="A4 colour"]')
    expect(row.locator(".price")).to_have_text("₹10.00")
    service = PrintService.objects.get(vendor=vendor)
    assert (service.unit, service.price_paise, service.is_colour, service.is_available) == ("page", 1000, True, True)

    row.get_by_label("A4 colour available").uncheck()
    page.wait_for_function("() => !document.querySelector('#services-table [aria-busy]')")
    service.refresh_from_db()
    assert service.is_available is False


# --- both sizes -----------------------------------------------------------------------------


@pytest.mark.parametrize("viewport", [TABLET, LAPTOP], ids=["tablet-768", "laptop-1280"])
def test_screenshots_of_both_dashboards(open_dashboard, sandbox, screenshots_dir, viewport):
    food = food_vendor()
    lunch = slot(food)
    dosa, coffee = dish(food, "Masala dosa", 6000), dish(food, "Filter coffee", 2000)
    paid_order(lunch, {dosa: 2, coffee: 1}, note="Less spicy, please")
    order_accept(order_id=paid_order(lunch, {coffee: 2}).pk, vendor=food)
    shop = stationery_vendor()
    job, _ = submit_print_job(print_service(shop), pages=12, copies=1)

    width = viewport["width"]
    page = open_dashboard(food, viewport)
    group = page.locator(f"#slot-{lunch.pk}")
    expect(group.locator(".order")).to_have_count(2)
    group.get_by_role("button", name="Prep sheet").click()
    expect(group.locator(".prep tr")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
    food_shot = screenshots_dir / f"dashboard-food-{width}.png"
    page.screenshot(path=str(food_shot), full_page=True)
    page.locator('.tab[data-tab="money"]').click()
    expect(page.locator("#sales-chart g.day")).to_have_count(14)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    money_shot = screenshots_dir / f"dashboard-money-{width}.png"
    page.screenshot(path=str(money_shot), full_page=True)

    page = open_dashboard(shop, viewport)
    expect(page.locator(f"#job-{job.pk}")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    print_shot = screenshots_dir / f"dashboard-stationery-{width}.png"
    page.screenshot(path=str(print_shot), full_page=True)

    for shot in (food_shot, money_shot, print_shot):
        assert shot.stat().st_size > 10_000


PHONE = {"width": 360, "height": 780}


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone-360", "laptop-1280"])
def test_a_new_shop_sees_the_setup_checklist_until_it_is_ready(open_dashboard, sandbox, screenshots_dir, viewport):
    vendor = food_vendor("Fresh Start Canteen")
    Shop.objects.filter(vendor=vendor).update(is_open=False)
    page = open_dashboard(vendor, viewport)
    setup = page.locator("#setup")
    expect(setup).to_be_visible()
    expect(setup).to_contain_text("Get your shop ready for its first order")
    expect(setup.locator(".setup__step--done")).to_have_count(0)
    page.screenshot(path=str(screenshots_dir / f"dashboard-setup-{viewport['width']}.png"), full_page=True)

    dish(vendor, "Poha", 3000)
    slot(vendor)
    expect(page.locator("#shop-open")).to_be_enabled()
    # The page's first tap unlocks sound and relabels the sound button, which on a phone moves
    # the layout under the finger; tap somewhere harmless first, as a person would.
    setup.locator("h2").click()
    setup.get_by_role("button", name="Open shop now").click()
    expect(page.locator("#shop-open-label")).to_have_text("Open · taking orders")
    expect(setup.locator(".setup__step--done")).to_have_count(3, timeout=ARRIVAL_TIMEOUT_MS)
    assert Shop.objects.get(vendor=vendor).is_open is True
    page.screenshot(path=str(screenshots_dir / f"dashboard-setup-done-{viewport['width']}.png"), full_page=True)

    # The first order makes the checklist go away.
    lunch = Slot.objects.get(vendor=vendor)
    paid_order(lunch, {MenuItem.objects.get(vendor=vendor): 1})
    expect(setup).to_be_hidden(timeout=ARRIVAL_TIMEOUT_MS)


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone-360", "laptop-1280"])
def test_the_print_ready_form_asks_for_a_reason_well_above_the_estimate(
    open_dashboard, sandbox, screenshots_dir, viewport
):
    vendor = stationery_vendor()
    job, _ = submit_print_job(print_service(vendor, price_paise=200), pages=3, copies=1)
    from stationery.services import print_job_accept

    print_job_accept(vendor=vendor, job_id=job.pk)
    page = open_dashboard(vendor, viewport)
    card = page.locator(f"#job-{job.pk}")
    amount = card.get_by_label(f"Amount for job {job.pk} in rupees")
    expect(amount).to_have_value("6")
    reason = card.get_by_label(f"Why the amount for job {job.pk} is above the estimate")
    expect(reason).to_be_hidden()
    amount.fill("30")
    expect(reason).to_be_visible()
    card.get_by_role("button", name="Set amount & mark ready").click()
    expect(card.locator(".order__error")).to_contain_text("tell the student why")
    page.screenshot(path=str(screenshots_dir / f"dashboard-print-reason-{viewport['width']}.png"), full_page=True)
    job.refresh_from_db()
    assert job.status == PrintJob.Status.ACCEPTED

    reason.fill("Spiral binding, as asked")
    card.get_by_role("button", name="Set amount & mark ready").click()
    expect(card).to_contain_text("Waiting for the student to pay ₹30.00.")
    expect(card).to_contain_text("why more: Spiral binding, as asked")
    job.refresh_from_db()
    assert (job.status, job.amount_paise, job.amount_reason) == ("ready", 3000, "Spiral binding, as asked")


# --- one poller, one card (issue 18) ----------------------------------------------------------


class PollClock:
    """Answers the queue's poll for submitted print jobs (failing on demand) and notes when each came."""

    def __init__(self, page):
        self.times: list[float] = []
        self.failing = False
        page.route(re.compile(r"/api/v1/print-jobs\?.*status=submitted"), self.handle)

    def handle(self, route):
        self.times.append(time.monotonic())
        if self.failing:
            route.fulfill(
                status=503,
                content_type="application/json",
                body=json.dumps({"error": {"code": "unavailable", "message": "Down for a moment.", "details": {}}}),
            )
        else:
            route.continue_()

    def gaps(self, since: int) -> list[float]:
        times = self.times[since:]
        return [b - a for a, b in itertools.pairwise(times)]


def wait_until(page, condition, timeout_s: float = 20) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        page.wait_for_timeout(50)


def set_visibility(page, state: str) -> None:
    page.evaluate(
        """(state) => {
            Object.defineProperty(document, "visibilityState", {configurable: true, get: () => state});
            document.dispatchEvent(new Event("visibilitychange"));
        }""",
        state,
    )


def test_polling_backs_off_while_the_api_fails_and_comes_back_at_once(open_dashboard, monkeypatch):
    # 300 ms between polls, doubling up to 8 × 300 ms while the API fails.
    monkeypatch.setattr("dashboard.views.POLL_INTERVAL_MS", 300)
    vendor = stationery_vendor()
    page = open_dashboard(vendor, block_events=True)  # the poll alone, as when the stream is down
    polls = PollClock(page)
    wait_until(page, lambda: len(polls.times) >= 4)
    healthy = polls.gaps(len(polls.times) - 3)
    assert all(gap < 1.0 for gap in healthy), healthy

    polls.failing = True
    start = len(polls.times)
    wait_until(page, lambda: len(polls.times) >= start + 5)
    expect(page.locator("#live-status")).to_have_text("Connection problem: retrying")
    failing = polls.gaps(start)
    # Each failure doubles the wait (≈0.6, 1.2, 2.4 s), then it stays at the cap (2.4 s).
    assert failing[1] > failing[0] * 1.5 and failing[2] > failing[1] * 1.5, failing
    assert 1.8 < failing[3] < 3.5, failing

    polls.failing = False
    recovered = len(polls.times)
    wait_until(page, lambda: len(polls.times) >= recovered + 4)
    expect(page.locator("#live-status")).to_contain_text("Live · updated")
    # The first success drops straight back to the normal pace.
    assert all(gap < 1.0 for gap in polls.gaps(recovered)), polls.gaps(recovered)


def test_polling_slows_down_in_a_hidden_tab_and_polls_at_once_when_it_is_back(open_dashboard, monkeypatch):
    monkeypatch.setattr("dashboard.views.POLL_INTERVAL_MS", 300)
    vendor = stationery_vendor()
    page = open_dashboard(vendor, block_events=True)  # the poll alone, as when the stream is down
    polls = PollClock(page)
    wait_until(page, lambda: len(polls.times) >= 2)

    set_visibility(page, "hidden")
    start = len(polls.times)
    wait_until(page, lambda: len(polls.times) >= start + 4)
    hidden = polls.gaps(start)
    assert hidden[-1] > 1.8 and hidden[1] > hidden[0] * 1.5, hidden

    # Back in front of the vendor: a poll right away, not at the end of the long wait.
    page.wait_for_timeout(300)
    before = len(polls.times)
    shown_at = time.monotonic()
    set_visibility(page, "visible")
    wait_until(page, lambda: len(polls.times) > before, timeout_s=5)
    assert polls.times[before] - shown_at < 0.8
    wait_until(page, lambda: len(polls.times) >= before + 4)
    assert all(gap < 1.0 for gap in polls.gaps(before + 1)), polls.gaps(before + 1)


def card_outline(card) -> list[str]:
    """The card's skeleton as the page has it: its component, the head's parts, and the template's
    placeholders (each x-if / x-for left in the DOM), whatever the card says."""
    return card.evaluate(
        """(el) => [
            el.getAttribute("x-data"),
            ...Array.from(el.querySelector(".order__head").children).map((c) => c.className.split(" ")[0]),
            ...Array.from(el.querySelectorAll(":scope > template")).map((t) => t.getAttribute("x-if") || t.getAttribute("x-for")),
            el.lastElementChild.className,
        ]"""
    )


def test_food_orders_and_print_jobs_are_the_same_card_with_what_differs_passed_in(open_dashboard, sandbox):
    food = food_vendor()
    order = paid_order(slot(food), {dish(food, "Masala dosa", 6000): 1}, note="No onions")
    shop = stationery_vendor()
    job, _ = submit_print_job(print_service(shop), pages=2, copies=1)
    job.note = "Staple it"
    job.save(update_fields=["note"])

    food_page = open_dashboard(food)
    order_card = food_page.locator(f"#order-{order.pk}")
    expect(order_card).to_contain_text("1 × Masala dosa")
    print_page = open_dashboard(shop)
    job_card = print_page.locator(f"#job-{job.pk}")
    expect(job_card).to_contain_text("2 pages of 2 (all pages)")

    outline = card_outline(order_card)
    assert outline[0] == "queueCard"
    assert outline == card_outline(job_card)
    for card, noun, pk in ((order_card, "order", order.pk), (job_card, "job", job.pk)):
        expect(card.locator(".order__head .status")).to_have_text("Paid" if noun == "order" else "New")
        expect(card.locator(".order__note")).to_have_count(1)
        expect(card.get_by_role("button", name="Accept")).to_be_visible()
        card.get_by_role("button", name="Reject…").click()
        expect(card.get_by_label(f"Reason for rejecting {noun} {pk}")).to_be_visible()
        expect(card.get_by_role("button", name=f"Reject {noun}")).to_be_visible()
        card.get_by_role("button", name="Keep").click()
        expect(card.locator(".reject-form")).to_have_count(0)
    # Only the print card links the file.
    expect(job_card.get_by_role("link", name="Download PDF")).to_be_visible()
    expect(order_card.get_by_role("link", name="Download PDF")).to_have_count(0)


# --- issue 16: money states everyone sees alike ----------------------------------------------


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone-360", "laptop-1280"])
def test_a_staff_refund_in_full_flips_the_card_to_refunded_without_reloading(
    open_dashboard, sandbox, screenshots_dir, viewport
):
    from rest_framework.test import APIClient

    from accounts.tests.factories import StaffFactory

    vendor = food_vendor("Refund Canteen")
    lunch = slot(vendor)
    order = paid_order(lunch, {dish(vendor, "Masala dosa", 6000): 1})
    order_accept(order_id=order.pk, vendor=vendor)
    page = open_dashboard(vendor, viewport)
    card = page.locator(f"#order-{order.pk}")
    expect(card.locator('.status[data-status="accepted"]')).to_be_visible()
    marker = page.evaluate("() => { window.__noReload = 1; return 1; }")

    staff = APIClient()
    staff.force_authenticate(StaffFactory())
    payment = Payment.objects.get(order=order)
    response = staff.post(f"/api/v1/payments/{payment.pk}/refund", {"reason": "Spilled"}, format="json")
    assert response.status_code == 201, response.content

    notice = card.locator(".order__refunded")
    expect(notice).to_have_text("Refunded — do not hand over", timeout=ARRIVAL_TIMEOUT_MS)
    expect(card).to_have_class(re.compile(r"order--refunded"))
    expect(card.locator('input[name="pickup_code"]')).to_have_count(0)
    assert page.evaluate("() => window.__noReload") == marker  # the same page: no reload
    order.refresh_from_db()
    assert order.status == "cancelled" and order.cancel_reason == "refunded"
    assert Slot.objects.get(pk=lunch.pk).reserved == 0
    # The pickup code is refused.
    result = fetch_json(page, "POST", f"/api/v1/orders/{order.pk}/complete")
    assert result["status"] in (400, 409)
    assert Order.objects.get(pk=order.pk).status == "cancelled"
    page.screenshot(path=str(screenshots_dir / f"dashboard-refunded-{viewport['width']}.png"), full_page=True)


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone-360", "laptop-1280"])
def test_every_figure_on_the_money_tab_is_the_statements_and_the_ledgers(
    open_dashboard, sandbox, screenshots_dir, viewport
):
    from accounts.tests.factories import StaffFactory
    from ledger.selectors import vendor_summary
    from ledger.services import ledger_payout
    from ordering.services import order_complete, order_mark_ready
    from payments import services as payment_services
    from razorpay_sandbox import state

    vendor = food_vendor("Ledger Canteen")
    lunch = slot(vendor)
    thali = dish(vendor, "Veg thali", 12000)
    staff = StaffFactory()
    done = paid_order(lunch, {thali: 2})
    order_accept(order_id=done.pk, vendor=vendor)
    order_mark_ready(order_id=done.pk, vendor=vendor)
    order_complete(order_id=done.pk, vendor=vendor, pickup_code=Order.objects.get(pk=done.pk).pickup_code)
    partial = paid_order(lunch, {thali: 1})
    payment_services.payment_refund(
        payment_id=Payment.objects.get(order=partial).pk, amount_paise=2000, reason="cold", actor=staff
    )
    delayed = paid_order(lunch, {thali: 1})
    state.set_fault("error")
    payment_services.payment_refund(
        payment_id=Payment.objects.get(order=delayed).pk, amount_paise=3000, reason="late", actor=staff
    )
    state.set_fault(None)
    payment_services.refund_settle(
        refund_id=Refund.objects.get(status="pending").pk, status="failed", source="webhook", failure_reason="bank"
    )
    ledger_payout(vendor=vendor, amount_paise=10000, actor=staff, reference="neft-money-tab")

    page = open_dashboard(vendor, viewport)
    page.locator('.tab[data-tab="money"]').click()
    expect(page.locator('#balance [data-total="gross_paise"]')).not_to_have_text("–", timeout=15_000)  # under load
    shown = page.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('#balance [data-total]')]"
        ".map(el => [el.dataset.total, [Number(el.dataset.paise), el.textContent]]))"
    )
    today = timezone.localdate()
    client = api_client_for(vendor)
    statement = client.get(
        "/api/v1/ledger/statement", {"from": (today - timedelta(days=29)).isoformat(), "to": today.isoformat()}
    ).json()
    summary = vendor_summary(vendor_id=vendor.pk)
    for name, (paise, text) in shown.items():
        assert paise == statement["totals"][name], name
        assert text.replace("−", "-").startswith("-₹" if paise < 0 else "₹"), text
    assert shown["gross_paise"][0] == 48000 and shown["gross_paise"][1] == "₹480.00"
    assert shown["refunds_processed_paise"][0] == 2000
    assert shown["refunds_delayed_paise"][0] == 3000  # failed: not counted as refunded
    assert shown["paid_out_paise"][0] == 10000 == summary["paid_out_paise"]
    assert shown["pending_paise"][0] == summary["pending_paise"] == 48000 - 24000 - 2000
    assert shown["available_paise"][0] == summary["available_paise"] == 24000 - 10000
    assert statement["closing"]["balance_paise"] == summary["payable_paise"]
    rows = page.locator("#statement-table tbody tr")
    expect(rows).to_have_count(len(statement["rows"]))
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.screenshot(path=str(screenshots_dir / f"dashboard-money-statement-{viewport['width']}.png"), full_page=True)


def api_client_for(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client
