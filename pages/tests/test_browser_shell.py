"""Issue 22's student shell in real Chromium at 360 px and 1280 px: the home page with the order to
collect pinned on top, the tab bar, signing out from the account menu, ADD turning into the stepper,
and ordering again from My orders. Screenshots: test-artifacts/screenshots/student-shell-*.png."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import expect

from accounts.tests.factories import StudentFactory
from ordering import services as ordering_services
from ordering.models import Order
from payments.models import Payment

from . import factories
from .csp import watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(django_settings.BASE_DIR) / "test-artifacts" / "screenshots"
PHONE_WIDTH, DESKTOP_WIDTH = 360, 1280
WIDTHS = [PHONE_WIDTH, DESKTOP_WIDTH]
WAIT_MS = 15_000


@pytest.fixture
def open_page(chromium, live_server):
    """open_page(width, user=None) → a page of a fresh context, signed in as `user`; every
    context is checked for Content-Security-Policy violations when the test ends."""
    contexts, violations = [], []

    def open_(width: int, user=None):
        context = chromium.new_context(viewport={"width": width, "height": 780}, base_url=live_server.url)
        context.set_default_timeout(WAIT_MS)
        contexts.append((context, watch_csp(context)))
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
            context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
        return context.new_page()

    yield open_
    for context, seen in contexts:
        context.close()
        violations.extend(seen)
    assert violations == [], f"Content-Security-Policy violations: {violations}"


def _shot(page, name: str, width: int) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_load_state("networkidle")
    # The viewport as the student sees it (the tab bar is fixed at its bottom on a phone).
    page.screenshot(path=str(SCREENSHOTS / f"student-shell-{name}-{width}.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} scrolls sideways at {width} px"


def _paid(order: Order) -> Order:
    payment = Payment.objects.create(
        payer_id=order.student_id, order=order, amount_paise=order.total_paise, razorpay_order_id=f"order_B{order.pk}"
    )
    return ordering_services.order_mark_paid(order_id=order.pk, payment=payment)


def _box(locator) -> dict:
    box = locator.bounding_box()
    assert box is not None
    return box


@pytest.mark.parametrize("width", WIDTHS)
def test_home_pins_the_order_to_collect_and_the_tab_bar_moves_between_food_print_and_orders(open_page, width):
    campus = factories.campus()
    student = StudentFactory(name="Kiran")
    order = _paid(factories.order(student=student, slot=campus.lunch, items=[(campus.dosa, 2), (campus.chai, 1)]))
    page = open_page(width, student)
    page.goto("/")

    pinned = page.get_by_test_id("pinned-order")
    expect(pinned).to_have_count(1)
    expect(page.get_by_test_id("pinned-code")).to_have_text(order.pickup_code)
    # Pinned on top: above the page's heading and the search box.
    assert _box(pinned)["y"] < _box(page.get_by_role("heading", level=1))["y"]
    expect(page.get_by_test_id("shop-card").first).to_contain_text("Main Canteen")
    _shot(page, "home", width)

    tabbar = page.get_by_role("navigation", name="Main")
    tabs = tabbar.get_by_role("link")
    expect(tabs).to_have_text(["Food", "Print", "Orders"])
    expect(tabbar.get_by_role("link", name="Food")).to_have_attribute("aria-current", "page")
    for name in ("Food", "Print", "Orders"):
        box = _box(tabbar.get_by_role("link", name=name))
        assert box["height"] >= 44 and box["width"] >= 44, f"{name}: {box}"
    bar = _box(tabbar)
    if width == PHONE_WIDTH:
        # A bottom tab bar across the screen, the header one row.
        assert bar["y"] + bar["height"] == pytest.approx(780, abs=1) and bar["width"] == pytest.approx(width, abs=1)
        assert _box(page.locator(".site-header"))["height"] <= 64
    else:
        assert bar["y"] < 60  # the header's links at the top

    tabbar.get_by_role("link", name="Print").click()
    page.wait_for_url("**/print")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Print")).to_have_attribute(
        "aria-current", "page"
    )
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Orders").click()
    page.wait_for_url("**/orders")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Orders")).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.get_by_test_id("active-orders")).to_contain_text("2 × Masala Dosa, 1 × Chai")
    _shot(page, "orders-active", width)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Food").click()
    page.wait_for_url(re.compile(r"/$"))
    page.get_by_test_id("pinned-order").click()
    page.wait_for_url(f"**/orders/{order.pk}")
    expect(page.get_by_test_id("pickup-code")).to_have_text(order.pickup_code)


@pytest.mark.parametrize("width", WIDTHS)
def test_signing_out_from_the_account_menu(open_page, width, live_server):
    factories.campus()
    page = open_page(width, StudentFactory(name="Meera"))
    page.goto("/")
    sign_out = page.get_by_role("button", name="Sign out")
    expect(sign_out).to_be_hidden()  # inside the closed menu
    page.get_by_test_id("account-menu").locator("summary").click()
    expect(sign_out).to_be_visible()
    expect(page.get_by_test_id("account-menu")).to_contain_text("Signed in as Meera")
    assert _box(sign_out)["height"] >= 44
    _shot(page, "account-menu", width)
    sign_out.click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.get_by_test_id("account-menu")).to_have_count(0)


@pytest.mark.parametrize("width", WIDTHS)
def test_add_becomes_the_stepper_and_the_cart_bar_comes_and_goes(open_page, width):
    campus = factories.campus()
    long_name = factories.menu_item(
        campus.canteen, name="Paneer butter masala with two butter naan and salad", price_paise=18000, category="Meals"
    )
    page = open_page(width, StudentFactory())
    page.goto(f"/vendors/{campus.canteen.vendor_id}")
    cart_bar = page.locator(".cart-bar")
    expect(cart_bar).to_be_hidden()
    row = page.locator(f"#item-{long_name.pk}")
    add = row.get_by_role("button", name=f"Add {long_name.name}")
    expect(row.get_by_role("button", name=f"One more {long_name.name}")).to_be_hidden()
    _shot(page, "menu-empty", width)

    add.click()
    more = row.get_by_role("button", name=f"One more {long_name.name}")
    expect(more).to_be_focused()
    expect(add).to_be_hidden()
    expect(row.get_by_label(f"Quantity of {long_name.name}")).to_have_value("1")
    expect(row).to_have_class(re.compile(r"\bin-cart\b"))
    expect(cart_bar).to_be_visible()
    expect(page.locator("[data-cart-total]")).to_have_text("₹180")
    # The name stays in its column, left of the stepper, never under it.
    name, stepper = _box(row.locator("h3")), _box(row.locator(".qty"))
    assert name["x"] + name["width"] <= stepper["x"] + 1
    assert stepper["height"] >= 44 and _box(more)["width"] >= 44
    more.click()
    expect(row.get_by_label(f"Quantity of {long_name.name}")).to_have_value("2")
    expect(page.locator("[data-cart-count]")).to_have_text("2 items")
    row.evaluate("el => el.scrollIntoView({block: 'center'})")
    _shot(page, "menu-in-cart", width)

    # Down to none: ADD again, nothing highlighted, no cart bar; a reload keeps that.
    row.get_by_role("button", name=f"One less {long_name.name}").click()
    row.get_by_role("button", name=f"One less {long_name.name}").click()
    expect(add).to_be_visible()
    expect(add).to_be_focused()
    expect(row).not_to_have_class(re.compile(r"\bin-cart\b"))
    expect(cart_bar).to_be_hidden()
    page.reload()
    expect(page.locator(".cart-bar")).to_be_hidden()


@pytest.mark.parametrize("width", WIDTHS)
def test_reorder_from_my_orders_fills_the_cart_and_orders_again(open_page, width, live_server, sandbox):
    campus = factories.campus()
    student = StudentFactory()
    first = _paid(factories.order(student=student, slot=campus.lunch, items=[(campus.dosa, 2), (campus.chai, 1)]))
    ordering_services.order_accept(order_id=first.pk, vendor=campus.canteen.vendor)
    ordering_services.order_mark_ready(order_id=first.pk, vendor=campus.canteen.vendor)
    ordering_services.order_complete(order_id=first.pk, vendor=campus.canteen.vendor, pickup_code=first.pickup_code)
    page = open_page(width, student)
    page.goto("/orders")
    past = page.get_by_test_id("past-orders")
    expect(past).to_contain_text("2 × Masala Dosa, 1 × Chai")
    expect(past).to_contain_text("₹135")
    _shot(page, "orders-past", width)

    past.get_by_role("button", name=re.compile("^Reorder")).click()
    page.wait_for_url(re.compile(rf"/vendors/{campus.canteen.vendor_id}\?cart=open#cart$"))
    expect(page.locator(".messages")).to_contain_text(f"Order #{first.pk} is back in your cart")
    expect(page.get_by_label("Quantity of Masala Dosa")).to_have_value("2")
    expect(page.get_by_label("Quantity of Chai")).to_have_value("1")
    expect(page.locator(".cart-bar")).to_be_visible()
    expect(page.locator("[data-cart-total]")).to_have_text("₹135")
    _shot(page, "reorder-cart", width)

    page.locator(f"#slot-{campus.lunch.pk}").check()
    with page.expect_popup() as popup_info:
        page.get_by_role("button", name="Pay ₹135").click()  # places it and opens the checkout
    popup_info.value.get_by_test_id("pay").click()
    page.wait_for_url(re.compile(r"/orders/\d+$"))
    again = Order.objects.exclude(pk=first.pk).get(student=student)
    assert sorted((line.name, line.quantity) for line in again.items.all()) == [("Chai", 1), ("Masala Dosa", 2)]
    assert again.total_paise == first.total_paise
