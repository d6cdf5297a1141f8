"""`manage.py seed_demo`: a small demo campus to click through.

Creates a staff account (a superuser; password printed, for /admin/ with an SMS code), two approved food
vendors with canteen menus, an approved stationery shop with print services, a
vendor waiting for approval, three students, and pickup slots over lunch and
evening for today and tomorrow (campus time, `TIME_ZONE`) that are still ahead. Shops start
closed (the vendor opens them); the demo opens the approved vendors' new shops.
It also shows money states: one order rejected and refunded (refund processed) and
one print job priced above its estimate with the shop's reason. Safe to run
again: what exists is left as it is and nothing is duplicated; only the staff
password is set anew (and printed) each run.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
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
from stationery.models import PrintJob

SLOT_LENGTH = timedelta(minutes=30)
SLOT_CAPACITY = 10
# Pickup windows: lunch and evening. Slots start every 30 minutes and end by the window's close.
SLOT_WINDOWS: tuple[tuple[time, time], ...] = ((time(12, 0), time(14, 30)), (time(17, 0), time(20, 0)))


@dataclass(frozen=True)
class DemoItem:
    name: str
    category: str
    rupees: int
    description: str = ""

    @property
    def price_paise(self) -> int:
        return self.rupees * 100


@dataclass(frozen=True)
class DemoService:
    name: str
    unit: str
    price_paise: int
    is_colour: bool = False


@dataclass(frozen=True)
class DemoVendor:
    phone: str
    name: str
    vendor_type: str
    shop_name: str
    description: str
    opening_note: str
    approved: bool = True
    items: tuple[DemoItem, ...] = ()
    services: tuple[DemoService, ...] = ()


@dataclass(frozen=True)
class DemoPerson:
    phone: str
    name: str


STAFF = DemoPerson("+919876500000", "Campus Admin")

VENDORS: tuple[DemoVendor, ...] = (
    DemoVendor(
        phone="+919876500011",
        name="Ramesh Kumar",
        vendor_type=User.VendorType.FOOD,
        shop_name="Annapurna Canteen",
        description="The main canteen: South Indian tiffin all day, thalis and North Indian meals at lunch.",
        opening_note="Open 8 am to 9 pm, Monday to Saturday",
        items=(
            DemoItem("Idli Sambar (2 pcs)", "Tiffin", 30, "Steamed rice cakes with sambar and coconut chutney"),
            DemoItem("Medu Vada (2 pcs)", "Tiffin", 35, "Crisp urad dal vadas with sambar"),
            DemoItem("Plain Dosa", "Tiffin", 40),
            DemoItem("Masala Dosa", "Tiffin", 50, "With potato masala, sambar and chutney"),
            DemoItem("Onion Uttapam", "Tiffin", 55),
            DemoItem("Veg Thali", "Meals", 80, "Two sabzis, dal, rice, three chapatis, salad and sweet"),
            DemoItem("Rajma Chawal", "Meals", 60),
            DemoItem("Chole Bhature", "Meals", 70),
            DemoItem("Curd Rice", "Meals", 45),
            DemoItem("Lemon Rice", "Meals", 40),
            DemoItem("Filter Coffee", "Beverages", 15),
            DemoItem("Masala Chai", "Beverages", 12),
        ),
    ),
    DemoVendor(
        phone="+919876500012",
        name="Salim Khan",
        vendor_type=User.VendorType.FOOD,
        shop_name="Rolls & Chinese Corner",
        description="Kathi rolls, Indo-Chinese and Mumbai street snacks near the hostel gate.",
        opening_note="Open 11 am to 10 pm",
        items=(
            DemoItem("Veg Frankie Roll", "Rolls", 50),
            DemoItem("Egg Roll", "Rolls", 50),
            DemoItem("Paneer Tikka Roll", "Rolls", 80),
            DemoItem("Chicken Kathi Roll", "Rolls", 90),
            DemoItem("Veg Hakka Noodles", "Chinese", 70),
            DemoItem("Veg Fried Rice", "Chinese", 70),
            DemoItem("Gobi Manchurian", "Chinese", 80, "Dry, with spring onions"),
            DemoItem("Vada Pav", "Snacks", 20),
            DemoItem("Samosa (2 pcs)", "Snacks", 25, "With green and tamarind chutney"),
            DemoItem("Pav Bhaji", "Snacks", 60),
            DemoItem("Cold Coffee", "Beverages", 45),
            DemoItem("Fresh Lime Soda", "Beverages", 30),
        ),
    ),
    DemoVendor(
        phone="+919876500021",
        name="Suresh Patel",
        vendor_type=User.VendorType.STATIONERY,
        shop_name="Campus Xerox & Prints",
        description="Printouts, photocopies and binding next to the library.",
        opening_note="Open 9 am to 7 pm",
        services=(
            DemoService("B/W print", PrintService.Unit.PAGE, 200),
            DemoService("Colour print", PrintService.Unit.PAGE, 1000, is_colour=True),
            DemoService("Spiral binding", PrintService.Unit.JOB, 3000),
        ),
    ),
    DemoVendor(
        phone="+919876500031",
        name="Meena Joshi",
        vendor_type=User.VendorType.FOOD,
        shop_name="Fresh Juice Bar",
        description="Fresh fruit juices and shakes (waiting for approval by campus staff).",
        opening_note="Open 10 am to 6 pm",
        approved=False,
    ),
)

STUDENTS: tuple[DemoPerson, ...] = (
    DemoPerson("+919876500101", "Aarav Sharma"),
    DemoPerson("+919876500102", "Priya Nair"),
    DemoPerson("+919876500103", "Rohan Iyer"),
)


DEMO_REFUNDED_NOTE = "Demo: rejected after payment and refunded"
DEMO_REPRICED_NOTE = "Demo: please spiral-bind it with a clear cover"


def _blank_pdf(*, pages: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def now() -> datetime:
    """The clock the command reads (a function so tests can set the time)."""
    return timezone.now()


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


@dataclass
class _Tally:
    users: int = 0
    shops: int = 0
    menu_items: int = 0
    print_services: int = 0
    slots: int = 0
    demo_money: int = 0
    notes: list[str] = field(default_factory=list)


class Command(BaseCommand):
    help = "Create (or complete) a demo campus: staff, vendors with menus and print services, slots, students."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--staff-password",
            help="Password to give the demo staff account (default: a new random one, printed).",
        )

    def handle(self, *args, **options) -> None:
        password = options.get("staff_password") or secrets.token_urlsafe(12)
        tally = _Tally()
        started = now()
        with transaction.atomic():
            self._staff(password, tally)
            vendors = {vendor.phone: self._vendor(vendor, tally) for vendor in VENDORS}
            for demo in VENDORS:
                user = vendors[demo.phone]
                if demo.vendor_type == User.VendorType.FOOD and self._may_sell(user):
                    self._slots(user, started, tally)
            tally.notes += seed_demo_menus(list(vendors.values()))  # options, diet marks, photos, stock
            students = [self._person(student, role=User.Role.STUDENT, tally=tally) for student in STUDENTS]
            self._refunded_order(vendors, students[0], tally)
            self._repriced_print_job(vendors, students[1], tally)
        self._report(password, tally)

    # --- users -------------------------------------------------------------

    def _person(self, person: DemoPerson, *, role: str, tally: _Tally, **fields) -> User:
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

    def _staff(self, password: str, tally: _Tally) -> None:
        user = User.objects.filter(phone=STAFF.phone).first()
        if user is None:
            user = User.objects.create_superuser(STAFF.phone, password, name=STAFF.name)
            tally.users += 1
            return
        if not user.is_campus_staff:
            raise CommandError(f"{STAFF.phone} already belongs to a {user.role} account; the demo needs it as staff.")
        user.set_password(password)
        user.save(update_fields=["password", "updated_at"])

    @staticmethod
    def _may_sell(user: User) -> bool:
        return user.is_approved and user.is_active

    # --- vendors and their catalogue ------------------------------------------

    def _vendor(self, demo: DemoVendor, tally: _Tally) -> User:
        user = self._person(
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
            if self._may_sell(user):
                # Shops start closed; the demo's vendors open theirs, as a vendor would.
                shop_update(vendor=user, is_open=True)
        if (demo.items or demo.services) and not self._may_sell(user):
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
                )
                tally.print_services += 1
        return user

    def _slots(self, vendor: User, at: datetime, tally: _Tally) -> None:
        for starts_at, ends_at in demo_slot_times(at=at):
            _, created = Slot.objects.get_or_create(
                vendor=vendor, starts_at=starts_at, defaults={"ends_at": ends_at, "capacity": SLOT_CAPACITY}
            )
            tally.slots += created

    # --- money states to look at ------------------------------------------------

    def _refunded_order(self, vendors: dict[str, User], student: User, tally: _Tally) -> None:
        """An order the vendor rejected after payment, its refund processed by Razorpay."""
        vendor = next((vendors[d.phone] for d in VENDORS if d.vendor_type == User.VendorType.FOOD and d.approved), None)
        if vendor is None or not self._may_sell(vendor):
            return
        if Order.objects.filter(student=student, note=DEMO_REFUNDED_NOTE).exists():
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
        ordering_services.order_reject(order=order, vendor=vendor, reason="Ran out of paneer")
        for refund in Refund.objects.filter(payment=payment, status=Refund.Status.PENDING):
            payment_services.refund_settle(
                refund_id=refund.pk,
                status=Refund.Status.PROCESSED,
                source=payment_services.Source.WEBHOOK,
                razorpay_refund_id=new_id("rfnd"),
            )
        tally.demo_money += 1

    def _repriced_print_job(self, vendors: dict[str, User], student: User, tally: _Tally) -> None:
        """A print job ready to pay at well above its estimate, with the shop's reason beside it."""
        vendor = next(
            (vendors[d.phone] for d in VENDORS if d.vendor_type == User.VendorType.STATIONERY and d.approved), None
        )
        if vendor is None or not self._may_sell(vendor):
            return
        if PrintJob.objects.filter(student=student, note=DEMO_REPRICED_NOTE).exists():
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

    # --- output -------------------------------------------------------------

    def _report(self, password: str, tally: _Tally) -> None:
        out = self.stdout.write
        out(self.style.SUCCESS("Tap N Take demo campus is ready."))
        out(
            f"Created now: {tally.users} users, {tally.shops} shops, {tally.menu_items} menu items, "
            f"{tally.print_services} print services, {tally.slots} pickup slots (existing data left as it was)."
        )
        out("")
        out("Staff — Django admin at /admin/: the phone and secret below, then the code sent by SMS")
        out("(printed on the console in embedded mode). Staff send that secret with the code in the API too.")
        out(f"  phone {STAFF.phone}   password {password}")
        out("")
        out("Sign in by OTP with these phones (in embedded mode the code is printed on the console):")
        for demo in VENDORS:
            label = f"{demo.vendor_type} vendor" + ("" if demo.approved else ", waiting for approval")
            out(f"  {demo.phone}   {demo.shop_name} ({label})")
        for student in STUDENTS:
            out(f"  {student.phone}   {student.name} (student)")
        for note in tally.notes:
            out(self.style.WARNING(note))
