import pytest
from django.urls import reverse

from accounts.tests.factories import FoodVendorFactory, StaffFactory, StationeryVendorFactory, StudentFactory
from ledger import chart

from .factories import post_capture, post_payout, post_refund, post_release

pytestmark = pytest.mark.django_db

BALANCE = "/api/v1/ledger/balance"
ENTRIES = "/api/v1/ledger/entries"
SALES = "/api/v1/ledger/sales"


def test_routes_are_spelled_as_the_contract_says():
    assert reverse("ledger-balance") == BALANCE
    assert reverse("ledger-entries") == ENTRIES


def test_balance_is_the_vendors_own_summary(make_client):
    vendor, other = StationeryVendorFactory(), FoodVendorFactory()
    post_capture(vendor, 2_000, fee=40)
    post_refund(vendor, 500, fee=10)
    post_payout(vendor, 1_000)
    post_capture(other, 9_000)
    response = make_client(vendor).get(BALANCE)
    assert response.status_code == 200
    assert response.json() == {
        "vendor": vendor.pk,
        "payable_paise": 1_960 - 490 - 1_000,
        "pending_paise": 0,
        "available_paise": 1_960 - 490 - 1_000,
        "captured_paise": 1_960,
        "refunded_paise": 490,
        "paid_out_paise": 1_000,
    }


def test_balance_splits_pending_from_available_and_payable_is_their_sum(make_client):
    vendor = FoodVendorFactory()
    post_capture(vendor, 2_000, fee=40, pending=True, reference="pay_done")
    post_release(vendor, 1_960, reference="payment:1")
    post_capture(vendor, 1_000, pending=True, reference="pay_open")
    post_refund(vendor, 300, pending=True)
    post_payout(vendor, 1_500)
    body = make_client(vendor).get(BALANCE).json()
    assert body["pending_paise"] == 1_000 - 300
    assert body["available_paise"] == 1_960 - 1_500
    assert body["payable_paise"] == body["pending_paise"] + body["available_paise"]
    assert (body["captured_paise"], body["refunded_paise"], body["paid_out_paise"]) == (2_960, 300, 1_500)


@pytest.mark.parametrize("path", [BALANCE, SALES])
def test_balance_and_sales_are_for_approved_vendors_only(make_client, api_client, path):
    assert api_client.get(path).status_code == 401
    assert api_client.get(path).json()["error"]["code"] == "not_authenticated"
    for user in (StudentFactory(), StaffFactory()):
        response = make_client(user).get(path)
        assert (response.status_code, response.json()["error"]["code"]) == (403, "permission_denied")
    response = make_client(FoodVendorFactory(is_approved=False)).get(path)
    assert (response.status_code, response.json()["error"]["code"]) == (403, "vendor_not_approved")


def _entry_codes(response) -> set[str]:
    return {row["account"] for row in response.json()["results"]}


def test_a_vendor_lists_only_its_own_payable_entries(make_client):
    vendor, other = FoodVendorFactory(), FoodVendorFactory()
    txn = post_capture(vendor, 700, reference="pay_mine")
    post_capture(other, 900, reference="pay_theirs")
    response = make_client(vendor).get(ENTRIES)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["next"] is None and body["previous"] is None
    [row] = body["results"]
    assert set(row) == {"id", "transaction", "account", "amount_paise", "kind", "reference", "created_at"}
    assert (row["transaction"], row["account"], row["amount_paise"], row["kind"], row["reference"]) == (
        txn.pk,
        chart.vendor_payable(vendor.pk),
        -700,
        "capture",
        "pay_mine",
    )
    assert "+05:30" in row["created_at"]
    own = make_client(vendor).get(ENTRIES, {"account": chart.vendor_payable(vendor.pk)})
    assert own.status_code == 200 and own.json()["count"] == 1


@pytest.mark.parametrize("account", ["other", chart.GATEWAY, chart.COMMISSION, "vendor:999999:payable"])
def test_a_vendor_naming_another_account_gets_404_and_sees_nothing(make_client, account):
    vendor, other = FoodVendorFactory(), FoodVendorFactory()
    post_capture(vendor, 700)
    post_capture(other, 900)
    code = chart.vendor_payable(other.pk) if account == "other" else account
    response = make_client(vendor).get(ENTRIES, {"account": code})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert "results" not in response.json()


def test_staff_list_every_entry_and_filter_by_account(make_client):
    vendor, other, staff = FoodVendorFactory(), FoodVendorFactory(), StaffFactory()
    post_capture(vendor, 700, fee=7)
    post_capture(other, 900)
    client = make_client(staff)
    everything = client.get(ENTRIES).json()
    assert everything["count"] == 5
    assert _entry_codes(client.get(ENTRIES)) == {
        chart.GATEWAY,
        chart.COMMISSION,
        chart.vendor_payable(vendor.pk),
        chart.vendor_payable(other.pk),
    }
    response = client.get(ENTRIES, {"account": chart.vendor_payable(other.pk)})
    assert [row["amount_paise"] for row in response.json()["results"]] == [-900]
    assert client.get(ENTRIES, {"account": "bank:nothing"}).json()["count"] == 0


def test_entries_are_paginated_newest_first(make_client):
    vendor = FoodVendorFactory()
    refs = [post_capture(vendor, 100 + i).reference for i in range(5)]
    client = make_client(vendor)
    first = client.get(ENTRIES, {"page_size": 2}).json()
    assert first["count"] == 5 and first["next"] and first["previous"] is None
    assert [row["reference"] for row in first["results"]] == refs[::-1][:2]
    third = client.get(ENTRIES, {"page_size": 2, "page": 3}).json()
    assert [row["reference"] for row in third["results"]] == [refs[0]]
    assert client.get(ENTRIES, {"page": 9}).json()["error"]["code"] == "not_found"


def test_entries_input_errors_are_400_in_the_envelope(make_client):
    response = make_client(StaffFactory()).get(ENTRIES, {"account": "x" * 81})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert "account" in response.json()["error"]["details"]


def test_entries_access(make_client, api_client):
    assert api_client.get(ENTRIES).status_code == 401
    response = make_client(StudentFactory()).get(ENTRIES)
    assert (response.status_code, response.json()["error"]["code"]) == (403, "permission_denied")
    response = make_client(FoodVendorFactory(is_approved=False)).get(ENTRIES)
    assert (response.status_code, response.json()["error"]["code"]) == (403, "vendor_not_approved")


@pytest.mark.parametrize("who", ["vendor", "staff"])
def test_entries_list_runs_a_constant_number_of_queries(make_client, django_assert_max_num_queries, who):
    vendor = FoodVendorFactory()
    user = vendor if who == "vendor" else StaffFactory()
    client = make_client(user)
    post_capture(vendor, 100)
    # Staff: 2 more, for the permissions (its own and its groups').
    with django_assert_max_num_queries(4 if who == "vendor" else 6) as few:
        client.get(ENTRIES)
    for _ in range(25):
        post_capture(vendor, 100, fee=1)
    with django_assert_max_num_queries(len(few)):
        response = client.get(ENTRIES, {"page_size": 100})
    assert len(response.json()["results"]) > 25


def test_daily_sales_endpoint(make_client):
    vendor = FoodVendorFactory()
    post_capture(vendor, 1_000, fee=10)
    post_refund(vendor, 100)
    client = make_client(vendor)
    series = client.get(SALES, {"days": 7}).json()
    assert len(series) == 7
    assert series[-1]["captured_paise"] == 990 and series[-1]["refunded_paise"] == 100
    assert len(client.get(SALES).json()) == 14
    response = client.get(SALES, {"days": 0})
    assert (response.status_code, response.json()["error"]["code"]) == (400, "validation_error")
    assert "days" in response.json()["error"]["details"]


def test_schema_documents_the_ledger_without_warnings(make_client, capsys):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    captured = capsys.readouterr()
    ledger_warnings = [line for line in captured.err.splitlines() if "ledger" in line.lower()]
    assert ledger_warnings == []
    paths = schema["paths"]
    assert {"/api/v1/ledger/balance", "/api/v1/ledger/entries", "/api/v1/ledger/sales"} <= set(paths)
    entries = paths["/api/v1/ledger/entries"]["get"]
    assert {p["name"] for p in entries["parameters"]} >= {"account", "page", "page_size"}
    balance_ref = paths["/api/v1/ledger/balance"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert balance_ref["$ref"].endswith("/Balance")
