"""Every payments test: known keys and a short timeout. The sandbox (`sandbox`, of
razorpay_sandbox/tests/fixtures.py) stays off unless a test asks for it."""

from __future__ import annotations

import pytest

from .factories import KEY_ID, KEY_SECRET, WEBHOOK_SECRET


@pytest.fixture(autouse=True)
def razorpay_settings(settings):
    settings.RAZORPAY_KEY_ID = KEY_ID
    settings.RAZORPAY_KEY_SECRET = KEY_SECRET
    settings.RAZORPAY_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.RAZORPAY_SANDBOX = False
    settings.RAZORPAY_BASE_URL = "http://127.0.0.1:9/unreachable"
    settings.RAZORPAY_TIMEOUT_SECONDS = 1.5
    settings.PLATFORM_FEE_BPS = 0
    return settings
