"""Building the demo campus of campus/demo/data.py through the apps' own services.

Each builder leaves what exists as it is and makes only what is missing, so `seed_demo` can run
again; `build_demo_campus` runs them all in one transaction and tallies what it made.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone
from pypdf import PdfWriter

from accounts.models import User
from campus.demo_menus import seed_demo_menus
from catalog.models import MenuItem, PrintService
from catalog.services import menu_item_create, print_service_create, shop_create_for_vendor, shop_update
from ordering import services as ordering_services
from ordering.models import Order, Slot
from payments import services as payment_services
from payments.models import Payment, Refund
from razorpay_sandbox.state import new_id
from stationery import services as stationery_services
from stationery.demo import demo_colour_job
from stationery.models import PrintJob

from .counter import counter_orders_build, release_code_job_build
from .data import (
    DEMO_REFUNDED_NOTE,
    DEMO_REPRICED_NOTE,
    SLOT_CAPACITY,
    SLOT_LENGTH,
    SLOT_WINDOWS,
    STAFF,
    STUDENTS,
    VENDORS,
    DemoPerson,
    DemoVendor,
)
from .kitchen import kitchen_build


@dataclass
class Tally:
    """What one run made (existing rows are not counted) and what it had to skip."""

    users: int = 0
    shops: int = 0
    menu_items: int = 0
    print_services: int = 0
    slots: int = 0
    demo_money: int = 0
    notes: list[str] = field(default_factory=list)


def demo_slot_times(*, at: datetime) -> list[tuple[datetime, datetime]]:
    """Pickup slots of today and tomorrow (campus time) that start after `at`."""
    campus_tz = timezone.get_default_timezone()  # settings.TIME_ZONE, read now
    today = at.astimezone(campus_tz).date()
    slots: list[tuple[datetime, datetime]] = []
    for day in (today, today + timedelta(days=1)):
        for opens, closes in SLOT_WINDOWS:
            start = datetime.combine(day, opens, tzinfo=campus_tz)
            window_end = datetime.combine(day, closes, tzinfo=campus_tz)
            while start + SLOT_LENGTH <= window_end:
                if start > at:
                    slots.append((start, start + SLOT_LENGTH))
                start += SLOT_LENGTH
    return slots


@transaction.atomic
def build_demo_campus(*, staff_password: str, at: datetime) -> Tally:
    """Staff, vendors with their catalogues, slots ahead of `at`, students and two money states."""
    tally = Tally()
    staff_build(password=staff_password, tally=tally)
    vendors = {demo.phone: vendor_build(demo, tally=tally) for demo in VENDORS}
    for demo in VENDORS:
        user = vendors[demo.phone]
        if demo.vendor_type == User.VendorType.FOOD and may_sell(user):
            slots_build(vendor=user, at=at, tally=tally)
    tally.notes += seed_demo_menus(list(vendors.values()))  # options, diet marks, photos, stock
    kitchen_vendor = _demo_vendor(vendors, vendor_type=User.VendorType.FOOD)
    if kitchen_vendor is not None:
        tally.notes += kitchen_build(vendor=kitchen_vendor, at=at)  # a weekly schedule, a closure, prep units
    students = [person_build(student, role=User.Role.STUDENT, tally=tally) for student in STUDENTS]
    refunded_order_build(vendors=vendors, student=students[0], tally=tally)
    repriced_print_job_build(vendors=vendors, student=students[1], tally=tally)
    colour_print_job_build(vendors=vendors, student=students[0], tally=tally)
    if kitchen_vendor is not None:  # ready, unclaimed and late orders at the demo canteen's counter
        made, notes = counter_orders_build(vendor=kitchen_vendor, students=students)
        tally.demo_money += made
        tally.notes += notes
    print_shop = _demo_vendor(vendors, vendor_type=User.VendorType.STATIONERY)
    if print_shop is not None and release_code_job_build(vendor=print_shop, student=students[2]):
        tally.demo_money += 1  # a paid print job with its release code
    return tally


def may_sell(user: User) -> bool:
    return user.is_approved and user.is_active


# --- users -----------------------------------------------------------------


def person_build(person: DemoPerson, *, role: str, tally: Tally, **fields) -> User:
    user = User.objects.filter(phone=person.phone).first()
    if user is None:
        user = User.objects.create_user(person.phone, role=role, name=person.name, **fields)
        tally.users += 1
    elif user.role != role or user.vendor_type != fields.get("vendor_type"):
        raise CommandError(
            f"{person.phone} already belongs to a {user.role} account; the demo needs it as {role}. "
            "Use a fresh database or remove that account."
        )
    return user


def staff_build(*, password: str, tally: Tally) -> None:
    user = User.objects.filter(phone=STAFF.phone).first()
    if user is None:
        User.objects.create_superuser(STAFF.phone, password, name=STAFF.name)
        tally.users += 1
        return
    if not user.is_campus_staff:
        raise CommandError(f"{STAFF.phone} already belongs to a {user.role} account; the demo needs it as staff.")
    user.set_password(password)
    user.save(update_fields=["password", "updated_at"])


# --- vendors and their catalogue ----------------------------------------------


def vendor_build(demo: DemoVendor, *, tally: Tally) -> User:
    user = person_build(
        DemoPerson(demo.phone, demo.name),
        role=User.Role.VENDOR,
        tally=tally,
        vendor_type=demo.vendor_type,
        is_approved=demo.approved,
    )
    if not hasattr(user, "shop"):
        shop_create_for_vendor(
            user=user, shop_name=demo.shop_name, description=demo.description, opening_note=demo.opening_note
        )
        tally.shops += 1
        if may_sell(user):
            # Shops start closed; the demo's vendors open theirs, as a vendor would.
            shop_update(vendor=user, is_open=True)
    if (demo.items or demo.services) and not may_sell(user):
        tally.notes.append(f"{demo.shop_name}: vendor is not approved or is blocked; its catalogue was skipped.")
        return user
    for item in demo.items:
        if not MenuItem.objects.filter(vendor=user, name__iexact=item.name, is_deleted=False).exists():
            menu_item_create(
                vendor=user,
                name=item.name,
                category=item.category,
                price_paise=item.price_paise,
                description=item.description,
            )
            tally.menu_items += 1
    for service in demo.services:
        if not PrintService.objects.filter(vendor=user, name__iexact=service.name, is_deleted=False).exists():
            print_service_create(
                vendor=user,
                name=service.name,
                unit=service.unit,
                price_paise=service.price_paise,
                is_colour=service.is_colour,
                colour_price_paise=service.colour_price_paise,
            )
            tally.print_services += 1
    return user


def slots_build(*, vendor: User, at: datetime, tally: Tally) -> None:
    for starts_at, ends_at in demo_slot_times(at=at):
        _, created = Slot.objects.get_or_create(
            vendor=vendor, starts_at=starts_at, defaults={"ends_at": ends_at, "capacity": SLOT_CAPACITY}
        )
        tally.slots += created


# --- money states to look at --------------------------------------------------


def _demo_vendor(vendors: dict[str, User], *, vendor_type: str) -> User | None:
    """The first approved demo vendor of that type, if it may still sell."""
    vendor = next((vendors[d.phone] for d in VENDORS if d.vendor_type == vendor_type and d.approved), None)
    return vendor if vendor is not None and may_sell(vendor) else None


def refunded_order_build(*, vendors: dict[str, User], student: User, tally: Tally) -> None:
    """An order the vendor rejected after payment, its refund processed by Razorpay."""
    vendor = _demo_vendor(vendors, vendor_type=User.VendorType.FOOD)
    if vendor is None or Order.objects.filter(student=student, note=DEMO_REFUNDED_NOTE).exists():
        return
    slot = (
        Slot.objects.filter(
            vendor=vendor, is_active=True, is_deleted=False, starts_at__gt=ordering_services.order_cutoff()
        )
        .order_by("starts_at")
        .first()
    )
    item = MenuItem.objects.filter(vendor=vendor, is_deleted=False, is_available=True).order_by("pk").first()
    if slot is None or item is None:
        tally.notes.append("No upcoming slot or dish: the demo refunded order was skipped.")
        return
    order = ordering_services.order_place(
        student=student,
        vendor_id=vendor.pk,
        slot_id=slot.pk,
        lines=[ordering_services.OrderLine(menu_item_id=item.pk, quantity=2)],
        note=DEMO_REFUNDED_NOTE,
    )
    payment = Payment.objects.create(
        order=order, payer=student, amount_paise=order.total_paise, razorpay_order_id=new_id("order")
    )
    payment_services.payment_capture(
        payment_id=payment.pk,
        razorpay_payment_id=new_id("pay"),
        amount_paise=payment.amount_paise,
        currency="INR",
        source=payment_services.Source.WEBHOOK,
    )
    order.refresh_from_db()
    ordering_services.order_reject(order_id=order.pk, vendor=vendor, reason="Ran out of paneer")
    for refund in Refund.objects.filter(payment=payment, status=Refund.Status.PENDING):
        payment_services.refund_settle(
            refund_id=refund.pk,
            status=Refund.Status.PROCESSED,
            source=payment_services.Source.WEBHOOK,
            razorpay_refund_id=new_id("rfnd"),
        )
    tally.demo_money += 1


def _blank_pdf(*, pages: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def repriced_print_job_build(*, vendors: dict[str, User], student: User, tally: Tally) -> None:
    """A print job ready to pay at well above its estimate, with the shop's reason beside it."""
    vendor = _demo_vendor(vendors, vendor_type=User.VendorType.STATIONERY)
    if vendor is None or PrintJob.objects.filter(student=student, note=DEMO_REPRICED_NOTE).exists():
        return
    service = PrintService.objects.filter(vendor=vendor, is_deleted=False, is_available=True, unit="page").first()
    if service is None:
        return
    job = stationery_services.print_job_submit(
        student=student,
        service_id=service.pk,
        upload=SimpleUploadedFile("lab-record.pdf", _blank_pdf(pages=3), content_type="application/pdf"),
        copies=1,
        note=DEMO_REPRICED_NOTE,
    )
    stationery_services.print_job_accept(vendor=vendor, job_id=job.pk)
    stationery_services.print_job_mark_ready(
        vendor=vendor,
        job_id=job.pk,
        amount_paise=job.estimated_paise * 2 + 1000,
        reason="Spiral binding and a clear cover, as asked in the note",
    )
    tally.demo_money += 1


def colour_print_job_build(*, vendors: dict[str, User], student: User, tally: Tally) -> None:
    """A print job of a report whose chart is its only colour page."""
    vendor = _demo_vendor(vendors, vendor_type=User.VendorType.STATIONERY)
    if vendor is not None and demo_colour_job(vendor=vendor, student=student):
        tally.demo_money += 1
