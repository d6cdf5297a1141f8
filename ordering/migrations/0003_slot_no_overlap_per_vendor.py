"""One vendor's slots never overlap: an exclusion constraint on PostgreSQL (btree_gist).

Written as SQL run only on PostgreSQL, since SQLite (the development default) has no
exclusion constraints; there the services' check under the vendor's row lock is the rule.
Soft-deleted slots are history and do not count. Ranges are half-open, so 12:00–12:30
and 12:30–13:00 may sit side by side.
"""

from django.db import migrations

CONSTRAINT = "slot_no_overlap_per_vendor"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        f"ALTER TABLE ordering_slot ADD CONSTRAINT {CONSTRAINT} EXCLUDE USING gist "
        "(vendor_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) WHERE (NOT is_deleted)"
    )


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE ordering_slot DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("ordering", "0002_slot_soft_delete_order_paid_checks")]

    operations = [migrations.RunPython(add_constraint, drop_constraint, elidable=False)]
