"""Project-wide beat tasks."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from core.tasks import clear_expired_sessions

pytestmark = pytest.mark.django_db


def test_expired_sessions_are_cleared_by_the_beat_task():
    live, dead = SessionStore(), SessionStore()
    live["x"], dead["x"] = 1, 2
    live.create()
    dead.create()
    Session.objects.filter(session_key=dead.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))
    clear_expired_sessions.apply().get()
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


def test_beat_schedules_it():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert clear_expired_sessions.name in scheduled
    assert clear_expired_sessions.name == "tntproject.tasks.clear_expired_sessions"
