"""One error shape: every error, from every app, is in the envelope, and each code means one status (finding 26)."""

from __future__ import annotations

import importlib

import pytest

from accounts.tests.factories import FoodVendorFactory, StaffFactory, StationeryVendorFactory, StudentFactory
from ordering.tests.factories import place_order

from .support import (
    _assert_envelope,
    _project_modules,
)

# --- 26: one error shape --------------------------------------------------------------------


@pytest.fixture
def error_world(make_client, api_client):
    student, other_student = StudentFactory(), StudentFactory()
    food, stationery = FoodVendorFactory(), StationeryVendorFactory()
    order = place_order(student=student)
    cancelled = place_order(student=other_student)
    make_client(other_student).post(f"/api/v1/orders/{cancelled.pk}/cancel", {}, format="json")
    return {
        "anonymous": api_client,
        "student": make_client(student),
        "other_student": make_client(other_student),
        "food": make_client(food),
        "stationery": make_client(stationery),
        "staff": make_client(StaffFactory()),
        "order": order,
        "cancelled": cancelled,
    }


# (who, method, path, body, status); {order}/{cancelled} are filled in from the world above.
ERROR_CASES = [
    ("anonymous", "get", "/api/v1/me", None, 401),
    ("anonymous", "post", "/api/v1/orders", {}, 401),
    ("student", "post", "/api/v1/orders", {"vendor": "x", "items": "y"}, 400),
    ("student", "post", "/api/v1/menu-items", {"name": "Tea", "price_paise": 1000}, 403),
    ("stationery", "post", "/api/v1/slots", {}, 403),
    ("student", "get", "/api/v1/ledger/balance", None, 403),
    ("other_student", "get", "/api/v1/orders/{order}", None, 404),
    ("food", "post", "/api/v1/orders/{order}/accept", {}, 404),
    ("student", "get", "/api/v1/orders/999999999", None, 404),
    ("student", "get", "/api/v1/no-such-thing", None, 404),
    ("student", "delete", "/api/v1/me", None, 405),
    ("other_student", "post", "/api/v1/orders/{cancelled}/cancel", {}, 409),
    ("student", "post", "/api/v1/payments/verify", {"razorpay_order_id": "order_x"}, 400),
    ("anonymous", "post", "/api/v1/payments/webhooks/razorpay", {"event": "payment.captured"}, 400),
    ("staff", "post", "/api/v1/payments/999999999/refund", {"reason": "x"}, 404),
    ("anonymous", "get", "/api/v1/orders?status=nonsense", None, 401),
    ("student", "get", "/api/v1/orders?status=nonsense", None, 400),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "method", "path", "body", "status"), ERROR_CASES, ids=lambda v: str(v)[:40])
def test_every_error_is_in_the_envelope(error_world, who, method, path, body, status):
    client = error_world[who]
    path = path.format(order=error_world["order"].pk, cancelled=error_world["cancelled"].pk)
    kwargs = {"format": "json"} if body is not None else {}
    response = getattr(client, method)(path, body, **kwargs) if body is not None else getattr(client, method)(path)
    assert response.status_code == status, response.content[:300]
    payload = _assert_envelope(response)
    if status == 400:
        assert payload["error"]["code"] in {"validation_error", "signature_invalid"}


@pytest.mark.django_db
def test_rate_limit_and_unsupported_media_errors_are_in_the_envelope(api_client, settings):
    settings.OTP_RESEND_SECONDS = 30
    assert api_client.post("/api/v1/auth/otp/request", {"phone": "9876512345"}, format="json").status_code == 202
    again = api_client.post("/api/v1/auth/otp/request", {"phone": "9876512345"}, format="json")
    assert again.status_code == 429 and again["Retry-After"]
    assert _assert_envelope(again)["error"]["code"] == "rate_limited"
    plain = api_client.post("/api/v1/auth/otp/request", "phone", content_type="text/plain")
    assert plain.status_code == 415
    _assert_envelope(plain)


def _application_error_classes() -> list[type]:
    from rest_framework.exceptions import APIException

    from core.errors import ApplicationError

    for name in _project_modules():
        if name.rsplit(".", 1)[-1] in {"errors", "permissions", "authentication", "services", "api"}:
            importlib.import_module(name)

    def below(klass: type) -> list[type]:
        return [sub for direct in klass.__subclasses__() for sub in (direct, *below(direct))]

    project = [k for k in below(APIException) if not k.__module__.startswith("rest_framework")]
    return below(ApplicationError) + project


def test_each_error_code_means_one_http_status():
    statuses: dict[str, set[int]] = {}
    for klass in _application_error_classes():
        code = getattr(klass, "tnt_code", None) or getattr(klass, "code", None) or klass.default_code
        statuses.setdefault(code, set()).add(klass.status_code)
    assert {code: s for code, s in statuses.items() if len(s) > 1} == {}
    assert len(statuses) >= 15
