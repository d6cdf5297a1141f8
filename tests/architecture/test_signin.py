"""Sign-in: phone numbers are normalised by one function and users found by phone through one selector (finding 28)."""

from __future__ import annotations

import importlib
import inspect
import re

from .support import (
    ROOT,
    _project_modules,
    _source_files,
)

# --- 28: one phone normalisation ------------------------------------------------------------


def test_phone_numbers_are_normalised_by_one_function_everywhere():
    from accounts import phones

    # The forms, serializers, the admin and the user manager all take raw phones from people.
    for name in ("accounts.models", "accounts.serializers", "accounts.admin", "pages.forms"):
        assert importlib.import_module(name).normalize_phone is phones.normalize_phone, name
    for name in _project_modules():
        module = importlib.import_module(name)
        for attribute in ("normalize_phone", "normalise_phone"):
            if hasattr(module, attribute):
                assert getattr(module, attribute) is phones.normalize_phone, f"{name}.{attribute}"
    # Nobody else spells out the Indian mobile number pattern.
    spelled = [
        str(path.relative_to(ROOT))
        for path in _source_files(".py")
        if re.search(r"\[6-9\]", path.read_text()) and path != ROOT / "accounts" / "phones.py"
    ]
    assert spelled == []


def test_sign_in_finds_users_by_phone_through_one_selector():
    from accounts import selectors, services

    assert services.user_find_by_phone is selectors.user_find_by_phone
    source = inspect.getsource(services)
    assert "objects.filter(phone" not in source and "objects.get(phone" not in source
