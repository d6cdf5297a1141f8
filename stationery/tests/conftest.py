import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """A private, empty MEDIA_ROOT per test, so stored files can be counted exactly."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root
