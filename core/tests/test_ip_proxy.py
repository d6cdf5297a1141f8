"""TRUSTED_PROXY_COUNT = 0 behind a proxy: detected at run time, reported by `check --deploy` and /health/ready."""

import logging

import pytest
from django.test import RequestFactory

from core import ip
from core.checks import check_trusted_proxies


@pytest.fixture(autouse=True)
def _fresh_process(monkeypatch):
    monkeypatch.setattr(ip, "_last_recorded", None)


def _request(xff=None):
    extra = {"REMOTE_ADDR": "10.0.0.9"}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **extra)


def test_without_evidence_of_a_proxy_the_check_is_silent(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    ip.client_ip(_request())
    assert check_trusted_proxies() == []


def test_a_forwarded_request_while_no_proxy_is_trusted_is_logged_once_and_reported(settings, caplog):
    settings.TRUSTED_PROXY_COUNT = 0
    with caplog.at_level(logging.WARNING, logger="core.ip"):
        for _ in range(3):
            assert ip.client_ip(_request(xff="203.0.113.7")) == "10.0.0.9"
    assert sum("TRUSTED_PROXY_COUNT is 0" in record.getMessage() for record in caplog.records) == 1
    assert ip.untrusted_forwarded_for_seen()
    (warning,) = check_trusted_proxies()
    assert warning.id == "accounts.W010" and "X-Forwarded-For" in warning.msg


def test_trusting_the_proxy_silences_it(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    ip.note_forwarded_for(_request(xff="203.0.113.7"))
    settings.TRUSTED_PROXY_COUNT = 1
    assert check_trusted_proxies() == []
    assert not ip.untrusted_forwarded_for_seen()


def test_a_proxy_ssl_header_is_evidence_too(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    (warning,) = check_trusted_proxies()
    assert "SECURE_PROXY_SSL_HEADER" in warning.msg
