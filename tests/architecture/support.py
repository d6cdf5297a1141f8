"""What the architecture tests share: the project's apps, its source files and modules, its routes and schema.

These tests are about the project as a whole (imports, routes, settings, schema, indexes,
logging, CORS, type hints) and have no natural home in one app; most review findings are
proved by each app's feature tests. docs/production-readiness.md maps every finding to its proof.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from rest_framework.views import APIView

ROOT = Path(settings.BASE_DIR)
PROJECT_APPS = (
    "tntproject",
    "core",
    "accounts",
    "catalog",
    "ledger",
    "events",
    "push",
    "payments",
    "ordering",
    "stationery",
    "pages",
    "dashboard",
    "campus",
    "razorpay_sandbox",
)
DOMAIN_APPS = ("accounts", "catalog", "ledger", "push", "payments", "ordering", "stationery", "dashboard")
MODEL_APPS = ("accounts", "catalog", "ledger", "push", "payments", "ordering", "stationery")


def _source_files(*suffixes: str) -> list[Path]:
    """The project's own source files: no tests, migrations, scripts, benchmarks or virtualenv."""
    found = []
    for app in PROJECT_APPS:
        for path in (ROOT / app).rglob("*"):
            parts = set(path.relative_to(ROOT).parts)
            if path.suffix in suffixes and not parts & {"tests", "migrations", "__pycache__"}:
                found.append(path)
    return sorted(found)


def _project_modules() -> list[str]:
    names = []
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        names.append(app)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if ".tests" not in info.name:
                names.append(info.name)
    return names


def _routes() -> list[tuple[str, object]]:
    """Every URL pattern of the project as (full regex, callback)."""
    flat: list[tuple[str, object]] = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            regex = prefix + str(pattern.pattern.regex.pattern).lstrip("^")
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, regex.rstrip("$").removesuffix("\\Z"))
            elif isinstance(pattern, URLPattern):
                flat.append((regex, pattern.callback))

    walk(get_resolver().url_patterns, "")
    return flat


def _methods_of(callback) -> set[str]:
    """The HTTP methods a view answers (all of them when it cannot be told)."""
    actions = getattr(callback, "actions", None)
    if actions:
        return {method.upper() for method in actions}
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is not None:
        return {m.upper() for m in view_class.http_method_names if hasattr(view_class, m) and m != "options"}
    return {"*"}


def _is_drf_view(callback) -> bool:
    view_class = getattr(callback, "cls", None)
    return view_class is not None and issubclass(view_class, APIView)


def _schema() -> dict:
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        return SchemaGenerator().get_schema(request=None, public=True)


def _assert_envelope(response) -> dict:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    body = response.json()
    assert set(body) == {"error", "request_id"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    assert isinstance(body["error"]["code"], str) and re.fullmatch(r"[a-z][a-z_]*", body["error"]["code"])
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["details"], dict)
    assert body["request_id"] == response["X-Request-ID"]
    return body


def _project_models() -> list[type[models.Model]]:
    return [model for label in DOMAIN_APPS for model in apps.get_app_config(label).get_models()]
