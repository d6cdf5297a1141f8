"""The print form in real Chromium at 360 and 1280 px (issue 22): from choosing a file to paying,
the first tap on Send after typing a note, the file uploaded once and re-priced by reference,
and choosing a file while signed out.

Every request the page makes is recorded, so "the file crosses the network once" is counted."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import expect

from accounts import sms
from accounts.tests.factories import StudentFactory
from stationery.models import PrintJob, PrintUpload

from . import factories
from .csp import watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(django_settings.BASE_DIR) / "test-artifacts" / "screenshots"
WIDTHS = (360, 1280)
WAIT_MS = 15_000
# The chosen PDF is padded to this size, so a request that carries it stands out by its size.
PDF_PADDING = 300_000


@pytest.fixture(autouse=True)
def _fresh_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@dataclass
class Sent:
    path: str
    content_type: str
    body: bytes  # Chromium leaves it empty when a file part is in it; `size` counts every byte
    request: object

    @property
    def size(self) -> int:
        """The bytes sent, from the request's own Content-Length."""
        return int(self.request.all_headers().get("content-length") or 0)


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def width(request) -> int:
    return request.param


@pytest.fixture
def page(chromium, live_server, width):
    context = chromium.new_context(viewport={"width": width, "height": 800}, base_url=live_server.url)
    context.set_default_timeout(WAIT_MS)
    violations = watch_csp(context)
    page = context.new_page()
    page.sent = []

    def record(request) -> None:
        if request.method == "POST":
            body = request.post_data_buffer or b""
            path = re.sub(r"^https?://[^/]+", "", request.url)
            page.sent.append(Sent(path, request.headers.get("content-type", ""), body, request))

    page.on("request", record)
    yield page
    context.close()
    assert violations == [], f"Content-Security-Policy violations: {violations}"


def _sign_in(page, user, live_server) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def _choose(page, pages: int = 3, name: str = "notes.pdf") -> None:
    page.get_by_label("PDF file or photo").set_input_files(
        {"name": name, "mimeType": "application/pdf", "buffer": factories.pdf_bytes(pages, padding=PDF_PADDING)}
    )


def _with_file(sent: list[Sent]) -> list[Sent]:
    """The requests that carried the chosen file (by their size: Chromium does not show file parts)."""
    return [request for request in sent if request.size >= PDF_PADDING]


def _shoot(page, name: str, width: int) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"print-{name}-{width}.png"), full_page=True)


def test_print_from_choosing_a_file_to_paying_uploads_the_file_once(page, live_server, sandbox, make_client, width):
    campus = factories.campus()
    student = StudentFactory()
    _sign_in(page, student, live_server)
    page.goto(f"/print/{campus.xerox.vendor_id}")
    estimate = page.get_by_test_id("estimate")
    expect(estimate).to_have_text("Choose a PDF to see the price before you send it.")

    page.get_by_label(re.compile("Black and white A4")).check()
    _choose(page)
    expect(page.locator("[data-upload-status]")).to_have_text("Uploaded: notes.pdf, 3 pages.")
    expect(estimate).to_contain_text("Estimate: ₹6 for 3 of 3 pages (none in colour) × 1 copy: 3 sheets of A4")

    # Re-priced three times (copies, sides, pages) by the upload's id: small JSON, no file.
    page.get_by_label("Copies").fill("2")
    page.get_by_label("Double-sided").check()
    expect(estimate).to_contain_text("Estimate: ₹12 for 3 of 3 pages (none in colour) × 2 copies: 4 sheets of A4")
    page.get_by_test_id("page-range").fill("1-2")
    expect(estimate).to_contain_text("Estimate: ₹8 for 2 of 3 pages")
    _shoot(page, "form-priced", width)

    page.get_by_label(re.compile("Note for the shop")).fill("Please staple")
    page.get_by_role("button", name="Send to the shop").click()
    page.wait_for_url(f"{live_server.url}/print-jobs")
    job = PrintJob.objects.get()
    assert (job.student, job.pages, job.pages_selected, job.copies, job.double_sided, job.note) == (
        student,
        3,
        2,
        2,
        True,
        "Please staple",
    )
    assert job.estimated_paise == 800 and not PrintUpload.objects.exists()

    uploads = [r for r in page.sent if r.path == "/api/v1/print-uploads"]
    quotes = [r for r in page.sent if r.path == "/api/v1/print-jobs/estimate"]
    assert len(uploads) == 1 and _with_file(page.sent) == uploads  # the PDF went up once, and only there
    assert len(quotes) >= 3
    assert all(q.content_type.startswith("application/json") and q.size < 400 for q in quotes)
    assert all(b'"upload": ' in q.body or b'"upload":' in q.body for q in quotes) and not _with_file(quotes)
    (sent_form,) = [r for r in page.sent if r.path == f"/print/{campus.xerox.vendor_id}"]
    assert b'name="upload"' in sent_form.body and sent_form.size < 4000

    # The shop prints it and sets the amount; the student pays in the sandbox.
    vendor = make_client(campus.xerox.vendor)
    assert vendor.post(f"/api/v1/print-jobs/{job.pk}/accept").status_code == 200
    assert vendor.post(f"/api/v1/print-jobs/{job.pk}/ready", {"amount_paise": 800}, format="json").status_code == 200
    page.add_init_script("window.open = function () { return null; };")  # the checkout takes over the tab
    page.reload()
    page.get_by_role("button", name="Pay ₹8 now").click()
    page.wait_for_url(re.compile(r"/sandbox/razorpay/checkout/"))
    page.get_by_test_id("pay").click()
    page.wait_for_url(f"{live_server.url}/print-jobs")
    expect(page.get_by_test_id("print-job-status")).to_have_text("Paid", timeout=WAIT_MS)
    job.refresh_from_db()
    assert job.status == PrintJob.Status.PAID
    _shoot(page, "paid", width)
    received = [m["body"] for m in sms.outbox if m["to"] == student.phone and "we received your payment" in m["body"]]
    assert received == [
        f"Tap N Take: we received your payment of ₹8 for print job #{job.pk}. "
        f"Show pickup code {job.pickup_code} at the shop to collect it. "
        f"Open {django_settings.SITE_URL}/print-jobs#job-{job.pk} to see your print job."
    ]


def test_the_first_tap_on_send_after_typing_the_note_sends_the_job(page, live_server, width):
    campus = factories.campus()
    _sign_in(page, StudentFactory(), live_server)
    page.goto(f"/print/{campus.xerox.vendor_id}")
    page.get_by_label(re.compile("Black and white A4")).check()
    _choose(page)
    expect(page.get_by_test_id("estimate")).to_contain_text("Estimate: ₹6")

    # The focus is in the note; the one tap on Send leaves it (a change event) and must still send.
    page.get_by_label("Copies").fill("4")
    page.get_by_label(re.compile("Note for the shop")).fill("Collect at 4 pm")
    page.get_by_role("button", name="Send to the shop").click()
    page.wait_for_url(f"{live_server.url}/print-jobs")
    job = PrintJob.objects.get()
    assert (job.copies, job.note) == (4, "Collect at 4 pm")
    _shoot(page, "sent", width)


def test_the_first_tap_on_send_right_after_changing_copies_sends_the_job(page, live_server, width):
    campus = factories.campus()
    _sign_in(page, StudentFactory(), live_server)
    page.goto(f"/print/{campus.xerox.vendor_id}")
    page.get_by_label(re.compile("Black and white A4")).check()
    _choose(page)
    expect(page.get_by_test_id("estimate")).to_contain_text("Estimate: ₹6")

    # The focus is in Copies: the tap on Send leaves it, which prices the job again mid-tap.
    page.get_by_label(re.compile("Note for the shop")).fill("Two sets")
    page.get_by_label("Copies").fill("2")
    page.get_by_role("button", name="Send to the shop").click()
    page.wait_for_url(f"{live_server.url}/print-jobs")
    job = PrintJob.objects.get()
    assert (job.copies, job.note, job.estimated_paise) == (2, "Two sets", 1200)  # priced again by the server


def test_send_tapped_while_the_file_uploads_waits_for_it_and_sends_once(page, live_server, width):
    campus = factories.campus()
    _sign_in(page, StudentFactory(), live_server)
    page.goto(f"/print/{campus.xerox.vendor_id}")
    page.get_by_label(re.compile("Black and white A4")).check()
    _choose(page, pages=5)
    page.get_by_role("button", name="Send to the shop").click()  # at once, the upload still on its way
    page.wait_for_url(f"{live_server.url}/print-jobs")
    assert PrintJob.objects.get().pages == 5
    (carried,) = _with_file(page.sent)  # the file went up once, by the upload
    assert carried.path == "/api/v1/print-uploads"


def test_choosing_a_file_signed_out_asks_to_sign_in_and_comes_back_to_the_form(page, live_server, width):
    campus = factories.campus()
    form = f"/print/{campus.xerox.vendor_id}"
    page.goto(form)
    _shoot(page, "signed-out", width)
    assert page.locator("input[type=file]").count() == 0
    page.get_by_role("link", name="Sign in to choose a file").click()
    page.wait_for_url(re.compile(r"/login\?next=%2Fprint%2F\d+$"))
    page.get_by_label("Mobile number").fill("98765 04321")
    page.get_by_role("button", name="Send me a code").click()
    page.wait_for_url(re.compile(r"/login/code"))
    bodies = [m["body"] for m in sms.outbox if m["to"] == "+919876504321"]
    page.get_by_label("6-digit code").fill(re.search(r"\b(\d{6})\b", bodies[-1]).group(1))
    page.get_by_label(re.compile("Your name")).fill("Asha")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}{form}")
    expect(page.get_by_label("PDF file or photo")).to_be_visible()
    page.get_by_label(re.compile("Black and white A4")).check()
    _choose(page)
    expect(page.get_by_test_id("estimate")).to_contain_text("Estimate: ₹6")
    _shoot(page, "after-sign-in", width)
