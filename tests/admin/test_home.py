"""The admin's home page: the day's to-dos, each a count that links to the list showing those rows."""

from __future__ import annotations

import pytest

from .seed import seed_office

pytestmark = pytest.mark.django_db

OPERATIONS_TODOS = {"approvals", "orders_waiting", "orders_unclaimed"}
FINANCE_TODOS = {
    "refunds_delayed",
    "flagged_wrong_amount",
    "flagged_late_capture",
    "flagged_duplicate_capture",
    "orders_waiting",
    "orders_unclaimed",
    "payouts_due",
}


def _todos(client) -> dict:
    response = client.get("/admin/")
    assert response.status_code == 200
    return {todo.key: todo for todo in response.context["todos"]}


def test_each_todo_counts_the_seeded_cases_and_its_link_lists_exactly_them(as_staff, operations, finance):
    seeded = seed_office()
    superuser = as_staff(seeded.objects["root"])

    todos = _todos(superuser)

    assert {key: todo.count for key, todo in todos.items()} == seeded.expected
    for key, todo in todos.items():
        listed = superuser.get(todo.url)
        assert listed.status_code == 200, key
        shown = listed.context["cl"].result_count if "cl" in listed.context else len(listed.context["rows"])
        assert shown == todo.count, key


def test_the_home_page_shows_counts_with_their_links(as_staff):
    seeded = seed_office()
    html = as_staff(seeded.objects["root"]).get("/admin/").content.decode()
    assert 'data-todo="approvals"' in html and "Vendors awaiting approval" in html
    assert 'href="/admin/payments/refund/?todo=delayed"' in html
    assert 'href="/admin/ordering/order/?todo=waiting"' in html


def test_each_group_sees_only_the_todos_of_its_work(as_staff, operations, finance):
    seed_office()
    assert set(_todos(as_staff(operations))) == OPERATIONS_TODOS
    assert set(_todos(as_staff(finance))) == FINANCE_TODOS


def test_the_delayed_refunds_list_names_the_right_rows(as_staff, finance):
    seeded = seed_office()
    rows = as_staff(finance).get("/admin/payments/refund/", {"todo": "delayed"}).context["cl"].result_list
    assert {refund.pk for refund in rows} == {seeded.objects["failed"].pk, seeded.objects["stuck"].pk}


def test_the_orders_lists_name_the_right_rows(as_staff, operations):
    seeded = seed_office()
    client = as_staff(operations)
    waiting = client.get("/admin/ordering/order/", {"todo": "waiting"}).context["cl"].result_list
    unclaimed = client.get("/admin/ordering/order/", {"todo": "unclaimed"}).context["cl"].result_list
    assert [o.pk for o in waiting] == [seeded.objects["slow"].pk]
    assert [o.pk for o in unclaimed] == [seeded.objects["unclaimed"].pk]
