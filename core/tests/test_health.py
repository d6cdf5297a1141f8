import socket
import time

import pytest
from django.db import connections

from core import health


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db
def test_live(client):
    response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_ready_when_everything_is_up(client):
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


@pytest.mark.django_db
def test_ready_names_the_cache_when_redis_is_unreachable(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    started = time.monotonic()
    response = client.get("/health/ready")
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    body = response.json()
    assert body["checks"] == {"database": "ok", "cache": "error"}
    assert body["error"]["code"] == "service_unavailable"
    assert "cache" in body["error"]["message"]


@pytest.mark.django_db
def test_ready_names_the_database_when_it_is_unreachable(client, monkeypatch):
    broken = connections.create_connection("default")
    broken.settings_dict = {
        **broken.settings_dict,
        "NAME": "tnt_unreachable",
        "HOST": "127.0.0.1",
        "PORT": str(_closed_port()),
        "ENGINE": "django.db.backends.postgresql",
    }
    if connections["default"].vendor != "postgresql":
        pytest.skip("the unreachable-database probe needs the PostgreSQL backend")
    monkeypatch.setattr(health, "connection", broken)
    started = time.monotonic()
    response = client.get("/health/ready")
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "error"
    assert "database" in response.json()["error"]["message"]
