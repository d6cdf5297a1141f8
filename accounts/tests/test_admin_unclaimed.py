"""Staff see each student's count of unclaimed orders in the users admin, and can block from the page (issue 20)."""

import re

import pytest

from accounts.tests.factories import StudentFactory
from ordering.models import Order
from ordering.tests.factories import ready_order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _whole_site_urls(settings):
    """Orders notify with a link to their page, so these tests need the whole site's routes."""
    settings.ROOT_URLCONF = "tntproject.urls"


def _unclaimed(student, n: int) -> None:
    for _ in range(n):
        order = ready_order(student=student)
        Order.objects.filter(pk=order.pk).update(status=Order.Status.UNCLAIMED)


def _count_cell(html: str, student) -> str:
    row = next(r for r in html.split("<tr") if student.phone in r)
    return re.search(r'class="field-unclaimed">(.*?)</td>', row).group(1)


def test_the_list_shows_each_students_count_and_links_to_the_orders(admin_client):
    habit, once, none = StudentFactory(), StudentFactory(), StudentFactory()
    _unclaimed(habit, 3)
    _unclaimed(once, 1)
    ready_order(student=none)  # ready, not unclaimed: not counted
    html = admin_client.get("/admin/accounts/user/", {"role__exact": "student", "o": "-5"}).content.decode()
    assert ">3</a>" in _count_cell(html, habit) and "status__exact=unclaimed" in _count_cell(html, habit)
    assert ">1</a>" in _count_cell(html, once)
    assert _count_cell(html, none) == "0"
    # Sorted by the count, highest first (column 5 of list_display, descending).
    assert html.index(habit.phone) < html.index(once.phone) < html.index(none.phone)


def test_the_students_page_shows_it_beside_the_block_button(admin_client):
    student = StudentFactory()
    _unclaimed(student, 2)
    html = admin_client.get(f"/admin/accounts/user/{student.pk}/change/").content.decode()
    assert "Unclaimed orders" in html or "unclaimed orders" in html
    assert ">2</a>" in html
    assert f"/admin/accounts/user/{student.pk}/block/" in html
