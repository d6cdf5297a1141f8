import pytest

from accounts.tests.factories import StudentFactory

from . import factories


@pytest.fixture(autouse=True)
def _print_uploads(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


# The view tests' campus and signed-in student (test_views, test_shell, test_checkout).
@pytest.fixture
def campus():
    return factories.campus()


@pytest.fixture
def student():
    return StudentFactory(name="Asha")


@pytest.fixture
def student_client(client, student):
    client.force_login(student)
    return client
