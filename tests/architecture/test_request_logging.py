"""One access-log line per request, with its status and request id (finding 32)."""

from __future__ import annotations

import logging

import pytest

from accounts.tests.factories import StudentFactory

# --- 32: request logging --------------------------------------------------------------------


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.mark.django_db
def test_one_access_log_line_per_request_with_its_status_and_request_id(client, make_client):
    handler = _Collect()
    access = logging.getLogger("tnt.access")
    access.addHandler(handler)
    student = StudentFactory()
    calls = [
        (client.get, "/health/live", 200),
        (client.get, "/api/v1/me", 401),
        (make_client(student).get, "/api/v1/me", 200),
        (client.get, "/api/v1/nowhere", 404),
        (lambda path: client.post(path, {}, content_type="application/json"), "/api/v1/auth/otp/request", 400),
    ]
    try:
        responses = [(call(path), path, status) for call, path, status in calls]
    finally:
        access.removeHandler(handler)

    assert len(handler.records) == len(calls)
    for record, (response, path, status) in zip(handler.records, responses, strict=True):
        assert response.status_code == status
        assert (record.method, record.path, record.status) == (response.wsgi_request.method, path, status)
        assert record.request_id == response["X-Request-ID"]
        assert record.duration_ms >= 0
    assert handler.records[2].user_id == student.pk
    assert handler.records[1].user_id is None
