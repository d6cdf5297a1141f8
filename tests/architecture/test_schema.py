"""The OpenAPI schema is complete and its names follow one convention (findings 27, 30)."""

from __future__ import annotations

import re

from .support import (
    _project_models,
    _schema,
)

# --- 27, 30: schema completeness and naming -------------------------------------------------


def test_every_operation_documents_a_success_response_with_a_body_schema():
    paths = _schema()["paths"]
    undocumented = []
    for path, operations in paths.items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            success = {code: spec for code, spec in operation["responses"].items() if code.startswith("2")}
            if not success:
                undocumented.append(f"{method.upper()} {path}: no 2xx")
                continue
            for code, spec in success.items():
                if code != "204" and not spec.get("content"):
                    undocumented.append(f"{method.upper()} {path}: {code} without a body schema")
    assert undocumented == []
    assert len(paths) > 30


SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
# Values the contract spells as their world does: paper sizes are named as printers name them.
CONTRACT_SPELLINGS = {"A4", "A3", "Letter"}


def test_enum_values_and_json_field_names_are_snake_case():
    odd = []
    for model in _project_models():
        for field in model._meta.concrete_fields:
            for value, _label in field.flatchoices or []:
                if isinstance(value, str) and not SNAKE.match(value) and value not in CONTRACT_SPELLINGS:
                    odd.append(f"{model.__name__}.{field.name}={value!r}")
    for name, component in _schema()["components"]["schemas"].items():
        for prop, spec in component.get("properties", {}).items():
            if not SNAKE.match(prop):
                odd.append(f"{name}.{prop}")
            for value in spec.get("enum", []):
                if isinstance(value, str) and value and not SNAKE.match(value) and value not in CONTRACT_SPELLINGS:
                    odd.append(f"{name}.{prop}={value!r}")
    assert odd == []


def test_api_paths_are_lower_case_and_hyphenated():
    for path in _schema()["paths"]:
        for segment in path.strip("/").split("/"):
            # A parameter may carry a file suffix (`{number}.png`, a page preview).
            assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*|\{[a-z_]+\}(\.[a-z]+)?", segment), path
