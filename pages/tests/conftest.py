import pytest


@pytest.fixture(autouse=True)
def _print_uploads(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
