"""Bodies no parser can read: nested too deep (400 validation_error), over 2 MB (413 request_too_large)."""

import pytest
from django.test import Client

from accounts.tests.factories import StudentFactory
from conftest import client_for
from core.parsers import JSONParser

pytestmark = pytest.mark.django_db

DEEP = "[" * 50000


@pytest.mark.parametrize("path", ["/api/v1/auth/otp/request", "/api/v1/auth/otp/verify"])
def test_a_body_nested_too_deep_is_400_on_sign_in(client, path):
    response = client.post(path, DEEP, content_type="application/json")
    assert response.status_code == 400, response.content[:200]
    assert response.json()["error"]["code"] == "validation_error"


def test_a_body_nested_too_deep_is_400_on_orders():
    response = client_for(StudentFactory()).post("/api/v1/orders", DEEP, content_type="application/json")
    assert response.status_code == 400, response.content[:200]
    assert response.json()["error"]["code"] == "validation_error"


def test_the_project_parser_turns_recursion_into_a_parse_error():
    import io

    from rest_framework.exceptions import ParseError

    with pytest.raises(ParseError):
        JSONParser().parse(io.BytesIO(DEEP.encode()))


def test_the_project_parser_is_the_default():
    from rest_framework.settings import api_settings

    assert api_settings.DEFAULT_PARSER_CLASSES[0] is JSONParser


def test_a_json_body_over_two_megabytes_is_413_unread(client):
    body = '{"phone": "' + "9" * (2 * 1024 * 1024) + '"}'
    response = client.post("/api/v1/auth/otp/request", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"
    response = client_for(StudentFactory()).post("/api/v1/orders", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


def test_a_form_body_over_two_megabytes_is_413_on_pages_too():
    response = Client().post(
        "/login", "phone=" + "9" * (2 * 1024 * 1024), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413


def test_a_body_just_under_the_limit_is_read(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64
    response = client.post("/api/v1/auth/otp/request", '{"phone": "9811122233"}', content_type="application/json")
    assert response.status_code == 202
    response = client.post(
        "/api/v1/auth/otp/request", '{"phone": "9811122233", "x": "' + "y" * 64 + '"}', content_type="application/json"
    )
    assert response.status_code == 413
