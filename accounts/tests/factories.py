import factory
from django.contrib.auth.models import Permission

from accounts.admin_site import ADMIN_AUTH_METHOD, AUTH_METHOD_SESSION_KEY
from accounts.groups import STAFF_GROUPS
from accounts.models import User

# Every permission of the staff groups ("app_label.codename").
ALL_STAFF_PERMISSIONS = sorted(
    {f"{app}.{codename}" for perms in STAFF_GROUPS.values() for app, _, codename, _ in perms}
)


def grant(user: User, *perms: str) -> User:
    """Give `user` these permissions ("app_label.codename") directly; returns it without a stale cache."""
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(cache, None)
    return user


def admin_sign_in(client, user: User):
    """Sign `client` in to the admin as `user`, as the admin's own password + SMS code sign-in leaves
    the session (its flow has its own tests in accounts/tests/test_admin_login.py)."""
    client.force_login(user)
    session = client.session
    session[AUTH_METHOD_SESSION_KEY] = ADMIN_AUTH_METHOD
    session.save()
    return client


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    phone = factory.Sequence(lambda n: f"+9190000{n:05d}")
    name = factory.Faker("name", locale="en_IN")
    role = User.Role.STUDENT
    is_approved = True
    is_active = True


class StudentFactory(UserFactory):
    pass


class VendorFactory(UserFactory):
    role = User.Role.VENDOR
    vendor_type = User.VendorType.FOOD
    is_approved = True


class FoodVendorFactory(VendorFactory):
    vendor_type = User.VendorType.FOOD


class StationeryVendorFactory(VendorFactory):
    vendor_type = User.VendorType.STATIONERY


class StaffFactory(UserFactory):
    """A staff account holding every staff permission (`perms=[...]` for fewer, `perms=[]` for none)."""

    role = User.Role.STAFF
    is_staff = True

    @factory.post_generation
    def perms(self, create, extracted, **kwargs):
        if create:
            grant(self, *(ALL_STAFF_PERMISSIONS if extracted is None else extracted))


ADMIN_LOGIN_URL = "/admin/login/"


def admin_login_through_the_form(client, *, phone: str, password: str, next_url: str = "/admin/"):
    """The admin's real sign-in: phone and password, then the code read from the SMS outbox.

    Returns the response to the code step (a redirect to `next_url` when it worked)."""
    import re

    from django.test import TestCase

    from accounts import sms

    before = len(sms.outbox)
    with TestCase.captureOnCommitCallbacks(execute=True):
        first = client.post(ADMIN_LOGIN_URL, {"phone": phone, "password": password, "next": next_url})
    assert first.status_code == 302, first.content[:500]
    from accounts.phones import normalize_phone

    texts = [m for m in sms.outbox[before:] if m["to"] == normalize_phone(phone)]
    assert texts, "no code was texted"
    code = re.search(r"\b(\d{6})\b", texts[-1]["body"]).group(1)
    return client.post(ADMIN_LOGIN_URL, {"code": code, "next": next_url})
