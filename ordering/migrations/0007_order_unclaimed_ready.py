"""Issue 20 (kitchen): the `unclaimed` state, ready-time estimates, pickup codes unique per vendor.

Before the partial unique constraint, a live order whose code repeats an older live order of the
same vendor gets a fresh code (the oldest keeps its own; with 6 random digits this is rare).
"""

import secrets

from django.conf import settings
from django.db import migrations, models

LIVE = ["paid", "accepted", "ready"]


def give_repeated_codes_a_fresh_one(apps, schema_editor):
    Order = apps.get_model("ordering", "Order")
    taken: dict[int, set[str]] = {}
    for order in (
        Order.objects.filter(status__in=LIVE).order_by("created_at", "id").only("id", "vendor_id", "pickup_code")
    ):
        codes = taken.setdefault(order.vendor_id, set())
        if order.pickup_code in codes:
            code = order.pickup_code
            while code in codes:
                code = f"{secrets.randbelow(1_000_000):06d}"
            Order.objects.filter(pk=order.pk).update(pickup_code=code)
            order.pickup_code = code
        codes.add(order.pickup_code)


class Migration(migrations.Migration):
    dependencies = [
        ("ordering", "0006_kitchen_schedules"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="order",
            name="order_paid_has_pickup_code",
        ),
        migrations.AddField(
            model_name="order",
            name="delay_minutes",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="order",
            name="estimated_ready_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="order",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending_payment", "Waiting for payment"),
                    ("paid", "Paid"),
                    ("accepted", "Accepted"),
                    ("ready", "Ready for pickup"),
                    ("unclaimed", "Not collected"),
                    ("completed", "Completed"),
                    ("cancelled", "Cancelled"),
                    ("rejected", "Rejected"),
                    ("expired", "Expired"),
                ],
                default="pending_payment",
                max_length=16,
            ),
        ),
        migrations.AddConstraint(
            model_name="order",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status__in", ["paid", "accepted", "ready", "unclaimed", "completed"]), _negated=True),
                    models.Q(models.Q(("pickup_code", ""), _negated=True), ("paid_at__isnull", False)),
                    _connector="OR",
                ),
                name="order_paid_has_pickup_code",
            ),
        ),
        migrations.RunPython(give_repeated_codes_a_fresh_one, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="order",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ["paid", "accepted", "ready", "unclaimed"])),
                fields=("vendor", "pickup_code"),
                name="order_pickup_code_unique_live",
            ),
        ),
    ]
