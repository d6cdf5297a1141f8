"""Issue 25's Hindi pass of the student pages: every page a student sees, in Hindi, in Chromium,
at 360 px (a phone) and 1280 px, with screenshots (test-artifacts/screenshots/hi-student-*).

The browser asks for Hindi (Accept-Language): signing in, the visitor is signed out; then the
student, whose stored language is Hindi, walks the rest. On every page no English word is left
but names (the shops', dishes', options', services', the student's, the file's), the product's
and the few words that are names themselves (PDF, SMS, QR, MB, A4, Razorpay...) and codes; and
at 360 px nothing is wider than the screen. One test per viewport walks all the pages.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect

from ordering import services as ordering_services
from payments import services as payment_services
from payments.models import Payment
from payments.services import Source

from . import factories
from .test_a11y import _campus_with_one_of_everything
from .test_browser import DESKTOP_WIDTH, PHONE_WIDTH, SCREENSHOTS, WAIT_MS, _session_cookie

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("compiled_messages"),
]

# The campus's names (pages/tests/test_a11y.py, factories.campus), upper-cased too where CSS may do it.
NAMES = ("Main Canteen", "Hot meals", "Masala Dosa", "Chai", "Meals", "MEALS", "Drinks", "DRINKS", "Size",
         "Plain", "Masala", "Extras", "Ghee", "Night Cafe", "Library Xerox", "Prints and binding",
         "Black and white A4", "Kiran", "notes.pdf", "Maggi")  # fmt: skip
# Words that stay as they are in Hindi text: the product, file formats, names of things, the other language's button.
KEPT = ("Tap N Take", "English", "Razorpay", "GSTIN", "JavaScript", "PDF", "JPEG", "PNG", "SMS", "QR", "MB", "A4")
WORD = re.compile(r"[A-Za-z]{2,}")
CODE = re.compile(r"\b\w*(?:\d|_)\w*\b")  # payment ids, order ids and the like: codes, not words


def english_left(text: str) -> list[str]:
    for kept in (*NAMES, *KEPT):
        text = text.replace(kept, " ")
    return WORD.findall(CODE.sub(" ", text))


def _ready_order(campus, student):
    order = factories.order(student=student, slot=campus.lunch, items=[(campus.chai, 3)])
    payment = Payment.objects.create(
        payer=student, order=order, amount_paise=order.total_paise, razorpay_order_id="order_HINDI0001"
    )
    # Paid as Razorpay's capture does, so the order has its receipt.
    payment_services.payment_capture(
        payment_id=payment.pk, razorpay_payment_id="pay_HINDI0001", amount_paise=order.total_paise,
        currency="INR", source=Source.WEBHOOK, method="card",
    )  # fmt: skip
    ordering_services.order_accept(order_id=order.pk, vendor=campus.canteen.vendor)
    return ordering_services.order_mark_ready(order_id=order.pk, vendor=campus.canteen.vendor)


@pytest.mark.parametrize("width", [PHONE_WIDTH, DESKTOP_WIDTH])
def test_every_student_page_in_hindi_has_no_english_left(chromium, live_server, width):
    campus, student, paid, unpaid, _ready = _campus_with_one_of_everything()
    ready = _ready_order(campus, student)
    student.language = "hi"
    student.save(update_fields=["language"])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = chromium.new_context(
        viewport={"width": width, "height": 780}, base_url=live_server.url, locale="hi-IN", service_workers="block"
    )
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    problems: list[str] = []

    def check(name: str, ready_selector: str = "main") -> None:
        expect(page.locator("html")).to_have_attribute("lang", "hi")
        expect(page.locator(ready_selector).first).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / f"hi-student-{name}-{width}.png"), full_page=True)
        left = english_left(page.locator("body").inner_text())
        if left:
            problems.append(f"{name}: {left}")
        if width == PHONE_WIDTH:
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                problems.append(f"{name}: {scroll} px wide at {width} px")

    try:
        # Signed out: the browser's Accept-Language chooses Hindi.
        page.goto("/login")
        check("login", "#id_phone")
        page.locator("#id_phone").fill("98765 04444")
        page.locator("form.card button[type=submit]").click()
        page.wait_for_url("**/login/code")
        check("login-code", "#id_code")

        # The student, whose stored language is Hindi.
        _session_cookie(page, student, live_server)
        menu = f"/vendors/{campus.canteen.vendor_id}"
        for name, path, ready_selector in (
            ("home", "/", "[data-testid=pinned-order]"),
            ("menu", menu, "[data-testid=menu-item]"),
            ("item-options", f"{menu}/items/{campus.dosa.pk}", "[data-item-form]"),
        ):
            page.goto(path)
            check(name, ready_selector)
        page.goto(menu)
        page.get_by_role("button", name="Chai जोड़ें", exact=True).click()  # the cart bar and its pay button
        expect(page.locator("[data-cart-count]")).to_have_text("1 चीज़")
        check("checkout", "[data-cart-submit]")
        for name, path, ready_selector in (
            ("order-to-pay", f"/orders/{unpaid.pk}", "[data-testid=hold]"),
            ("order-paid", f"/orders/{paid.pk}", "[data-testid=tracker]"),
            ("order-ready", f"/orders/{ready.pk}", "[data-testid=pickup-code]"),
            ("my-orders", "/orders", "[data-testid=order-card]"),
            ("receipt", f"/orders/{ready.pk}/receipt", "[data-testid=receipt]"),
            ("print-shops", "/print", "[data-testid=stationery-shops]"),
            ("print-form", f"/print/{campus.xerox.vendor_id}", "[data-estimate]"),
            ("my-prints", "/print-jobs", "[data-testid=print-job]"),
        ):
            page.goto(path)
            check(name, ready_selector)
        statuses = page.locator("[data-testid=print-job-status]")  # one job ready to pay, one paid
        expect(statuses.filter(has_text="भुगतान के लिए तैयार")).to_have_count(1)
        expect(statuses.filter(has_text="भुगतान हो गया")).to_have_count(1)
    finally:
        context.close()
    assert problems == [], "English left or too wide in Hindi:\n" + "\n".join(problems)
    assert django_settings.LANGUAGE_CODE == "en"  # Hindi came from the browser and the account alone
