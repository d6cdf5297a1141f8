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

The data is campus/demo/data.py and the builders campus/demo/builders.py; this command reads
the clock, runs them and prints the sign-in phones.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from campus.demo.builders import Tally, build_demo_campus
from campus.demo.data import STAFF, STUDENTS, VENDORS


def now() -> datetime:
    """The clock the command reads (a function so tests can set the time)."""
    return timezone.now()


class Command(BaseCommand):
    help = "Create (or complete) a demo campus: staff, vendors with menus and print services, slots, students."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--staff-password",
            help="Password to give the demo staff account (default: a new random one, printed).",
        )

    def handle(self, *args, **options) -> None:
        password = options.get("staff_password") or secrets.token_urlsafe(12)
        tally = build_demo_campus(staff_password=password, at=now())
        self._report(password, tally)

    def _report(self, password: str, tally: Tally) -> None:
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
