"""The code loads cleanly: models, checks and migrations agree, and importing any module does no work (findings 1, 2, 6)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import User

from .support import (
    MODEL_APPS,
    PROJECT_APPS,
    ROOT,
)

# --- 1, 2, 6: the models load, every module imports, nothing runs on import --------------


@pytest.mark.django_db
def test_models_load_checks_are_clean_and_migrations_are_complete_and_applied(settings):
    settings.SMS_BACKEND = "file"  # the tests' locmem outbox is (rightly) refused by a check with DEBUG off
    for label in MODEL_APPS:
        assert apps.get_app_config(label).models_module is not None, label
    # The user has its flags on the model itself, and the accounts app holds only account things.
    user_fields = {field.name for field in User._meta.get_fields()}
    assert {"phone", "role", "vendor_type", "is_active", "is_approved"} <= user_fields
    assert {model.__name__ for model in apps.get_app_config("accounts").get_models()} == {
        "User",
        "AccountEvent",
        "RevokedCredential",
        "IdempotencyKey",
    }
    call_command("check", fail_level="WARNING")
    call_command("makemigrations", check=True, dry_run=True, verbosity=0)
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []


def test_every_module_imports_with_the_database_and_redis_unreachable():
    """Importing the code does no work: with nothing to talk to, every module still imports."""
    script = (
        "import importlib, django, pkgutil\n"
        "django.setup()\n"
        f"apps = {PROJECT_APPS!r}\n"
        "count = 0\n"
        "for app in apps:\n"
        "    package = importlib.import_module(app)\n"
        "    for info in pkgutil.walk_packages(package.__path__, prefix=app + '.'):\n"
        "        if '.tests' not in info.name:\n"
        "            importlib.import_module(info.name)\n"
        "            count += 1\n"
        "print(count)\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tntproject.settings",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/nothing",
        "REDIS_URL": "redis://127.0.0.1:9/0",
        "DB_CONNECT_TIMEOUT": "1",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert int(result.stdout.strip().splitlines()[-1]) >= 50
