"""VAPID configuration: its checks, and the development keys `make run` makes."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from push import checks
from push.vapid import generate_keys, vapid_config


def _ids(messages) -> list[str]:
    return [message.id for message in messages]


def test_the_test_keys_are_a_working_pair():
    config = vapid_config()
    assert config.enabled and config.problems == ()


def test_no_keys_at_all_is_push_off_noted_by_the_deploy_check_only(settings):
    settings.VAPID_PRIVATE_KEY = settings.VAPID_PUBLIC_KEY = settings.VAPID_SUBJECT = ""
    assert not vapid_config().enabled
    assert checks.check_vapid_keys() == []
    assert _ids(checks.check_push_is_on()) == ["push.I001"]
    assert checks.check_push_is_on()[0].level < 30  # Info: below `check --deploy --fail-level WARNING`


@pytest.mark.parametrize(
    "change",
    [
        {"VAPID_PUBLIC_KEY": generate_keys()[1]},  # not the private key's pair
        {"VAPID_PRIVATE_KEY": "bm90IGEga2V5"},  # not 32 bytes
        {"VAPID_PRIVATE_KEY": "not base64url at all!"},
        {"VAPID_SUBJECT": "ops@tnt.example.edu"},  # not mailto: or https:
        {"VAPID_SUBJECT": ""},  # incomplete
    ],
)
def test_a_broken_configuration_is_an_error_and_push_stays_off(settings, change):
    for name, value in change.items():
        setattr(settings, name, value)
    assert not vapid_config().enabled
    assert set(_ids(checks.check_vapid_keys())) == {"push.E001"}
    assert checks.check_push_is_on() == []


def test_vapid_dev_keys_writes_a_private_pair_once(settings, tmp_path):
    settings.DEBUG = True
    settings.VAPID_DEV_KEYS_FILE = tmp_path / "var" / "vapid-dev.json"
    call_command("vapid_dev_keys")
    written = json.loads(settings.VAPID_DEV_KEYS_FILE.read_text())
    assert settings.VAPID_DEV_KEYS_FILE.stat().st_mode & 0o777 == 0o600
    settings.VAPID_PRIVATE_KEY, settings.VAPID_PUBLIC_KEY = written["private_key"], written["public_key"]
    settings.VAPID_SUBJECT = written["subject"]
    assert vapid_config().enabled

    call_command("vapid_dev_keys")  # a second start keeps the keys browsers subscribed with
    assert json.loads(settings.VAPID_DEV_KEYS_FILE.read_text()) == written


def test_vapid_dev_keys_refuses_without_debug(settings, tmp_path):
    settings.DEBUG = False
    settings.VAPID_DEV_KEYS_FILE = tmp_path / "vapid-dev.json"
    with pytest.raises(CommandError):
        call_command("vapid_dev_keys")
    assert not settings.VAPID_DEV_KEYS_FILE.exists()
