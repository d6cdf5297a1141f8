"""Fixtures of the people in the tests (registered for the whole suite by the root conftest.py).

The cast: `superuser` (a staff superuser) and `admin_client` (a test client signed in to the
admin as that superuser, as the admin's password + SMS code sign-in leaves the session). Every
other user comes from `accounts.tests.factories` (StudentFactory, FoodVendorFactory,
StationeryVendorFactory, StaffFactory). `sms_outbox` is empty at the start of every test.
"""

from __future__ import annotations

import pytest
from django.test import Client

from accounts import sms

from .factories import StaffFactory, admin_sign_in


@pytest.fixture(autouse=True)
def sms_outbox() -> list:
    """The local-memory SMS backend's outbox, empty before and after every test."""
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def superuser():
    return StaffFactory(is_superuser=True)


@pytest.fixture
def admin_client(superuser) -> Client:
    return admin_sign_in(Client(), superuser)
