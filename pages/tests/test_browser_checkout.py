"""Issue 22's food checkout in real Chromium at 360 and 1280 px: pickup-time chips, placing and paying
in one step through the sandbox's checkout, the tracker to pickup, the receipt saved as PDF, an
expired hold ordered again, and the taps a returning student needs from the home page to a paid order.
Screenshots: test-artifacts/screenshots/checkout-*.png."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import StudentFactory
from catalog.models import Shop
from ordering import services as ordering_services
from ordering.models import Order
from payments.models import Payment

from . import factories
from .csp import watch_csp
from .test_browser import DESKTOP_WIDTH, PHONE_WIDTH, SCREENSHOTS, WAIT_MS, _session_cookie
from .test_checkout import GSTIN, _captured

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [PHONE_WIDTH, DESKTOP_WIDTH]


@pytest.fixture
def open_page(chromium, live_server):
    """open_page(width) → a page of a fresh context; no Content-Security-Policy violation allowed."""
    opened = []

    def open_(width: int):
        context = chromium.new_context(viewport={"width": width, "height": 800}, base_url=live_server.url)
        context.set_default_timeout(WAIT_MS)
        opened.append((context, watch_csp(context)))
        return context.new_page()

    yield open_
    for context, violations in opened:
        context.close()
        assert violations == [], f"Content-Security-Policy violations: {violations}"


def _shot(page, name: str, width: int) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"checkout-{name}-{width}.png"), full_page=True)


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def _expect_steps(page, expected: list[str]) -> None:
    states = page.get_by_test_id("tracker").locator("[data-step]")
    for index, state in enumerate(expected):
        expect(states.nth(index)).to_have_attribute("data-state", state)


# --- taps from the home page to a paid order ------------------------------------------------------------


def test_a_returning_student_pays_for_one_item_in_at_most_four_taps(open_page, live_server, sandbox):
    campus = factories.campus()
    student = StudentFactory(name="Ravi")
    _captured(factories.order(student=student, slot=campus.lunch, items=[(campus.chai, 1)]))  # ordered before
    page = open_page(PHONE_WIDTH)
    _session_cookie(page, student, live_server)
    taps: list[str] = []

    def tap(locator, what: str) -> None:
        locator.click()
        taps.append(what)

    page.goto("/")
    tap(page.locator("a.tile-link", has_text="Main Canteen"), "the shop")  # its card, not the pinned order
    tap(page.get_by_role("button", name="Add Masala Dosa", exact=True), "one dosa")
    expect(page.get_by_label(re.compile("places left")).first).to_be_checked()  # the next open time, chosen
    with page.expect_popup() as popup_info:
        tap(page.get_by_role("button", name="Pay ₹60"), "pay")
    tap(popup_info.value.get_by_test_id("pay"), "pay in the checkout")

    expect(page.get_by_test_id("payment-received")).to_have_text("Payment received ₹60")
    order = Order.objects.filter(student=student).latest("pk")
    assert order.status == Order.Status.PAID and order.total_paise == 6000
    assert [(line.name, line.quantity) for line in order.items.all()] == [("Masala Dosa", 1)]
    assert len(taps) <= 4, f"{len(taps)} taps: {taps}"
    assert taps == ["the shop", "one dosa", "pay", "pay in the checkout"]


# --- food order start to pickup ---------------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
def test_food_order_from_the_menu_to_pickup_with_its_receipt(open_page, live_server, sandbox, width):
    campus = factories.campus()
    later = factories.slot(campus.canteen, capacity=2, starts_in=timedelta(hours=26))
    Shop.objects.filter(pk=campus.canteen.pk).update(gstin=GSTIN)
    student = StudentFactory(name="Meera")
    page = open_page(width)
    _session_cookie(page, student, live_server)

    page.goto(f"/vendors/{campus.canteen.vendor_id}")
    pay = page.get_by_role("button", name=re.compile(r"^Pay"))
    expect(pay).to_be_hidden()  # an empty cart has no cart bar, so nothing to pay
    page.get_by_role("button", name="Add Masala Dosa", exact=True).click()
    page.get_by_role("button", name="Add Chai", exact=True).click()
    expect(pay).to_have_text("Pay ₹75")
    # Chips by day: the lunch slot (the next open one) is chosen, the later one is on another day.
    days = page.get_by_test_id("slot-day")
    assert days.count() == 2
    expect(page.locator(f"#slot-{campus.lunch.pk}")).to_be_checked()
    expect(page.locator(f"label[for='slot-{later.pk}']")).to_contain_text("Few left")
    expect(page.locator(f"label[for='slot-{later.pk}']")).to_contain_text("Ready ")
    assert _no_sideways_scroll(page)
    _shot(page, "menu", width)
    page.locator("fieldset.slots").evaluate("el => el.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(SCREENSHOTS / f"checkout-slots-{width}.png"))  # the chips above the sticky bar

    with page.expect_popup() as popup_info:
        pay.click()
    checkout = popup_info.value
    checkout.wait_for_load_state()
    checkout.get_by_test_id("pay").click()

    expect(page.get_by_test_id("payment-received")).to_have_text("Payment received ₹75")
    order = Order.objects.get(student=student)
    payment = Payment.objects.get(order=order)
    assert order.status == Order.Status.PAID and payment.method == "upi"
    _expect_steps(page, ["done", "current", "todo", "todo"])
    expect(page.get_by_test_id("tracker-ready-at")).to_contain_text("about")
    receipt = page.get_by_test_id("receipt")
    expect(receipt.get_by_test_id("receipt-payment-id")).to_have_text(payment.razorpay_payment_id)
    expect(receipt.get_by_test_id("receipt-method")).to_have_text("UPI")
    expect(receipt.get_by_test_id("receipt-amount")).to_have_text("₹75")
    expect(receipt.get_by_test_id("receipt-shop")).to_have_text("Main Canteen")
    expect(receipt.get_by_test_id("receipt-gstin")).to_have_text(f"GSTIN {GSTIN}")
    assert _no_sideways_scroll(page)
    _shot(page, "paid", width)

    # The shop accepts, marks it ready, hands it over: the page follows by itself.
    vendor = campus.canteen.vendor
    ordering_services.order_accept(order_id=order.pk, vendor=vendor)
    expect(page.get_by_test_id("order-status")).to_have_text("Accepted")
    _expect_steps(page, ["done", "done", "current", "todo"])
    ordering_services.order_mark_ready(order_id=order.pk, vendor=vendor)
    expect(page.get_by_test_id("order-status")).to_have_text("Ready for pickup")
    _expect_steps(page, ["done", "done", "done", "current"])
    _shot(page, "ready", width)
    order.refresh_from_db()
    ordering_services.order_complete(order_id=order.pk, vendor=vendor, pickup_code=order.pickup_code)
    expect(page.get_by_test_id("order-status")).to_have_text("Completed")
    _expect_steps(page, ["done", "done", "done", "done"])
    _shot(page, "collected", width)

    # The receipt on its own page: "Save receipt" opens the print dialog; printed, only the receipt shows.
    page.get_by_role("link", name="Open as its own page").click()
    page.wait_for_url(f"**/orders/{order.pk}/receipt")
    page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
    page.get_by_role("button", name="Save receipt").click()
    assert page.evaluate("window.__printed") == 1
    _shot(page, "receipt", width)
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Save receipt")).to_be_hidden()
    expect(page.get_by_test_id("receipt-gstin")).to_be_visible()
    _shot(page, "receipt-printed", width)
    pdf = page.pdf(path=str(SCREENSHOTS / f"checkout-receipt-{width}.pdf"))
    assert pdf.startswith(b"%PDF")


# --- an expired hold, ordered again ---------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
def test_an_expired_hold_is_ordered_again_and_paid(open_page, live_server, sandbox, settings, width):
    campus = factories.campus()
    student = StudentFactory(name="Kiran")
    order = factories.order(student=student, slot=campus.lunch, items=[(campus.dosa, 2), (campus.chai, 1)])
    page = open_page(width)
    _session_cookie(page, student, live_server)

    page.goto(f"/orders/{order.pk}")
    hold = page.get_by_test_id("hold")
    window = settings.PAYMENT_WINDOW_MINUTES
    expect(hold).to_contain_text(re.compile(rf"Pay within ({window - 1}:[45]\d|{window}:00)"))
    first = hold.locator("[data-hold-left]").inner_text()
    expect(hold.locator("[data-hold-left]")).not_to_have_text(first)  # it counts down
    _shot(page, "hold", width)

    # The hold runs out while the page is open: the countdown reaches 0 and the page says so.
    Order.objects.filter(pk=order.pk).update(payment_due_by=timezone.now() + timedelta(seconds=3))
    page.reload()
    expect(page.get_by_role("heading", name="Expired — order again")).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_role("button", name=re.compile(r"^Pay"))).to_have_count(0)
    ordering_services.order_expire(order_id=order.pk)
    page.reload()
    expect(page.get_by_test_id("order-status")).to_have_text("Expired")
    assert _no_sideways_scroll(page)
    _shot(page, "expired", width)

    page.get_by_role("button", name="Order again").click()
    page.wait_for_url(re.compile(rf"/vendors/{campus.canteen.vendor_id}\?cart=open#cart$"))
    expect(page.get_by_text(f"Order #{order.pk} is back in your cart")).to_be_visible()
    expect(page.get_by_label("Quantity of Masala Dosa")).to_have_value("2")
    expect(page.get_by_label("Quantity of Chai")).to_have_value("1")
    pay = page.get_by_role("button", name="Pay ₹135")
    expect(pay).to_be_enabled()
    _shot(page, "order-again", width)

    with page.expect_popup() as popup_info:
        pay.click()
    popup_info.value.get_by_test_id("pay").click()
    expect(page.get_by_test_id("payment-received")).to_have_text("Payment received ₹135")
    again = Order.objects.filter(student=student).latest("pk")
    assert again.pk != order.pk and again.status == Order.Status.PAID and again.total_paise == 13500
