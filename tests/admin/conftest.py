"""The office's admin tests: a signed-in admin client per staff role, and Razorpay out of reach
(a refund made here stays pending at the gateway, as when Razorpay is down)."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.groups import CAMPUS_OPERATIONS, FINANCE, staff_groups_ensure
from accounts.models import User
from accounts.tests.factories import StaffFactory, admin_sign_in


@pytest.fixture(autouse=True)
def razorpay_unreachable(settings):
    settings.RAZORPAY_KEY_ID = "rzp_test_office"
    settings.RAZORPAY_KEY_SECRET = "office-secret"
    settings.RAZORPAY_WEBHOOK_SECRET = "office-webhook-secret"
    settings.RAZORPAY_SANDBOX = False
    settings.RAZORPAY_BASE_URL = "http://127.0.0.1:9/unreachable"
    settings.RAZORPAY_TIMEOUT_SECONDS = 1.0
    settings.PLATFORM_FEE_BPS = 0
    return settings


def member_of(group: str, **fields) -> User:
    """A staff account whose only permissions are those of `group`."""
    staff = StaffFactory(perms=[], **fields)
    staff.groups.add(staff_groups_ensure()[group])
    return User.objects.get(pk=staff.pk)


@pytest.fixture
def operations() -> User:
    return member_of(CAMPUS_OPERATIONS, name="Ops Olivia")


@pytest.fixture
def finance() -> User:
    return member_of(FINANCE, name="Finance Farhan")


@pytest.fixture
def as_staff():
    """`as_staff(user)`: a test client signed in to the admin as that staff account."""
    return lambda user: admin_sign_in(Client(), user)
