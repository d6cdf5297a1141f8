"""The one search: ids with or without '#', phones in any spelling, names, shop names, Razorpay ids;
each kind only for staff who may view it."""

from __future__ import annotations

import pytest

from accounts.tests.factories import StudentFactory
from catalog.tests.factories import ShopFactory
from ordering.tests.factories import SlotFactory, paid_order
from payments.models import Payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    student = StudentFactory(name="Meera Iyer", phone="+919845012345")
    shop = ShopFactory(name="Annapurna Canteen")
    order = paid_order(student=student, slot=SlotFactory(vendor=shop.vendor))
    other = paid_order()
    return {
        "student": student,
        "shop": shop,
        "order": order,
        "other": other,
        "payment": Payment.objects.get(order=order),
    }


def _found(client, term: str) -> dict[str, list[str]]:
    response = client.get("/admin/search/", {"q": term})
    assert response.status_code == 200
    return {section.title: [hit.url for hit in section.hits] for section in response.context["sections"]}


def _order_url(order) -> str:
    return f"/admin/ordering/order/{order.pk}/change/"


def test_a_number_with_or_without_hash_finds_that_order(admin_client, case):
    order = case["order"]
    for term in (str(order.pk), f"#{order.pk}", f"# {order.pk}"):
        assert _order_url(order) in _found(admin_client, term)["Orders"], term
    assert _order_url(case["other"]) not in _found(admin_client, f"#{order.pk}")["Orders"]


@pytest.mark.parametrize("spelling", ["+919845012345", "9845012345", "98450 12345", "098450-12345", "+91 98450 12345"])
def test_a_phone_in_any_spelling_finds_the_person_and_their_orders(admin_client, case, spelling):
    found = _found(admin_client, spelling)
    assert found["Users"] == [f"/admin/accounts/user/{case['student'].pk}/change/"]
    assert _order_url(case["order"]) in found["Orders"]
    assert f"/admin/payments/payment/{case['payment'].pk}/change/" in found["Payments"]


def test_part_of_a_phone_name_shop_and_razorpay_ids_find_their_rows(admin_client, case):
    payment = case["payment"]
    assert _order_url(case["order"]) in _found(admin_client, "012345")["Orders"]
    assert _order_url(case["order"]) in _found(admin_client, "meera")["Orders"]
    assert _order_url(case["order"]) in _found(admin_client, "annapurna")["Orders"]
    assert _order_url(case["other"]) not in _found(admin_client, "annapurna")["Orders"]
    assert f"/admin/accounts/user/{case['shop'].vendor_id}/change/" in _found(admin_client, "Annapurna")["Users"]
    for razorpay_id in (payment.razorpay_payment_id, payment.razorpay_order_id):
        assert _found(admin_client, razorpay_id)["Payments"] == [f"/admin/payments/payment/{payment.pk}/change/"]


def test_each_group_searches_only_what_it_may_view(as_staff, operations, finance, case):
    ops = _found(as_staff(operations), "meera")
    money = _found(as_staff(finance), "meera")
    assert set(ops) == {"Orders", "Print jobs", "Users"}
    assert set(money) == {"Orders", "Print jobs", "Payments"}


def test_the_search_page_renders_hits_in_rupees_and_says_nothing_found(admin_client, case):
    html = admin_client.get("/admin/search/", {"q": f"#{case['order'].pk}"}).content.decode()
    assert "Annapurna Canteen" in html and "₹45.00" in html and "Meera Iyer" in html
    empty = admin_client.get("/admin/search/", {"q": "no such thing anywhere"})
    assert empty.context["found"] == 0 and "0 found" in empty.content.decode()
    assert admin_client.get("/admin/search/", {"q": "x" * 500}).status_code == 200
