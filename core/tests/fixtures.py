"""The kernel's fixtures: the compiled message catalogues the Hindi tests read."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test.signals import language_changed


@pytest.fixture(scope="session")
def compiled_messages() -> None:
    """locale/*/LC_MESSAGES/*.mo up to date with their .po files (`make test` compiles them first).

    A run of single tests outside `make test` compiles them here; Django's cache of loaded
    catalogues is emptied so this process reads the new files.
    """
    locale = Path(settings.BASE_DIR) / "locale"
    stale = [
        po
        for po in locale.glob("*/LC_MESSAGES/*.po")
        if not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if stale:
        script = Path(settings.BASE_DIR) / "scripts" / "messages.py"
        subprocess.run([sys.executable, str(script), "compile"], check=True)
        language_changed(setting="LOCALE_PATHS")  # what Django's tests do when catalogues change
