"""Every tunable is read when used: no module binds a setting (or the environment) at import time.

A module-level `X = settings.Y`, a default argument `def f(x=settings.Y)` or a class attribute
`rate = settings.Y` would ignore `override_settings` and a changed environment. This scans the
source of every app for them.
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

APPS = (
    "accounts",
    "core",
    "catalog",
    "dashboard",
    "ledger",
    "ordering",
    "pages",
    "payments",
    "stationery",
    "tntproject",
)
ROOT = Path(settings.BASE_DIR)


def _reads_settings_or_env(node: ast.AST) -> bool:
    for child in ast.walk(node):
        if isinstance(child, ast.Attribute) and isinstance(child.value, ast.Name):
            if child.value.id == "settings" and child.attr.isupper() and child.attr != "AUTH_USER_MODEL":
                return True
            if child.value.id == "os" and child.attr in ("environ", "getenv"):
                return True
        if (
            isinstance(child, ast.Call)
            and isinstance(child.func, ast.Name)
            and child.func.id == "getattr"
            and child.args
            and isinstance(child.args[0], ast.Name)
            and child.args[0].id == "settings"
        ):
            return True
    return False


def _import_time_reads(tree: ast.Module) -> list[int]:
    lines: list[int] = []

    def scan_body(body: list[ast.stmt]) -> None:
        for statement in body:
            if isinstance(statement, ast.Assign | ast.AnnAssign) and statement.value is not None:
                if _reads_settings_or_env(statement.value):
                    lines.append(statement.lineno)
            elif isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
                defaults = [*statement.args.defaults, *(d for d in statement.args.kw_defaults if d is not None)]
                lines.extend(statement.lineno for default in defaults if _reads_settings_or_env(default))
                lines.extend(statement.lineno for d in statement.decorator_list if _reads_settings_or_env(d))
            elif isinstance(statement, ast.ClassDef):
                scan_body(statement.body)  # class bodies run at import too

    scan_body(tree.body)
    return lines


def _sources() -> list[Path]:
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = set(path.relative_to(ROOT).parts)
            if {"tests", "migrations"} & parts or path.name in ("settings.py", "wsgi.py", "asgi.py", "celery.py"):
                continue
            found.append(path)
    return found


def test_no_app_module_reads_a_setting_or_the_environment_at_import_time():
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in _sources()
        for line in _import_time_reads(ast.parse(path.read_text(), filename=str(path)))
    ]
    assert offenders == []


def test_the_scan_finds_what_it_looks_for():
    tree = ast.parse(
        "from django.conf import settings\n"
        "LIMIT = settings.PICKUP_CODE_MAX_ATTEMPTS\n"
        "def f(x=settings.OTP_TTL_SECONDS): ...\n"
        "class Throttle:\n"
        "    rate = getattr(settings, 'RATE', '1/s')\n"
        "def ok():\n"
        "    return settings.PICKUP_CODE_MAX_ATTEMPTS\n"
    )
    assert _import_time_reads(tree) == [2, 3, 5]


@pytest.mark.django_db
@override_settings(PLATFORM_FEE_BPS=1000)
def test_platform_fee_follows_override_settings():
    from payments.services import platform_fee

    assert platform_fee(9_000) == 900


@override_settings(PRINT_MAX_UPLOAD_MB=3)
def test_print_upload_limit_follows_override_settings():
    from stationery.uploads import max_upload_bytes

    assert max_upload_bytes() == 3 * 1024 * 1024
