import pytest

from accounts import sms


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture(autouse=True)
def _print_uploads(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
