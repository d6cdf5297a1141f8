"""CORS: the allowed origins get the headers, others none (finding 34)."""

from __future__ import annotations

import pytest

# --- 34: CORS -------------------------------------------------------------------------------

ALLOWED_ORIGIN = "https://app.tapntake.example"


@pytest.mark.django_db
def test_cors_preflight_from_an_allowed_origin_gets_the_headers(client, settings):
    settings.CORS_ALLOWED_ORIGINS = [ALLOWED_ORIGIN]
    response = client.options(
        "/api/v1/orders",
        HTTP_ORIGIN=ALLOWED_ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type, idempotency-key",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    assert "POST" in response["Access-Control-Allow-Methods"]
    allowed = {h.strip() for h in response["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-type", "idempotency-key"} <= allowed

    simple = client.get("/api/v1/vendors", HTTP_ORIGIN=ALLOWED_ORIGIN)
    assert simple.status_code == 200
    assert simple["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    assert "x-request-id" in simple["Access-Control-Expose-Headers"].lower()


@pytest.mark.django_db
def test_cors_preflight_from_another_origin_gets_no_cors_headers(client, settings):
    settings.CORS_ALLOWED_ORIGINS = [ALLOWED_ORIGIN]
    response = client.options(
        "/api/v1/orders",
        HTTP_ORIGIN="https://evil.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )
    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Headers" not in response
    simple = client.get("/api/v1/vendors", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in simple
    # Pages are not an API: no CORS even for the allowed origin.
    page = client.get("/health/live", HTTP_ORIGIN=ALLOWED_ORIGIN)
    assert "Access-Control-Allow-Origin" not in page
