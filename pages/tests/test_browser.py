"""The student pages in real Chromium (Debian's package) against a live server.

Payments go through the development sandbox, reached by the real `razorpay` SDK
over HTTP on the live server, and its checkout page in a pop-up window, exactly
as a developer sees it with `make run`.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import expect

from accounts import sms
from accounts.models import User
from accounts.tests.factories import StudentFactory
from catalog.models import MenuItem, Shop
from ordering.models import Order
from payments.conf import SANDBOX_PATH
from stationery.models import PrintJob

from . import factories
from .csp import watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(django_settings.BASE_DIR) / "test-artifacts" / "screenshots"
PHONE_WIDTH, DESKTOP_WIDTH = 360, 1280
WAIT_MS = 15_000


@pytest.fixture
def browser(chromium):
    return chromium


@pytest.fixture(autouse=True)
def _fresh_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(viewport={"width": PHONE_WIDTH, "height": 780}, base_url=live_server.url)
    context.set_default_timeout(WAIT_MS)
    violations = watch_csp(context)
    page = context.new_page()
    yield page
    context.close()
    assert violations == [], f"Content-Security-Policy violations: {violations}"


def _session_cookie(page, user, live_server) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def _latest_code(phone: str) -> str:
    bodies = [message["body"] for message in sms.outbox if message["to"] == phone]
    assert bodies, f"no SMS was sent to {phone}"
    return re.search(r"\b(\d{6})\b", bodies[-1]).group(1)


def _pay_in_sandbox(page, button_name: str) -> None:
    """Press our Pay button, then Pay in the sandbox's checkout window."""
    with page.expect_popup() as popup_info:
        page.get_by_role("button", name=button_name).click()
    checkout = popup_info.value
    checkout.wait_for_load_state()
    checkout.get_by_test_id("pay").click()


# --- 1. sign in, order two items, pay, collect ---------------------------------------------------


def test_student_signs_in_orders_pays_and_collects(phone_page, live_server, sandbox, make_client):
    campus = factories.campus()
    page = phone_page

    page.goto("/")
    page.get_by_role("link", name="Sign in").click()
    expect(page).to_have_title("Sign in · Tap N Take")
    page.get_by_label("Mobile number").fill("98765 01234")
    page.get_by_role("button", name="Send me a code").click()
    page.wait_for_url("**/login/code")
    assert page.get_by_role("button", name=re.compile("Send a new code")).is_disabled()  # the resend cool-down
    page.get_by_label("6-digit code").fill(_latest_code("+919876501234"))
    page.get_by_label(re.compile("Your name")).fill("Meera")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    assert "You are signed in, Meera." in page.inner_text("main")

    page.get_by_role("link", name=re.compile("Main Canteen")).click()
    expect(page.locator(".cart-bar")).to_be_hidden()  # nothing in the cart yet
    page.get_by_role("button", name="Add Masala Dosa").click()
    page.get_by_role("button", name="Add Chai").click()
    expect(page.get_by_label("Quantity of Masala Dosa")).to_have_value("1")
    expect(page.locator("[data-cart-total]")).to_have_text("₹75")
    expect(page.get_by_label(re.compile("5 places left"))).to_be_checked()  # the next open time is chosen
    page.get_by_label(re.compile("5 places left")).check()

    # Placing and paying are one step: "Pay ₹75" places the order and opens the checkout at once.
    # A failed payment leaves the order placed and unpaid, on its page with a clear way to pay again.
    with page.expect_popup() as popup_info:
        page.get_by_role("button", name="Pay ₹75").click()
    popup_info.value.get_by_test_id("fail").click()
    page.wait_for_url(re.compile(r"/orders/\d+\?payment=failed$"))
    order = Order.objects.get()
    assert order.total_paise == 7500 and order.items.count() == 2
    expect(page.get_by_test_id("order-status")).to_have_text("Waiting for payment")
    expect(page.get_by_test_id("payment-note")).to_contain_text("The payment did not go through")
    expect(page.get_by_test_id("hold")).to_contain_text("Pay within")

    # Failing again from the order page says so there, and the button can be pressed again.
    with page.expect_popup() as popup_info:
        page.get_by_role("button", name="Pay ₹75 now").click()
    popup_info.value.get_by_test_id("fail").click()
    expect(page.locator("#pay-status")).to_contain_text("The payment did not go through")
    expect(page.get_by_role("button", name="Pay ₹75 now")).to_be_enabled()
    assert Order.objects.get().status == Order.Status.PENDING_PAYMENT

    _pay_in_sandbox(page, "Pay ₹75 now")
    # The page changes twice here (the payment's event swaps it in place, then the verified payment
    # reloads it): expect() waits through both, where a one-off read could land mid-reload.
    page.get_by_test_id("pickup-code").wait_for()
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    code = order.pickup_code
    assert re.fullmatch(r"\d{6}", code)
    expect(page.get_by_test_id("order-status")).to_have_text("Paid")
    expect(page.get_by_test_id("payment-received")).to_have_text("Payment received ₹75")
    expect(page.get_by_test_id("pickup-code")).to_have_text(code)
    expect(page.locator(".qr svg")).to_have_count(1)

    # The vendor serves it and completes it with the code the student shows; the page follows by itself.
    vendor = make_client(campus.canteen.vendor)
    assert vendor.post(f"/api/v1/orders/{order.pk}/accept").status_code == 200
    assert vendor.post(f"/api/v1/orders/{order.pk}/ready").status_code == 200
    assert vendor.post(f"/api/v1/orders/{order.pk}/complete", {"pickup_code": code}, format="json").status_code == 200
    expect(page.get_by_test_id("order-status")).to_have_text("Completed", timeout=WAIT_MS)
    assert "Collected" in page.get_by_test_id("timeline").inner_text()


# --- 2. full slots -------------------------------------------------------------------------------


def test_full_slot_is_not_offered_and_a_slot_filling_meanwhile_keeps_the_cart(phone_page, live_server, sandbox):
    campus = factories.campus()
    full = factories.slot(campus.canteen, capacity=1, starts_in=timedelta(hours=3))
    factories.fill(full)
    tight = factories.slot(campus.canteen, capacity=1, starts_in=timedelta(hours=4))
    student = StudentFactory()
    page = phone_page
    _session_cookie(page, student, live_server)

    page.goto(f"/vendors/{campus.canteen.vendor_id}")
    assert page.locator(f"input[name=slot][value='{full.pk}']").count() == 0
    assert page.get_by_test_id("full-slot").count() == 1
    page.get_by_role("button", name="Add Masala Dosa").click()
    page.get_by_role("button", name="One more Masala Dosa").click()
    # Keyboard only: ADD, the quantity buttons and the slot choice work without a pointer.
    page.get_by_role("button", name="Add Chai").focus()
    page.keyboard.press("Enter")
    page.locator(f"#slot-{tight.pk}").focus()
    page.keyboard.press("Space")
    expect(page.locator(f"#slot-{tight.pk}")).to_be_checked()

    factories.fill(tight)  # someone else takes the last place while the student decides
    page.get_by_role("button", name="Pay ₹135").click()

    # The refusal stands beside the pickup times; that time can no longer be chosen, and with no
    # time chosen "Pay" cannot be pressed.
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "That pickup time has just filled up" in alert.inner_text()
    assert alert.get_attribute("data-error-for") == "slot"
    assert page.get_by_label("Quantity of Masala Dosa").input_value() == "2"
    assert page.get_by_label("Quantity of Chai").input_value() == "1"
    assert page.locator("[data-cart-total]").inner_text() == "₹135"
    expect(page.locator(f"#slot-{tight.pk}")).to_be_disabled()
    expect(page.locator(f"#slot-{tight.pk}")).not_to_be_checked()
    expect(page.get_by_role("button", name="Pay ₹135")).to_be_disabled()
    assert not Order.objects.filter(student=student).exists()

    # The cart survives a reload too (sessionStorage), and another time still works.
    page.goto(f"/vendors/{campus.canteen.vendor_id}")
    assert page.get_by_label("Quantity of Masala Dosa").input_value() == "2"
    assert page.locator(f"input[name=slot][value='{tight.pk}']").count() == 0  # full now: not offered
    page.locator(f"#slot-{campus.lunch.pk}").check()
    with page.expect_popup() as popup_info:
        page.get_by_role("button", name="Pay ₹135").click()
    # The student closes the payment window: the order is placed and held, its page a tap away.
    popup_info.value.close()
    page.get_by_role("link", name=re.compile(r"Order #\d+")).click()
    page.wait_for_url(re.compile(r"/orders/\d+$"))
    assert Order.objects.get(student=student).total_paise == 2 * 6000 + 1500

    # Changed their mind: cancelling asks first, then gives the place back.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Cancel this order").click()
    expect(page.get_by_test_id("order-status")).to_have_text("Cancelled")
    campus.lunch.refresh_from_db()
    assert campus.lunch.reserved == 0


# --- 3. print, then pay when ready ------------------------------------------------------------------


def test_student_prints_a_pdf_and_pays_when_ready(phone_page, live_server, sandbox, make_client):
    campus = factories.campus()
    student = StudentFactory()
    page = phone_page
    _session_cookie(page, student, live_server)

    page.goto("/print")
    page.get_by_role("link", name=re.compile("Library Xerox")).click()
    expect(page).to_have_title("Print at Library Xerox · Tap N Take")  # waits for the click's navigation
    send = page.get_by_role("button", name="Send to the shop")
    page.get_by_label(re.compile("Black and white A4")).check()
    page.get_by_label("Copies").fill("2")
    page.get_by_label("Double-sided").check()
    expect(send).to_be_enabled()  # a price check never holds Send back (issue 22); the server prices it again
    page.get_by_label("PDF file").set_input_files(
        {"name": "notes.pdf", "mimeType": "application/pdf", "buffer": factories.pdf_bytes(3)}
    )
    expect(page.get_by_test_id("estimate")).to_contain_text(
        "Estimate: ₹12 for 3 of 3 pages (none in colour) × 2 copies: 4 sheets of A4, double-sided"
    )
    expect(send).to_be_enabled()
    assert not PrintJob.objects.exists()  # seeing the price sends nothing

    send.click()
    page.wait_for_url(f"{live_server.url}/print-jobs")
    job = PrintJob.objects.get()
    assert (job.pages, job.copies, job.double_sided, job.estimated_paise) == (3, 2, True, 1200)
    expect(page.get_by_test_id("print-job-status")).to_have_text("Submitted")

    vendor = make_client(campus.xerox.vendor)
    assert vendor.post(f"/api/v1/print-jobs/{job.pk}/accept").status_code == 200
    response = vendor.post(f"/api/v1/print-jobs/{job.pk}/ready", {"amount_paise": 1100}, format="json")
    assert response.status_code == 200

    # This phone blocks pop-ups: the checkout takes over the tab and posts its signed result back to us.
    page.add_init_script("window.open = function () { return null; };")
    page.reload()
    page.get_by_role("button", name="Pay ₹11 now").click()
    page.wait_for_url(re.compile(r"/sandbox/razorpay/checkout/"))
    page.get_by_test_id("pay").click()
    page.wait_for_url(f"{live_server.url}/print-jobs")
    expect(page.locator(".messages")).to_contain_text("Payment received")
    expect(page.get_by_test_id("print-job-status")).to_have_text("Paid", timeout=WAIT_MS)
    job.refresh_from_db()
    assert job.status == PrintJob.Status.PAID and job.is_paid


# --- 4. every main page at 360 px and 1280 px, never scrolling sideways on a phone ------------------


def test_screenshots_and_no_horizontal_scrolling(browser, live_server):
    campus = factories.campus()
    MenuItem.objects.filter(pk=campus.dosa.pk).update(
        description="A long description without spaces: " + "Supercalifragilisticexpialidocious" * 3
    )
    student = StudentFactory(name="Kiran")
    paid = factories.order(student=student, slot=campus.lunch, items=[(campus.dosa, 2), (campus.chai, 1)])
    from ordering import services as ordering_services
    from payments.models import Payment

    payment = Payment.objects.create(
        payer=student, order=paid, amount_paise=paid.total_paise, razorpay_order_id="order_SHOTS0001"
    )
    ordering_services.order_mark_paid(order_id=paid.pk, payment=payment)
    unpaid = factories.order(student=student, slot=campus.lunch, items=[(campus.chai, 3)])
    from django.core.files.uploadedfile import SimpleUploadedFile

    from stationery import services as stationery_services

    job = stationery_services.print_job_submit(
        student=student,
        service_id=campus.bw.pk,
        upload=SimpleUploadedFile("a-very-long-file-name-for-the-semester-notes.pdf", factories.pdf_bytes(2)),
    )
    stationery_services.print_job_accept(vendor=campus.xerox.vendor, job_id=job.pk)
    stationery_services.print_job_mark_ready(vendor=campus.xerox.vendor, job_id=job.pk, amount_paise=400)

    signed_out = {
        "home": "/",
        "sign-in": "/login",
        "menu": f"/vendors/{campus.canteen.vendor_id}",
        "print-shops": "/print",
    }
    signed_in = {
        "home-signed-in": "/",
        "menu-signed-in": f"/vendors/{campus.canteen.vendor_id}",
        "orders": "/orders",
        "order-paid": f"/orders/{paid.pk}",
        "order-unpaid": f"/orders/{unpaid.pk}",
        "print-form": f"/print/{campus.xerox.vendor_id}",
        "print-jobs": "/print-jobs",
    }
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    overflowing, violations = [], []
    for width in (PHONE_WIDTH, DESKTOP_WIDTH):
        context = browser.new_context(viewport={"width": width, "height": 800}, base_url=live_server.url)
        violations += watch_csp(context)
        page = context.new_page()
        pages = dict(signed_out)
        for name, path in pages.items():
            overflowing += _shoot(page, name, path, width)
        _session_cookie(page, student, live_server)
        for name, path in signed_in.items():
            overflowing += _shoot(page, name, path, width)
        # The code step of sign-in needs a code on its way.
        context.clear_cookies()
        page.goto("/login")
        page.get_by_label("Mobile number").fill("9876507777")
        page.get_by_role("button", name="Send me a code").click()
        page.wait_for_url("**/login/code")
        overflowing += _shoot(page, "sign-in-code", None, width)
        context.close()
    assert overflowing == [], f"pages scroll sideways at {PHONE_WIDTH} px: {overflowing}"
    assert violations == [], f"Content-Security-Policy violations on the main pages: {violations}"
    for width in (PHONE_WIDTH, DESKTOP_WIDTH):
        assert (SCREENSHOTS / f"student-order-paid-{width}.png").stat().st_size > 0


def _shoot(page, name: str, path: str | None, width: int, *, prefix: str = "student") -> list[str]:
    if path is not None:
        response = page.goto(path)
        assert response.ok, f"{path} answered {response.status}"
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SCREENSHOTS / f"{prefix}-{name}-{width}.png"), full_page=True)
    if width != PHONE_WIDTH:
        return []
    scroll_width, client_width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    return [f"{name} ({scroll_width} > {client_width})"] if scroll_width > client_width else []


# --- 5. a new vendor registers its shop on the pages --------------------------------------------


def test_vendor_registers_a_stationery_shop_and_lands_on_its_pending_dashboard(browser, phone_page, live_server):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = phone_page

    page.goto("/login")
    page.get_by_role("link", name="Register your shop").click()
    page.wait_for_url(f"{live_server.url}/register-shop")
    expect(page).to_have_title("Register your shop · Tap N Take")
    overflowing = _shoot(page, "register-shop", None, PHONE_WIDTH, prefix="vendor")

    # Keyboard only from here on: each step starts with the focus in its first field.
    expect(page.get_by_label("Shop's mobile number")).to_be_focused()
    page.keyboard.type("98766 01234")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/register-shop/code")
    assert page.get_by_role("button", name=re.compile("Send a new code")).is_disabled()  # the same cool-down
    overflowing += _shoot(page, "register-shop-code", None, PHONE_WIDTH, prefix="vendor")

    expect(page.get_by_label("6-digit code")).to_be_focused()
    page.keyboard.type(_latest_code("+919876601234"))
    page.keyboard.press("Tab")
    expect(page.get_by_label("Shop name")).to_be_focused()
    page.keyboard.type("Library Xerox")
    page.keyboard.press("Tab")
    expect(page.get_by_role("radio", name=re.compile("^Food"))).to_be_focused()
    page.keyboard.press("ArrowDown")  # arrow keys move the choice within the radio group
    expect(page.get_by_role("radio", name=re.compile("^Stationery"))).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_label(re.compile("Your name"))).to_be_focused()
    page.keyboard.type("Gopal")
    page.keyboard.press("Enter")

    page.wait_for_url(f"{live_server.url}/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your shop is waiting for approval")
    assert "Library Xerox" in page.inner_text("body")
    vendor = User.objects.get(phone="+919876601234")
    assert (vendor.role, vendor.vendor_type, vendor.is_approved) == ("vendor", "stationery", False)
    assert Shop.objects.get(vendor=vendor).name == "Library Xerox"

    # The same two steps on a laptop.
    context = browser.new_context(viewport={"width": DESKTOP_WIDTH, "height": 800}, base_url=live_server.url)
    violations = watch_csp(context)
    desktop = context.new_page()
    overflowing += _shoot(desktop, "register-shop", "/register-shop", DESKTOP_WIDTH, prefix="vendor")
    desktop.get_by_label("Shop's mobile number").fill("9876601235")
    desktop.get_by_role("button", name="Send me a code").click()
    desktop.wait_for_url("**/register-shop/code")
    overflowing += _shoot(desktop, "register-shop-code", None, DESKTOP_WIDTH, prefix="vendor")
    context.close()

    assert overflowing == [], f"pages scroll sideways at {PHONE_WIDTH} px: {overflowing}"
    assert violations == [], f"Content-Security-Policy violations on the main pages: {violations}"
    for name in ("register-shop", "register-shop-code"):
        for width in (PHONE_WIDTH, DESKTOP_WIDTH):
            assert (SCREENSHOTS / f"vendor-{name}-{width}.png").stat().st_size > 0


# --- the Content-Security-Policy holds on every kind of page -------------------------------------


def test_no_page_breaks_the_content_security_policy(browser, live_server, sandbox):
    """The policy is sent and nothing on the main pages, the sandbox checkout, the API docs or the
    admin is refused by it (a page that still had inline script or style would report a violation)."""
    campus = factories.campus()
    context = browser.new_context(viewport={"width": DESKTOP_WIDTH, "height": 800}, base_url=live_server.url)
    violations = watch_csp(context)
    page = context.new_page()
    response = page.goto("/")
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    for path in ("/login", f"/vendors/{campus.canteen.vendor_id}", "/print", "/api/v1/docs/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    # A page that sets styles and scripts on its own: the docs render their operations.
    expect(page.locator(".opblock").first).to_be_visible()
    from accounts.tests.factories import StaffFactory

    _session_cookie(page, StaffFactory(is_superuser=True), live_server)
    page.goto("/admin/")
    page.wait_for_load_state("networkidle")
    # The sandbox checkout and result pages (a pop-up in the real flow).
    from razorpay_sandbox import state

    remote = state.order_create(amount=5000, currency="INR", receipt="csp", notes={}, webhook_url="")
    page.goto(f"{SANDBOX_PATH}/checkout/{remote['id']}")
    page.get_by_test_id("pay").click()
    page.wait_for_load_state("networkidle")
    context.close()
    assert violations == [], f"Content-Security-Policy violations: {violations}"


@pytest.mark.parametrize("width", [PHONE_WIDTH, DESKTOP_WIDTH])
def test_the_students_order_shows_a_delayed_refund_never_refunded(browser, live_server, tmp_path, width):
    from payments.models import Refund
    from tests.fixtures import food_vendor, menu_item, paid_order, slot

    vendor = food_vendor(name="Slow Canteen")
    student = StudentFactory()
    order, payment = paid_order(student, slot(vendor), [menu_item(vendor, name="Upma", price_paise=5000)])
    from ordering.services import order_reject

    order_reject(order_id=order.pk, vendor=vendor, reason="Gas ran out")
    refund = Refund.objects.get(payment=payment)
    # Razorpay refused it: the campus office will sort it out.
    Refund.objects.filter(pk=refund.pk).update(status=Refund.Status.FAILED, failure_reason="bank declined")

    context = browser.new_context(viewport={"width": width, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    _session_cookie(page, student, live_server)
    page.goto(f"/orders/{order.pk}")
    refunds = page.get_by_test_id("refunds")
    expect(refunds).to_be_visible()
    row = refunds.get_by_test_id("refund")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("₹50")
    expect(row).to_contain_text("delayed — the campus office is on it")
    expect(row).not_to_contain_text("refunded")
    assert "being refunded" not in page.content()
    page.screenshot(path=str(tmp_path / f"order-refund-delayed-{width}.png"), full_page=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"student-order-refund-delayed-{width}.png"), full_page=True)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width
    context.close()


# --- issue 16 (second part): refunds in full end the handover; the admin's confirmation page -------


def _admin_page(browser, live_server, width):
    from accounts.tests.factories import StaffFactory, admin_sign_in

    client = admin_sign_in(Client(), StaffFactory(is_superuser=True))
    context = browser.new_context(viewport={"width": width, "height": 900}, base_url=live_server.url)
    context.set_default_timeout(WAIT_MS)
    violations = watch_csp(context)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return context, context.new_page(), violations


@pytest.mark.parametrize("width", [PHONE_WIDTH, DESKTOP_WIDTH])
def test_the_admin_refund_asks_for_a_reason_and_a_full_refund_cancels_the_order(browser, live_server, sandbox, width):
    from dashboard.tests.factories import dish, paid_order, slot
    from dashboard.tests.factories import food_vendor as dashboard_food_vendor
    from payments.models import Payment, Refund

    vendor = dashboard_food_vendor("Admin Refund Canteen")
    order = paid_order(slot(vendor), {dish(vendor, "Poha", 4000): 2})
    payment = Payment.objects.get(order=order)
    context, page, violations = _admin_page(browser, live_server, width)
    page.goto(f"/admin/payments/payment/{payment.pk}/change/")
    page.get_by_role("link", name="Refund…").click()
    expect(page.locator("#refund-belongs-to")).to_contain_text(f"order #{order.pk}")
    amount = page.locator('input[name="amount"]')
    expect(amount).to_have_value("80.00")  # the refundable rest, in rupees
    page.locator("#refund-submit").click()  # no reason
    expect(page.locator(".errorlist")).to_be_visible()
    assert Refund.objects.count() == 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"admin-refund-no-reason-{width}.png"), full_page=True)

    page.locator('input[name="reason"]').fill("Spilled at the counter")
    page.locator("#refund-submit").click()
    expect(page.locator(".messagelist")).to_contain_text("Refund #")
    refund = Refund.objects.get()
    assert refund.amount_paise == 8000 and refund.reason == "Spilled at the counter"
    order.refresh_from_db()
    assert order.status == "cancelled" and order.cancel_reason == "refunded"
    page.screenshot(path=str(SCREENSHOTS / f"admin-refund-done-{width}.png"), full_page=True)
    context.close()
    assert violations == [], f"Content-Security-Policy violations: {violations}"

    # The student's order page says so.
    student_context = browser.new_context(viewport={"width": width, "height": 900}, base_url=live_server.url)
    student_page = student_context.new_page()
    _session_cookie(student_page, order.student, live_server)
    student_page.goto(f"/orders/{order.pk}")
    expect(student_page.get_by_test_id("order-status")).to_have_text("Cancelled")
    expect(student_page.get_by_test_id("cancelled-refunded")).to_contain_text("refunded this order in full")
    expect(student_page.get_by_test_id("pickup-code")).to_have_count(0)
    student_page.screenshot(path=str(SCREENSHOTS / f"student-order-refunded-{width}.png"), full_page=True)
    assert student_page.evaluate("document.documentElement.scrollWidth") <= width
    student_context.close()
