import pytest


@pytest.fixture(autouse=True)
def _test_urls(settings):
    settings.ROOT_URLCONF = "core.tests.urls"


def _assert_envelope(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["details"], dict)
    assert body["request_id"] == response["X-Request-ID"]
    return body


@pytest.mark.django_db
def test_unknown_api_path_is_404_envelope(client):
    response = client.get("/api/v1/no/such/thing", HTTP_X_REQUEST_ID="req-abc-123")
    body = _assert_envelope(response, 404, "not_found")
    assert body["request_id"] == "req-abc-123"


@pytest.mark.django_db
def test_wrong_method_is_405_envelope(client):
    _assert_envelope(client.post("/api/v1/test/boom"), 405, "method_not_allowed")


@pytest.mark.django_db
def test_unauthenticated_is_401_envelope(client):
    response = client.get("/api/v1/test/protected")
    _assert_envelope(response, 401, "not_authenticated")


@pytest.mark.django_db
def test_bad_token_is_401_authentication_failed(client):
    response = client.get("/api/v1/test/protected", HTTP_AUTHORIZATION="Token nope")
    _assert_envelope(response, 401, "authentication_failed")


@pytest.mark.django_db
def test_exception_in_view_is_500_envelope_without_internals(client, caplog):
    response = client.get("/api/v1/test/boom")
    _assert_envelope(response, 500, "server_error")
    assert b"secret internals" not in response.content
    assert b"Traceback" not in response.content
    assert any("unhandled exception" in r.getMessage() for r in caplog.records)


def test_request_id_is_generated_when_absent(client):
    response = client.get("/health/live")
    assert len(response["X-Request-ID"]) == 32


def test_insane_request_id_is_replaced(client):
    response = client.get("/health/live", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert response["X-Request-ID"] != "bad id\nwith newline"
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_access_log_line_per_request(client, caplog):
    caplog.set_level("INFO", logger="tnt.access")
    client.get("/health/live", HTTP_X_REQUEST_ID="trace-1")
    lines = [r for r in caplog.records if r.name == "tnt.access"]
    assert len(lines) == 1
    record = lines[0]
    assert (record.method, record.path, record.status, record.request_id) == ("GET", "/health/live", 200, "trace-1")
    assert record.duration_ms >= 0
    assert record.user_id is None


@pytest.mark.django_db
def test_unknown_api_path_is_an_envelope_in_debug_too(client, settings):
    settings.DEBUG = True  # Django would render its technical 404 page
    response = client.get("/api/v1/orders//pay", HTTP_X_REQUEST_ID="dbg-1")
    body = _assert_envelope(response, 404, "not_found")
    assert body["request_id"] == "dbg-1"


@pytest.mark.django_db
def test_pages_keep_their_html_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_schema_carries_the_bounds_of_nested_lists_and_the_error_envelope():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    items = schema["components"]["schemas"]["OrderCreateRequest"]["properties"]["items"]
    assert (items["minItems"], items["maxItems"]) == (1, 30)
    place = schema["paths"]["/api/v1/orders"]["post"]["responses"]
    for code in ("400", "401", "403", "409", "429"):
        assert place[code]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorEnvelope"}


# --- a refusal's code and status belong to its class -----------------------------------------


@pytest.mark.parametrize("override", [{"code": "not_authenticated"}, {"status_code": 401}])
def test_application_error_takes_no_code_or_status_override(override):
    from core.errors import ApplicationError, Forbidden

    with pytest.raises(TypeError):
        Forbidden("Sign in first.", **override)
    with pytest.raises(TypeError):
        ApplicationError(**override)
    refusal = Forbidden("Sign in first.", details={"why": "x"}, headers={"X-A": "1"})
    assert (refusal.code, refusal.status_code, refusal.message) == ("permission_denied", 403, "Sign in first.")
    assert refusal.details == {"why": "x"} and refusal.headers == {"X-A": "1"}
