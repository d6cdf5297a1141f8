"""Issue 25, the keyboard alone: a student signs in, orders a dish with options, pays in the sandbox,
sends a print and pays for it once printed, with Tab, Shift+Tab, Enter, Space and the arrows only
(no clicks), seeing where the focus is at every stop (pages/tests/test_a11y.py checks each page's
first stop and target sizes; dashboard/tests/test_keyboard.py the shops' side)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts import sms
from accounts.models import User
from accounts.tests.factories import StudentFactory
from ordering.models import Order
from stationery import services as stationery_services
from stationery.models import PrintJob
from tests.a11y import tab_to

from . import factories
from .csp import watch_csp
from .test_browser import PHONE_WIDTH, WAIT_MS, _latest_code, _session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def keyboard_page(chromium, live_server):
    context = chromium.new_context(viewport={"width": PHONE_WIDTH, "height": 780}, base_url=live_server.url)
    context.set_default_timeout(WAIT_MS)
    violations = watch_csp(context)
    page = context.new_page()
    yield page
    context.close()
    assert violations == [], f"Content-Security-Policy violations: {violations}"


def _menu_with_options():
    campus = factories.campus()
    from catalog.tests.factories import OptionFactory, OptionGroupFactory

    size = OptionGroupFactory(menu_item=campus.dosa, name="Size", min_choices=1, max_choices=1)
    OptionFactory(group=size, name="Plain", sort_order=0)
    OptionFactory(group=size, name="Masala", price_delta_paise=1500, sort_order=1)
    extras = OptionGroupFactory(menu_item=campus.dosa, name="Extras", max_choices=2, sort_order=1)
    OptionFactory(group=extras, name="Ghee", price_delta_paise=1000, sort_order=0)
    return campus


def test_a_student_signs_in_orders_with_options_and_pays_with_the_keyboard_alone(keyboard_page, live_server, sandbox):
    campus = _menu_with_options()
    page = keyboard_page
    page.goto("/")

    # Sign in.
    tab_to(page, page.get_by_role("link", name="Sign in"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/login")
    tab_to(page, page.get_by_label("Mobile number"))
    page.keyboard.type("98765 03333")
    page.keyboard.press("Enter")
    page.wait_for_url("**/login/code")
    tab_to(page, page.get_by_label(re.compile("Your name")))  # past the code field, then back to it
    page.keyboard.type("Ravi")
    tab_to(page, page.get_by_label("6-digit code"), backwards=True)
    page.keyboard.type(_latest_code("+919876503333"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    student = User.objects.get(phone="+919876503333")
    assert student.name == "Ravi"

    # A dish with options, from its sheet: the size by the arrows, an extra by Space.
    tab_to(page, page.get_by_role("link", name=re.compile("Main Canteen")))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/vendors/{campus.canteen.vendor_id}")
    tab_to(page, page.get_by_role("button", name="Add Masala Dosa: choose options"))
    page.keyboard.press("Enter")
    sheet = page.get_by_role("dialog")
    expect(sheet).to_be_visible()
    tab_to(page, sheet.get_by_label("Plain"))
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    expect(sheet.get_by_label("Masala")).to_be_checked()
    tab_to(page, sheet.get_by_label("Ghee"))
    page.keyboard.press("Space")
    expect(sheet.get_by_label("Ghee")).to_be_checked()
    tab_to(page, sheet.get_by_role("button", name=re.compile("Add to cart")))
    expect(sheet.get_by_role("button", name=re.compile("Add to cart"))).to_contain_text("₹85")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("cart-line")).to_have_count(1)

    # A plain dish by its ADD button, the pickup slot by Space, then place the order.
    tab_to(page, page.get_by_role("button", name="Add Chai", exact=True))
    page.keyboard.press("Enter")
    expect(page.get_by_label("Quantity of Chai")).to_have_value("1")
    slot_choice = page.locator(f"#slot-{campus.lunch.pk}")
    tab_to(page, slot_choice)
    page.keyboard.press("Space")
    expect(slot_choice).to_be_checked()
    # "Pay ₹100" places the order and opens the sandbox's checkout window: pay there by keyboard too.
    tab_to(page, page.get_by_role("button", name="Pay ₹100"))
    with page.expect_popup() as popup_info:
        page.keyboard.press("Enter")
    checkout = popup_info.value
    checkout.wait_for_load_state()
    order = Order.objects.get(student=student)
    assert order.total_paise == 6000 + 1500 + 1000 + 1500
    assert sorted(order.items.values_list("quantity", flat=True)) == [1, 1]
    tab_to(checkout, checkout.get_by_test_id("pay"))
    checkout.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/orders/{order.pk}$"))
    expect(page.get_by_test_id("pickup-code")).to_be_visible()
    expect(page.get_by_test_id("order-status")).to_have_text("Paid")
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


def test_a_student_sends_a_print_and_pays_for_it_with_the_keyboard_alone(keyboard_page, live_server, sandbox):
    campus = factories.campus()
    student = StudentFactory()
    page = keyboard_page
    _session_cookie(page, student, live_server)
    # Listening from the start turns Playwright's file-chooser interception on before the key is
    # pressed (expect_file_chooser turns it on asynchronously, which can lose the first picker).
    choosers = []
    page.on("filechooser", lambda chooser: choosers.append(chooser))
    page.goto("/print")

    tab_to(page, page.get_by_role("link", name=re.compile("Library Xerox")))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/print/{campus.xerox.vendor_id}")
    tab_to(page, page.get_by_label(re.compile("Black and white A4")))
    page.keyboard.press("Space")
    file_input = page.get_by_label("PDF file")
    tab_to(page, file_input)
    page.keyboard.press("Space")  # the file input opens the phone's file picker
    for _ in range(50):
        if choosers:
            break
        page.wait_for_timeout(100)
    assert choosers, "Space on the file input opened no file picker"
    choosers[0].set_files({"name": "notes.pdf", "mimeType": "application/pdf", "buffer": factories.pdf_bytes(2)})
    tab_to(page, page.get_by_label("Copies"))
    page.keyboard.press("Control+A")
    page.keyboard.type("3")
    expect(page.get_by_test_id("estimate")).to_contain_text("₹12", timeout=WAIT_MS)
    send = page.get_by_role("button", name="Send to the shop")
    expect(send).to_be_enabled()
    tab_to(page, send)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/print-jobs")
    job = PrintJob.objects.get(student=student)
    assert (job.pages, job.copies, job.service_id) == (2, 3, campus.bw.pk)

    # The shop prints it and sets the amount; My prints brings the Pay button by itself.
    page.wait_for_selector("html[data-live-stream=open]", state="attached")
    stationery_services.print_job_accept(vendor=campus.xerox.vendor, job_id=job.pk)
    stationery_services.print_job_mark_ready(vendor=campus.xerox.vendor, job_id=job.pk, amount_paise=1200)
    # Once the page has said so, it is done updating itself (each update draws the list anew).
    expect(page.get_by_test_id("live-note")).to_have_text(f"Print #{job.pk} is printed: pay to collect it.")
    pay = page.locator(f"#job-{job.pk}").get_by_role("button", name="Pay ₹12 now")
    tab_to(page, pay)
    with page.expect_popup() as popup_info:
        page.keyboard.press("Enter")
    checkout = popup_info.value
    checkout.wait_for_load_state()
    tab_to(checkout, checkout.get_by_test_id("pay"))
    checkout.keyboard.press("Enter")
    expect(page.locator(f"#job-{job.pk}").get_by_test_id("release-code")).to_be_visible()
    job.refresh_from_db()
    assert job.status == PrintJob.Status.PAID
