"""Redis (cache: OTPs, rate limits, SMS bodies) fails under a running app, and comes back.

What makes this test fail if the recovery code goes:
- `core/errors.py` mapping redis ConnectionError/TimeoutError to ServiceUnavailable:
  without it the OTP endpoints answer 500 `server_error` instead of 503 `service_unavailable`.
- `core/health.py` catching each check: without it /health/ready answers 500 and names nothing.
- `socket_connect_timeout` / `socket_timeout` in CACHES (settings.py): without them a frozen Redis
  (accepting connections, answering nothing) holds the request for minutes, far past the bound below.
- redis-py's connection pool reconnecting on the next command: if the app kept the dead
  connections, it would stay broken after Redis is back, and only a restart (which this test
  checks did not happen: same gunicorn process) would heal it.
Browsing (vendors, menus, slots) must not touch the cache at all; if someone puts a cache read
in its path without a fallback, the "browsing still works" assertions fail.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import AppServer, app_env, assert_envelope, wait_until

pytestmark = [pytest.mark.fault]

# A cache call fails after socket_timeout (1 s); one request makes a few such calls before giving up.
FROZEN_BOUND_SECONDS = 8.0
DOWN_BOUND_SECONDS = 3.0


def _sms_code(sms_file: Path, phone: str) -> str:
    lines = [json.loads(line) for line in sms_file.read_text().splitlines() if line.strip()]
    bodies = [line["body"] for line in lines if line["to"] == phone]
    assert bodies, f"no SMS to {phone} in {sms_file}"
    return bodies[-1].split()[0]


def _browsing_works(app: AppServer, world: dict) -> None:
    vendors = app.call("GET", "/api/v1/vendors")
    assert vendors.status == 200, vendors.body
    assert world["vendor"] in [v["id"] for v in vendors.body["results"]]
    assert app.call("GET", f"/api/v1/vendors/{world['vendor']}").status == 200
    menu = app.call("GET", f"/api/v1/vendors/{world['vendor']}/menu")
    assert menu.status == 200, menu.body
    assert sorted(item["id"] for item in menu.body) == sorted(world["items"])
    slots = app.call("GET", f"/api/v1/vendors/{world['vendor']}/slots")
    assert slots.status == 200, slots.body


def _otp_refused(app: AppServer, phone: str, bound: float) -> None:
    for path, body in (
        ("/api/v1/auth/otp/request", {"phone": phone}),
        ("/api/v1/auth/otp/verify", {"phone": phone, "code": "123456"}),
    ):
        answer = app.call("POST", path, json=body)
        assert_envelope(answer, 503, "service_unavailable")
        assert answer.seconds < bound, f"{path} took {answer.seconds:.1f}s with Redis broken"


def _ready_names_cache(app: AppServer, bound: float) -> None:
    ready = app.call("GET", "/health/ready")
    assert ready.status == 503, ready.body
    assert ready.body["checks"] == {"database": "ok", "cache": "error"}
    assert ready.body["error"]["code"] == "service_unavailable"
    assert ready.body["error"]["details"]["failing"] == ["cache"]
    assert ready.seconds < bound, f"/health/ready took {ready.seconds:.1f}s with Redis broken"


def _signs_in(app: AppServer, sms_file: Path, phone: str) -> None:
    asked = app.call("POST", "/api/v1/auth/otp/request", json={"phone": phone})
    assert asked.status == 202, asked.body
    signed_in = app.call("POST", "/api/v1/auth/otp/verify", json={"phone": phone, "code": _sms_code(sms_file, phone)})
    assert signed_in.status == 200, signed_in.body
    assert signed_in.body["token"]


def test_redis_down_then_frozen_degrades_cleanly_and_recovers_without_app_restart(
    world, postgres, redis_server, start_app, fault_tmp
):
    sms_file = fault_tmp / "sms-redis.jsonl"
    app = start_app(
        app_env(database_url=postgres.url, redis_url=redis_server.url, tmp=fault_tmp, SMS_FILE_PATH=str(sms_file))
    )
    gunicorn_pid = app.process.pid
    ready = app.call("GET", "/health/ready")
    assert ready.status == 200 and ready.body["checks"] == {"database": "ok", "cache": "ok"}, ready.body
    _signs_in(app, sms_file, "+919811100001")

    # 1. Redis stopped: the port refuses connections.
    redis_server.stop()
    _ready_names_cache(app, DOWN_BOUND_SECONDS)
    _otp_refused(app, "+919811100002", DOWN_BOUND_SECONDS)
    _browsing_works(app, world)

    # Started again on the same port: the running app heals by itself.
    redis_server.start()
    wait_until(lambda: app.call("GET", "/health/ready").status == 200, timeout=10, what="/health/ready back to 200")
    _signs_in(app, sms_file, "+919811100003")
    _browsing_works(app, world)

    # 2. Redis frozen (SIGSTOP): connections open, nothing answers. Timeouts must turn this into 503s.
    redis_server.freeze()
    try:
        _ready_names_cache(app, FROZEN_BOUND_SECONDS)
        _otp_refused(app, "+919811100004", FROZEN_BOUND_SECONDS)
        _browsing_works(app, world)
    finally:
        redis_server.thaw()
    wait_until(lambda: app.call("GET", "/health/ready").status == 200, timeout=10, what="/health/ready back to 200")
    _signs_in(app, sms_file, "+919811100005")

    assert app.alive() and app.process.pid == gunicorn_pid, "the app had to be restarted"
