"""Query budgets of the office's busiest pages: the same number of queries however many rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ordering.tests.factories import paid_order
from payments.models import Payment
from payments.services import payment_refund

from .seed import seed_office

pytestmark = pytest.mark.django_db


def _queries(client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/admin/", None),
        ("/admin/search/", {"q": "canteen"}),
        ("/admin/ordering/order/", None),
        ("/admin/payments/payment/", None),
        ("/admin/accounts/user/", None),
        ("/admin/accounts/user/approvals/", None),
    ],
)
def test_office_pages_cost_the_same_with_twice_the_rows(as_staff, url, params):
    seeded = seed_office()
    client = as_staff(seeded.objects["root"])
    _queries(client, url, params)  # warm the per-request caches (content types, permissions)
    before = _queries(client, url, params)
    seed_office()
    assert _queries(client, url, params) == before


def test_a_case_file_costs_the_same_with_more_payments_and_refunds(admin_client, superuser):
    order = paid_order()
    url = f"/admin/ordering/order/{order.pk}/change/"
    _queries(admin_client, url)
    before = _queries(admin_client, url)
    payment = Payment.objects.get(order=order)
    for amount in (100, 200, 300):
        payment_refund(payment_id=payment.pk, amount_paise=amount, reason="Part", actor=superuser)
    assert _queries(admin_client, url) <= before + 1  # the refunds' actors, in one query
