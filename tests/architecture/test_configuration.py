"""Configuration comes from the environment, and no host is written into the code (findings 4, 20)."""

from __future__ import annotations

import ast
import os
import re

from django.db import connection

from .support import (
    ROOT,
    _source_files,
)

# --- 4, 20: configuration from the environment, no hard-coded hosts ----------------------


def _settings_env_names() -> set[str]:
    names = set()
    for module in ("settings.py", "tunables.py"):
        names |= _env_names_read_in(ROOT / "tntproject" / module)
    return names


def _env_names_read_in(path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "env"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.add(node.args[0].value)
    return names


def test_every_setting_read_from_the_environment_is_listed_in_env_example():
    names = _settings_env_names()
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "RAZORPAY_KEY_SECRET", "SMS_BACKEND"} <= names
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert names - listed == set()


def test_only_settings_read_the_environment():
    readers = []
    for path in _source_files(".py"):
        text = path.read_text()
        if re.search(r"os\.environ(?!\.setdefault\(\"DJANGO_SETTINGS_MODULE\")|os\.getenv", text):
            readers.append(str(path.relative_to(ROOT)))
    assert readers == []


# Where a loopback address is a documented default: settings defaults and the sandbox's own default.
HOSTS_ALLOWED_IN = {"tntproject/settings.py", "payments/conf.py"}


def test_no_hard_coded_hosts_outside_settings_defaults():
    offenders = []
    for path in _source_files(".py", ".html", ".js", ".css", ".txt"):
        relative = str(path.relative_to(ROOT))
        if relative in HOSTS_ALLOWED_IN:  # issue 17: the sandbox has no host of its own either
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), start=1):
            if re.search(r"localhost|127\.0\.0\.1", line):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []


def test_redis_database_and_gateway_locations_come_from_settings(settings):
    from django.core.cache import caches

    assert settings.CACHES["default"]["LOCATION"] == os.environ.get("REDIS_URL", settings.CACHES["default"]["LOCATION"])
    if os.environ.get("REDIS_URL"):
        assert caches["default"].__class__.__name__ == "RedisCache"
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        assert connection.vendor == "postgresql"
        assert str(connection.settings_dict["PORT"]) in os.environ["DATABASE_URL"]
