"""`GET /orders` answers from the lean path (ordering/listing.py) exactly what OrderSerializer renders.

One shop's orders in every state, with options, notes, several lines, refunds (pending,
processed, failed, automatic and staff's, more than one on an order), a delay and an accepted
estimate, seen by the vendor and by a student: the bytes of the list must be the serializer's,
and the number of queries must not grow with the number of orders.
"""

from __future__ import annotations

import json
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from accounts.tests.factories import StaffFactory, StudentFactory
from catalog.tests.factories import MenuItemFactory, OptionFactory, OptionGroupFactory
from ordering import selectors, services
from ordering.models import Order
from ordering.serializers import OrderSerializer
from payments.models import Refund
from payments.tests.factories import capture, open_payment

from .factories import SlotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def menu():
    """Dosa ₹50 with Size (plain, masala +₹15) and Extras (cheese +₹20, butter +₹10); tea ₹10 without options."""
    slot = SlotFactory(capacity=200)
    dosa = MenuItemFactory(vendor=slot.vendor, name="Dosa", price_paise=5000)
    size = OptionGroupFactory(menu_item=dosa, name="Size", min_choices=1, max_choices=1)
    extras = OptionGroupFactory(menu_item=dosa, name="Extras", min_choices=0, max_choices=2, sort_order=1)
    return SimpleNamespace(
        slot=slot,
        vendor=slot.vendor,
        dosa=dosa,
        tea=MenuItemFactory(vendor=slot.vendor, name="Tea", price_paise=1000),
        plain=OptionFactory(group=size, name="Plain", price_delta_paise=0),
        masala=OptionFactory(group=size, name="Masala", price_delta_paise=1500),
        cheese=OptionFactory(group=extras, name="Extra cheese", price_delta_paise=2000),
        butter=OptionFactory(group=extras, name="Butter", price_delta_paise=1000),
        staff=StaffFactory(),
    )


def _place(m, student, n: int) -> Order:
    lines = [
        services.OrderLine(
            menu_item_id=m.dosa.pk,
            quantity=1 + n % 3,
            options=(m.masala.pk, m.cheese.pk, m.butter.pk) if n % 2 else (m.plain.pk,),
        )
    ]
    if n % 3 == 0:
        lines.append(services.OrderLine(menu_item_id=m.tea.pk, quantity=2))
    return services.order_place(
        student=student, vendor_id=m.vendor.pk, slot_id=m.slot.pk, lines=lines, note="less oil" if n % 4 == 0 else ""
    )


def _paid(m, student, n: int) -> Order:
    order = _place(m, student, n)
    capture(open_payment(payer=student, order_=order))
    return order


def _orders_in_every_state(m, student, start: int = 0) -> None:
    """Nine orders of `student`: every status, refunds of every kind."""
    n = start
    _place(m, student, n)  # pending_payment
    _paid(m, student, n + 1)  # paid: a pickup code
    accepted = _paid(m, student, n + 2)
    services.order_accept(order_id=accepted.pk, vendor=m.vendor)
    services.order_delay(order_id=accepted.pk, vendor=m.vendor, minutes=10)
    ready = _paid(m, student, n + 3)
    services.order_accept(order_id=ready.pk, vendor=m.vendor)
    services.order_mark_ready(order_id=ready.pk, vendor=m.vendor)
    completed = Order.objects.get(pk=_paid(m, student, n + 4).pk)
    services.order_accept(order_id=completed.pk, vendor=m.vendor)
    services.order_mark_ready(order_id=completed.pk, vendor=m.vendor)
    services.order_complete(order_id=completed.pk, vendor=m.vendor, pickup_code=completed.pickup_code)
    rejected = _paid(m, student, n + 5)
    services.order_reject(order_id=rejected.pk, vendor=m.vendor, reason="Out of batter")  # refunded in full
    cancelled = _paid(m, student, n + 6)
    services.order_cancel(order_id=cancelled.pk, student=student, reason="Changed my mind")
    refunded_thrice = _paid(m, student, n + 7)
    payment = refunded_thrice.payments.get()
    # Staff's refunds as the refund flow leaves them (rows only: what is rendered is the point here).
    for amount, status, reason in [(500, "processed", "Missing spoon"), (700, "failed", "Cold"), (300, "pending", "")]:
        Refund.objects.create(
            payment=payment,
            amount_paise=amount,
            status=status,
            reason=reason,
            requested_by=m.staff,
            idempotency_key=f"listing-{payment.pk}-{amount}",
            razorpay_refund_id=f"rfnd_listing{payment.pk}x{amount}" if status == "processed" else None,
            processed_at=timezone.now() if status == "processed" else None,
        )
    unpaid_open = _place(m, student, n + 8)
    open_payment(payer=student, order_=unpaid_open)  # a payment that took nothing yet


def _serializer_bytes(viewer) -> bytes:
    orders = selectors.order_list_for(user=viewer)[:100]
    data = OrderSerializer(orders, many=True, context={"request": SimpleNamespace(user=viewer)}).data
    return JSONRenderer().render(data)


def _list(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/orders?page_size=100")
    assert response.status_code == 200, response.content
    return response, len(queries.captured_queries)


def test_the_vendors_list_is_byte_for_byte_what_the_serializer_renders(menu, make_client):
    students = [StudentFactory(name=f"Student {n}") for n in range(2)]
    for k, student in enumerate(students):
        _orders_in_every_state(menu, student, start=10 * k)
    expected = _serializer_bytes(menu.vendor)

    response, _queries = _list(make_client(menu.vendor))

    body = response.json()
    assert body["count"] == 18
    assert response.content.endswith(b'"results":' + expected + b"}")
    results = body["results"]
    assert {order["status"] for order in results} == set(Order.Status.values) - {"expired", "unclaimed"}
    assert all(order["pickup_code"] is None for order in results)  # never to the vendor
    refunded = [order for order in results if len(order["refunds"]) == 3]
    assert [order["refunded_paise"] for order in refunded] == [800, 800]  # the failed 700 gave nothing back
    assert any(option["name"] == "Butter" for order in results for line in order["items"] for option in line["options"])


def test_the_students_list_is_byte_for_byte_what_the_serializer_renders_pickup_codes_included(menu, make_client):
    student = StudentFactory(name="Asha")
    _orders_in_every_state(menu, student)
    _orders_in_every_state(menu, StudentFactory(), start=20)  # not hers
    expected = _serializer_bytes(student)

    response, _queries = _list(make_client(student))

    assert response.content.endswith(b'"results":' + expected + b"}")
    results = json.loads(expected)
    assert len(results) == 9
    codes = {order["status"]: order["pickup_code"] for order in results}
    assert codes["pending_payment"] is None and len(codes["paid"]) == 6


def test_filters_and_pages_are_the_selectors(menu, make_client):
    student = StudentFactory()
    _orders_in_every_state(menu, student)
    client = make_client(menu.vendor)

    paid = client.get("/api/v1/orders?status=paid").json()
    second_page = client.get("/api/v1/orders?page_size=4&page=2").json()

    assert [order["status"] for order in paid["results"]] == ["paid", "paid"]  # one refunded in part
    everything = client.get("/api/v1/orders?page_size=100").json()["results"]
    assert second_page["count"] == 9 and second_page["results"] == everything[4:8]
    assert (
        client.get(f"/api/v1/orders?date={(timezone.localdate() + timedelta(days=30)).isoformat()}").json()["results"]
        == []
    )


def test_the_list_takes_the_same_number_of_queries_for_ten_orders_and_for_a_hundred(menu, make_client):
    client = make_client(menu.vendor)
    assert client.get("/api/v1/me").status_code == 200  # the token in the cache for both measurements
    _orders_in_every_state(menu, StudentFactory())
    few_response, few = _list(client)
    for k in range(10):
        _orders_in_every_state(menu, StudentFactory(), start=10 * (k + 1))
    many_response, many = _list(client)

    assert len(few_response.json()["results"]) == 9
    assert len(many_response.json()["results"]) == 99
    assert many == few
    assert few <= 4  # the count, the page of orders with slot and student, their lines, their refunds


def test_the_count_reads_the_orders_alone_and_agrees_with_the_page_under_every_filter(menu, make_client):
    # The page joins each order's slot and student; the count need not (one of each per order),
    # so it is one scan of the vendor's orders, whatever the filter.
    client = make_client(menu.vendor)
    _orders_in_every_state(menu, StudentFactory())
    day = timezone.localtime(menu.slot.starts_at).date().isoformat()
    for query in ("", "?status=paid", f"?slot={menu.slot.pk}", f"?date={day}", "?status=cancelled&date=" + day):
        with CaptureQueriesContext(connection) as queries:
            answer = client.get("/api/v1/orders" + query + ("&" if query else "?") + "page_size=100").json()
        counts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
        assert len(counts) == 1, query
        assert answer["count"] == len(answer["results"]), query
        if "date" not in query:  # the date is the slot's: only that filter joins the slot
            assert "JOIN" not in counts[0], counts[0]
        assert "accounts_user" not in counts[0], counts[0]
    assert client.get("/api/v1/orders").json()["count"] == 9
