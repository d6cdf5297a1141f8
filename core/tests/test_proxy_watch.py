"""Every request is watched for an untrusted X-Forwarded-For; /health/ready reports it (core.ip)."""

import pytest

from core import ip


@pytest.fixture(autouse=True)
def _fresh_process(monkeypatch):
    monkeypatch.setattr(ip, "_last_recorded", None)


@pytest.mark.django_db
def test_every_request_is_watched_and_readiness_reports_it(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert "warnings" not in client.get("/health/ready").json()
    client.get("/health/live", HTTP_X_FORWARDED_FOR="203.0.113.7")
    ready = client.get("/health/ready")
    assert ready.status_code == 200
    assert ready.json()["warnings"][0].startswith("untrusted_forwarded_for")
