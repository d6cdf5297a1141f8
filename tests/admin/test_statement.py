"""A vendor's statement in words, with its payouts and the CSV export; payouts typed in rupees."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from accounts.tests.factories import FoodVendorFactory
from catalog.tests.factories import ShopFactory
from ledger import chart
from ledger.models import Account
from ledger.selectors import vendor_summary
from ledger.tests.factories import post_capture, post_payout

pytestmark = pytest.mark.django_db

URL = "/admin/ledger/account/statement/"


@pytest.fixture
def canteen():
    vendor = FoodVendorFactory()
    ShopFactory(vendor=vendor, name="Annapurna Canteen")
    post_capture(vendor, 50_000)
    post_payout(vendor, 30_000)
    return vendor


def _period() -> dict:
    today = timezone.localdate()
    return {"date_from": today.replace(day=1).isoformat(), "date_to": today.isoformat()}


def test_the_statement_says_what_is_owed_in_words_with_rows_and_payouts(as_staff, finance, canteen):
    response = as_staff(finance).get(URL, {"vendor": canteen.pk, **_period()})
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["owed"] == "Owed to Annapurna Canteen ₹200.00"
    assert "Owed to Annapurna Canteen ₹200.00" in html
    assert ("Paid out to the shop", "₹300.00") in response.context["totals"]
    assert [row["what"] for row in response.context["rows"]][-1].startswith("Paid out to the shop's bank")
    [payout] = response.context["payouts"]
    assert payout["amount"] == "₹300.00"
    assert "50000" not in html and "30000" not in html  # never paise


def test_the_csv_export_is_the_apis(as_staff, finance, canteen):
    response = as_staff(finance).get(URL, {"vendor": canteen.pk, **_period(), "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("date,at,type") and len(lines) == 3
    assert lines[-1].split(",")[2] == "payout"


def test_bad_periods_are_refused_not_a_500(as_staff, finance, canteen):
    client = as_staff(finance)
    backwards = client.get(URL, {"vendor": canteen.pk, "date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert backwards.status_code == 200 and backwards.context["form"].errors and "rows" not in backwards.context
    for bad in ({"vendor": "x", **_period()}, {"vendor": canteen.pk, "date_from": "soon", "date_to": "later"}):
        assert client.get(URL, bad).status_code == 200
    too_long = client.get(URL, {"vendor": canteen.pk, "date_from": "2024-01-01", "date_to": "2026-01-01"})
    assert too_long.context["form"].errors


def test_a_payout_is_typed_in_rupees_and_refused_with_a_third_decimal(admin_client, canteen):
    account = Account.objects.get(code=chart.vendor_payable(canteen.pk))
    url = f"/admin/ledger/account/{account.pk}/payout/"
    page = admin_client.get(url).content.decode()
    assert "₹200.00" in page and "Annapurna Canteen" in page
    reference = re.search(r'name="reference" value="([^"]+)"', page)[1]

    refused = admin_client.post(url, {"amount": "100.005", "reference": reference})
    assert refused.status_code == 200 and "amount" in refused.context["form"].errors
    assert vendor_summary(vendor_id=canteen.pk)["payable_paise"] == 20_000

    admin_client.post(url, {"amount": "1,50.25", "reference": reference})
    assert vendor_summary(vendor_id=canteen.pk)["payable_paise"] == 20_000  # "1,50.25" is not an amount
    admin_client.post(url, {"amount": "150.25", "reference": reference})
    assert vendor_summary(vendor_id=canteen.pk)["payable_paise"] == 20_000 - 15_025


def test_the_accounts_list_says_balances_in_words(as_staff, finance, canteen):
    html = as_staff(finance).get("/admin/ledger/account/", {"todo": "owed"}).content.decode()
    assert "Owed to Annapurna Canteen ₹200.00, available to pay out" in html
    assert "debit +, credit" not in html
