"""The demo's counter (issues 20 and 21): what waits to be handed over, and a late order.

For the demo canteen (the first approved food vendor), through ordering's and payments' own
services, each paid as a webhook capture would: an order `ready` at the counter, one `unclaimed`
(not collected in time: its slot is one of today's or tomorrow's still ahead, so the move is made
with the clock set past that slot's end and PICKUP_GRACE_MINUTES, as the nightly batch would
then), and an accepted order the kitchen marked DEMO_DELAY_MINUTES late. For the demo print shop,
a job printed and paid, so it has its release code (the student's print jobs page shows it as a
QR, the dashboard card scans it). Each is found again by its note, so a rerun makes nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from catalog.models import MenuItem, PrintService
from ordering import services as ordering_services
from ordering.models import Order, Slot
from payments import services as payment_services
from payments.models import Payment
from razorpay_sandbox.state import new_id
from stationery import services as stationery_services
from stationery.demo import demo_report_pdf
from stationery.models import PrintJob

from .data import (
    DEMO_DELAY_MINUTES,
    DEMO_DELAYED_NOTE,
    DEMO_READY_NOTE,
    DEMO_RELEASE_NOTE,
    DEMO_UNCLAIMED_NOTE,
)


def _capture(*, payer: User, amount_paise: int, order: Order | None = None, job: PrintJob | None = None) -> None:
    """Pay for `order` or `job` as Razorpay's webhook would report it captured."""
    payment = Payment.objects.create(
        order=order, print_job=job, payer=payer, amount_paise=amount_paise, razorpay_order_id=new_id("order")
    )
    payment_services.payment_capture(
        payment_id=payment.pk,
        razorpay_payment_id=new_id("pay"),
        amount_paise=amount_paise,
        currency="INR",
        source=payment_services.Source.WEBHOOK,
    )


def _paid_order(*, vendor: User, student: User, slot: Slot, item: MenuItem, note: str) -> Order:
    order = ordering_services.order_place(
        student=student,
        vendor_id=vendor.pk,
        slot_id=slot.pk,
        lines=[ordering_services.OrderLine(menu_item_id=item.pk, quantity=1)],
        note=note,
    )
    _capture(payer=student, amount_paise=order.total_paise, order=order)
    return ordering_services.order_accept(order_id=order.pk, vendor=vendor)


def _ready(order: Order) -> None:
    ordering_services.order_mark_ready(order_id=order.pk, vendor=order.vendor)


def _unclaim(order: Order) -> None:
    past_grace = order.slot.ends_at + timedelta(minutes=settings.PICKUP_GRACE_MINUTES + 1)
    ordering_services.order_mark_unclaimed(order_id=order.pk, now=past_grace)


def _delay(order: Order) -> None:
    ordering_services.order_delay(order_id=order.pk, vendor=order.vendor, minutes=DEMO_DELAY_MINUTES)


def counter_orders_build(*, vendor: User, students: list[User]) -> tuple[int, list[str]]:
    """The ready, unclaimed and delayed orders of `vendor`, one student each; (how many made, notes)."""
    steps: list[tuple[str, list[Callable[[Order], None]]]] = [
        (DEMO_READY_NOTE, [_ready]),
        (DEMO_UNCLAIMED_NOTE, [_ready, _unclaim]),
        (DEMO_DELAYED_NOTE, [_delay]),
    ]
    missing = [(note, then) for note, then in steps if not Order.objects.filter(vendor=vendor, note=note).exists()]
    if not missing:
        return 0, []
    slot = (
        Slot.objects.filter(
            vendor=vendor, is_active=True, is_deleted=False, starts_at__gt=ordering_services.order_cutoff()
        )
        .order_by("starts_at")
        .first()
    )
    item = (
        MenuItem.objects.filter(vendor=vendor, is_deleted=False, is_available=True, stock__isnull=True)
        .order_by("pk")
        .first()
    )
    if slot is None or item is None:
        return 0, ["No upcoming slot or dish: the demo counter orders were skipped."]
    made = 0
    for (note, then), student in zip(missing, students, strict=False):
        order = _paid_order(vendor=vendor, student=student, slot=slot, item=item, note=note)
        for step in then:
            step(order)
            order.refresh_from_db()
        made += 1
    return made, [f"{vendor.shop.name}: {made} demo orders at the counter (ready, not collected, running late)."]


def release_code_job_build(*, vendor: User, student: User) -> PrintJob | None:
    """A job printed and paid, so it waits for its release code; None if it exists or cannot be."""
    if PrintJob.objects.filter(vendor=vendor, note=DEMO_RELEASE_NOTE).exists():
        return None
    service = PrintService.objects.filter(vendor=vendor, is_deleted=False, is_available=True, unit="page").first()
    if service is None:
        return None
    job = stationery_services.print_job_submit(
        student=student,
        service_id=service.pk,
        upload=SimpleUploadedFile(
            "assignment.pdf", demo_report_pdf(pages=2, chart_page=0), content_type="application/pdf"
        ),
        copies=1,
        note=DEMO_RELEASE_NOTE,
    )
    stationery_services.print_job_accept(vendor=vendor, job_id=job.pk)
    job = stationery_services.print_job_mark_ready(vendor=vendor, job_id=job.pk, amount_paise=job.estimated_paise)
    _capture(payer=student, amount_paise=job.amount_paise, job=job)
    job.refresh_from_db()
    return job
