"""Issue 25, light on a slow phone: each student page stays under 60 KB of HTML, CSS and script
(gzip-compressed, images aside) and under 15 requests; static files are served compressed, under
hashed names and cached for a year (whitenoise's manifest storage); the pages work without
JavaScript (forms post and redirect)."""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import resolve

from accounts import sms
from accounts.models import User
from ordering.models import Order
from stationery import services as stationery_services
from stationery.models import PrintJob

from . import factories
from .test_a11y import _campus_with_one_of_everything, _student_pages, _visit
from .test_browser import PHONE_WIDTH, WAIT_MS, _latest_code, _session_cookie

BUDGET_BYTES = 60 * 1024
BUDGET_REQUESTS = 15
WEIGHED = {"document", "stylesheet", "script"}  # what the budget counts; images, fonts and API reads aside
ONE_YEAR = 365 * 24 * 60 * 60


@pytest.fixture(autouse=True)
def _fresh_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def _gzipped_size(body: bytes) -> int:
    """What the page costs on the wire: whitenoise serves gzip (level 9); the HTML is compressed alike."""
    return len(gzip.compress(body, compresslevel=9, mtime=0))


def _weigh(context, path: str) -> tuple[int, list[str], list[str]]:
    """Load `path` in a fresh page of `context`: its compressed HTML+CSS+script bytes, its requests, and
    what was weighed (for the failure message)."""
    page = context.new_page()
    requests: list[str] = []
    weighed: list[tuple[str, int]] = []
    page.on("request", lambda request: requests.append(f"{request.resource_type} {request.url}"))

    def on_response(response) -> None:
        if response.request.resource_type in WEIGHED and response.status == 200:
            weighed.append((response.url, _gzipped_size(response.body())))

    page.on("response", on_response)
    _visit(page, path)
    page.close()
    total = sum(size for _, size in weighed)
    return total, requests, [f"{size} B {url}" for url, size in weighed]


# The pages' routes that are not a page a student opens: posted forms (each answers a redirect to a
# page weighed here), the installable app's manifest and worker (not HTML), the checkout's fallback.
NOT_PAGES = {
    "logout": "posted",
    "order-cancel": "posted",
    "order-reorder": "posted",
    "print-job-cancel": "posted",
    "pay-return": "posted by the checkout page",
    "manifest": "JSON, not a page",
    "service-worker": "a script, not a page",
}


def _page_routes() -> set[str]:
    """The name of every route of the student site (pages/urls.py)."""
    from pages import urls

    return {pattern.name for pattern in urls.urlpatterns}


def _route_name(path: str) -> str:
    return resolve(urlsplit(path).path).url_name


def _fresh_context(chromium, live_server):
    # A fresh context per page: nothing cached, as on a first visit. The service worker's precache
    # is not the page's own weight, so workers are kept out of the count.
    context = chromium.new_context(
        viewport={"width": PHONE_WIDTH, "height": 780}, base_url=live_server.url, service_workers="block"
    )
    context.set_default_timeout(WAIT_MS)
    return context


def _ask_for_a_code(context, phone_page: str, phone: str) -> None:
    """Post a phone number to `phone_page` (sign in, or register a shop) with this context's cookies,
    as its form does: the session then holds the number, and the code step asks for its code."""
    form = context.request.get(phone_page)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text()).group(1)
    sent = context.request.post(phone_page, form={"csrfmiddlewaretoken": token, "phone": phone}, max_redirects=0)
    assert sent.status == 302 and sent.headers["location"].endswith(phone_page + "/code"), (sent.status, sent.headers)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_each_student_page_is_under_60_kb_compressed_and_15_requests(chromium, live_server):
    campus, student, *orders = _campus_with_one_of_everything()
    signed_out, signed_in = _student_pages(campus, *orders)
    # The code steps, reached by posting a phone number: {name: (the phone step, the number)}.
    code_steps = {"code entry": ("/login", "9876508888"), "shop code entry": ("/register-shop", "9876509999")}
    code_entry = {name: f"{phone_page}/code" for name, (phone_page, _) in code_steps.items()}
    over: list[str] = []
    sizes: dict[str, int] = {}
    for signed, pages in ((False, signed_out), (None, code_entry), (True, signed_in)):
        for name, path in pages.items():
            context = _fresh_context(chromium, live_server)
            if signed:
                _session_cookie(context.new_page(), student, live_server)
            elif signed is None:
                _ask_for_a_code(context, *code_steps[name])
            total, requests, weighed = _weigh(context, path)
            context.close()
            sizes[name] = total
            assert total > 1000, f"{name}: nothing was weighed ({weighed})"  # the count itself works
            if total >= BUDGET_BYTES:
                over.append(f"{name}: {total} B compressed >= {BUDGET_BYTES} B: " + "; ".join(weighed))
            if len(requests) >= BUDGET_REQUESTS:
                over.append(f"{name}: {len(requests)} requests >= {BUDGET_REQUESTS}: " + "; ".join(requests))
    assert over == [], "student pages over their budget:\n" + "\n".join(over)
    everything = {**signed_out, **code_entry, **signed_in}
    assert set(sizes) == set(everything)
    # Every page of the student site is weighed: a new page fails here until it is added above.
    weighed_routes = {_route_name(path) for path in everything.values()}
    left_out = _page_routes() - weighed_routes - set(NOT_PAGES)
    assert left_out == set(), f"student pages the budget does not weigh: {sorted(left_out)}"


def _production_static_storage() -> str:
    """The static storage the project's settings choose with STATIC_MANIFEST=1 (as production has it:
    DEBUG off makes it the default), read from a fresh process since settings are read once at start."""
    env = {**os.environ, "STATIC_MANIFEST": "1", "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "tntproject.settings"}
    env.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-0123456789abcdef")
    code = "import django; django.setup(); from django.conf import settings; print(settings.STORAGES['staticfiles']['BACKEND'])"
    answer = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True
    )
    return answer.stdout.strip().splitlines()[-1]


@pytest.fixture
def collected_static(tmp_path):
    """collectstatic with the production static storage (whitenoise's manifest one, STATIC_MANIFEST=1)
    into a temporary STATIC_ROOT, and those settings in force."""
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": _production_static_storage()}}
    with override_settings(STATIC_ROOT=tmp_path / "static", STORAGES=storages, WHITENOISE_USE_FINDERS=False):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield Path(tmp_path / "static")


@pytest.mark.django_db
def test_static_files_have_hashed_names_gzip_and_a_cache_of_a_year_with_the_manifest_storage(collected_static):
    html = Client().get("/").content.decode()
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    scripts = re.findall(r'<script[^>]* src="([^"]+)"', html)
    assert stylesheets and scripts
    for url in stylesheets + scripts:
        assert re.search(r"\.[0-9a-f]{12}\.(css|js)$", url), f"{url} has no content hash in its name"
        response = Client().get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200, url
        assert response["Content-Encoding"] == "gzip", url
        max_age = int(re.search(r"max-age=(\d+)", response["Cache-Control"]).group(1))
        assert max_age >= ONE_YEAR and "immutable" in response["Cache-Control"], (url, response["Cache-Control"])
        body = b"".join(response.streaming_content)
        unhashed = re.sub(r"\.[0-9a-f]{12}\.", ".", url.removeprefix(settings.STATIC_URL))
        assert gzip.decompress(body) == (collected_static / unhashed).read_bytes(), url
    # An unhashed name is not cached for long: after a deploy it may change.
    plain = Client().get(settings.STATIC_URL + "pages/site.css")
    assert plain.status_code == 200
    assert int(re.search(r"max-age=(\d+)", plain["Cache-Control"]).group(1)) < ONE_YEAR


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_without_javascript_a_student_signs_in_places_a_food_order_and_sends_a_print(chromium, live_server):
    campus, *_ = _campus_with_one_of_everything()
    context = chromium.new_context(
        viewport={"width": PHONE_WIDTH, "height": 780}, base_url=live_server.url, java_script_enabled=False
    )
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    try:
        page.goto("/login")
        page.get_by_label("Mobile number").fill("98765 04444")
        page.get_by_role("button", name="Send me a code").click()
        page.wait_for_url("**/login/code")
        page.get_by_label("6-digit code").fill(_latest_code("+919876504444"))
        page.get_by_label(re.compile("Your name")).fill("Noor")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server.url}/")
        student = User.objects.get(phone="+919876504444")

        page.goto(f"/vendors/{campus.canteen.vendor_id}")
        # ADD posts to the dish's page, which adds one and comes back to the menu with the stepper.
        page.get_by_role("button", name="Add Chai", exact=True).click()
        page.wait_for_url(re.compile(rf"/vendors/{campus.canteen.vendor_id}(#.*)?$"))
        page.get_by_label("Quantity of Chai").fill("2")
        assert page.locator("[data-cart-total]").inner_text() == "₹15"  # no script runs: the server's sum of one
        page.locator(f"#slot-{campus.lunch.pk}").check()
        page.get_by_role("button", name=re.compile(r"^Pay ₹")).click()  # without a script: places it
        page.wait_for_url(re.compile(r"/orders/\d+$"))
        order = Order.objects.get(student=student)
        assert (order.total_paise, order.status) == (2 * 1500, Order.Status.PENDING_PAYMENT)
        assert page.url.endswith(f"/orders/{order.pk}")
        assert "Waiting for payment" in page.get_by_test_id("order-status").inner_text()

        # A print: the form posts the file itself, for its price first and then to send it.
        page.goto(f"/print/{campus.xerox.vendor_id}")
        pdf = {"name": "notes.pdf", "mimeType": "application/pdf", "buffer": factories.pdf_bytes(3)}
        page.get_by_label("PDF file or photo").set_input_files(pdf)
        page.get_by_label("Copies").fill("2")
        page.get_by_role("button", name="Show the price first").click()
        page.wait_for_load_state()
        assert "Estimate: ₹12 for 3 of 3 pages" in page.get_by_test_id("estimate").inner_text()
        assert not PrintJob.objects.filter(student=student).exists()  # priced, nothing sent
        assert page.get_by_label("Copies").input_value() == "2"  # the form came back as it was
        page.get_by_label("PDF file or photo").set_input_files(pdf)  # as the estimate says, chosen again
        page.get_by_role("button", name="Send to the shop").click()
        page.wait_for_url(f"{live_server.url}/print-jobs")
        job = PrintJob.objects.get(student=student)
        assert (job.pages, job.copies, job.status) == (3, 2, PrintJob.Status.SUBMITTED)
        assert page.locator(f"#job-{job.pk} [data-testid=print-job-status]").inner_text() == "Submitted"
        assert f"Print #{job.pk} sent to Library Xerox" in page.locator(".messages").inner_text()
        # Printed and priced by the shop: My prints shows the amount to pay, and that paying needs a script.
        stationery_services.print_job_accept(vendor=campus.xerox.vendor, job_id=job.pk)
        stationery_services.print_job_mark_ready(vendor=campus.xerox.vendor, job_id=job.pk, amount_paise=1200)
        page.reload()
        item = page.locator(f"#job-{job.pk}")
        assert item.get_by_test_id("print-job-status").inner_text() == "Ready to pay"
        assert item.get_by_role("button", name="Pay ₹12 now").is_visible()
        assert "Paying needs JavaScript turned on" in item.inner_text()
    finally:
        context.close()
