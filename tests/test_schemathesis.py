"""Schemathesis against the project's own OpenAPI schema, in-process, as a student, a vendor and anonymous.

The schema is the one `GET /api/v1/schema/` serves (drf-spectacular's generator), loaded
with `schemathesis.openapi.from_dict`; every generated case is sent to the project's
WSGI application in this process (inside the test's transaction, against the campus of
`tests.fixtures`), and its response must:

- never be a 5xx (`not_a_server_error`);
- match the documented response schema and content type (`response_schema_conformance`,
  `content_type_conformance`) for every documented status;
- when sent without credentials to an operation whose `security` does not allow
  anonymous access, be a 401 in the error envelope.

Hypothesis runs derandomized with a small `max_examples`, so the module is reproducible
and bounded. The webhook (authenticated by its HMAC signature, not by a caller) is left
out of the fuzzing and has its own negative property test below, as has the sandbox; so is the
endless event stream (events/tests).
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import Resolver404, resolve
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from payments.conf import SANDBOX_PATH
from payments.models import WebhookEvent

from .fixtures import FOOD_A, STATIONERY, STUDENT_A, Campus

WEBHOOK = "/api/v1/payments/webhooks/razorpay"
# The event stream never ends, so a whole answer cannot be read: events/tests read it with deadlines.
EVENTS = "/api/v1/events"
EXCLUDED = {("POST", WEBHOOK), ("GET", EVENTS)}
MAX_EXAMPLES = 12
# Every answer's status is documented (core/schema.py documents the error envelope
# everywhere), its body matches the schema and its content type is the documented one.
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, content_type_conformance]


def _project_schema() -> dict:
    """Exactly the document `GET /api/v1/schema/?format=json` serves."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


SCHEMA_DOCUMENT = _project_schema()
SCHEMA = schemathesis.openapi.from_dict(SCHEMA_DOCUMENT)
OPERATIONS = {
    f"{operation.method.upper()} {operation.path}": operation
    for operation in (result.ok() for result in SCHEMA.get_all_operations())
    if (operation.method.upper(), operation.path) not in EXCLUDED
}


def anonymous_allowed(method: str, path: str) -> bool:
    security = SCHEMA_DOCUMENT["paths"][path][method.lower()].get("security", [])
    return {} in security


def _routable(path: str) -> bool:
    try:
        resolve(path.split("?")[0])
    except Resolver404:
        return False
    return True


@pytest.fixture
def wsgi_app():
    """The project's WSGI app, without closing the test's connection at request start and end.

    (Django's own test client does the same: closing the connection would end the transaction.)"""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


HYPOTHESIS = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def fuzz(operation, *, app, headers: dict[str, str], extra_check=None) -> None:
    @HYPOTHESIS
    @given(
        case=st.one_of(
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        )
    )
    def run(case) -> None:
        if case.headers:
            case.headers.pop("Authorization", None)
            case.headers.pop("Cookie", None)
        response = case.call(app=app, headers=headers)
        case.validate_response(response, checks=CHECKS)
        if extra_check is not None:
            extra_check(case, response)

    run()


@pytest.mark.django_db
@pytest.mark.parametrize("actor", [STUDENT_A, FOOD_A, STATIONERY])
@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_signed_in_callers_get_no_5xx_and_schema_conforming_answers(
    campus: Campus, sandbox, wsgi_app, label: str, actor: str
):
    fuzz(OPERATIONS[label], app=wsgi_app, headers={"Authorization": f"Token {campus.tokens[actor]}"})


@pytest.mark.django_db
@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_anonymous_callers_are_refused_where_the_schema_requires_credentials(
    campus: Campus, sandbox, wsgi_app, label: str
):
    operation = OPERATIONS[label]
    needs_credentials = not anonymous_allowed(operation.method, operation.path)

    def refused(case, response) -> None:
        if needs_credentials and _routable(case.formatted_path):
            assert response.status_code == 401, (label, response.status_code, response.text[:300])
            assert response.json()["error"]["code"] == "not_authenticated"

    fuzz(operation, app=wsgi_app, headers={}, extra_check=refused)


def test_the_schema_covers_the_api_and_is_fuzzed_almost_entirely():
    assert len(OPERATIONS) == len(list(SCHEMA.get_all_operations())) - len(EXCLUDED)
    assert len(OPERATIONS) >= 55
    assert not any("sandbox" in path for path in SCHEMA_DOCUMENT["paths"])


# --- the webhook: authenticated by its signature only -----------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
webhook_bodies = st.one_of(
    st.binary(max_size=300),
    json_values.map(lambda value: json.dumps(value).encode()),
    st.fixed_dictionaries(
        {"event": st.sampled_from(["payment.captured", "payment.failed", "refund.processed", "order.paid"])},
        optional={"payload": json_values},
    ).map(lambda value: json.dumps(value).encode()),
)
_ascii = st.characters(min_codepoint=32, max_codepoint=126)
# Header values reach Django as latin-1 text: any of those characters may arrive.
_latin1 = st.characters(min_codepoint=32, max_codepoint=255, blacklist_categories=("Cc",))
signatures = st.none() | st.text(_latin1, max_size=80) | st.text("0123456789abcdef", min_size=64, max_size=64)


@pytest.mark.django_db
def test_webhook_refuses_every_body_without_a_valid_signature(sandbox):
    client = APIClient()

    @HYPOTHESIS
    @given(body=webhook_bodies, signature=signatures, event_id=st.none() | st.text(_ascii, max_size=70))
    def run(body: bytes, signature: str | None, event_id: str | None) -> None:
        headers = {}
        if signature is not None and signature.isprintable():
            headers["HTTP_X_RAZORPAY_SIGNATURE"] = signature
        if event_id is not None and event_id.isprintable():
            headers["HTTP_X_RAZORPAY_EVENT_ID"] = event_id
        response = client.generic("POST", WEBHOOK, body, content_type="application/json", **headers)
        assert response.status_code == 400, response.content[:300]
        assert response.json()["error"]["code"] == "signature_invalid"
        assert WebhookEvent.objects.count() == 0

    run()


@pytest.mark.django_db
@pytest.mark.parametrize("signature", ["\u00e9", "abc\u00ff"])
def test_webhook_non_ascii_signature_is_a_400(sandbox, signature: str):
    """A header byte above 0x7f reaches Django as a latin-1 character (curl -H $'X-Razorpay-Signature: \\xe9')."""
    response = APIClient().generic(
        "POST",
        WEBHOOK,
        b'{"event": "payment.captured", "payload": {}}',
        content_type="application/json",
        HTTP_X_RAZORPAY_SIGNATURE=signature,
        HTTP_X_RAZORPAY_EVENT_ID="evt_nonascii",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "signature_invalid"


@pytest.mark.django_db
def test_verify_non_ascii_signature_is_a_400(campus: Campus, sandbox):
    """The payer's own open payment, a signature with one non-ASCII character: refused, nothing changes."""
    payment = campus.payment_open
    response = campus.client(STUDENT_A).post(
        "/api/v1/payments/verify",
        {
            "razorpay_order_id": payment.razorpay_order_id,
            "razorpay_payment_id": "pay_X1",
            "razorpay_signature": "\u00e9",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "signature_invalid"


@pytest.mark.django_db
@pytest.mark.parametrize("sandbox_on", [False, True])
def test_sandbox_api_refuses_callers_without_the_key(settings, sandbox, sandbox_on: bool):
    """Off: every sandbox path is 404. On: Razorpay's API paths want Basic auth with the key (401)."""
    settings.RAZORPAY_SANDBOX = sandbox_on
    client = APIClient()

    @HYPOTHESIS
    @given(
        path=st.sampled_from(
            ["/v1/orders", "/v1/orders/order_X1", "/v1/payments/pay_X1", "/v1/payments/pay_X1/refund"]
        ),
        body=st.binary(max_size=200),
        authorization=st.none() | st.sampled_from(["Basic Zm9vOmJhcg==", "Basic !!", "Token abc", "Bearer x"]),
    )
    def run(path: str, body: bytes, authorization: str | None) -> None:
        headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
        method = "POST" if path in ("/v1/orders", "/v1/payments/pay_X1/refund") else "GET"
        response = client.generic(method, f"{SANDBOX_PATH}{path}", body, content_type="application/json", **headers)
        assert response.status_code == (401 if sandbox_on else 404), response.content[:200]

    run()
