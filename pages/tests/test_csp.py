"""Content-Security-Policy: the header on HTML pages, and no template left that it would refuse."""

import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/", "/login", "/print", "/api/v1/docs/", "/admin/login/"])
def test_html_pages_send_the_policy(client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy.get("style-src", [])


def test_the_print_file_keeps_its_own_stricter_policy():
    """django-csp leaves a policy a view set itself (the PDF download's `default-src 'none'; sandbox`)."""
    from django.http import HttpResponse

    from core.middleware import CSPMiddleware

    def view(request):
        response = HttpResponse(b"%PDF")
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response

    from django.test import RequestFactory

    response = CSPMiddleware(view)(RequestFactory().get("/api/v1/print-jobs/1/file"))
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


@pytest.mark.parametrize("path", ["/health/live", "/api/v1/vendors", "/api/v1/orders"])
def test_json_answers_get_the_fixed_policy_that_allows_nothing(client, path):
    """An API answer runs no script: `default-src 'none'` instead of the pages' policy, built once."""
    response = client.get(path)
    assert response["Content-Type"].startswith("application/json")
    assert _policy(response) == {"default-src": ["'none'"], "frame-ancestors": ["'none'"]}


def test_a_json_answer_that_set_its_own_policy_keeps_it():
    from django.http import JsonResponse
    from django.test import RequestFactory

    from core.middleware import CSPMiddleware

    def view(request):
        response = JsonResponse({})
        response["Content-Security-Policy"] = "sandbox"
        return response

    assert CSPMiddleware(view)(RequestFactory().get("/x"))["Content-Security-Policy"] == "sandbox"


def _templates() -> list[Path]:
    found = list((ROOT / "templates").rglob("*.html"))
    for app in ("accounts", "catalog", "ledger", "payments", "ordering", "stationery", "pages", "dashboard"):
        found += list((ROOT / app / "templates").rglob("*.html"))
    return sorted(found)


INLINE = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I),
    "event handler attribute": re.compile(r"<[^>]+\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "style attribute": re.compile(r"<[^>]+\sstyle\s*=", re.I),
    "<style> element": re.compile(r"<style\b", re.I),
}


def test_no_template_has_inline_script_handlers_or_styles():
    templates = _templates()
    assert len(templates) > 10
    offenders = [
        f"{path.relative_to(ROOT)}: {what}"
        for path in templates
        for what, pattern in INLINE.items()
        if pattern.search(path.read_text())
    ]
    assert offenders == []
