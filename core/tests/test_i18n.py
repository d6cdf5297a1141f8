"""Issue 25: which language a request is answered in, and the API's error messages in it.

The order is the signed-in user's stored choice, then the switcher's cookie, then Accept-Language
(core.i18n, core.middleware.LanguageMiddleware); token callers' stored choice is applied to the
error envelope by core.errors.api_exception_handler.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.dates import MONTHS
from rest_framework.authtoken.models import Token

from accounts.tests.factories import StudentFactory
from core import money

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("compiled_messages")]

HINDI_NOT_FOUND = "नहीं मिला।"


def _missing_order(client, **headers):
    return client.get("/api/v1/orders/999999", **headers)


def test_accept_language_hi_answers_an_api_error_in_hindi(client):
    student = StudentFactory()
    client.force_login(student)
    response = _missing_order(client, HTTP_ACCEPT_LANGUAGE="hi-IN,hi;q=0.9,en;q=0.5")
    assert response.status_code == 404
    assert response.json()["error"] == {"code": "not_found", "message": HINDI_NOT_FOUND, "details": {}}
    assert response["Content-Language"] == "hi"
    assert "Accept-Language" in response["Vary"]


def test_without_a_choice_english_is_the_default(client):
    client.force_login(StudentFactory())
    response = _missing_order(client)
    assert response.json()["error"]["message"] == "Not found."
    assert response["Content-Language"] == "en"


def test_a_validation_error_and_its_field_messages_come_back_in_hindi(client):
    client.force_login(StudentFactory())
    response = client.post("/api/v1/orders", {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="hi")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["message"] == "अनुरोध सही नहीं है।"
    assert "यह भरना ज़रूरी है।" in error["details"]["vendor"]


def test_a_signed_out_callers_cookie_beats_accept_language(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    response = client.get("/api/v1/orders", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "साइन-इन की जानकारी नहीं भेजी गई। पहले साइन इन करें।"


def test_the_users_stored_choice_beats_cookie_and_accept_language(client):
    student = StudentFactory(language="en")
    client.force_login(student)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    assert _missing_order(client, HTTP_ACCEPT_LANGUAGE="hi").json()["error"]["message"] == "Not found."

    student.language = "hi"
    student.save(update_fields=["language"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert _missing_order(client, HTTP_ACCEPT_LANGUAGE="en").json()["error"]["message"] == HINDI_NOT_FOUND


def test_a_token_callers_stored_choice_is_used_for_its_errors(client):
    """DRF authenticates a token in the view, after the middleware chose: the handler looks again."""
    student = StudentFactory(language="hi")
    token = Token.objects.create(user=student)
    response = _missing_order(client, HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["error"]["message"] == HINDI_NOT_FOUND
    # and the next request on this thread is not left in Hindi
    assert translation.get_language() == settings.LANGUAGE_CODE


def test_a_bad_token_in_hindi_is_refused_in_hindi_not_with_a_500(client):
    response = client.get("/api/v1/orders", HTTP_AUTHORIZATION="Token nope", HTTP_ACCEPT_LANGUAGE="hi")
    assert response.status_code == 401
    assert response.json()["error"] == {"code": "authentication_failed", "message": "टोकन सही नहीं है।", "details": {}}


def test_an_unknown_language_falls_back_to_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    response = client.get("/api/v1/orders", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.json()["error"]["message"] == "Authentication credentials were not provided."


def test_money_keeps_indian_grouping_in_both_languages():
    template = Template("{% load tnt %}{{ amount|rupees }}")
    for language in ("en", "hi"):
        with translation.override(language):
            assert money.rupees(12345600) == "₹1,23,456.00"
            assert template.render(Context({"amount": 12345600})) == "₹1,23,456"


def test_dates_are_campus_time_and_named_in_the_language():
    moment = datetime(2026, 12, 3, 6, 30, tzinfo=UTC)  # 12:00 in Asia/Kolkata
    template = Template('{{ moment|date:"j F, H:i" }}')
    with timezone.override("Asia/Kolkata"):
        with translation.override("en"):
            assert template.render(Context({"moment": moment})) == "3 December, 12:00"
        with translation.override("hi"):
            december = str(MONTHS[12])  # Django's own Hindi name of the month
            assert december != "December"
            assert template.render(Context({"moment": moment})) == f"3 {december}, 12:00"


def test_a_services_field_message_is_in_the_active_language_with_its_values_filled_in():
    """The services' own field messages (here the printed page range's) are marked too, values and
    plural included: a Hindi student reads why, not only that, the request was refused."""
    from core.errors import ValidationFailed
    from stationery.pages import page_range_parse

    for language, expected in (
        ("hi", 'दस्तावेज़ में 3 पेज हैं; "2-9" उनके आगे जाता है।'),
        ("en", 'The document has 3 pages; "2-9" goes past the end.'),
    ):
        with translation.override(language), pytest.raises(ValidationFailed) as refused:
            page_range_parse("2-9", pages=3)
        assert expected in str(refused.value.details), refused.value.details
    with translation.override("hi"), pytest.raises(ValidationFailed) as refused:
        page_range_parse("1-2", pages=1)
    assert "दस्तावेज़ में 1 पेज है;" in str(refused.value.details)


# The apps whose refusals reach a user (API callers, the pages, the admin). The ledger's and the SMS
# backends' own exceptions are for the engineer's log, in English, and are left out.
_USER_FACING_APPS = (
    "accounts",
    "catalog",
    "core",
    "dashboard",
    "events",
    "ordering",
    "pages",
    "payments",
    "push",
    "stationery",
)
_ENGINEER_ONLY = {
    "ValueError",
    "AssertionError",
    "RuntimeError",
    "LookupError",
    "CommandError",
    "TypeError",
    "KeyError",
    "SmsError",
    "SmsRejected",
    "ConnectionError",
    "Http404",
    "NotImplementedError",
    "TransactionManagementError",  # a service called outside its transaction: a programming error
}


def _unmarked_messages() -> list[str]:
    """Each text in a `raise X(...)` of the user-facing apps (its message, or a field message in its
    details) written as a plain string or f-string rather than through gettext."""
    import ast
    from pathlib import Path

    found = []
    root = Path(settings.BASE_DIR)
    marked_calls = {"_", "gettext", "ngettext", "gettext_lazy", "pgettext"}
    for app in _USER_FACING_APPS:
        for path in sorted((root / app).rglob("*.py")):
            if {"tests", "migrations", "management"} & set(path.relative_to(root).parts):
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                    continue
                name = getattr(node.exc.func, "id", getattr(node.exc.func, "attr", ""))
                if name in _ENGINEER_ONLY:
                    continue
                inside_gettext = {
                    id(inner)
                    for call in ast.walk(node.exc)
                    if isinstance(call, ast.Call) and getattr(call.func, "id", "") in marked_calls
                    for inner in ast.walk(call)
                }
                messages = [*node.exc.args, *(k.value for k in node.exc.keywords if k.arg in ("details", "message"))]
                while messages:
                    value = messages.pop()
                    if isinstance(value, ast.List | ast.Tuple):
                        messages.extend(value.elts)
                    elif isinstance(value, ast.Dict):
                        messages.extend(value.values)
                    elif isinstance(value, ast.DictComp):
                        messages.append(value.value)
                    elif isinstance(value, ast.JoinedStr | ast.Constant) and id(value) not in inside_gettext:
                        sentence = isinstance(value, ast.JoinedStr) or (
                            isinstance(value.value, str) and " " in value.value
                        )
                        if sentence:
                            found.append(f"{path.relative_to(root)}:{value.lineno}")
    return found


def test_every_refusal_a_user_reads_is_marked_for_translation():
    assert _unmarked_messages() == []
