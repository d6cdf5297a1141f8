"""Counter mode in real Chromium (issue 20): a fake camera shows the student's pickup QR and the
counter completes the order by scanning it; another order is completed by typing its code.

The camera is Chromium's fake capture device playing a Y4M video written by camera.py, frame by frame
with Pillow, from the QR code of the order's own pickup code (the same QR the student's order
page draws). The page only talks to the API, so each assertion on the page is followed by one
on the database.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from ordering.models import Order
from ordering.tests.factories import ready_order
from pages.tests.csp import watch_csp

from .camera import blank_picture, qr_picture, write_y4m
from .conftest import LAPTOP
from .factories import dish, food_vendor, slot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def open_counter(live_server):
    """`open_counter(browser, vendor, viewport)` → a page of /dashboard/counter signed in as `vendor`.

    Script errors and Content-Security-Policy violations fail the test.
    """
    contexts, errors, watches = [], [], []

    def open_(browser, vendor, viewport=LAPTOP):
        client = Client()
        client.force_login(vendor)
        context = browser.new_context(viewport=viewport)
        context.grant_permissions(["camera"], origin=live_server.url)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
        contexts.append(context)
        watches.append(watch_csp(context))
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(live_server.url + "/dashboard/counter")
        return page

    yield open_
    for context in contexts:
        context.close()
    assert errors == [], f"script errors on the counter: {errors}"
    assert [line for watch in watches for line in watch] == [], "Content-Security-Policy violations on the counter"


def _status(order: Order) -> str:
    return Order.objects.values_list("status", flat=True).get(pk=order.pk)


def _handed_over(order: Order) -> str:
    who = f" to {order.student.name}" if order.student.name else ""
    return f"Order #{order.pk} handed over{who}."


def test_the_counter_scans_the_students_qr_and_completes_the_order(camera_browser, open_counter, tmp_path):
    vendor = food_vendor()
    lunch = slot(vendor)
    dosa = dish(vendor, "Masala dosa", 6000)
    scanned = ready_order(slot=lunch, lines={dosa: 2})
    other = ready_order(slot=lunch, lines={dosa: 1})
    video = write_y4m(tmp_path / "pickup-qr.y4m", qr_picture(scanned.pickup_code))

    page = open_counter(camera_browser(video), vendor)
    orders = page.locator("#counter-orders li")
    expect(orders).to_have_count(2)
    expect(page.locator(f'[data-order-id="{scanned.pk}"]')).to_contain_text(f"#{scanned.pk}")
    assert scanned.pickup_code not in page.locator("#counter-orders").inner_text()  # the code is the student's

    page.get_by_role("button", name="Scan QR code").click()
    expect(page.locator("#counter-result")).to_have_text(_handed_over(scanned))
    assert _status(scanned) == Order.Status.COMPLETED
    expect(orders).to_have_count(1)
    page.wait_for_timeout(1500)  # the QR stays in front of the camera: it is not sent again
    expect(page.locator("#counter-result")).to_have_text(_handed_over(scanned))
    page.get_by_role("button", name="Stop camera").click()
    assert _status(other) == Order.Status.READY


def test_the_counter_completes_a_typed_code_and_refuses_a_wrong_one(
    camera_browser, open_counter, tmp_path, screenshots_dir
):
    vendor = food_vendor()
    lunch = slot(vendor)
    dosa = dish(vendor, "Masala dosa", 6000)
    typed = ready_order(slot=lunch, lines={dosa: 1})
    waiting = [ready_order(slot=lunch, lines={dosa: 1}) for _ in range(2)]
    Order.objects.filter(pk=waiting[1].pk).update(status=Order.Status.UNCLAIMED)
    blank = write_y4m(tmp_path / "nothing.y4m", blank_picture(), frames=2)
    browser = camera_browser(blank)

    page = open_counter(browser, vendor)
    expect(page.locator("#counter-orders li")).to_have_count(3)
    expect(page.locator(f'[data-order-id="{waiting[1].pk}"]')).to_contain_text("Not collected in time")
    wrong = "000000" if typed.pickup_code != "000000" else "111111"
    page.get_by_label("Pickup code").fill(wrong)
    page.get_by_role("button", name="Hand over").click()
    expect(page.locator("#counter-result")).to_contain_text(f"No order waiting here has the code {wrong}")
    assert _status(typed) == Order.Status.READY

    page.get_by_label("Pickup code").fill(typed.pickup_code)
    page.get_by_role("button", name="Hand over").click()
    expect(page.locator("#counter-result")).to_have_text(_handed_over(typed))
    assert _status(typed) == Order.Status.COMPLETED
    expect(page.locator("#counter-orders li")).to_have_count(2)

    for viewport in (PHONE, LAPTOP):
        shot = open_counter(browser, vendor, viewport)
        expect(shot.locator("#counter-orders li")).to_have_count(2)
        assert shot.evaluate("document.documentElement.scrollWidth") <= viewport["width"]  # no sideways scrolling
        shot.screenshot(path=str(screenshots_dir / f"counter-{viewport['width']}.png"), full_page=True)
