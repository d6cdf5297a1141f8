"""Issue 25: scripts/messages.py, the gate `make test` runs, finds missing and fuzzy Hindi translations."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from django.conf import settings

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: hi\\n"\n\n'


@pytest.fixture
def gate(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("messages_gate", Path(settings.BASE_DIR) / "scripts" / "messages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "ROOT", tmp_path)
    monkeypatch.setattr(module, "LOCALE", tmp_path / "locale")
    (tmp_path / "locale" / "hi" / "LC_MESSAGES").mkdir(parents=True)
    return module


def _write(gate, domain: str, body: str) -> None:
    (gate.LOCALE / "hi" / "LC_MESSAGES" / f"{domain}.po").write_text(HEADER + body, encoding="utf-8")


def test_a_complete_catalogue_passes(gate):
    _write(gate, "django", 'msgid "Ready"\nmsgstr "तैयार"\n')
    _write(gate, "djangojs", '#, javascript-format\nmsgid "Order #%(id)s"\nmsgstr "ऑर्डर #%(id)s"\n')
    assert gate._problems() == []


def test_an_untranslated_and_a_fuzzy_entry_are_both_named(gate):
    _write(gate, "django", 'msgid "Ready"\nmsgstr ""\n\n#, fuzzy\nmsgid "Paid"\nmsgstr "भुगतान"\n')
    _write(gate, "djangojs", 'msgid "Accept"\nmsgstr "स्वीकार करें"\n')
    problems = gate._problems()
    assert "locale/hi/LC_MESSAGES/django.po: not translated: Ready" in problems
    assert "locale/hi/LC_MESSAGES/django.po: fuzzy: Paid" in problems
    assert len(problems) == 2


def test_a_missing_catalogue_and_a_broken_placeholder_fail(gate):
    _write(gate, "django", '#, python-format\nmsgid "Order #%(id)s"\nmsgstr "ऑर्डर #%(number)s"\n')
    problems = gate._problems()
    assert "locale/hi/LC_MESSAGES/djangojs.po: missing" in problems
    assert any("django.po: msgfmt --check failed" in problem for problem in problems)


def test_the_committed_catalogues_are_complete(gate, monkeypatch):
    """The real files, as committed (the extraction itself runs in `make test`'s own step)."""
    monkeypatch.setattr(gate, "ROOT", Path(settings.BASE_DIR))
    monkeypatch.setattr(gate, "LOCALE", Path(settings.BASE_DIR) / "locale")
    assert gate._problems() == []
