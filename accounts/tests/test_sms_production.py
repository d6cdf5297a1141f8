"""Production never silently uses the `file` SMS backend, and the file is the owner's alone."""

import os
import stat
import subprocess
import sys
from pathlib import Path

from accounts import sms
from accounts.checks import check_sms_backend, check_sms_backend_is_chosen

ROOT = Path(__file__).resolve().parents[2]


def _production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("SMS_BACKEND", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(DEBUG="0", SECRET_KEY="x" * 50, **extra)
    return env


def _settings_value(env: dict, name: str) -> str:
    code = f"import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'tntproject.settings'); django.setup(); from django.conf import settings; print(repr(settings.{name}))"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True
    ).stdout.strip()


def test_with_debug_off_sms_backend_has_no_default():
    assert _settings_value(_production_env(), "SMS_BACKEND") == "''"
    assert _settings_value(_production_env(SMS_BACKEND="file"), "SMS_BACKEND") == "'file'"


def test_the_web_process_refuses_to_start_without_an_explicit_sms_backend():
    result = subprocess.run(
        [sys.executable, "-c", "import tntproject.wsgi"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SMS_BACKEND must be set" in result.stderr
    asked = subprocess.run(
        [sys.executable, "-c", "import tntproject.wsgi"],
        cwd=ROOT,
        env=_production_env(SMS_BACKEND="file"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert asked.returncode == 0, asked.stderr


def test_the_deploy_check_names_an_unset_backend(settings):
    settings.DEBUG = False
    settings.SMS_BACKEND = ""
    assert [e.id for e in check_sms_backend_is_chosen()] == ["accounts.E004"]
    assert check_sms_backend() == []  # migrate and makemigrations still run
    settings.SMS_BACKEND = "file"
    assert check_sms_backend_is_chosen() == [] and check_sms_backend() == []
    settings.DEBUG, settings.SMS_BACKEND = True, ""
    assert check_sms_backend_is_chosen() == []


def test_the_sms_file_is_created_mode_0600(settings, tmp_path):
    old_umask = os.umask(0o000)  # even a permissive umask does not widen it
    try:
        settings.SMS_FILE_PATH = str(tmp_path / "var" / "sms.jsonl")
        sms.FileBackend().send(to="+919811122233", body="Your code is 123456")
    finally:
        os.umask(old_umask)
    path = tmp_path / "var" / "sms.jsonl"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_an_existing_sms_file_is_narrowed_to_0600(settings, tmp_path):
    path = tmp_path / "sms.jsonl"
    path.write_text("")
    path.chmod(0o644)
    settings.SMS_FILE_PATH = str(path)
    sms.FileBackend().send(to="+919811122233", body="hello")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "hello" in path.read_text()
