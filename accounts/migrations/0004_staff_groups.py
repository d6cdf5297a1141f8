"""The staff groups `Campus operations` and `Finance` with their permissions (accounts.groups)."""

from django.db import migrations


def create_staff_groups(apps, schema_editor):
    from accounts.groups import staff_groups_ensure

    staff_groups_ensure(apps)


def remove_staff_groups(apps, schema_editor):
    from accounts.groups import STAFF_GROUPS

    apps.get_model("auth", "Group").objects.filter(name__in=list(STAFF_GROUPS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_staff_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_staff_groups, remove_staff_groups)]
