"""The dashboard's queue on the event stream (issue 24): a new order arrives without any poll.

The poll is made ten minutes long here, both its normal pace and its fallback, so only an event
can bring the order on screen; the same test with the stream refused shows the order does not
come then (what makes the first one able to fail).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from ordering.models import Order

from .factories import dish, food_vendor, paid_order, slot
from .test_browser import QUEUE_POLL, sound_played, wait_for_polls, wait_for_stream

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEN_MINUTES_MS = 600_000


@pytest.fixture
def no_polling(monkeypatch):
    monkeypatch.setattr("dashboard.views.POLL_INTERVAL_MS", TEN_MINUTES_MS)
    monkeypatch.setattr("dashboard.views.POLL_FALLBACK_MS", TEN_MINUTES_MS)


def test_a_new_order_arrives_by_the_stream_with_its_banner_and_sound(open_dashboard, sandbox, no_polling):
    vendor = food_vendor()
    lunch = slot(vendor)
    dosa = dish(vendor, "Masala dosa", 6000)
    page = open_dashboard(vendor)
    wait_for_polls(page)  # the first load
    wait_for_stream(page)
    page.locator(".brand").click()  # the first tap lets the page make sound
    polls = []
    page.on("request", lambda request: polls.append(request.url) if QUEUE_POLL.search(request.url) else None)

    order = paid_order(lunch, {dosa: 1})

    card = page.locator(f"#order-{order.pk}")
    expect(card).to_be_visible(timeout=5000)
    expect(card).to_have_class(re.compile(r"\border--new\b"))
    expect(page.locator("#new-banner")).to_contain_text(f"New order #{order.pk}")
    expect(page.locator("#queue-count")).to_have_text("1")
    sound_played(page)
    assert polls, "the queue was not fetched again"  # by the event, since no poll was due

    # The vendor's own action refreshes the queue at once too, and the student's news comes back as an event.
    card.get_by_role("button", name="Accept").click()
    expect(card.locator(".status")).to_have_text("Accepted")
    order.refresh_from_db()
    assert order.status == Order.Status.ACCEPTED


def test_with_the_stream_refused_and_no_poll_due_the_order_does_not_come(open_dashboard, sandbox, no_polling):
    vendor = food_vendor()
    lunch = slot(vendor)
    dosa = dish(vendor, "Masala dosa", 6000)
    page = open_dashboard(vendor, block_events=True)
    wait_for_polls(page)
    order = paid_order(lunch, {dosa: 1})
    page.wait_for_timeout(2500)
    expect(page.locator(f"#order-{order.pk}")).to_have_count(0)
    assert page.evaluate("() => document.documentElement.dataset.liveStream") == "closed"
