"""Issue 25: the language switcher (accounts.views.language_set) every page and the dashboard include."""

from __future__ import annotations

import pytest
from django.conf import settings

from accounts.tests.factories import FoodVendorFactory, StudentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("compiled_messages")]


def test_the_switcher_stores_a_signed_in_users_choice_and_sets_the_cookie(client):
    student = StudentFactory()
    client.force_login(student)
    response = client.post("/language", {"language": "hi", "next": "/orders"})
    assert response.status_code == 302
    assert response["Location"] == "/orders"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "hi"
    student.refresh_from_db()
    assert student.language == "hi"


def test_the_stored_choice_follows_the_user_to_a_browser_without_the_cookie(client):
    vendor = FoodVendorFactory(is_approved=True)
    client.force_login(vendor)
    client.post("/language", {"language": "hi", "next": "/dashboard/"})
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    page = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="hi">' in page.content.decode()
    assert "ऑर्डर की कतार" in page.content.decode()


def test_signed_out_the_choice_lives_in_the_cookie_only(client):
    response = client.post("/language", {"language": "hi", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "hi"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME]["samesite"] == "Lax"
    page = client.get("/login", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="hi">' in page.content.decode()


def test_switching_back_to_english(client):
    student = StudentFactory(language="hi")
    client.force_login(student)
    client.post("/language", {"language": "en", "next": "/"})
    student.refresh_from_db()
    assert student.language == "en"
    assert '<html lang="en">' in client.get("/", HTTP_ACCEPT_LANGUAGE="hi").content.decode()


@pytest.mark.parametrize("language", ["", "fr", "hi-IN-x", "<script>"])
def test_a_language_we_do_not_speak_is_refused_and_nothing_changes(client, language):
    student = StudentFactory(language="en")
    client.force_login(student)
    response = client.post("/language", {"language": language, "next": "/"})
    assert response.status_code == 400
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    student.refresh_from_db()
    assert student.language == "en"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_next_never_leaves_the_site(client, target):
    response = client.post("/language", {"language": "hi", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_only_post_switches(client):
    response = client.get("/language?language=hi")
    assert response.status_code == 405
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_every_page_and_the_dashboard_carry_the_switcher(client):
    assert 'action="/language"' in client.get("/login").content.decode()
    vendor = FoodVendorFactory(is_approved=True)
    client.force_login(vendor)
    dashboard = client.get("/dashboard/").content.decode()
    assert 'action="/language"' in dashboard
    assert 'name="language" value="hi"' in dashboard


def test_the_users_language_choices_are_the_sites_languages():
    from accounts.models import LANGUAGES

    assert [tuple(choice) for choice in LANGUAGES] == [tuple(choice) for choice in settings.LANGUAGES]


def test_on_a_page_with_its_own_next_the_switcher_goes_back_by_the_referer(client):
    page = client.get("/login?next=https://evil.example/print").content.decode()
    assert "evil.example" not in page
    back = "http://testserver/login?next=/print"
    response = client.post("/language", {"language": "hi"}, HTTP_REFERER=back)
    assert response.status_code == 302 and response["Location"] == back
