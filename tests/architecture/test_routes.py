"""Routes: one answer per path and method, one admin registration per model, every API view under /api/v1/ (findings 7, 31)."""

from __future__ import annotations

from .support import (
    _is_drf_view,
    _methods_of,
    _routes,
    _schema,
)

# --- 7, 31: routes ------------------------------------------------------------------------


def test_no_two_routes_answer_the_same_path_and_method():
    by_path: dict[str, list[set[str]]] = {}
    for regex, callback in _routes():
        by_path.setdefault(regex, []).append(_methods_of(callback))
    clashes = []
    for regex, method_sets in by_path.items():
        for i, first in enumerate(method_sets):
            for second in method_sets[i + 1 :]:
                if first & second or "*" in first or "*" in second:
                    clashes.append((regex, sorted(first & second) or "*"))
    assert clashes == []
    assert len(by_path) > 50


def test_the_admin_registers_each_model_once_under_one_admin_site():
    from django.contrib import admin

    registered = [model._meta.label for model in admin.site._registry]
    assert len(registered) == len(set(registered))
    paths = [regex for regex, _ in _routes() if regex.startswith("admin/")]
    assert len(paths) == len(set(paths))


def _drf_routes_outside_v1() -> set[str]:
    outside = set()
    for regex, callback in _routes():
        if _is_drf_view(callback) and not regex.startswith("api/v1/"):
            outside.add(regex.rstrip("$").removesuffix("\\Z"))
    return outside


def test_every_api_view_is_under_api_v1():
    assert _drf_routes_outside_v1() == set()
    assert len([regex for regex, callback in _routes() if _is_drf_view(callback)]) > 30
    assert [path for path in _schema()["paths"] if not path.startswith("/api/v1/")] == []
