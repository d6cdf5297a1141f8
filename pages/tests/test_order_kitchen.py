"""The student's order page (issue 20): when to come, the shop running late, an order not collected, the pickup QR."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ordering import services
from ordering.models import Order, Slot
from ordering.tests.factories import accepted_order, ready_order

pytestmark = pytest.mark.django_db


def _page(client, order: Order) -> str:
    client.force_login(order.student)
    response = client.get(f"/orders/{order.pk}")
    assert response.status_code == 200
    return response.content.decode()


def test_accepted_order_shows_when_it_is_ready_and_the_delay(client):
    order = accepted_order()
    services.order_delay(order_id=order.pk, vendor=order.vendor, minutes=15)
    ready_at = timezone.localtime(Order.objects.get(pk=order.pk).estimated_ready_at)
    html = _page(client, order)
    assert 'data-testid="ready-at"' in html
    assert ready_at.strftime("%-I:%M") in html and "running 15 min late" in html


def test_unclaimed_order_says_so_and_keeps_the_code_and_qr(client):
    order = ready_order()
    ends = timezone.now() - timedelta(hours=1)
    Slot.objects.filter(pk=order.slot_id).update(starts_at=ends - timedelta(minutes=30), ends_at=ends)
    services.order_mark_unclaimed_due()
    html = _page(client, order)
    assert 'data-testid="unclaimed"' in html and "not refunded" in html
    assert f">{order.pickup_code}<" in html and "<svg" in html
    assert 'data-testid="ready-at"' not in html
