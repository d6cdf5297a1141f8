"""The processes' stop settings: gunicorn finishes what it holds, Celery acknowledges late, one beat."""

import runpy

from django.conf import settings


def _gunicorn(monkeypatch, **env) -> dict:
    for name in ("PORT", "WEB_CONCURRENCY", "GUNICORN_TIMEOUT", "GUNICORN_GRACEFUL_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(settings.BASE_DIR / "gunicorn.conf.py"))


def test_gunicorn_lets_a_stopping_worker_finish_its_longest_request(monkeypatch):
    config = _gunicorn(monkeypatch)
    assert config["graceful_timeout"] >= config["timeout"] == 30
    assert config["bind"].endswith(":8000")
    assert config["preload_app"] is False  # a HUP reload starts workers on the new code
    short_grace = _gunicorn(monkeypatch, GUNICORN_TIMEOUT="60", GUNICORN_GRACEFUL_TIMEOUT="5", PORT="9001")
    assert short_grace["graceful_timeout"] == 60
    assert short_grace["bind"].endswith(":9001")


def test_the_procfile_serves_with_that_config_and_runs_one_beat_of_its_own():
    lines = dict(
        line.split(": ", 1) for line in (settings.BASE_DIR / "Procfile").read_text().splitlines() if ": " in line
    )
    assert lines["web"].startswith("gunicorn -c gunicorn.conf.py ")
    assert " -B" not in lines["worker"] and "--beat" not in lines["worker"]
    assert lines["beat"].startswith("celery -A tntproject beat")


def test_celery_tasks_survive_a_worker_stopped_or_killed_mid_task():
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > settings.CELERY_TASK_TIME_LIMIT
