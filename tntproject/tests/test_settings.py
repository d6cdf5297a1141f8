import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from accounts.models import User
from accounts.tests.factories import admin_login_through_the_form

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_suite_runs_on_postgresql_when_database_url_says_so():
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        assert connection.vendor == "postgresql"
    else:
        assert connection.vendor == "sqlite"


def test_cache_is_redis_when_redis_url_is_set():
    if os.environ.get("REDIS_URL"):
        assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")


def test_time_zone_is_kolkata_and_aware():
    assert settings.TIME_ZONE == "Asia/Kolkata"
    assert settings.USE_TZ is True


def test_deploy_check_passes_with_production_settings():
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "tnt.example.edu",
        "CSRF_TRUSTED_ORIGINS": "https://tnt.example.edu",
        "SMS_BACKEND": "msg91",
        "MSG91_AUTH_KEY": "k",
        "RAZORPAY_KEY_ID": "rzp_live_x",
        "RAZORPAY_KEY_SECRET": "s",
        "RAZORPAY_WEBHOOK_SECRET": "w",
    }
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE is rightly refused by the deploy check.
    for key in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(key, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _without_secret_key() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(DEBUG="0", SMS_BACKEND="file")
    return env


def test_settings_refuse_to_start_without_secret_key_in_production():
    """The web process refuses to start without SECRET_KEY when DEBUG is off."""
    result = subprocess.run(
        [sys.executable, "-c", "import tntproject.wsgi"],
        cwd=ROOT,
        env=_without_secret_key(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_commands_that_sign_nothing_run_without_secret_key():
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=_without_secret_key(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_createsuperuser_noinput_makes_staff_who_can_use_the_admin(client, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PHONE", "9876500001")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-staff-passphrase")
    call_command("createsuperuser", interactive=False, verbosity=0)
    user = User.objects.get(phone="+919876500001")
    assert (user.role, user.is_staff, user.is_superuser) == ("staff", True, True)
    response = admin_login_through_the_form(client, phone="+919876500001", password="a-long-staff-passphrase")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_blocked_staff_cannot_sign_in_to_the_admin(client):
    user = User.objects.create_superuser("9876500002", "a-long-staff-passphrase")
    user.is_active = False
    user.save()
    response = client.post("/admin/login/", {"phone": user.phone, "password": "a-long-staff-passphrase"})
    assert response.status_code == 200  # the form again, with an error
    assert client.get("/admin/").status_code == 302
