"""A service failing half-way leaves nothing behind, and a payment names exactly one payable (finding 15)."""

from __future__ import annotations

import pytest

from accounts.tests.factories import StudentFactory
from core import sql as core_sql
from ordering.models import Order, OrderEvent, OrderItem, Slot
from ordering.tests.factories import MenuItemFactory, SlotFactory, place_order

# --- 15: a service failing half-way leaves nothing ----------------------------------------


class _Boom(RuntimeError):
    pass


@pytest.mark.django_db
def test_order_place_failing_after_its_writes_leaves_no_order_items_or_reserved_place(monkeypatch):
    slot = SlotFactory(capacity=3)
    item = MenuItemFactory(vendor=slot.vendor)
    student = StudentFactory()

    real_insert = core_sql.family_insert

    def fail_after_the_last_write(*args):
        real_insert(*args)
        # By now the slot place is taken and the order, its items and its event are written.
        assert Order.objects.filter(student=student).exists()
        assert OrderItem.objects.filter(order__student=student).exists()
        assert OrderEvent.objects.filter(order__student=student).exists()
        assert Slot.objects.get(pk=slot.pk).reserved == 1
        raise _Boom("the service fails after its last write")

    monkeypatch.setattr(core_sql, "family_insert", fail_after_the_last_write)
    with pytest.raises(_Boom):
        place_order(student=student, slot=slot, items=[item])

    assert not Order.objects.filter(student=student).exists()
    assert not OrderItem.objects.filter(order__student=student).exists()
    assert Slot.objects.get(pk=slot.pk).reserved == 0


@pytest.mark.django_db
def test_payment_capture_failing_at_the_ledger_leaves_the_payment_open_and_the_order_unpaid(monkeypatch):
    from ledger.models import Transaction
    from payments import services as payment_services
    from payments.models import Payment, PaymentEvent
    from payments.tests.factories import PaymentFactory

    payment = PaymentFactory()

    def fail(**kwargs):
        assert Payment.objects.get(pk=payment.pk).status == Payment.Status.CAPTURED  # written, not committed
        raise _Boom("the ledger posting fails")

    from payments.services import capture as capture_module

    monkeypatch.setattr(capture_module, "_ledger_capture", fail)
    with pytest.raises(_Boom):
        payment_services.payment_capture(
            payment_id=payment.pk,
            razorpay_payment_id="pay_HALFWAY0000001",
            amount_paise=payment.amount_paise,
            currency="INR",
            source="webhook",
        )

    payment.refresh_from_db()
    assert payment.status == Payment.Status.CREATED and payment.razorpay_payment_id is None
    assert not PaymentEvent.objects.filter(payment=payment, to_status="captured").exists()
    assert Order.objects.get(pk=payment.order_id).status == Order.Status.PENDING_PAYMENT
    assert Transaction.objects.count() == 0


@pytest.mark.django_db
def test_a_payment_names_exactly_one_payable_at_the_database():
    from django.db import IntegrityError, transaction

    from payments.models import Payment
    from payments.tests.factories import PaymentFactory

    payment = PaymentFactory()
    with pytest.raises(IntegrityError, match="payment_exactly_one_payable"), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(order=None)
    job_less = Payment(payer=payment.payer, amount_paise=100, currency="INR", razorpay_order_id="order_NOPAYABLE01")
    with pytest.raises(IntegrityError, match="payment_exactly_one_payable"), transaction.atomic():
        job_less.save()
