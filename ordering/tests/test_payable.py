from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import StudentFactory
from ordering.models import Order
from payments import payables
from payments.tests.factories import open_payment

from .factories import place_order

pytestmark = pytest.mark.django_db


def test_order_is_registered_as_a_payable():
    payable = payables.get("order")
    order = place_order()
    assert payable.model is Order
    assert payable.amount_paise(order) == order.total_paise
    assert payable.vendor_id(order) == order.vendor_id
    assert payable.payer_id(order) == order.student_id
    assert list(payable.queryset_for_payer(order.student)) == [order]
    assert not payable.queryset_for_payer(StudentFactory()).exists()
    assert str(order.pk) in payable.describe(order)


def test_is_payable_only_while_pending_and_in_the_window():
    payable = payables.get("order")
    order = place_order()
    assert payable.is_payable(order)
    order.payment_due_by = timezone.now() - timedelta(seconds=1)
    assert not payable.is_payable(order)
    order = place_order()
    order.status = Order.Status.CANCELLED
    assert not payable.is_payable(order)


def test_mark_paid_through_the_registry_under_a_lock():
    from django.db import transaction

    order = place_order()
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        payables.get("order").mark_paid(obj=locked, payment=open_payment(payer=order.student, order_=order))
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and len(order.pickup_code) == 6 and order.paid_at
