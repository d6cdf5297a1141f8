from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from ordering.models import Order, Slot
from ordering.tasks import expire_unpaid_orders

from .factories import place_order

pytestmark = pytest.mark.django_db


def _overdue_order():
    order = place_order()
    Order.objects.filter(pk=order.pk).update(payment_due_by=timezone.now() - timedelta(minutes=1))
    return order


def test_the_beat_schedule_names_this_task():
    assert expire_unpaid_orders.name == "ordering.tasks.expire_unpaid_orders"
    assert settings.CELERY_BEAT_SCHEDULE["expire-unpaid-orders"]["task"] == expire_unpaid_orders.name


def test_task_expires_and_is_safe_to_run_twice():
    order = _overdue_order()
    assert expire_unpaid_orders.delay().get() == 1
    assert expire_unpaid_orders.delay().get() == 0
    order.refresh_from_db()
    assert order.status == Order.Status.EXPIRED
    assert Slot.objects.get(pk=order.slot_id).reserved == 0


def test_management_command_does_the_same():
    order = _overdue_order()
    out = StringIO()
    call_command("expire_unpaid_orders", stdout=out)
    assert "Expired 1" in out.getvalue()
    call_command("expire_unpaid_orders", stdout=out)
    assert "Expired 0" in out.getvalue()
    order.refresh_from_db()
    assert order.status == Order.Status.EXPIRED
    assert Slot.objects.get(pk=order.slot_id).reserved == 0
