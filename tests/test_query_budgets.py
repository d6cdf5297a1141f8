"""Query budgets of the hot endpoints, all in one place.

Each endpoint is measured twice through the real API: with a little data, then after
adding many more of the rows it serves (menu items, slots, orders with several lines,
print jobs, payments, ledger entries, vendors). The number of SQL queries must be the
same both times (no N+1: the count does not grow with the data) and within an
absolute budget (so a regression that adds a fixed query per request is caught too).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.tests.factories import StaffFactory, StudentFactory
from catalog.models import MenuItem
from stationery.tests.factories import PrintJobFactory

from .fixtures import (
    food_vendor,
    menu_item,
    open_payment,
    order,
    paid_order,
    print_service,
    slot,
    stationery_vendor,
)

SMALL = 1
LARGE = 25


def _client(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def _world() -> SimpleNamespace:
    vendor = food_vendor(name="Hot Canteen")
    shop_slot = slot(vendor, capacity=1000)
    items = [menu_item(vendor, name=f"Base dish {n}") for n in range(3)]
    printer = stationery_vendor(name="Hot Xerox")
    return SimpleNamespace(
        vendor=vendor,
        slot=shop_slot,
        items=items,
        student=StudentFactory(),
        staff=StaffFactory(),
        printer=printer,
        service=print_service(printer, name="B/W"),
        counter=[0],
    )


def _next(w: SimpleNamespace) -> int:
    w.counter[0] += 1
    return w.counter[0]


# --- how each endpoint's data grows ---------------------------------------------------------------


def more_vendors(w, n):
    for _ in range(n):
        number = _next(w)
        menu_item(food_vendor(name=f"Canteen {number}"), name="Tea")
        stationery_vendor(name=f"Xerox {number}")


def more_menu_items(w, n):
    for _ in range(n):
        menu_item(w.vendor, name=f"Dish {_next(w)}")


def more_slots(w, n):
    for hours in range(n):
        slot(w.vendor, hours_ahead=4 + hours + _next(w), capacity=5)


def more_schedules(w, n):
    from datetime import time

    from ordering.models import SlotSchedule

    for _ in range(n):
        hour = _next(w) % 24
        SlotSchedule.objects.create(
            vendor=w.vendor,
            weekdays=[0],
            first_start=time(hour, 0),
            last_end=time(hour, 30),
            slot_minutes=30,
            capacity=5,
        )


def more_closures(w, n):
    from datetime import timedelta

    from django.utils import timezone

    from ordering.models import Closure

    for _ in range(n):
        Closure.objects.create(vendor=w.vendor, date=timezone.localdate() + timedelta(days=1 + _next(w)))


def more_orders_of_student(w, n):
    for _ in range(n):
        paid_order(w.student, w.slot, w.items)  # paid: pickup code, payment, ledger rows too


def more_refunded_orders_of_student(w, n):
    """Paid orders the student cancelled: each with a refund (reserved; Razorpay is asked after commit)."""
    from ordering.services import order_cancel

    for _ in range(n):
        placed, _payment = paid_order(w.student, w.slot, w.items)
        order_cancel(order_id=placed.pk, student=w.student)


def more_orders_of_vendor(w, n):
    for _ in range(n):
        order(StudentFactory(), w.slot, w.items)
        paid_order(StudentFactory(), w.slot, w.items[:2])


def more_lines_in_one_order(w, n):
    """The measured order (`w.one_order`) is replaced by one with more lines."""
    more_menu_items(w, n)
    w.one_order = order(w.student, w.slot, list(MenuItem.objects.filter(vendor=w.vendor).order_by("pk")[:30]))


def more_jobs_of_student(w, n):
    PrintJobFactory.create_batch(n, student=w.student, service=w.service)


def more_jobs_of_vendor(w, n):
    for _ in range(n):
        PrintJobFactory(student=StudentFactory(), service=w.service)


def more_payments_of_student(w, n):
    for _ in range(n):
        open_payment(payer=w.student, order_=order(w.student, w.slot, w.items[:1]))
        paid_order(w.student, w.slot, w.items[:1])


def more_ledger_entries(w, n):
    for _ in range(n):
        paid_order(StudentFactory(), w.slot, w.items)


def more_prep_lines(w, n):
    more_menu_items(w, n)
    for item in MenuItem.objects.filter(vendor=w.vendor):
        paid_order(StudentFactory(), w.slot, [item])


def one_order(w):
    w.one_order = order(w.student, w.slot, w.items[:1])


def place_body(w) -> dict:
    """POST /orders with as many lines as the menu has (capped at the 30 allowed)."""
    items = list(MenuItem.objects.filter(vendor=w.vendor).order_by("pk")[:30])
    return {
        "vendor": w.vendor.pk,
        "slot": w.slot.pk,
        "items": [{"menu_item": item.pk, "quantity": 1} for item in items],
    }


@dataclass(frozen=True)
class Hot:
    name: str
    method: str
    caller: str  # attribute of the world: "student", "vendor", "printer", "staff", or "" (anonymous)
    path: Callable[[SimpleNamespace], str]
    grow: Callable[[SimpleNamespace, int], None]
    budget: int
    status: int = 200
    body: Callable[[SimpleNamespace], dict] | None = None
    setup: Callable[[SimpleNamespace], None] | None = None


HOT = [
    Hot("GET /vendors", "GET", "", lambda w: "/api/v1/vendors?page_size=100", more_vendors, budget=2),
    # Menus: +2 for the items' option groups and their options (issue 19).
    Hot("GET /vendors/{id}/menu", "GET", "", lambda w: f"/api/v1/vendors/{w.vendor.pk}/menu", more_menu_items, 4),
    Hot("GET /vendors/{id}/slots", "GET", "", lambda w: f"/api/v1/vendors/{w.vendor.pk}/slots", more_slots, 3),
    Hot("GET /menu-items", "GET", "student", lambda w: "/api/v1/menu-items?page_size=100", more_menu_items, 5),
    Hot("GET /slots", "GET", "student", lambda w: "/api/v1/slots?page_size=100", more_slots, 3),
    Hot("GET /slot-schedules", "GET", "vendor", lambda w: "/api/v1/slot-schedules?page_size=100", more_schedules, 3),
    Hot("GET /closures", "GET", "vendor", lambda w: "/api/v1/closures?page_size=100", more_closures, 3),
    # Orders and print jobs: +2 for their refunds (the payments that took money, then their refunds).
    Hot("GET /orders (student)", "GET", "student", lambda w: "/api/v1/orders?page_size=100", more_orders_of_student, 6),
    Hot("GET /orders (vendor)", "GET", "vendor", lambda w: "/api/v1/orders?page_size=100", more_orders_of_vendor, 6),
    Hot(
        "GET /orders (student, refunded)",
        "GET",
        "student",
        lambda w: "/api/v1/orders?page_size=100",
        more_refunded_orders_of_student,
        6,
    ),
    Hot(
        "GET /orders/{id}",
        "GET",
        "student",
        lambda w: f"/api/v1/orders/{w.one_order.pk}",
        more_lines_in_one_order,
        5,
        setup=one_order,
    ),
    Hot(
        "GET /print-jobs (student)",
        "GET",
        "student",
        lambda w: "/api/v1/print-jobs?page_size=100",
        more_jobs_of_student,
        5,
    ),
    Hot(
        "GET /print-jobs (vendor)",
        "GET",
        "printer",
        lambda w: "/api/v1/print-jobs?page_size=100",
        more_jobs_of_vendor,
        5,
    ),
    Hot(
        "GET /payments (student)",
        "GET",
        "student",
        lambda w: "/api/v1/payments?page_size=100",
        more_payments_of_student,
        3,
    ),
    Hot(  # 2 more than a student's: the staff's permissions (its own and its groups')
        "GET /payments (staff)", "GET", "staff", lambda w: "/api/v1/payments?page_size=100", more_payments_of_student, 5
    ),
    Hot(
        "GET /ledger/entries", "GET", "vendor", lambda w: "/api/v1/ledger/entries?page_size=100", more_ledger_entries, 3
    ),
    Hot("GET /ledger/balance", "GET", "vendor", lambda w: "/api/v1/ledger/balance", more_ledger_entries, 2),
    Hot(
        "GET /slots/{id}/prep-sheet",
        "GET",
        "vendor",
        lambda w: f"/api/v1/slots/{w.slot.pk}/prep-sheet",
        more_prep_lines,
        4,
    ),
    # POST /orders: +2 for the lines' option groups and options, +2 for the stock (lock, take).
    Hot("POST /orders", "POST", "student", lambda w: "/api/v1/orders", more_menu_items, 16, 201, body=place_body),
]


def count_queries(w: SimpleNamespace, hot: Hot) -> tuple[int, int]:
    """(SQL queries of one request, size of its answer in bytes)."""
    client = _client(getattr(w, hot.caller) if hot.caller else None)
    path = hot.path(w)
    body = hot.body(w) if hot.body else None
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, hot.method.lower())(path, body, format="json")
    assert response.status_code == hot.status, (hot.name, response.status_code, response.content[:300])
    return len(queries.captured_queries), len(response.content)


@pytest.mark.django_db
@pytest.mark.parametrize("hot", HOT, ids=[hot.name for hot in HOT])
def test_queries_do_not_grow_with_the_data(hot: Hot, settings):
    settings.MAX_UNPAID_ORDERS = 1000  # the data grows one student's unpaid orders past the abuse limit
    w = _world()
    if hot.setup:
        hot.setup(w)
    hot.grow(w, SMALL)
    caller = _client(getattr(w, hot.caller) if hot.caller else None)  # the token row exists before measuring
    if hot.caller:
        # Both measurements with the token already in the cache (accounts/token_cache.py), as it
        # is for every request of a client after its first.
        assert caller.get("/api/v1/me").status_code == 200
    few, small_answer = count_queries(w, hot)
    hot.grow(w, LARGE)
    many, large_answer = count_queries(w, hot)
    if hot.method == "GET" and hot.name != "GET /ledger/balance":
        assert large_answer > 2 * small_answer, f"{hot.name}: the answer did not grow with the data"
    assert many == few, f"{hot.name}: {few} queries with little data, {many} with {LARGE} more rows"
    assert few <= hot.budget, f"{hot.name}: {few} queries, budget {hot.budget}"


def test_every_hot_endpoint_of_the_issue_has_a_budget():
    names = {hot.name for hot in HOT}
    for wanted in (
        "GET /vendors",
        "GET /vendors/{id}/menu",
        "GET /vendors/{id}/slots",
        "GET /menu-items",
        "GET /slots",
        "GET /orders (student)",
        "GET /orders (vendor)",
        "GET /orders/{id}",
        "GET /print-jobs (student)",
        "GET /print-jobs (vendor)",
        "GET /payments (student)",
        "GET /ledger/entries",
        "GET /ledger/balance",
        "GET /slots/{id}/prep-sheet",
        "POST /orders",
    ):
        assert wanted in names, wanted
