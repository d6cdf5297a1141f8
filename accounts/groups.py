"""The staff groups and the permissions each holds (made by migration accounts 0004).

`Campus operations` approves, rejects, blocks and unblocks accounts and hides catalogue
entries; `Finance` refunds payments and records payouts. Each also sees the admin
lists its work needs. A staff account outside them (and without permissions of its
own) can sign in to the admin but do nothing there or in the staff API.
"""

from __future__ import annotations

CAMPUS_OPERATIONS = "Campus operations"
FINANCE = "Finance"

# group -> [(app_label, model, codename, name)]: the name is Django's own for built-in permissions.
STAFF_GROUPS: dict[str, list[tuple[str, str, str, str]]] = {
    CAMPUS_OPERATIONS: [
        ("accounts", "user", "view_user", "Can view user"),
        ("accounts", "user", "approve_vendor", "Can approve vendors"),
        ("accounts", "user", "reject_vendor", "Can reject vendors"),
        ("accounts", "user", "block_user", "Can block users"),
        ("accounts", "user", "unblock_user", "Can unblock users"),
        ("accounts", "accountevent", "view_accountevent", "Can view account event"),
        ("catalog", "shop", "view_shop", "Can view shop"),
        ("catalog", "menuitem", "view_menuitem", "Can view menu item"),
        ("catalog", "menuitem", "hide_menuitem", "Can hide and restore menu items"),
        ("catalog", "printservice", "view_printservice", "Can view print service"),
        ("catalog", "printservice", "hide_printservice", "Can hide and restore print services"),
        ("ordering", "order", "view_order", "Can view order"),
        ("ordering", "slot", "view_slot", "Can view slot"),
        ("ordering", "slotschedule", "view_slotschedule", "Can view slot schedule"),
        ("ordering", "closure", "view_closure", "Can view closure"),
        ("stationery", "printjob", "view_printjob", "Can view print job"),
    ],
    FINANCE: [
        ("payments", "payment", "view_payment", "Can view payment"),
        ("payments", "payment", "refund_payment", "Can refund payments"),
        ("payments", "refund", "view_refund", "Can view refund"),
        ("payments", "webhookevent", "view_webhookevent", "Can view webhook event"),
        ("ledger", "account", "view_account", "Can view account"),
        ("ledger", "account", "record_payout", "Can record a payout to a vendor"),
        ("ledger", "transaction", "view_transaction", "Can view transaction"),
        ("ledger", "entry", "view_entry", "Can view entry"),
        ("ordering", "order", "view_order", "Can view order"),
        ("stationery", "printjob", "view_printjob", "Can view print job"),
    ],
}


def staff_groups_ensure(apps=None) -> dict:
    """Create (or complete) the staff groups with their permissions; returns {name: Group}.

    Takes a migration's historical `apps`, or uses the real models. Idempotent, and it
    makes missing content types and permissions itself, so it works before post_migrate.
    """
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    groups = {}
    for group_name, perms in STAFF_GROUPS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for app_label, model, codename, name in perms:
            content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type, codename=codename, defaults={"name": name}
            )
            group.permissions.add(permission)
        groups[group_name] = group
    return groups
