"""A small, realistic campus built through the apps' own services, shared by the cross-cutting suites.

`build_campus()` makes every kind of actor (with API tokens) and every object the API
serves, each in the state an action needs: student A's orders at food vendor A in
every state, print jobs of student A at the stationery vendor in every state, real
captured payments (through `payments.services.payment_capture`, so the ledger is
posted), plus rows of other tenants that must never leak into someone else's list.

`module_campus()` builds it once inside an outer transaction that is rolled back at
the end: each test then runs in its own savepoint (pytest-django's `db`), so tests do
not see each other's writes and nothing is left in the database afterwards.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts import services as account_services
from accounts.groups import CAMPUS_OPERATIONS, FINANCE, staff_groups_ensure
from accounts.models import User
from accounts.tests.factories import (
    FoodVendorFactory,
    StaffFactory,
    StationeryVendorFactory,
    StudentFactory,
)
from catalog.models import MenuItem, PrintService, Shop
from catalog.tests.factories import MenuItemFactory, PrintServiceFactory, ShopFactory
from ordering import services as ordering_services
from ordering.models import Order, Slot
from ordering.tests.factories import paid_order as paid_order_placed
from payments.models import Payment
from payments.tests.factories import capture, open_payment
from stationery import services as stationery_services
from stationery.models import PrintJob
from stationery.tests.pdfs import pdf_bytes, upload

# The nine callers of the authorization matrix, in its column order.
ANON = "anon"
STUDENT_A = "student_a"
STUDENT_B = "student_b"
FOOD_A = "food_a"
FOOD_B = "food_b"
STATIONERY = "stationery"
UNAPPROVED = "unapproved"
BLOCKED = "blocked"
STAFF = "staff"
ACTORS = (ANON, STUDENT_A, STUDENT_B, FOOD_A, FOOD_B, STATIONERY, UNAPPROVED, BLOCKED, STAFF)
# Issue 14: a staff account with no permissions and no groups. Not a column of ACTORS: its cells
# are the STAFF column with every staff endpoint refused (tests/test_authz_matrix.py).
STAFF_NO_PERMS = "staff_no_perms"

# A print shop approved, sent jobs, then rejected: its own matrix test (tests/test_authz_matrix.py).
REJECTED_VENDOR = "rejected_vendor"


def pdf_upload(pages: int = 2, name: str = "notes.pdf"):
    """A real, tiny PDF of blank A4 pages as an upload (the one PDF builder: stationery/tests/pdfs.py)."""
    return upload(pdf_bytes(pages), name=name)


def shop_for(vendor: User, *, name: str, is_open: bool = True) -> Shop:
    return ShopFactory(vendor=vendor, name=name, description="", is_open=is_open)


def food_vendor(*, name: str, approved: bool = True) -> User:
    vendor = FoodVendorFactory(is_approved=approved)
    shop_for(vendor, name=name)
    return vendor


def stationery_vendor(*, name: str) -> User:
    vendor = StationeryVendorFactory()
    shop_for(vendor, name=name)
    return vendor


def menu_item(vendor: User, *, name: str, price_paise: int = 6000) -> MenuItem:
    return MenuItemFactory(vendor=vendor, name=name, price_paise=price_paise, category="Meals")


def print_service(vendor: User, *, name: str, price_paise: int = 200) -> PrintService:
    return PrintServiceFactory(vendor=vendor, name=name, price_paise=price_paise)


def slot(vendor: User, *, hours_ahead: int = 3, capacity: int = 50) -> Slot:
    starts_at = timezone.now() + timedelta(hours=hours_ahead)
    return ordering_services.slot_create(
        vendor=vendor, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=30), capacity=capacity
    )


def order(student: User, the_slot: Slot, items: list[MenuItem], *, quantity: int = 1) -> Order:
    lines = [ordering_services.OrderLine(menu_item_id=item.pk, quantity=quantity) for item in items]
    return ordering_services.order_place(
        student=student, vendor_id=the_slot.vendor_id, slot_id=the_slot.pk, lines=lines
    )


def paid_order(student: User, the_slot: Slot, items: list[MenuItem]) -> tuple[Order, Payment]:
    """`ordering.tests.factories.paid_order` (the one capture path), and its captured payment."""
    placed = paid_order_placed(student=student, slot=the_slot, items=items)
    return placed, Payment.objects.get(order=placed)


def submit_job(student: User, service: PrintService, *, pages: int = 2) -> PrintJob:
    return stationery_services.print_job_submit(
        student=student, service_id=service.pk, upload=pdf_upload(pages), copies=1, double_sided=False
    )


@dataclass
class Campus:
    """Everyone and everything; `users[actor]` and `tokens[actor]` for the matrix columns."""

    users: dict[str, User | None] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None

    def client(self, actor: str) -> APIClient:
        client = APIClient()
        if self.tokens.get(actor):
            client.credentials(HTTP_AUTHORIZATION=f"Token {self.tokens[actor]}")
        return client


def build_campus() -> Campus:
    campus = Campus()
    o = campus.objects
    staff = StaffFactory(name="Campus Staff", perms=[])  # its permissions come from the staff groups below
    student_a = StudentFactory(name="Student A")
    student_b = StudentFactory(name="Student B")
    food_a = food_vendor(name="Canteen A")
    food_b = food_vendor(name="Canteen B")
    stationery = stationery_vendor(name="Xerox A")
    stationery_other = stationery_vendor(name="Xerox Other")
    unapproved = food_vendor(name="Pending Dhaba", approved=False)
    blocked = StudentFactory(name="Blocked Student")
    campus.users = {
        ANON: None,
        STUDENT_A: student_a,
        STUDENT_B: student_b,
        FOOD_A: food_a,
        FOOD_B: food_b,
        STATIONERY: stationery,
        UNAPPROVED: unapproved,
        BLOCKED: blocked,
        STAFF: staff,
    }
    for actor, user in campus.users.items():
        if user is not None:
            campus.tokens[actor] = Token.objects.create(user=user).key
    _staff_permissions(campus)
    # Blocked the real way: the token is revoked and remembered, so presenting it says account_blocked.
    account_services.user_block(user=blocked, by=staff, reason="Abusive orders")
    o.update(staff=staff, student_a=student_a, student_b=student_b, food_a=food_a, food_b=food_b)
    o.update(stationery=stationery, stationery_other=stationery_other, unapproved=unapproved, blocked=blocked)

    # Catalogue.
    o["item_a"] = menu_item(food_a, name="Masala Dosa", price_paise=6000)
    o["item_a2"] = menu_item(food_a, name="Filter Coffee", price_paise=2000)
    o["item_b"] = menu_item(food_b, name="Veg Thali", price_paise=9000)
    o["item_unapproved"] = menu_item(unapproved, name="Secret Biryani")
    o["service"] = print_service(stationery, name="B/W page")
    o["service_other"] = print_service(stationery_other, name="Colour page", price_paise=1000)
    o["slot_a"] = slot(food_a)
    o["slot_a_empty"] = slot(food_a, hours_ahead=5)
    o["slot_b"] = slot(food_b)
    o["slot_unapproved"] = Slot.objects.create(
        vendor=unapproved,
        starts_at=timezone.now() + timedelta(hours=3),
        ends_at=timezone.now() + timedelta(hours=4),
        capacity=5,
    )

    # Orders of student A at vendor A, one per state an action starts from.
    items_a = [o["item_a"], o["item_a2"]]
    o["order_pending"] = order(student_a, o["slot_a"], items_a)
    o["order_unpaid"] = order(student_a, o["slot_a"], [o["item_a"]])
    o["payment_open"] = open_payment(payer=student_a, order_=o["order_unpaid"])
    o["order_paid"], o["payment_captured"] = paid_order(student_a, o["slot_a"], items_a)
    accepted, _ = paid_order(student_a, o["slot_a"], [o["item_a"]])
    o["order_accepted"] = ordering_services.order_accept(order_id=accepted.pk, vendor=food_a)
    ready, _ = paid_order(student_a, o["slot_a"], [o["item_a2"]])
    ordering_services.order_accept(order_id=ready.pk, vendor=food_a)
    o["order_ready"] = ordering_services.order_mark_ready(order_id=ready.pk, vendor=food_a)
    # Other tenants' orders: B at A's canteen, B at B's canteen (paid: B has a payment too).
    o["order_b_at_a"] = order(student_b, o["slot_a"], [o["item_a"]])
    o["order_b_at_b"], o["payment_b"] = paid_order(student_b, o["slot_b"], [o["item_b"]])

    # Print jobs of student A at the stationery vendor, one per state.
    service = o["service"]
    o["job_submitted"] = submit_job(student_a, service)
    job = submit_job(student_a, service)
    o["job_accepted"] = stationery_services.print_job_accept(vendor=stationery, job_id=job.pk)
    job = submit_job(student_a, service)
    stationery_services.print_job_accept(vendor=stationery, job_id=job.pk)
    o["job_ready"] = stationery_services.print_job_mark_ready(
        vendor=stationery,
        job_id=job.pk,
        amount_paise=800,
        reason="Colour cover page",  # above the estimate
    )
    job = submit_job(student_a, service)
    stationery_services.print_job_accept(vendor=stationery, job_id=job.pk)
    job = stationery_services.print_job_mark_ready(
        vendor=stationery,
        job_id=job.pk,
        amount_paise=600,
        reason="Spiral binding",  # above the estimate
    )
    o["job_payment"] = capture(open_payment(payer=student_a, job=job))
    o["job_paid"] = PrintJob.objects.get(pk=job.pk)
    o["job_b"] = submit_job(student_b, service)
    # Student B's, so that student A stays under PRINT_MAX_OPEN_JOBS (5) for the upload row.
    o["job_other_shop"] = submit_job(student_b, o["service_other"])
    _rejected_print_shop(campus)
    for name, value in list(o.items()):
        if hasattr(value, "refresh_from_db"):
            value.refresh_from_db()
    return campus


def _staff_permissions(campus: Campus) -> None:
    """Issue 14: STAFF is in both staff groups (of the data migration); STAFF_NO_PERMS in none."""
    groups = staff_groups_ensure()
    campus.users[STAFF].groups.add(groups[CAMPUS_OPERATIONS], groups[FINANCE])
    bare = User.objects.create_user("+919799999901", role="staff", is_staff=True, name="Staff Without Permissions")
    campus.users[STAFF_NO_PERMS] = bare
    campus.tokens[STAFF_NO_PERMS] = Token.objects.create(user=bare).key
    campus.objects["staff_no_perms"] = bare

def _rejected_print_shop(campus: Campus) -> None:
    """A stationery vendor that was approved and got student B's jobs (one submitted, one
    accepted, each with its PDF), then had its approval withdrawn by staff."""
    o = campus.objects
    rejected = stationery_vendor(name="Xerox Rejected")
    o["rejected_service"] = print_service(rejected, name="Rejected B/W")
    o["job_at_rejected"] = submit_job(o["student_b"], o["rejected_service"])
    job = submit_job(o["student_b"], o["rejected_service"])
    o["job_at_rejected_accepted"] = stationery_services.print_job_accept(vendor=rejected, job_id=job.pk)
    account_services.vendor_reject(vendor=rejected, by=o["staff"], reason="Leaked students' files")
    rejected.refresh_from_db()
    o["rejected_vendor"] = rejected
    campus.users[REJECTED_VENDOR] = rejected
    campus.tokens[REJECTED_VENDOR] = Token.objects.create(user=rejected).key


@contextlib.contextmanager
def module_campus(django_db_blocker) -> Iterator[Campus]:
    """Build the campus once, inside a transaction rolled back when the block ends."""
    with django_db_blocker.unblock(), transaction.atomic():
        campus = build_campus()
        try:
            yield campus
        finally:
            transaction.set_rollback(True)


@pytest.fixture(scope="module")
def campus(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Campus]:
    """The campus above, built once per module and rolled back at its end.

    Tests using it must also use `db` (each then runs in its own savepoint)."""
    media = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=str(media)), module_campus(django_db_blocker) as built:
        yield built
