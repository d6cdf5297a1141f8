"""Fixtures shared by every app's tests.

Each app's shared fixtures live in its `tests/fixtures.py` and are registered here, so
every test of the suite sees one vocabulary (directory conftest.py files keep only what is
particular to their directory).
"""

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytest_plugins = [
    "core.tests.fixtures",  # the compiled message catalogues (English and Hindi)
    "accounts.tests.fixtures",  # the SMS outbox, the cast of users, the admin client
    "razorpay_sandbox.tests.fixtures",  # the Razorpay sandbox
    "push.tests.fixtures",  # the loopback push service
    "tests.fixtures",  # the campus of the cross-cutting suites
]


@pytest.fixture(autouse=True)
def _clean_cache():
    """Each test starts with an empty cache (OTPs, rate-limit counters)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


def client_for(user) -> APIClient:
    """An API client authenticated by the user's token, as a mobile app would be."""
    token, _ = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def make_client():
    return client_for


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium() -> Iterator:
    """Debian's Chromium driven by Playwright, one for the whole run.

    Playwright's sync API allows one running instance per thread, so every browser
    test shares this one (each test opens its own context).
    """
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure-chromium.sh (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# --- PostgreSQL-only tests must not skip under `make test` --------------------------------------
# `make test` (scripts/test-steps.sh) always runs with PostgreSQL and sets TNT_REQUIRE_POSTGRES=1.
# Then a test that skips for want of PostgreSQL (or of the concurrency only it gives) fails
# instead; anywhere else it skips and `-ra` shows the reason.
REQUIRE_POSTGRES = "TNT_REQUIRE_POSTGRES"
_NEEDS_POSTGRES = re.compile(r"postgres|concurren|row lock|TNT_PG_", re.IGNORECASE)


def _postgres_required() -> bool:
    return os.environ.get(REQUIRE_POSTGRES, "") not in ("", "0")


def pytest_configure(config) -> None:
    if _postgres_required() and not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        raise pytest.UsageError(f"{REQUIRE_POSTGRES}=1 but DATABASE_URL is not PostgreSQL: run through make test")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not (report.skipped and _postgres_required()) or hasattr(report, "wasxfail"):
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    if _NEEDS_POSTGRES.search(reason):
        report.outcome = "failed"
        report.longrepr = f"{reason} -- but {REQUIRE_POSTGRES}=1 (make test runs on PostgreSQL): this must not skip"
