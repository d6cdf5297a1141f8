"""Before the constraint that ties the staff role to `is_staff`: make every row agree.

Until now either one made an account staff in the API, so each inconsistent row is
resolved the way that keeps what it could do, except that a vendor stays a vendor:
- role `staff` without the flag: the flag is set (it was staff by its role);
- a student with the flag: it becomes staff (a superuser gave it the flag on purpose);
- a vendor with the flag: the flag is cleared (the shop stays; a vendor is not staff).
"""

from django.db import migrations
from django.db.models import Q


def staff_role_and_flag_agree(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(role="staff", is_staff=False).update(is_staff=True)
    User.objects.filter(is_staff=True, role="vendor").update(is_staff=False)
    User.objects.filter(~Q(role__in=["staff", "vendor"]), is_staff=True).update(role="staff", vendor_type=None)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_staff_groups")]

    operations = [migrations.RunPython(staff_role_and_flag_agree, migrations.RunPython.noop)]
