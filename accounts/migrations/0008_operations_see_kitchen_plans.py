"""`Campus operations` also sees the vendors' weekly slot schedules and closures (issue 20)."""

from django.db import migrations


def complete_staff_groups(apps, schema_editor):
    from accounts.groups import staff_groups_ensure

    staff_groups_ensure(apps)  # idempotent: adds only what is missing


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_user_block_reason_and_end"),
        ("ordering", "0006_kitchen_schedules"),
    ]

    operations = [migrations.RunPython(complete_staff_groups, migrations.RunPython.noop)]
