import re

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.tests.factories import FoodVendorFactory, StaffFactory, admin_sign_in
from ledger import chart
from ledger.models import Account, Transaction
from ledger.selectors import vendor_summary

from .factories import post_capture

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _payout_url(vendor) -> str:
    account = Account.objects.get(code=chart.vendor_payable(vendor.pk))
    return reverse("admin:ledger_account_payout", args=[account.pk])


def _payout_form(admin_client, vendor) -> dict:
    page = admin_client.get(_payout_url(vendor))
    assert page.status_code == 200
    reference = re.search(r'name="reference" value="([^"]+)"', page.content.decode())[1]
    return {"reference": reference, "memo": "UTR 42"}


def test_accounts_list_shows_balances_in_constant_queries(admin_client, django_assert_max_num_queries):
    vendor = FoodVendorFactory()
    post_capture(vendor, 12_345, fee=45)
    url = reverse("admin:ledger_account_changelist")
    with django_assert_max_num_queries(15) as few:
        response = admin_client.get(url)
    content = response.content.decode()
    assert response.status_code == 200
    assert "₹123.45" in content and "-₹123.00" in content and "-₹0.45" in content
    for _ in range(10):
        post_capture(FoodVendorFactory(), 100)
    with django_assert_max_num_queries(len(few)):
        assert admin_client.get(url).status_code == 200


def test_transaction_page_shows_its_entries_read_only(admin_client):
    vendor = FoodVendorFactory()
    txn = post_capture(vendor, 5_000, fee=50, reference="pay_admin")
    response = admin_client.get(reverse("admin:ledger_transaction_change", args=[txn.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "pay_admin" in content
    assert chart.vendor_payable(vendor.pk) in content and chart.COMMISSION in content and "-₹49.50" in content
    assert 'name="_save"' not in content  # view only
    assert admin_client.get(reverse("admin:ledger_transaction_changelist")).status_code == 200


def test_nothing_can_be_added_changed_or_deleted_through_the_admin(admin_client):
    vendor = FoodVendorFactory()
    txn = post_capture(vendor, 5_000)
    account = Account.objects.get(code=chart.GATEWAY)
    for name in ("account", "transaction"):
        assert admin_client.get(reverse(f"admin:ledger_{name}_add")).status_code == 403
    assert admin_client.get(reverse("admin:ledger_transaction_delete", args=[txn.pk])).status_code == 403
    assert admin_client.get(reverse("admin:ledger_account_delete", args=[account.pk])).status_code == 403
    response = admin_client.post(
        reverse("admin:ledger_transaction_change", args=[txn.pk]), {"memo": "edited", "reference": "x"}
    )
    assert response.status_code == 403
    response = admin_client.post(
        reverse("admin:ledger_transaction_changelist"), {"action": "delete_selected", "_selected_action": [txn.pk]}
    )
    txn.refresh_from_db()
    assert (txn.memo, txn.reference) == ("", txn.reference)
    assert Transaction.objects.count() == 1


def test_staff_record_a_payout_through_the_admin(admin_client, superuser):
    vendor = FoodVendorFactory()
    post_capture(vendor, 10_000)
    form = _payout_form(admin_client, vendor)
    response = admin_client.post(_payout_url(vendor), {**form, "amount": "60.00"})
    assert response.status_code == 302
    assert any("Recorded payout" in m for m in _messages(response))
    payout = Transaction.objects.get(kind="payout")
    assert (payout.actor, payout.memo, payout.reference) == (superuser, "UTR 42", form["reference"])
    assert vendor_summary(vendor_id=vendor.pk)["payable_paise"] == 4_000
    # Submitting the same form again (a double click) pays out once.
    admin_client.post(_payout_url(vendor), {**form, "amount": "60.00"})
    assert Transaction.objects.filter(kind="payout").count() == 1


def test_an_admin_payout_over_the_balance_shows_the_error_and_writes_nothing(admin_client):
    vendor = FoodVendorFactory()
    post_capture(vendor, 1_000)
    response = admin_client.post(_payout_url(vendor), {**_payout_form(admin_client, vendor), "amount": "10.01"})
    assert response.status_code == 200
    assert any("Payout refused" in m and "1000 paise" in m for m in _messages(response))
    assert not Transaction.objects.filter(kind="payout").exists()
    response = admin_client.post(_payout_url(vendor), {**_payout_form(admin_client, vendor), "amount": "0"})
    assert response.status_code == 200 and "amount" in response.context["form"].errors
    assert not Transaction.objects.filter(kind="payout").exists()


def test_the_payout_action_opens_the_form_for_one_vendor_account(admin_client):
    vendor = FoodVendorFactory()
    post_capture(vendor, 1_000)
    changelist = reverse("admin:ledger_account_changelist")
    account = Account.objects.get(code=chart.vendor_payable(vendor.pk))
    response = admin_client.post(changelist, {"action": "record_payout", "_selected_action": [account.pk]})
    assert response.status_code == 302 and response["Location"] == _payout_url(vendor)
    gateway = Account.objects.get(code=chart.GATEWAY)
    response = admin_client.post(changelist, {"action": "record_payout", "_selected_action": [gateway.pk]})
    assert any("exactly one vendor payable" in m for m in _messages(response))
    # The vendor account page links to the form.
    page = admin_client.get(reverse("admin:ledger_account_change", args=[account.pk]))
    assert _payout_url(vendor) in page.content.decode()


def test_payout_needs_the_record_payout_permission(client):
    vendor = FoodVendorFactory()
    post_capture(vendor, 1_000)
    staff = StaffFactory(perms=["ledger.view_account"])
    admin_sign_in(client, staff)
    assert client.get(reverse("admin:ledger_account_changelist")).status_code == 200
    url = _payout_url(vendor)
    assert client.get(url).status_code == 403
    assert client.post(url, {"reference": "po_x", "amount": "1.00"}).status_code == 403
    assert not Transaction.objects.filter(kind="payout").exists()
    staff.user_permissions.add(Permission.objects.get(codename="record_payout"))
    staff = type(staff).objects.get(pk=staff.pk)  # drop the permission cache
    admin_sign_in(client, staff)
    assert client.post(url, {"reference": "po_x", "amount": "1.00"}).status_code == 302
    assert Transaction.objects.filter(kind="payout").count() == 1


def test_payout_page_of_a_non_vendor_account_is_404(admin_client):
    post_capture(FoodVendorFactory(), 1_000)
    gateway = Account.objects.get(code=chart.GATEWAY)
    assert admin_client.get(reverse("admin:ledger_account_payout", args=[gateway.pk])).status_code == 404


def test_an_admin_payout_takes_only_available_money_never_pending(admin_client):
    vendor = FoodVendorFactory()
    post_capture(vendor, 5_000, pending=True)  # an order not yet completed
    post_capture(vendor, 1_000)  # available
    page = admin_client.get(_payout_url(vendor))
    assert "₹10.00" in page.content.decode() and "available" in page.content.decode()
    response = admin_client.post(_payout_url(vendor), {**_payout_form(admin_client, vendor), "amount": "10.01"})
    assert any("Payout refused" in m and "1000 paise" in m for m in _messages(response))
    assert not Transaction.objects.filter(kind="payout").exists()
    # The pending account offers no payout at all.
    pending = Account.objects.get(code=chart.vendor_pending(vendor.pk))
    assert admin_client.get(reverse("admin:ledger_account_payout", args=[pending.pk])).status_code == 404
    page = admin_client.get(reverse("admin:ledger_account_change", args=[pending.pk]))
    assert "Record a payout" not in page.content.decode()
