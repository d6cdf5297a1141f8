"""Issue 24's front end in Chromium: the student's pages follow the event stream, the installable
app (manifest, service worker, offline page) and the "Notify me on this phone" button.

The page's own poll is made too slow to matter in the live tests (ORDER/PRINT_POLL_SECONDS), so
what changes the page is the stream; a marker set on `window` before the change proves the page
changed in place rather than reloading.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import expect

from accounts.tests.factories import StudentFactory
from ordering import services as ordering
from ordering.models import Order
from ordering.tests.factories import paid_order
from push import services as push
from push.models import PushPreference, PushSubscription
from push.tests.push_service import Browser
from stationery import services as stationery
from stationery.models import PrintJob

from . import factories
from .csp import watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(django_settings.BASE_DIR) / "test-artifacts" / "screenshots"
WAIT_MS = 15_000
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 800}
STREAM_OPEN = "html[data-live-stream=open]"
EVENTS_URL = re.compile(r"/api/v1/events(\?|$)")
# Where a screen reader hears a change without moving: a polite live region.
LIVE_REGIONS = "[aria-live=polite], [role=status]"


@pytest.fixture
def slow_polls(monkeypatch):
    """The pages' own status polls every 10 minutes: only the stream can change the page."""
    monkeypatch.setattr("pages.views.orders.ORDER_POLL_SECONDS", 600)
    monkeypatch.setattr("pages.views.printing.PRINT_JOB_POLL_SECONDS", 600)


@pytest.fixture
def open_page(chromium, live_server):
    """`open_page(user, path, viewport=PHONE)` → a signed-in page; script errors and CSP violations fail the test."""
    contexts, errors, watches = [], [], []

    def open_(
        user,
        path: str,
        viewport: dict | None = None,
        permissions: list[str] | None = None,
        block_events: bool = False,
        hold_events: list | None = None,
    ):
        client = Client()
        client.force_login(user)
        context = chromium.new_context(viewport=viewport or PHONE, base_url=live_server.url)
        context.set_default_timeout(WAIT_MS)
        if permissions:
            context.grant_permissions(permissions, origin=live_server.url)
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
        if block_events:  # the event stream refused: the page lives on its poll, as when the stream is down
            context.route(EVENTS_URL, lambda route: route.abort())
        if hold_events is not None:  # the stream's first request waits in the list until the test lets it go
            context.route(EVENTS_URL, lambda route: hold_events.append(route) if not hold_events else route.continue_())
        contexts.append(context)
        watches.append(watch_csp(context))
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(path)
        return page

    yield open_
    for context in contexts:
        context.close()
    assert errors == [], f"script errors: {errors}"
    violations = [line for watch in watches for line in watch]
    assert violations == [], f"Content-Security-Policy violations: {violations}"


def announced(page, words: str):
    """The live regions of the page whose text says `words` (case aside)."""
    return page.locator(LIVE_REGIONS).filter(has_text=re.compile(re.escape(words), re.IGNORECASE))


def mark_page(page) -> None:
    page.evaluate("() => { window.__sameDocument = true; }")


def same_document(page) -> bool:
    return page.evaluate("() => window.__sameDocument === true")


# --- live pages --------------------------------------------------------------------------------


def test_the_order_page_turns_ready_by_itself_and_says_so(open_page, slow_polls):
    campus = factories.campus()
    student = StudentFactory()
    order = paid_order(student=student, slot=campus.lunch, lines={campus.dosa: 1})
    page = open_page(student, f"/orders/{order.pk}")
    status = page.get_by_test_id("order-status")
    expect(status).to_have_text("Paid")
    page.wait_for_selector(STREAM_OPEN, state="attached")
    mark_page(page)
    expect(announced(page, "order is ready")).to_have_count(0)

    ordering.order_accept(order_id=order.pk, vendor=campus.canteen.vendor)
    expect(status).to_have_text("Accepted")
    expect(page.get_by_test_id("live-note")).to_have_text("The shop accepted your order.")

    ordering.order_mark_ready(order_id=order.pk, vendor=campus.canteen.vendor)
    expect(status).to_have_text("Ready for pickup")
    note = page.get_by_test_id("live-note")
    expect(note).to_have_text("Your order is ready. Show your pickup code at the counter.")
    assert note.get_attribute("aria-live") == "polite"
    expect(announced(page, "order is ready")).to_have_text(note.inner_text())  # the one region that says it
    expect(page.get_by_test_id("timeline")).to_contain_text("Ready for pickup")
    expect(page.get_by_test_id("pickup-code")).to_have_text(order.pickup_code)
    assert same_document(page), "the page reloaded instead of updating in place"
    order.refresh_from_db()
    assert order.status == Order.Status.READY


def test_focus_stays_on_its_control_when_the_page_updates_itself(open_page, slow_polls):
    # A keyboard or screen-reader user on the page's "My orders" link: the swap puts a fresh link
    # there, and focus goes to it rather than falling back to the top of the document.
    campus = factories.campus()
    student = StudentFactory()
    order = paid_order(student=student, slot=campus.lunch, lines={campus.dosa: 1})
    page = open_page(student, f"/orders/{order.pk}")
    page.wait_for_selector(STREAM_OPEN, state="attached")
    mark_page(page)
    back = page.locator("[data-live] a.back")
    back.focus()
    expect(back).to_be_focused()
    page.evaluate("() => { window.__before = document.activeElement; }")

    ordering.order_accept(order_id=order.pk, vendor=campus.canteen.vendor)
    expect(page.get_by_test_id("order-status")).to_have_text("Accepted")
    assert same_document(page)
    assert page.evaluate("() => window.__before.isConnected") is False  # the link is a fresh one
    expect(back).to_be_focused()


def test_a_change_between_the_page_and_its_stream_opening_is_replayed(open_page, slow_polls):
    # The order is accepted after the page is read but before its stream opens (the stream's
    # request is held back meanwhile): the stream starts where the page's reading did.
    campus = factories.campus()
    student = StudentFactory()
    order = paid_order(student=student, slot=campus.lunch, lines={campus.dosa: 1})
    held = []
    page = open_page(student, f"/orders/{order.pk}", hold_events=held)
    status = page.get_by_test_id("order-status")
    expect(status).to_have_text("Paid")
    for _ in range(150):  # the page's script has asked for its stream
        if held:
            break
        page.wait_for_timeout(100)
    assert len(held) == 1 and "last_event_id=" in held[0].request.url
    mark_page(page)

    ordering.order_accept(order_id=order.pk, vendor=campus.canteen.vendor)
    held[0].continue_()
    page.wait_for_selector(STREAM_OPEN, state="attached")
    expect(status).to_have_text("Accepted")
    expect(page.get_by_test_id("live-note")).to_have_text("The shop accepted your order.")
    assert same_document(page)


def test_a_change_the_open_stream_missed_is_brought_by_the_poll(open_page, monkeypatch):
    # The stream is open but never tells of the change (its publishing lost): the poll seeing the new
    # status twice takes it, in place, as the stream's event would have.
    monkeypatch.setattr("pages.views.orders.ORDER_POLL_SECONDS", 1)
    campus = factories.campus()
    student = StudentFactory()
    order = paid_order(student=student, slot=campus.lunch, lines={campus.dosa: 1})
    page = open_page(student, f"/orders/{order.pk}")
    page.wait_for_selector(STREAM_OPEN, state="attached")
    mark_page(page)

    monkeypatch.setattr("events.bus.publish", lambda **kwargs: None)
    ordering.order_accept(order_id=order.pk, vendor=campus.canteen.vendor)
    expect(page.get_by_test_id("order-status")).to_have_text("Accepted")
    expect(page.locator("html")).to_have_attribute("data-live-stream", "open")  # it was the poll
    assert same_document(page)


def test_with_the_stream_down_the_poll_brings_the_change_and_announces_it(open_page, monkeypatch):
    monkeypatch.setattr("pages.views.orders.ORDER_POLL_SECONDS", 1)
    campus = factories.campus()
    student = StudentFactory()
    order = paid_order(student=student, slot=campus.lunch, lines={campus.dosa: 1})
    page = open_page(student, f"/orders/{order.pk}", block_events=True)
    status = page.get_by_test_id("order-status")
    expect(status).to_have_text("Paid")
    expect(page.locator("html")).to_have_attribute("data-live-stream", "closed")
    mark_page(page)
    expect(announced(page, "order is ready")).to_have_count(0)

    ordering.order_accept(order_id=order.pk, vendor=campus.canteen.vendor)
    ordering.order_mark_ready(order_id=order.pk, vendor=campus.canteen.vendor)
    expect(status).to_have_text("Ready for pickup")
    expect(announced(page, "order is ready")).to_have_text("Your order is ready. Show your pickup code at the counter.")
    assert same_document(page), "the page reloaded instead of updating in place"
    expect(page.locator("html")).to_have_attribute("data-live-stream", "closed")  # it was the poll


def test_an_event_for_another_order_leaves_the_page_alone(open_page, slow_polls):
    campus = factories.campus()
    student = StudentFactory()
    mine = paid_order(student=student, slot=campus.lunch, lines={campus.dosa: 1})
    other = paid_order(student=student, slot=campus.lunch, lines={campus.chai: 1})
    page = open_page(student, f"/orders/{mine.pk}")
    page.wait_for_selector(STREAM_OPEN, state="attached")
    fetches = []
    page.on("request", lambda r: fetches.append(r.url) if r.url.endswith(f"/orders/{mine.pk}") else None)
    ordering.order_accept(order_id=other.pk, vendor=campus.canteen.vendor)
    page.wait_for_timeout(1500)
    assert fetches == [], "an event of another order made the page fetch itself"
    expect(page.get_by_test_id("live-note")).to_have_text("")
    expect(page.get_by_test_id("order-status")).to_have_text("Paid")
    ordering.order_accept(order_id=mine.pk, vendor=campus.canteen.vendor)  # then one for this page
    expect(page.get_by_test_id("order-status")).to_have_text("Accepted")
    expect(page.get_by_test_id("live-note")).to_have_text("The shop accepted your order.")


def test_the_print_jobs_page_follows_its_jobs(open_page, slow_polls):
    campus = factories.campus()
    student = StudentFactory()
    job, _ = _submitted_job(campus, student)
    page = open_page(student, "/print-jobs")
    status = page.locator(f"#job-{job.pk} [data-testid=print-job-status]")
    expect(status).to_have_text("Submitted")
    page.wait_for_selector(STREAM_OPEN, state="attached")
    mark_page(page)

    stationery.print_job_accept(vendor=campus.xerox.vendor, job_id=job.pk)
    expect(status).to_have_text("Accepted")
    expect(page.get_by_test_id("live-note")).to_have_text(f"The shop accepted print #{job.pk}.")
    assert same_document(page), "the page reloaded instead of updating in place"

    # Ready brings a pay button, which needs the page script: the page reloads, then says why.
    stationery.print_job_mark_ready(vendor=campus.xerox.vendor, job_id=job.pk, amount_paise=job.estimated_paise)
    expect(status).to_have_text("Ready to pay")
    expect(page.get_by_test_id("live-note")).to_have_text(f"Print #{job.pk} is printed: pay to collect it.")
    expect(page.get_by_role("button", name="Pay").first).to_be_visible()
    job.refresh_from_db()
    assert job.status == PrintJob.Status.READY


def _submitted_job(campus, student):
    from stationery.tests.pdfs import pdf_bytes, upload

    job = stationery.print_job_submit(
        student=student, service_id=campus.bw.pk, upload=upload(pdf_bytes(1), name="notes.pdf"), copies=1
    )
    return job, None


# --- the installable app -----------------------------------------------------------------------


def test_the_manifest_and_its_icons_load_and_the_worker_registers(open_page):
    student = StudentFactory()
    page = open_page(student, "/")
    href = page.locator('link[rel="manifest"]').get_attribute("href")
    manifest = page.evaluate("async (href) => (await fetch(href)).json()", href)
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    for icon in manifest["icons"]:
        answer = page.request.get(icon["src"])
        assert answer.status == 200 and answer.headers["content-type"] == "image/png", icon
    script_url = page.evaluate("async () => (await navigator.serviceWorker.ready).active.scriptURL")
    assert script_url.endswith("/sw.js")
    scope = page.evaluate("async () => (await navigator.serviceWorker.ready).scope")
    assert scope.endswith("/") and scope.count("/") == 3  # the whole site


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360", "1280"])
def test_offline_a_page_shows_the_offline_page(open_page, viewport):
    campus = factories.campus()
    student = StudentFactory()
    order = paid_order(student=student, slot=campus.lunch, lines={campus.dosa: 1})
    page = open_page(student, "/", viewport=viewport)
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    page.context.set_offline(True)
    try:
        page.goto(f"/orders/{order.pk}")
        expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
        expect(page.locator("body")).not_to_contain_text(student.name)  # cached for everyone: no names
        # Its styles and icon came from the worker's cache too.
        assert (
            page.evaluate("() => getComputedStyle(document.querySelector('.site-header')).backgroundColor")
            == "rgb(11, 110, 79)"
        )
        assert page.evaluate("() => document.querySelector('.offline__icon').naturalWidth") == 192
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"offline-{viewport['width']}.png"), full_page=True)
    finally:
        page.context.set_offline(False)
    page.goto(f"/orders/{order.pk}")  # back online: the real page again
    expect(page.get_by_test_id("order-status")).to_have_text("Paid")


# --- "Notify me on this phone" -------------------------------------------------------------------

# Headless Chromium has PushManager but no push service behind it (subscribe is refused), so the
# test stands in for the browser's push service: subscribe() answers a subscription with a real
# P-256 key, which the page then POSTs to the server like any other.
_STUB_PUSH = """([endpoint, p256dh, auth, subscribed]) => {
    let current = null;
    const made = {
        endpoint, options: {applicationServerKey: null},
        toJSON() { return {endpoint, expirationTime: null, keys: {p256dh, auth}}; },
        async unsubscribe() { current = null; return true; },
    };
    if (subscribed) current = made;
    PushManager.prototype.getSubscription = async function () { return current; };
    PushManager.prototype.subscribe = async function (options) {
        window.__subscribedWith = options.applicationServerKey.byteLength;
        current = made; return made;
    };
}"""


def test_the_notify_button_subscribes_this_phone_and_turns_it_off(open_page, settings):
    campus = factories.campus()
    student = StudentFactory()
    order = paid_order(student=student, slot=campus.lunch, lines={campus.dosa: 1})
    page = open_page(student, f"/orders/{order.pk}", permissions=["notifications"])
    box = page.get_by_test_id("notify")
    expect(box).to_be_visible()
    button = box.get_by_role("button", name="Notify me on this phone")
    expect(box).to_contain_text("instead of an SMS")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "notify-off-360.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(SCREENSHOTS / "notify-off-1280.png"), full_page=True)

    browser = Browser()
    endpoint = "https://fcm.googleapis.com/fcm/send/tnt-browser-test"
    page.evaluate(_STUB_PUSH, [endpoint, browser.p256dh, browser.auth])
    button.click()
    expect(box).to_contain_text("Turned on")
    assert page.evaluate("() => window.__subscribedWith") == 65  # the server's VAPID key, decoded
    row = PushSubscription.objects.get(user=student)
    assert (row.endpoint, row.p256dh, row.auth) == (endpoint, browser.p256dh, browser.auth)
    expect(box.get_by_role("button", name="Turn off notifications")).to_have_attribute("aria-pressed", "true")
    page.screenshot(path=str(SCREENSHOTS / "notify-on-1280.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(SCREENSHOTS / "notify-on-360.png"), full_page=True)

    # The page updating itself keeps the box as it is.
    ordering.order_accept(order_id=order.pk, vendor=campus.canteen.vendor)
    expect(page.get_by_test_id("order-status")).to_have_text("Accepted")
    expect(box).to_contain_text("Turned on")

    box.get_by_role("button", name="Turn off notifications").click()
    expect(box).to_contain_text("Turned off")
    assert not PushSubscription.objects.filter(user=student).exists()


def test_sms_can_be_turned_off_only_once_a_notification_reached_the_phone(open_page):
    campus = factories.campus()
    student = StudentFactory()
    order = paid_order(student=student, slot=campus.lunch, lines={campus.dosa: 1})
    page = open_page(student, f"/orders/{order.pk}", permissions=["notifications"])
    box = page.get_by_test_id("notify")
    browser = Browser()
    page.evaluate(_STUB_PUSH, ["https://fcm.googleapis.com/fcm/send/tnt-sms-test", browser.p256dh, browser.auth])
    box.get_by_role("button", name="Notify me on this phone").click()
    expect(box).to_contain_text("Turned on")
    sms = box.get_by_label("Send me SMS too")
    page.wait_for_timeout(300)  # the preferences' answer: push has not worked yet, so no choice
    expect(sms).to_be_hidden()

    # A notification reached the phone; the next visit offers the choice.
    push.push_subscription_delivered(subscription_id=PushSubscription.objects.get(user=student).pk)
    stub = json.dumps(["https://fcm.googleapis.com/fcm/send/tnt-sms-test", browser.p256dh, browser.auth, True])
    page.context.add_init_script(f"({_STUB_PUSH})({stub});")
    page.reload()
    expect(box).to_contain_text("On: this phone")
    expect(sms).to_be_visible()
    expect(sms).to_be_checked()
    sms.uncheck()
    expect(box).to_contain_text("SMS off")
    assert PushPreference.objects.get(user=student).sms is False
    page.screenshot(path=str(SCREENSHOTS / "notify-sms-off-360.png"), full_page=True)
    sms.check()
    expect(box).to_contain_text("SMS on")
    assert PushPreference.objects.get(user=student).sms is True


def test_with_push_off_on_the_server_the_notify_button_stays_hidden(open_page, settings):
    settings.VAPID_PRIVATE_KEY = settings.VAPID_PUBLIC_KEY = settings.VAPID_SUBJECT = ""
    campus = factories.campus()
    student = StudentFactory()
    order = paid_order(student=student, slot=campus.lunch, lines={campus.dosa: 1})
    with_key = []
    page = open_page(student, f"/orders/{order.pk}", permissions=["notifications"])
    page.on("response", lambda r: with_key.append(r.status) if "push/public-key" in r.url else None)
    page.reload()
    page.wait_for_timeout(1000)
    assert with_key and set(with_key) == {503}  # (the first load's answer may land after goto returned)
    expect(page.get_by_test_id("notify")).to_be_hidden()
