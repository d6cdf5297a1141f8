"""Shops, orders, print jobs and payments for the dashboard tests, in the suite's one vocabulary.

Shops, dishes and print services are `catalog.tests.factories`'; orders are placed and
paid by `ordering.tests.factories` (`paid_order(through_checkout=True)`): `payment_open`
creates the Razorpay order at the sandbox (served by the live server), the sandbox's
checkout completes it, and `payment_verify` applies the capture through payments' one
capture path, which marks the order or job paid and posts the ledger.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.tests.factories import FoodVendorFactory, StationeryVendorFactory, StudentFactory
from catalog.models import MenuItem, PrintService
from catalog.tests.factories import FoodShopFactory, MenuItemFactory, PrintServiceFactory, StationeryShopFactory
from ordering.models import Order, Slot
from ordering.tests import factories as ordering_factories
from payments.models import Payment, Refund
from payments.tests.factories import pay_through_checkout
from razorpay_sandbox import state as sandbox
from stationery import services as stationery_services
from stationery.models import PrintJob
from stationery.tests.pdfs import pdf_bytes, upload

pay = pay_through_checkout  # the dashboard tests' name for it


def food_vendor(name: str = "Dosa Point"):
    return FoodShopFactory(vendor=FoodVendorFactory(name=f"{name} owner"), name=name, description="").vendor


def stationery_vendor(name: str = "Xerox Point"):
    return StationeryShopFactory(vendor=StationeryVendorFactory(name=f"{name} owner"), name=name, description="").vendor


def dish(vendor, name: str, price_paise: int, category: str = "Meals") -> MenuItem:
    return MenuItemFactory(vendor=vendor, name=name, price_paise=price_paise, category=category)


def slot(vendor, *, starts_in: timedelta = timedelta(hours=2), minutes: int = 30, capacity: int = 10) -> Slot:
    starts_at = timezone.now().replace(second=0, microsecond=0) + starts_in
    return Slot.objects.create(
        vendor=vendor, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes), capacity=capacity
    )


def place_order(slot: Slot, lines: dict[MenuItem, int], student=None, note: str = "") -> Order:
    return ordering_factories.place_order(slot=slot, lines=lines, student=student, note=note)


def paid_order(slot: Slot, lines: dict[MenuItem, int], student=None, note: str = "") -> Order:
    return ordering_factories.paid_order(slot=slot, lines=lines, student=student, note=note, through_checkout=True)


def print_service(vendor, name: str = "A4 black and white", price_paise: int = 200, unit: str = "page"):
    return PrintServiceFactory(vendor=vendor, name=name, price_paise=price_paise, unit=unit)


def submit_print_job(service: PrintService, *, pages: int = 3, copies: int = 2, student=None) -> tuple[PrintJob, bytes]:
    """A job sent by a student with a real PDF; returns the job and the bytes sent."""
    data = pdf_bytes(pages)
    job = stationery_services.print_job_submit(
        student=student or StudentFactory(),
        service_id=service.pk,
        upload=upload(data, name="lab-record.pdf"),
        copies=copies,
    )
    return job, data


def captured_payment(*, order=None, print_job=None, refunded_paise: int = 0) -> Payment:
    """A captured payment row as the capture path leaves it (for reads that need no gateway)."""
    payable = order or print_job
    amount = payable.total_paise if order is not None else payable.amount_paise
    payment = Payment.objects.create(
        payer=payable.student,
        order=order,
        print_job=print_job,
        amount_paise=amount,
        status=Payment.Status.REFUNDED if refunded_paise == amount else Payment.Status.CAPTURED,
        razorpay_order_id=sandbox.new_id("order"),
        razorpay_payment_id=sandbox.new_id("pay"),
        captured_paise=amount,
        refunded_paise=refunded_paise,
        captured_at=timezone.now(),
    )
    if refunded_paise:
        Refund.objects.create(
            payment=payment, amount_paise=refunded_paise, idempotency_key=sandbox.new_id("idem"), reason="test"
        )
    return payment
