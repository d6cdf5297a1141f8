"""The office in real Chromium at 1280 px: the home page, an order case file, the approval queue and a
statement, each in rupees and campus time (screenshots in test-artifacts/screenshots/office-*.png)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from accounts.tests.factories import StudentFactory, admin_sign_in
from catalog.tests.factories import ShopFactory
from core.admin_display import campus_zone
from ledger.services import ledger_payout
from ordering.tests.factories import SlotFactory, paid_order
from pages.tests.csp import watch_csp
from payments.models import Payment
from payments.services import payment_refund

from .seed import seed_office

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(django_settings.BASE_DIR) / "test-artifacts" / "screenshots"
WIDTH = 1280


def _noon_order_with_a_refund(by):
    tomorrow = timezone.now().astimezone(campus_zone()).date() + dt.timedelta(days=1)
    noon = dt.datetime.combine(tomorrow, dt.time(12, 0), tzinfo=campus_zone())
    shop = ShopFactory(name="Annapurna Canteen")
    slot = SlotFactory(vendor=shop.vendor, starts_at=noon, ends_at=noon + dt.timedelta(minutes=30))
    order = paid_order(student=StudentFactory(name="Meera Iyer", phone="+919845012345"), slot=slot)
    payment = Payment.objects.get(order=order)
    payment_refund(payment_id=payment.pk, amount_paise=1050, reason="Cold dosa", actor=by)
    return order


def test_the_office_pages_at_1280_px(chromium, live_server):
    seeded = seed_office()
    root = seeded.objects["root"]
    order = _noon_order_with_a_refund(root)
    ledger_payout(vendor=seeded.objects["owed"], amount_paise=5000, actor=root, reference="po-1", memo="UTR 4412")
    client = admin_sign_in(Client(), root)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    context = chromium.new_context(viewport={"width": WIDTH, "height": 900}, base_url=live_server.url)
    context.set_default_timeout(15_000)
    violations = watch_csp(context)
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page = context.new_page()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    today = timezone.localdate()
    statement = f"/admin/ledger/account/statement/?vendor={seeded.objects['owed'].pk}&date_from={today:%Y-%m-01}&date_to={today:%Y-%m-%d}"

    pages = {
        "home": ("/admin/", ["Vendors awaiting approval", "Payouts due", "Delayed refunds"]),
        "order-case-file": (
            f"/admin/ordering/order/{order.pk}/change/",
            ["Annapurna Canteen", "Meera Iyer", "12:00–12:30", "₹45.00", "₹10.50", "Cold dosa", "What happened"],
        ),
        "approval-queue": ("/admin/accounts/user/approvals/", ["Annapurna Canteen", "Copy Corner", "Stationery"]),
        "statement": (statement, ["Owed to Sri Sai Tiffins ₹150.00", "₹50.00", "UTR 4412", "Download CSV"]),
    }
    try:
        for name, (url, texts) in pages.items():
            response = page.goto(url)
            assert response is not None and response.status == 200, (name, response and response.status)
            body = page.inner_text("body")
            for text in texts:
                assert text in body, (name, text)
            assert "paise" not in body.replace("without paise", ""), name
            scroll = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert scroll <= 0, (name, scroll)
            page.screenshot(path=str(SCREENSHOTS / f"office-{name}-{WIDTH}.png"), full_page=True)
    finally:
        context.close()
    assert violations == [], f"Content-Security-Policy violations: {violations}"
