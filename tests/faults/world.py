"""Seeds the small campus the fault tests drive, in the database named by DATABASE_URL.

Run as a separate process (`python -m tests.faults.world`) against the fault tests'
own PostgreSQL cluster; prints what was made as one JSON line on stdout.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta

import django


def seed() -> dict:
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from catalog.models import MenuItem, Shop
    from ordering.models import Slot

    vendor = User.objects.create_user(
        "+919800000001", name="Fault Canteen", role="vendor", vendor_type="food", is_approved=True
    )
    Shop.objects.create(vendor=vendor, name="Fault Canteen", vendor_type="food", is_open=True)
    items = [
        MenuItem.objects.create(vendor=vendor, name=f"Dish {n}", price_paise=5000 + n * 500, category="mains")
        for n in range(3)
    ]
    starts = timezone.now() + timedelta(hours=3)
    slot = Slot.objects.create(vendor=vendor, starts_at=starts, ends_at=starts + timedelta(minutes=15), capacity=500)
    student = User.objects.create_user("+919800000002", name="Fault Student", role="student")
    return {
        "vendor": vendor.pk,
        "items": [item.pk for item in items],
        "slot": slot.pk,
        "student": student.pk,
        "student_token": Token.objects.create(user=student).key,
        "vendor_token": Token.objects.create(user=vendor).key,
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tntproject.settings")
    django.setup()
    print(json.dumps(seed()))
