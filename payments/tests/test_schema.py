"""The OpenAPI schema describes the payments endpoints without errors or warnings."""

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator


@pytest.mark.django_db
def test_schema_generates_cleanly_for_payments(capsys):
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    for path in (
        "/api/v1/orders/{id}/pay",
        "/api/v1/print-jobs/{id}/pay",
        "/api/v1/payments/verify",
        "/api/v1/payments/webhooks/razorpay",
        "/api/v1/payments",
        "/api/v1/payments/{id}",
        "/api/v1/payments/{id}/refund",
    ):
        assert path in paths, path
    assert "200" in paths["/api/v1/orders/{id}/pay"]["post"]["responses"]
    assert "201" in paths["/api/v1/payments/{id}/refund"]["post"]["responses"]
    assert not any("sandbox" in path for path in paths)
    captured = capsys.readouterr()
    problems = [line for line in (captured.err + captured.out).splitlines() if "payments" in line.lower()]
    assert problems == []


@pytest.mark.django_db
def test_schema_describes_refund_retry_and_the_statement(capsys):
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    retry = paths["/api/v1/refunds/{id}/retry"]["post"]
    assert {"201", "404", "409"} <= set(retry["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in retry["parameters"])
    statement = paths["/api/v1/ledger/statement"]["get"]
    names = {p["name"] for p in statement["parameters"]}
    assert {"from", "to", "vendor", "format"} <= names
    body = schema["components"]["schemas"]["Statement"]["properties"]
    assert {"from", "to", "opening", "closing", "totals", "rows"} <= set(body)
    captured = capsys.readouterr()
    problems = [
        line
        for line in (captured.err + captured.out).splitlines()
        if "statement" in line.lower() or "retry" in line.lower()
    ]
    assert problems == []
