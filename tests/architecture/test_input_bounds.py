"""Every input is bounded: strings in request bodies, and the size of a body (finding 24)."""

from __future__ import annotations

import json

import pytest

from .support import (
    _assert_envelope,
    _schema,
)

# --- 24: input validation -----------------------------------------------------------------


def test_every_string_in_a_request_body_is_bounded():
    """Each string field a client can send has a maxLength, an enum, a pattern or a format."""
    components = _schema()["components"]["schemas"]
    unbounded = []
    for name, component in components.items():
        if not name.endswith("Request"):
            continue
        for prop, spec in component.get("properties", {}).items():
            items = spec.get("items", {}) if spec.get("type") == "array" else spec
            if items.get("type") == "string" and not {"maxLength", "enum", "pattern", "format"} & set(items):
                unbounded.append(f"{name}.{prop}")
    assert unbounded == []


@pytest.mark.django_db
def test_a_body_over_the_upload_limit_is_refused_in_the_envelope_not_500(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    body = json.dumps({"phone": "9876543210", "padding": "x" * (128 * 1024)})
    response = api_client.post("/api/v1/auth/otp/request", body, content_type="application/json")
    assert response.status_code in (400, 413), response.content[:300]
    _assert_envelope(response)
