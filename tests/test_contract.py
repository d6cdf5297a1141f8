"""Acceptance test of the v1 HTTP contract, end to end over HTTP.

Every endpoint of the contract is called with its exact method and path, as its
clients call it (token-authenticated APIClient; the Django session with the CSRF
token for the pages), and the answer is checked against what clients rely on:

* the status code, and for errors the one error envelope whose `request_id` is the
  `X-Request-ID` response header, with the agreed status for every error code;
* every field of every shape (user, vendor, menu item, slot, print service, order
  with its slot and items, print job, checkout, payment, refund, ledger balance and
  entries, health bodies) present with the right JSON type;
* conventions that hold for every body: money in integer fields ending `_paise`,
  times in ISO 8601 with an offset, lists in pages of at most 100;
* visibility rules (the pickup code goes to the paying student, never the vendor),
  Idempotency-Key replay and conflict, and the operations commands.

Money moves through the Razorpay sandbox served over real HTTP (`sandbox`).
Where the implementation answers differently than the contract, the test says so
with a strict xfail naming the deviation, instead of bending the assertion.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import re
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, TestCase, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import otp as otp_module
from accounts import sms
from accounts.models import User
from accounts.tests.factories import admin_login_through_the_form
from catalog.models import MenuItem, Shop
from ordering import services as ordering_services
from ordering.models import Order, Slot
from razorpay_sandbox import state

from .fixtures import (
    BLOCKED,
    FOOD_A,
    FOOD_B,
    STAFF,
    STATIONERY,
    STUDENT_A,
    STUDENT_B,
    UNAPPROVED,
    Campus,
    pdf_bytes,
)

API = "/api/v1"
pytestmark = pytest.mark.django_db

# A Redis address nothing listens on: the cache "goes away" for one request.
DEAD_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}

# --- value kinds -------------------------------------------------------------------

Kind = Callable[[Any], bool]
OFFSET_AT_END = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")


def integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def text(value: Any) -> bool:
    return isinstance(value, str)


def boolean(value: Any) -> bool:
    return isinstance(value, bool)


def moment(value: Any) -> bool:
    """An ISO 8601 date-time that names its offset from UTC."""
    if not isinstance(value, str) or "T" not in value or not OFFSET_AT_END.search(value):
        return False
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return parsed.tzinfo is not None


def maybe(kind: Kind) -> Kind:
    return lambda value: value is None or kind(value)


def one_of(*choices: Any) -> Kind:
    return lambda value: value in choices


# --- the shapes clients read (field → kind; nested dicts are nested shapes) ------------

USER = {
    "id": integer,
    "phone": text,
    "name": text,
    "role": one_of("student", "vendor", "staff"),
    "vendor_type": maybe(one_of("food", "stationery")),
    "is_approved": boolean,
    "is_active": boolean,
}
VENDOR = {
    "id": integer,
    "shop_name": text,
    "vendor_type": one_of("food", "stationery"),
    "is_open": boolean,
    "description": text,
}
MENU_ITEM = {
    "id": integer,
    "vendor": integer,
    "name": text,
    "description": text,
    "price_paise": integer,
    "is_available": boolean,
    "category": text,
}
SLOT = {
    "id": integer,
    "vendor": integer,
    "starts_at": moment,
    "ends_at": moment,
    "capacity": integer,
    "reserved": integer,
    "remaining": integer,
    "is_active": boolean,
}
PRINT_SERVICE = {
    "id": integer,
    "vendor": integer,
    "name": text,
    "unit": one_of("page", "job"),
    "price_paise": integer,
    "is_colour": boolean,
    "is_available": boolean,
}
ORDER_STATUSES = (
    "pending_payment",
    "paid",
    "accepted",
    "ready",
    "unclaimed",
    "completed",
    "cancelled",
    "rejected",
    "expired",
)
ORDER_LINE = {
    "menu_item": integer,
    "name": text,
    "unit_price_paise": integer,
    "quantity": integer,
    "line_total_paise": integer,
}
ORDER = {
    "id": integer,
    "status": one_of(*ORDER_STATUSES),
    "vendor": integer,
    "student": integer,
    "slot": {"id": integer, "starts_at": moment, "ends_at": moment},
    "items": [ORDER_LINE],
    "total_paise": integer,
    "pickup_code": maybe(text),
    "estimated_ready_at": moment,
    "payment_due_by": maybe(moment),
    "created_at": moment,
    "updated_at": moment,
}
JOB_STATUSES = ("submitted", "accepted", "ready", "paid", "completed", "rejected", "cancelled")
PRINT_JOB = {
    "id": integer,
    "status": one_of(*JOB_STATUSES),
    "vendor": integer,
    "student": integer,
    "service": integer,
    "pages": integer,
    "copies": integer,
    "double_sided": boolean,
    "estimated_paise": integer,
    "amount_paise": maybe(integer),
    "is_paid": boolean,
    "created_at": moment,
}
CHECKOUT = {
    "payment_id": integer,
    "razorpay_order_id": text,
    "razorpay_key_id": text,
    "amount_paise": integer,
    "currency": one_of("INR"),
}
PAYMENT = {
    "id": integer,
    "status": one_of("created", "captured", "failed", "refunded", "partially_refunded"),
    "amount_paise": integer,
    "refunded_paise": integer,
    "razorpay_order_id": text,
    "razorpay_payment_id": maybe(text),
    "order": maybe(integer),
    "print_job": maybe(integer),
    "created_at": moment,
}
REFUND = {
    "id": integer,
    "payment": integer,
    "amount_paise": integer,
    "status": one_of("pending", "processed", "failed"),
    "razorpay_refund_id": maybe(text),
}
BALANCE = {
    "vendor": integer,
    "payable_paise": integer,
    "captured_paise": integer,
    "refunded_paise": integer,
    "paid_out_paise": integer,
}
ENTRY = {
    "id": integer,
    "transaction": integer,
    "account": lambda value: text(value) or integer(value),
    "amount_paise": integer,
    "kind": text,
    "reference": text,
    "created_at": moment,
}

# Every (method, path) of the contract, as the OpenAPI schema must list it.
CONTRACT_ROUTES = [
    ("post", "/auth/otp/request"),
    ("post", "/auth/otp/verify"),
    ("post", "/auth/logout"),
    ("get", "/me"),
    ("patch", "/me"),
    ("get", "/staff/vendors"),
    ("post", "/staff/vendors/{}/approve"),
    ("post", "/staff/users/{}/block"),
    ("post", "/staff/users/{}/unblock"),
    ("get", "/vendors"),
    ("get", "/vendors/{}"),
    ("get", "/vendors/{}/menu"),
    ("get", "/vendors/{}/slots"),
    ("patch", "/vendor/shop"),
    ("get", "/menu-items"),
    ("post", "/menu-items"),
    ("get", "/menu-items/{}"),
    ("patch", "/menu-items/{}"),
    ("delete", "/menu-items/{}"),
    ("get", "/slots"),
    ("post", "/slots"),
    ("get", "/slots/{}"),
    ("patch", "/slots/{}"),
    ("delete", "/slots/{}"),
    ("get", "/print-services"),
    ("post", "/print-services"),
    ("get", "/print-services/{}"),
    ("patch", "/print-services/{}"),
    ("delete", "/print-services/{}"),
    ("post", "/orders"),
    ("get", "/orders"),
    ("get", "/orders/{}"),
    ("post", "/orders/{}/pay"),
    ("post", "/orders/{}/cancel"),
    ("post", "/orders/{}/accept"),
    ("post", "/orders/{}/reject"),
    ("post", "/orders/{}/ready"),
    ("post", "/orders/{}/complete"),
    ("post", "/print-jobs"),
    ("get", "/print-jobs"),
    ("get", "/print-jobs/{}"),
    ("get", "/print-jobs/{}/file"),
    ("post", "/print-jobs/{}/accept"),
    ("post", "/print-jobs/{}/ready"),
    ("post", "/print-jobs/{}/pay"),
    ("post", "/print-jobs/{}/complete"),
    ("post", "/print-jobs/{}/reject"),
    ("post", "/print-jobs/{}/cancel"),
    ("post", "/payments/verify"),
    ("post", "/payments/webhooks/razorpay"),
    ("get", "/payments"),
    ("get", "/payments/{}"),
    ("post", "/payments/{}/refund"),
    ("get", "/ledger/balance"),
    ("get", "/ledger/entries"),
]

# Bare names that would hide money outside the `_paise` convention.
BARE_MONEY_KEYS = {"price", "amount", "total", "cost", "fee", "balance", "subtotal"}


# --- assertions --------------------------------------------------------------------


def assert_shape(value: Any, shape: Any, where: str = "body") -> None:
    """Every field of `shape` is there with its kind (extra fields are allowed)."""
    if isinstance(shape, dict):
        assert isinstance(value, dict), f"{where}: expected an object, got {value!r}"
        missing = sorted(set(shape) - set(value))
        assert not missing, f"{where}: missing {missing} in {sorted(value)}"
        for key, kind in shape.items():
            assert_shape(value[key], kind, f"{where}.{key}")
    elif isinstance(shape, list):
        assert isinstance(value, list), f"{where}: expected a list, got {value!r}"
        for index, item in enumerate(value):
            assert_shape(item, shape[0], f"{where}[{index}]")
    else:
        assert shape(value), f"{where}: {value!r} is not the agreed kind"


def assert_conventions(value: Any, where: str = "body") -> None:
    """Money is an integer in a `*_paise` field; `*_at`/`*_by` times carry an offset."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            assert_conventions(item, f"{where}[{index}]")
        return
    if not isinstance(value, dict):
        return
    for key, item in value.items():
        path = f"{where}.{key}"
        assert key not in BARE_MONEY_KEYS, f"{path}: money must be in a field ending _paise"
        if key.endswith("_paise"):
            assert item is None or integer(item), f"{path}: {item!r} is not integer paise"
        elif (key.endswith("_at") or key.endswith("_by")) and item is not None:
            assert moment(item), f"{path}: {item!r} is not ISO 8601 with an offset"
        assert_conventions(item, path)


def ok(response, status: int = 200, shape: Any = None) -> Any:
    """The answer has `status`, an `X-Request-ID`, follows the conventions and has `shape`."""
    body = response.json() if response.content else None
    assert response.status_code == status, (response.status_code, body)
    assert response.get("X-Request-ID"), "every response carries X-Request-ID"
    assert_conventions(body)
    if shape is not None:
        assert_shape(body, shape)
    return body


def page(response, shape: Any) -> dict:
    """A page of a list: count, next, previous, results (each with `shape`)."""
    body = ok(response)
    assert isinstance(body, dict) and {"count", "next", "previous", "results"} <= set(body), body
    assert integer(body["count"])
    assert maybe(text)(body["next"]) and maybe(text)(body["previous"])
    assert isinstance(body["results"], list)
    assert len(body["results"]) <= 100
    assert_shape(body["results"], [shape], "results")
    return body


def refused(response, status: int, code: str) -> dict:
    """The error envelope with `code` and `status`; its request_id is the X-Request-ID header."""
    body = response.json()
    assert response.status_code == status, (response.status_code, body)
    assert set(body) >= {"error", "request_id"}, body
    error = body["error"]
    assert error["code"] == code, body
    assert isinstance(error["message"], str) and error["message"], body
    assert isinstance(error["details"], dict), body
    assert body["request_id"] == response["X-Request-ID"], (body["request_id"], response["X-Request-ID"])
    return body


# --- helpers that act like a client ----------------------------------------------------


def request_code(client: APIClient, phone: str) -> str:
    """Ask for a sign-in code over HTTP and read it from the SMS that went out."""
    sms.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(f"{API}/auth/otp/request", {"phone": phone}, format="json")
    body = ok(response, 202, {"expires_in": integer, "resend_after": integer})
    assert body["expires_in"] == 300
    assert len(sms.outbox) == 1 and sms.outbox[0]["to"] == phone
    return re.search(r"\b(\d{6})\b", sms.outbox[0]["body"]).group(1)


def sign_in(phone: str, client: APIClient | None = None, **extra: Any) -> tuple[APIClient, dict]:
    client = client or APIClient()
    code = request_code(client, phone)
    response = client.post(f"{API}/auth/otp/verify", {"phone": phone, "code": code, **extra}, format="json")
    body = ok(response, 200, {"token": text, "user": USER})
    token_client = APIClient()
    token_client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    return token_client, body


def order_body(campus: Campus, **overrides: Any) -> dict:
    body = {
        "vendor": campus.food_a.pk,
        "slot": campus.slot_a.pk,
        "items": [{"menu_item": campus.item_a.pk, "quantity": 2}, {"menu_item": campus.item_a2.pk, "quantity": 1}],
    }
    body.update(overrides)
    return body


def pay_through_sandbox(client: APIClient, pay_path: str, *, amount: int) -> tuple[dict, dict]:
    """Open checkout, let the sandbox take the money, hand the signed result back: (checkout, payment)."""
    checkout = ok(client.post(pay_path), 200, CHECKOUT)
    assert checkout["amount_paise"] == amount
    signed = state.checkout_complete(checkout["razorpay_order_id"], succeed=True)
    payment = ok(client.post(f"{API}/payments/verify", signed, format="json"), 200, PAYMENT)
    assert payment["id"] == checkout["payment_id"]
    assert payment["status"] == "captured"
    return checkout, payment


def upload(pages: int = 2, name: str = "notes.pdf", content: bytes | None = None) -> io.BytesIO:
    handle = io.BytesIO(pdf_bytes(pages) if content is None else content)
    handle.name = name
    return handle


def sign_webhook(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def fresh_slot(vendor: User, *, capacity: int = 20, hours_ahead: int = 6) -> Slot:
    starts_at = timezone.now() + timedelta(hours=hours_ahead)
    return ordering_services.slot_create(
        vendor=vendor, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=30), capacity=capacity
    )


# --- health, schema, request ids, unknown paths ---------------------------------------------


def test_health_live_and_ready_bodies():
    client = Client()
    live = client.get("/health/live")
    assert ok(live) == {"status": "ok"}
    ready = client.get("/health/ready")
    body = ok(ready)
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "cache": "ok"}


def test_health_ready_is_503_naming_the_failing_check():
    with override_settings(CACHES=DEAD_CACHE):
        response = Client().get("/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] != "ok"
    refused(response, 503, "service_unavailable")


def test_schema_and_docs_answer_and_list_every_contract_route():
    client = APIClient()
    docs = client.get(f"{API}/docs/")
    assert docs.status_code == 200
    assert client.get(f"{API}/schema/").status_code == 200
    response = client.get(f"{API}/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    listed = {
        (method, re.sub(r"\{[^}]+\}", "{}", path).removeprefix(API))
        for path, operations in schema["paths"].items()
        for method in operations
    }
    missing = [route for route in CONTRACT_ROUTES if route not in listed]
    assert not missing, f"the schema does not list {missing}"


def test_request_id_is_echoed_or_generated_on_every_answer(campus):
    client = campus.client(STUDENT_A)
    echoed = client.get(f"{API}/me", HTTP_X_REQUEST_ID="contract-check-42")
    assert echoed["X-Request-ID"] == "contract-check-42"
    generated = client.get(f"{API}/me")
    assert generated["X-Request-ID"]
    failing = APIClient().get(f"{API}/me", HTTP_X_REQUEST_ID="contract-check-43")
    body = refused(failing, 401, "not_authenticated")
    assert body["request_id"] == "contract-check-43"
    assert Client().get("/health/live", HTTP_X_REQUEST_ID="contract-check-44")["X-Request-ID"] == "contract-check-44"


def test_request_id_with_other_printable_characters_is_echoed():
    response = Client().get("/health/live", HTTP_X_REQUEST_ID="web:7f3a/1")
    assert response["X-Request-ID"] == "web:7f3a/1"


def test_unknown_api_path_is_a_404_envelope():
    refused(APIClient().get(f"{API}/no-such-thing"), 404, "not_found")


def test_a_method_the_endpoint_does_not_have_is_refused_in_the_envelope(campus):
    response = campus.client(FOOD_A).put(f"{API}/menu-items/{campus.item_a.pk}", {"name": "x"}, format="json")
    assert response.status_code == 405
    refused(response, 405, response.json()["error"]["code"])


# --- auth and accounts -----------------------------------------------------------------


def test_sign_up_sign_in_me_and_logout_over_http(settings):
    settings.OTP_RESEND_SECONDS = 0
    student, body = sign_in("+919811100001", name="Asha")
    assert body["user"]["role"] == "student"
    assert body["user"]["name"] == "Asha"
    assert body["user"]["phone"] == "+919811100001"
    me = ok(student.get(f"{API}/me"), 200, USER)
    assert me["id"] == body["user"]["id"]
    patched = ok(student.patch(f"{API}/me", {"name": "Asha K"}, format="json"), 200, USER)
    assert patched["name"] == "Asha K"
    refused(student.patch(f"{API}/me", {"name": ""}, format="json"), 400, "validation_error")

    # A new vendor starts unapproved, with the type it asked for.
    _, vendor = sign_in("+919811100002", name="Ravi", role="vendor", shop_name="Ravi's Rolls", vendor_type="food")
    assert vendor["user"]["role"] == "vendor"
    assert vendor["user"]["vendor_type"] == "food"
    assert vendor["user"]["is_approved"] is False
    refused(
        APIClient().post(
            f"{API}/auth/otp/verify",
            {"phone": "+919811100003", "code": "123456", "role": "vendor"},
            format="json",
        ),
        400,
        "validation_error",
    )

    # Signing in again with an existing phone gives the same account.
    _, again = sign_in("+919811100001", role="vendor", shop_name="Ignored", vendor_type="food")
    assert again["user"]["id"] == body["user"]["id"] and again["user"]["role"] == "student"

    response = student.post(f"{API}/auth/logout")
    assert response.status_code == 204
    refused(student.get(f"{API}/me"), 401, "authentication_failed")


def test_otp_refusals():
    client = APIClient()
    refused(client.post(f"{API}/auth/otp/request", {"phone": "12"}, format="json"), 400, "validation_error")
    body = refused(client.post(f"{API}/auth/otp/request", {}, format="json"), 400, "validation_error")
    assert "phone" in body["error"]["details"]
    code = request_code(client, "+919811100010")
    wrong = "000000" if code != "000000" else "111111"
    refused(
        client.post(f"{API}/auth/otp/verify", {"phone": "+919811100010", "code": wrong}, format="json"),
        400,
        "invalid_otp",
    )


def test_expired_code_is_refused_with_400_invalid_otp(monkeypatch):
    """The contract lists `otp_expired`; the implementation deliberately answers `invalid_otp`
    for every bad code (wrong, expired, used, never asked for) so the answer tells an attacker
    nothing. Both are 400: the status holds, and the code is the anti-enumeration one."""
    client = APIClient()
    code = request_code(client, "+919811100011")
    later = time.time() + 301
    monkeypatch.setattr(otp_module, "clock", lambda: later)
    response = client.post(f"{API}/auth/otp/verify", {"phone": "+919811100011", "code": code}, format="json")
    refused(response, 400, "invalid_otp")


def test_blocked_account_cannot_sign_in_or_use_its_token(campus):
    refused(campus.client(BLOCKED).get(f"{API}/me"), 403, "account_blocked")
    client = APIClient()
    phone = campus.blocked.phone
    code = request_code(client, phone)
    refused(
        client.post(f"{API}/auth/otp/verify", {"phone": phone, "code": code}, format="json"), 403, "account_blocked"
    )


def test_unauthenticated_and_bad_token_are_401():
    refused(APIClient().get(f"{API}/me"), 401, "not_authenticated")
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    refused(bad.get(f"{API}/me"), 401, "authentication_failed")


def test_otp_requests_are_rate_limited_with_retry_after(settings):
    client = APIClient()
    request_code(client, "+919811100020")
    response = client.post(f"{API}/auth/otp/request", {"phone": "+919811100020"}, format="json")
    refused(response, 429, "rate_limited")
    assert int(response["Retry-After"]) > 0

    # The per-phone window from RATE_LIMIT_OTP_PHONE, with the resend cool-down out of the way.
    settings.OTP_RESEND_SECONDS = 0
    settings.RATE_LIMIT_OTP_PHONE = "2/m"
    for _ in range(2):
        assert client.post(f"{API}/auth/otp/request", {"phone": "+919811100021"}, format="json").status_code == 202
    response = client.post(f"{API}/auth/otp/request", {"phone": "+919811100021"}, format="json")
    refused(response, 429, "rate_limited")
    assert int(response["Retry-After"]) > 0


def test_otp_ip_limit_believes_forwarded_for_only_behind_trusted_proxies(settings):
    settings.RATE_LIMIT_OTP_IP = "2/m"
    client = APIClient()
    # No trusted proxy: X-Forwarded-For is the client's own say-so and changes nothing.
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(2):
        response = client.post(
            f"{API}/auth/otp/request", {"phone": f"+91981110006{n}"}, format="json", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}"
        )
        assert response.status_code == 202
    response = client.post(
        f"{API}/auth/otp/request", {"phone": "+919811100069"}, format="json", HTTP_X_FORWARDED_FOR="10.0.0.9"
    )
    refused(response, 429, "rate_limited")
    assert int(response["Retry-After"]) > 0
    # One trusted proxy: the address it saw is the client, so another address has its own budget.
    settings.TRUSTED_PROXY_COUNT = 1
    response = client.post(
        f"{API}/auth/otp/request", {"phone": "+919811100070"}, format="json", HTTP_X_FORWARDED_FOR="10.0.0.77"
    )
    assert response.status_code == 202, response.json()


def test_otp_request_without_cache_is_503():
    with override_settings(CACHES=DEAD_CACHE):
        response = APIClient().post(f"{API}/auth/otp/request", {"phone": "+919811100030"}, format="json")
    refused(response, 503, "service_unavailable")


def test_session_path_needs_the_csrf_token_for_unsafe_calls():
    browser = APIClient(enforce_csrf_checks=True)
    sign_in("+919811100040", client=browser, name="Session User")
    # The session alone (no token header) reads...
    me = ok(browser.get(f"{API}/me"), 200, USER)
    assert me["name"] == "Session User"
    # ...but an unsafe call without the CSRF token is refused and changes nothing.
    refused(browser.patch(f"{API}/me", {"name": "Forged"}, format="json"), 403, "permission_denied")
    assert User.objects.get(phone="+919811100040").name == "Session User"
    token = browser.cookies["csrftoken"].value
    patched = ok(browser.patch(f"{API}/me", {"name": "Real"}, format="json", HTTP_X_CSRFTOKEN=token), 200, USER)
    assert patched["name"] == "Real"


def test_staff_vendor_and_user_endpoints(campus):
    staff = campus.client(STAFF)
    body = page(staff.get(f"{API}/staff/vendors", {"is_approved": "false"}), USER)
    ids = {row["id"] for row in body["results"]}
    assert campus.unapproved.pk in ids and campus.food_a.pk not in ids
    pending = next(row for row in body["results"] if row["id"] == campus.unapproved.pk)
    assert pending["is_approved"] is False and "shop" in pending

    approved = ok(staff.post(f"{API}/staff/vendors/{campus.unapproved.pk}/approve"), 200, USER)
    assert approved["is_approved"] is True

    blocked = ok(
        staff.post(f"{API}/staff/users/{campus.student_b.pk}/block", {"reason": "test"}, format="json"), 200, USER
    )
    assert blocked["is_active"] is False
    refused(campus.client(STUDENT_B).get(f"{API}/me"), 403, "account_blocked")
    unblocked = ok(staff.post(f"{API}/staff/users/{campus.student_b.pk}/unblock", {}, format="json"), 200, USER)
    assert unblocked["is_active"] is True

    # Blocking also ends the user's browser session.
    browser = APIClient()
    _, signed_in = sign_in("+919811100050", client=browser)
    assert browser.get(f"{API}/me").status_code == 200
    ok(staff.post(f"{API}/staff/users/{signed_in['user']['id']}/block", {"reason": "test"}, format="json"), 200, USER)
    after = browser.get(f"{API}/me")
    assert after.status_code in (401, 403)
    refused(after, after.status_code, after.json()["error"]["code"])

    refused(campus.client(STUDENT_A).get(f"{API}/staff/vendors"), 403, "permission_denied")
    refused(APIClient().get(f"{API}/staff/vendors"), 401, "not_authenticated")
    refused(staff.post(f"{API}/staff/vendors/999999999/approve"), 404, "not_found")


# --- shops, menus, slots, print services --------------------------------------------------


def test_public_vendor_directory(campus):
    anyone = APIClient()
    food = page(anyone.get(f"{API}/vendors", {"type": "food"}), VENDOR)
    ids = {row["id"] for row in food["results"]}
    assert {campus.food_a.pk, campus.food_b.pk} <= ids
    assert campus.unapproved.pk not in ids and campus.stationery.pk not in ids
    assert all(row["vendor_type"] == "food" for row in food["results"])
    stationery = page(anyone.get(f"{API}/vendors", {"type": "stationery"}), VENDOR)
    assert campus.stationery.pk in {row["id"] for row in stationery["results"]}

    one = ok(anyone.get(f"{API}/vendors/{campus.food_a.pk}"), 200, VENDOR)
    assert one["id"] == campus.food_a.pk and one["shop_name"] == "Canteen A"
    refused(anyone.get(f"{API}/vendors/{campus.unapproved.pk}"), 404, "not_found")

    menu = ok(anyone.get(f"{API}/vendors/{campus.food_a.pk}/menu"), 200, [MENU_ITEM])
    assert isinstance(menu, list), "the menu is a plain list, not a page"
    assert {campus.item_a.pk, campus.item_a2.pk} <= {item["id"] for item in menu}
    assert all(item["is_available"] for item in menu)

    hidden = fresh_slot(campus.food_a, hours_ahead=8)
    Slot.objects.filter(pk=hidden.pk).update(is_active=False)
    slots = page(anyone.get(f"{API}/vendors/{campus.food_a.pk}/slots"), SLOT)
    listed = {row["id"] for row in slots["results"]}
    assert hidden.pk not in listed, "only open slots are offered"
    assert all(moment(row["starts_at"]) and row["is_active"] for row in slots["results"])
    row = next(row for row in slots["results"] if row["id"] == campus.slot_a.pk)
    assert row["remaining"] == row["capacity"] - row["reserved"]
    assert row["reserved"] >= 1


def test_vendor_shop_patch(campus):
    vendor = campus.client(FOOD_A)
    changed = ok(
        vendor.patch(
            f"{API}/vendor/shop", {"shop_name": "Canteen A+", "description": "Dosas", "is_open": False}, format="json"
        ),
        200,
        VENDOR,
    )
    assert (changed["shop_name"], changed["description"], changed["is_open"]) == ("Canteen A+", "Dosas", False)
    refused(
        campus.client(STUDENT_A).patch(f"{API}/vendor/shop", {"is_open": True}, format="json"), 403, "permission_denied"
    )
    refused(
        campus.client(UNAPPROVED).patch(f"{API}/vendor/shop", {"is_open": True}, format="json"),
        403,
        "vendor_not_approved",
    )
    refused(APIClient().patch(f"{API}/vendor/shop", {"is_open": True}, format="json"), 401, "not_authenticated")


def test_menu_items_read_and_write(campus):
    anyone = APIClient()
    listed = page(anyone.get(f"{API}/menu-items", {"vendor": campus.food_a.pk}), MENU_ITEM)
    assert listed["results"] and all(row["vendor"] == campus.food_a.pk for row in listed["results"])
    ok(anyone.get(f"{API}/menu-items/{campus.item_a.pk}"), 200, MENU_ITEM)

    vendor = campus.client(FOOD_A)
    created = ok(
        vendor.post(
            f"{API}/menu-items",
            {"name": "Idli", "description": "Two", "price_paise": 3000, "category": "Tiffin"},
            format="json",
        ),
        201,
        MENU_ITEM,
    )
    assert created["vendor"] == campus.food_a.pk and created["price_paise"] == 3000
    changed = ok(
        vendor.patch(f"{API}/menu-items/{created['id']}", {"price_paise": 3500}, format="json"), 200, MENU_ITEM
    )
    assert changed["price_paise"] == 3500
    body = refused(
        vendor.post(f"{API}/menu-items", {"name": "Vada", "price_paise": "ten"}, format="json"), 400, "validation_error"
    )
    assert "price_paise" in body["error"]["details"]

    # Another vendor's item: refused, unchanged.
    other = campus.client(FOOD_B).patch(f"{API}/menu-items/{created['id']}", {"price_paise": 1}, format="json")
    assert other.status_code in (403, 404)
    refused(other, other.status_code, "not_found" if other.status_code == 404 else other.json()["error"]["code"])
    assert MenuItem.objects.get(pk=created["id"]).price_paise == 3500

    refused(
        campus.client(STATIONERY).post(f"{API}/menu-items", {"name": "X", "price_paise": 100}, format="json"),
        403,
        "wrong_vendor_type",
    )
    refused(
        campus.client(UNAPPROVED).post(f"{API}/menu-items", {"name": "X", "price_paise": 100}, format="json"),
        403,
        "vendor_not_approved",
    )
    refused(
        campus.client(STUDENT_A).post(f"{API}/menu-items", {"name": "X", "price_paise": 100}, format="json"),
        403,
        "permission_denied",
    )

    assert vendor.delete(f"{API}/menu-items/{created['id']}").status_code == 204
    gone = anyone.get(f"{API}/vendors/{campus.food_a.pk}/menu").json()
    assert created["id"] not in {item["id"] for item in gone}


def test_slots_read_and_write(campus):
    anyone = APIClient()
    page(anyone.get(f"{API}/slots", {"vendor": campus.food_a.pk}), SLOT)
    one = ok(anyone.get(f"{API}/slots/{campus.slot_a.pk}"), 200, SLOT)
    assert one["remaining"] == one["capacity"] - one["reserved"]

    vendor = campus.client(FOOD_A)
    starts = timezone.localtime() + timedelta(days=2)
    created = ok(
        vendor.post(
            f"{API}/slots",
            {"starts_at": starts.isoformat(), "ends_at": (starts + timedelta(minutes=30)).isoformat(), "capacity": 8},
            format="json",
        ),
        201,
        SLOT,
    )
    assert (created["capacity"], created["reserved"], created["remaining"]) == (8, 0, 8)
    changed = ok(vendor.patch(f"{API}/slots/{created['id']}", {"capacity": 5}, format="json"), 200, SLOT)
    assert changed["capacity"] == 5 and changed["remaining"] == 5

    # Capacity may not drop below what is reserved.
    reserved = Slot.objects.get(pk=campus.slot_a.pk).reserved
    below = vendor.patch(f"{API}/slots/{campus.slot_a.pk}", {"capacity": reserved - 1}, format="json")
    assert below.status_code in (400, 409), below.json()
    assert Slot.objects.get(pk=campus.slot_a.pk).capacity == 50

    # A slot with live orders cannot be deleted; an empty one can.
    response = vendor.delete(f"{API}/slots/{campus.slot_a.pk}")
    assert response.status_code == 409
    refused(response, 409, response.json()["error"]["code"])
    assert vendor.delete(f"{API}/slots/{created['id']}").status_code == 204

    other = campus.client(FOOD_B).patch(f"{API}/slots/{campus.slot_a_empty.pk}", {"capacity": 1}, format="json")
    assert other.status_code in (403, 404)
    assert Slot.objects.get(pk=campus.slot_a_empty.pk).capacity == 50


def test_print_services_read_and_write(campus):
    anyone = APIClient()
    listed = page(anyone.get(f"{API}/print-services", {"vendor": campus.stationery.pk}), PRINT_SERVICE)
    assert campus.service.pk in {row["id"] for row in listed["results"]}
    ok(anyone.get(f"{API}/print-services/{campus.service.pk}"), 200, PRINT_SERVICE)

    vendor = campus.client(STATIONERY)
    created = ok(
        vendor.post(
            f"{API}/print-services",
            {"name": "Colour page", "unit": "page", "price_paise": 1000, "is_colour": True},
            format="json",
        ),
        201,
        PRINT_SERVICE,
    )
    assert created["vendor"] == campus.stationery.pk and created["is_colour"] is True
    changed = ok(
        vendor.patch(f"{API}/print-services/{created['id']}", {"is_available": False}, format="json"),
        200,
        PRINT_SERVICE,
    )
    assert changed["is_available"] is False
    refused(
        campus.client(FOOD_A).post(f"{API}/print-services", {"name": "X", "price_paise": 100}, format="json"),
        403,
        "wrong_vendor_type",
    )
    assert vendor.delete(f"{API}/print-services/{created['id']}").status_code == 204


# --- pagination --------------------------------------------------------------------------


def test_lists_are_pages_of_at_most_100(campus):
    MenuItem.objects.bulk_create(
        MenuItem(vendor=campus.food_a, name=f"Item {n}", price_paise=1000 + n, is_available=True, category="Bulk")
        for n in range(105)
    )
    anyone = APIClient()
    big = page(anyone.get(f"{API}/menu-items", {"vendor": campus.food_a.pk, "page_size": 1000}), MENU_ITEM)
    assert big["count"] >= 107
    assert len(big["results"]) == 100
    assert big["next"] and big["previous"] is None
    second = page(anyone.get(f"{API}/menu-items", {"vendor": campus.food_a.pk, "page_size": 100, "page": 2}), MENU_ITEM)
    assert second["previous"] and len(second["results"]) == big["count"] - 100
    small = page(anyone.get(f"{API}/menu-items", {"vendor": campus.food_a.pk, "page_size": 5, "page": 3}), MENU_ITEM)
    assert len(small["results"]) == 5 and small["next"] and small["previous"]

    # The menu of a vendor is one plain list, however long.
    menu = ok(anyone.get(f"{API}/vendors/{campus.food_a.pk}/menu"), 200, [MENU_ITEM])
    assert isinstance(menu, list) and len(menu) >= 107


@pytest.mark.parametrize(
    ("actor", "path", "shape"),
    [
        (None, "/vendors", VENDOR),
        (None, "/menu-items", MENU_ITEM),
        (None, "/slots", SLOT),
        (None, "/print-services", PRINT_SERVICE),
        (None, "/vendors/{food_a}/slots", SLOT),
        (STUDENT_A, "/orders", ORDER),
        (FOOD_A, "/orders", ORDER),
        (STUDENT_A, "/print-jobs", PRINT_JOB),
        (STATIONERY, "/print-jobs", PRINT_JOB),
        (STUDENT_A, "/payments", PAYMENT),
        (STAFF, "/payments", PAYMENT),
        (FOOD_A, "/ledger/entries", ENTRY),
        (STAFF, "/ledger/entries", ENTRY),
        (STAFF, "/staff/vendors", USER),
    ],
)
def test_every_list_is_a_page(campus, actor, path, shape):
    client = campus.client(actor) if actor else APIClient()
    url = API + path.format(food_a=campus.food_a.pk)
    full = page(client.get(url, {"page_size": 1000}), shape)
    assert full["count"] >= 1, f"{url} should list something for {actor}"
    first = page(client.get(url, {"page_size": 1}), shape)
    assert len(first["results"]) == 1
    assert first["count"] == full["count"]
    if full["count"] > 1:
        assert first["next"]
        assert page(client.get(url, {"page_size": 1, "page": 2}), shape)["previous"]


# --- orders --------------------------------------------------------------------------------


def test_order_lifecycle_with_pickup_code_rules(campus, sandbox):
    student = campus.client(STUDENT_A)
    vendor = campus.client(FOOD_A)
    placed = ok(student.post(f"{API}/orders", order_body(campus, note="less spicy"), format="json"), 201, ORDER)
    assert placed["status"] == "pending_payment"
    assert placed["vendor"] == campus.food_a.pk and placed["student"] == campus.student_a.pk
    assert placed["slot"]["id"] == campus.slot_a.pk
    assert placed["total_paise"] == 2 * 6000 + 2000
    assert [line["line_total_paise"] for line in placed["items"]] == [12000, 2000]
    assert moment(placed["payment_due_by"])
    assert placed["pickup_code"] is None, "no pickup code before payment"

    listed = page(student.get(f"{API}/orders", {"status": "pending_payment", "slot": campus.slot_a.pk}), ORDER)
    assert placed["id"] in {row["id"] for row in listed["results"]}
    assert all(row["status"] == "pending_payment" for row in listed["results"])

    _, payment = pay_through_sandbox(student, f"{API}/orders/{placed['id']}/pay", amount=placed["total_paise"])
    assert payment["order"] == placed["id"] and payment["print_job"] is None

    mine = ok(student.get(f"{API}/orders/{placed['id']}"), 200, ORDER)
    assert mine["status"] == "paid"
    assert isinstance(mine["pickup_code"], str) and mine["pickup_code"]
    theirs = ok(vendor.get(f"{API}/orders/{placed['id']}"), 200, ORDER)
    assert theirs["pickup_code"] is None, "the vendor never sees the pickup code"
    for row in page(vendor.get(f"{API}/orders", {"page_size": 100}), ORDER)["results"]:
        assert row.get("pickup_code") is None
    refused(campus.client(STUDENT_B).get(f"{API}/orders/{placed['id']}"), 404, "not_found")
    refused(campus.client(FOOD_B).get(f"{API}/orders/{placed['id']}"), 404, "not_found")

    assert ok(vendor.post(f"{API}/orders/{placed['id']}/accept"), 200, ORDER)["status"] == "accepted"
    sms.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        ready = ok(vendor.post(f"{API}/orders/{placed['id']}/ready"), 200, ORDER)
    assert ready["status"] == "ready"
    assert [message["to"] for message in sms.outbox] == [campus.student_a.phone]
    wrong = "000000" if mine["pickup_code"] != "000000" else "111111"
    refused(
        vendor.post(f"{API}/orders/{placed['id']}/complete", {"pickup_code": wrong}, format="json"),
        400,
        "invalid_pickup_code",
    )
    done = ok(
        vendor.post(f"{API}/orders/{placed['id']}/complete", {"pickup_code": mine["pickup_code"]}, format="json"),
        200,
        ORDER,
    )
    assert done["status"] == "completed"
    assert done["pickup_code"] is None


def test_order_cancel_and_reject(campus, sandbox):
    student = campus.client(STUDENT_A)
    vendor = campus.client(FOOD_A)
    cancelled = ok(student.post(f"{API}/orders/{campus.order_pending.pk}/cancel"), 200, ORDER)
    assert cancelled["status"] == "cancelled"

    placed = ok(student.post(f"{API}/orders", order_body(campus), format="json"), 201, ORDER)
    _, payment = pay_through_sandbox(student, f"{API}/orders/{placed['id']}/pay", amount=placed["total_paise"])
    refused(vendor.post(f"{API}/orders/{placed['id']}/reject", {}, format="json"), 400, "validation_error")
    with TestCase.captureOnCommitCallbacks(execute=True):
        rejected = ok(
            vendor.post(f"{API}/orders/{placed['id']}/reject", {"reason": "Out of batter"}, format="json"), 200, ORDER
        )
    assert rejected["status"] == "rejected"
    # The full refund was started.
    after = ok(student.get(f"{API}/payments/{payment['id']}"), 200, PAYMENT)
    assert after["refunded_paise"] == payment["amount_paise"]
    assert after["status"] == "refunded"

    # Cancelling a paid order starts its refund.
    placed = ok(student.post(f"{API}/orders", order_body(campus), format="json"), 201, ORDER)
    _, payment = pay_through_sandbox(student, f"{API}/orders/{placed['id']}/pay", amount=placed["total_paise"])
    with TestCase.captureOnCommitCallbacks(execute=True):
        cancelled = ok(student.post(f"{API}/orders/{placed['id']}/cancel"), 200, ORDER)
    assert cancelled["status"] == "cancelled"
    assert ok(student.get(f"{API}/payments/{payment['id']}"), 200, PAYMENT)["refunded_paise"] == payment["amount_paise"]

    # Not after accepted: a student cannot cancel an accepted order.
    refused(student.post(f"{API}/orders/{campus.order_accepted.pk}/cancel"), 409, "invalid_transition")


def test_order_refusals(campus, sandbox):
    student = campus.client(STUDENT_A)
    body = refused(student.post(f"{API}/orders", order_body(campus, items=[]), format="json"), 400, "validation_error")
    assert "items" in body["error"]["details"]
    body = refused(
        student.post(
            f"{API}/orders", order_body(campus, items=[{"menu_item": campus.item_a.pk, "quantity": 21}]), format="json"
        ),
        400,
        "validation_error",
    )
    assert "items" in body["error"]["details"]
    too_many = [{"menu_item": 900000 + n, "quantity": 1} for n in range(31)]
    refused(student.post(f"{API}/orders", order_body(campus, items=too_many), format="json"), 400, "validation_error")
    duplicate = [{"menu_item": campus.item_a.pk, "quantity": 1}] * 2
    refused(student.post(f"{API}/orders", order_body(campus, items=duplicate), format="json"), 400, "validation_error")
    refused(campus.client(FOOD_A).post(f"{API}/orders", order_body(campus), format="json"), 403, "permission_denied")

    full = fresh_slot(campus.food_a, capacity=1)
    ordering_services.order_place(
        student=campus.student_b,
        vendor_id=campus.food_a.pk,
        slot_id=full.pk,
        lines=[ordering_services.OrderLine(menu_item_id=campus.item_a.pk, quantity=1)],
    )
    refused(student.post(f"{API}/orders", order_body(campus, slot=full.pk), format="json"), 409, "slot_full")

    closed = fresh_slot(campus.food_a, hours_ahead=7)  # not on top of `full`: one vendor's slots never overlap
    Slot.objects.filter(pk=closed.pk).update(is_active=False)
    refused(student.post(f"{API}/orders", order_body(campus, slot=closed.pk), format="json"), 409, "slot_closed")

    MenuItem.objects.filter(pk=campus.item_a2.pk).update(is_available=False)
    refused(student.post(f"{API}/orders", order_body(campus), format="json"), 409, "item_unavailable")

    Shop.objects.filter(vendor=campus.food_b).update(is_open=False)
    at_b = {
        "vendor": campus.food_b.pk,
        "slot": campus.slot_b.pk,
        "items": [{"menu_item": campus.item_b.pk, "quantity": 1}],
    }
    refused(student.post(f"{API}/orders", at_b, format="json"), 409, "shop_closed")

    vendor = campus.client(FOOD_A)
    refused(vendor.post(f"{API}/orders/{campus.order_pending.pk}/accept"), 409, "invalid_transition")
    refused(vendor.post(f"{API}/orders/{campus.order_paid.pk}/ready"), 409, "invalid_transition")
    refused(student.post(f"{API}/orders/{campus.order_paid.pk}/pay"), 409, "already_paid")
    refused(student.get(f"{API}/orders/{campus.order_b_at_b.pk}"), 404, "not_found")
    refused(campus.client(STUDENT_B).post(f"{API}/orders/{campus.order_pending.pk}/pay"), 404, "not_found")


@pytest.mark.parametrize(
    ("actor", "path"),
    [
        pytest.param(STUDENT_B, "/orders/{order}", id="other-student-order"),
        pytest.param(FOOD_B, "/orders/{order}", id="other-food-vendor-order"),
        pytest.param(STAFF, "/orders/{order}", id="staff-order"),
        pytest.param(
            STATIONERY,
            "/orders/{order}",
            id="stationery-order",
        ),
        pytest.param(
            UNAPPROVED,
            "/orders/{order}",
            id="unapproved-order",
        ),
        pytest.param(STUDENT_B, "/print-jobs/{job}/file", id="other-student-file"),
        pytest.param(STUDENT_B, "/print-jobs/{job}", id="other-student-job"),
        pytest.param(FOOD_A, "/print-jobs/{job}", id="food-vendor-job"),
        pytest.param(
            STAFF,
            "/print-jobs/{job}/file",
            id="staff-file",
        ),
        pytest.param(
            FOOD_A,
            "/print-jobs/{job}/file",
            id="food-vendor-file",
        ),
    ],
)
def test_anyone_else_gets_404_for_an_order_or_a_print_file(campus, actor, path):
    url = API + path.format(order=campus.order_pending.pk, job=campus.job_submitted.pk)
    refused(campus.client(actor).get(url), 404, "not_found")


def test_order_idempotency_key(campus):
    student = campus.client(STUDENT_A)
    body = order_body(campus)
    first = student.post(f"{API}/orders", body, format="json", HTTP_IDEMPOTENCY_KEY="contract-order-1")
    ok(first, 201, ORDER)
    again = student.post(f"{API}/orders", body, format="json", HTTP_IDEMPOTENCY_KEY="contract-order-1")
    assert again.status_code == 201 and again.json() == first.json()
    assert Order.objects.filter(student=campus.student_a, pk__gte=first.json()["id"]).count() == 1
    other = order_body(campus, items=[{"menu_item": campus.item_a.pk, "quantity": 3}])
    refused(
        student.post(f"{API}/orders", other, format="json", HTTP_IDEMPOTENCY_KEY="contract-order-1"),
        409,
        "idempotency_conflict",
    )
    # Keys belong to their user: another student's same key is a new request.
    theirs = campus.client(STUDENT_B).post(
        f"{API}/orders", other, format="json", HTTP_IDEMPOTENCY_KEY="contract-order-1"
    )
    body = ok(theirs, 201, ORDER)
    assert body["student"] == campus.student_b.pk and body["id"] != first.json()["id"]


def test_pay_idempotency_key_and_gateway_error(campus, sandbox):
    student = campus.client(STUDENT_A)
    order_id = campus.order_pending.pk
    first = student.post(f"{API}/orders/{order_id}/pay", HTTP_IDEMPOTENCY_KEY="contract-pay-1")
    ok(first, 200, CHECKOUT)
    again = student.post(f"{API}/orders/{order_id}/pay", HTTP_IDEMPOTENCY_KEY="contract-pay-1")
    assert again.status_code == 200 and again.json() == first.json()
    refused(
        student.post(f"{API}/orders/{order_id}/pay", {"x": 1}, format="json", HTTP_IDEMPOTENCY_KEY="contract-pay-1"),
        409,
        "idempotency_conflict",
    )

    state.set_fault("error")
    refused(student.post(f"{API}/orders/{campus.order_b_at_a.pk}/pay"), 404, "not_found")
    refused(campus.client(STUDENT_B).post(f"{API}/orders/{campus.order_b_at_a.pk}/pay"), 502, "gateway_error")


# --- print jobs ------------------------------------------------------------------------------


def test_print_job_lifecycle(campus, sandbox):
    student = campus.client(STUDENT_A)
    vendor = campus.client(STATIONERY)
    form = {"file": upload(3), "service": campus.service.pk, "copies": 2, "double_sided": "false", "note": "staple"}
    job = ok(student.post(f"{API}/print-jobs", form, format="multipart"), 201, PRINT_JOB)
    assert (job["status"], job["pages"], job["copies"], job["double_sided"], job["is_paid"]) == (
        "submitted",
        3,
        2,
        False,
        False,
    )
    assert job["estimated_paise"] == 3 * 2 * 200
    assert job["vendor"] == campus.stationery.pk and job["service"] == campus.service.pk

    assert job["id"] in {row["id"] for row in page(student.get(f"{API}/print-jobs"), PRINT_JOB)["results"]}
    assert job["id"] in {row["id"] for row in page(vendor.get(f"{API}/print-jobs"), PRINT_JOB)["results"]}
    ok(vendor.get(f"{API}/print-jobs/{job['id']}"), 200, PRINT_JOB)
    for client in (student, vendor):
        pdf = client.get(f"{API}/print-jobs/{job['id']}/file")
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    refused(campus.client(STUDENT_B).get(f"{API}/print-jobs/{job['id']}/file"), 404, "not_found")
    refused(campus.client(STUDENT_B).get(f"{API}/print-jobs/{job['id']}"), 404, "not_found")

    refused(student.post(f"{API}/print-jobs/{job['id']}/pay"), 409, "invalid_transition")
    assert ok(vendor.post(f"{API}/print-jobs/{job['id']}/accept"), 200, PRINT_JOB)["status"] == "accepted"
    sms.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        ready = ok(
            vendor.post(f"{API}/print-jobs/{job['id']}/ready", {"amount_paise": 1100}, format="json"), 200, PRINT_JOB
        )
    assert (ready["status"], ready["amount_paise"]) == ("ready", 1100)
    assert [message["to"] for message in sms.outbox] == [campus.student_a.phone]

    _, payment = pay_through_sandbox(student, f"{API}/print-jobs/{job['id']}/pay", amount=1100)
    assert payment["print_job"] == job["id"] and payment["order"] is None
    paid = ok(student.get(f"{API}/print-jobs/{job['id']}"), 200, PRINT_JOB)
    assert (paid["status"], paid["is_paid"]) == ("paid", True)
    refused(student.post(f"{API}/print-jobs/{job['id']}/cancel"), 409, "invalid_transition")
    code = {"pickup_code": paid["pickup_code"]}
    assert (
        ok(vendor.post(f"{API}/print-jobs/{job['id']}/complete", code, format="json"), 200, PRINT_JOB)["status"]
        == "completed"
    )

    rejected = ok(
        vendor.post(f"{API}/print-jobs/{campus.job_submitted.pk}/reject", {"reason": "Blurry"}, format="json"),
        200,
        PRINT_JOB,
    )
    assert rejected["status"] == "rejected"
    cancelled = ok(student.post(f"{API}/print-jobs/{campus.job_accepted.pk}/cancel"), 200, PRINT_JOB)
    assert cancelled["status"] == "cancelled"


def test_print_job_refusals_and_idempotency(campus, settings):
    student = campus.client(STUDENT_A)
    form = {
        "file": upload(content=b"hello, not a pdf", name="notes.pdf"),
        "service": campus.service.pk,
        "copies": 1,
        "double_sided": "false",
    }
    refused(student.post(f"{API}/print-jobs", form, format="multipart"), 400, "invalid_file")
    form = {"file": upload(), "service": campus.service.pk, "copies": 101, "double_sided": "false"}
    body = refused(student.post(f"{API}/print-jobs", form, format="multipart"), 400, "validation_error")
    assert "copies" in body["error"]["details"]
    refused(
        campus.client(FOOD_A).post(
            f"{API}/print-jobs", {"file": upload(), "service": campus.service.pk}, format="multipart"
        ),
        403,
        "permission_denied",
    )

    settings.PRINT_MAX_UPLOAD_MB = 1
    big = pdf_bytes(1) + b"%" + b"x" * (1024 * 1024 + 10)
    form = {"file": upload(content=big), "service": campus.service.pk, "copies": 1, "double_sided": "false"}
    refused(student.post(f"{API}/print-jobs", form, format="multipart"), 413, "file_too_large")
    settings.PRINT_MAX_UPLOAD_MB = 20

    content = pdf_bytes(2)
    first = student.post(
        f"{API}/print-jobs",
        {"file": upload(content=content), "service": campus.service.pk, "copies": 1, "double_sided": "false"},
        format="multipart",
        HTTP_IDEMPOTENCY_KEY="contract-job-1",
    )
    ok(first, 201, PRINT_JOB)
    again = student.post(
        f"{API}/print-jobs",
        {"file": upload(content=content), "service": campus.service.pk, "copies": 1, "double_sided": "false"},
        format="multipart",
        HTTP_IDEMPOTENCY_KEY="contract-job-1",
    )
    assert again.status_code == 201 and again.json() == first.json()
    refused(
        student.post(
            f"{API}/print-jobs",
            {"file": upload(content=content), "service": campus.service.pk, "copies": 4, "double_sided": "false"},
            format="multipart",
            HTTP_IDEMPOTENCY_KEY="contract-job-1",
        ),
        409,
        "idempotency_conflict",
    )

    refused(
        campus.client(STATIONERY).post(f"{API}/print-jobs/{campus.job_paid.pk}/reject", {"reason": "x"}, format="json"),
        409,
        "invalid_transition",
    )
    refused(campus.client(STUDENT_A).post(f"{API}/print-jobs/{campus.job_paid.pk}/pay"), 409, "already_paid")


# --- payments --------------------------------------------------------------------------------


def test_payments_reads_refunds_and_their_rules(campus, sandbox):
    student = campus.client(STUDENT_A)
    staff = campus.client(STAFF)
    placed = ok(student.post(f"{API}/orders", order_body(campus), format="json"), 201, ORDER)
    _, payment = pay_through_sandbox(student, f"{API}/orders/{placed['id']}/pay", amount=placed["total_paise"])

    mine = page(student.get(f"{API}/payments", {"page_size": 100}), PAYMENT)
    assert payment["id"] in {row["id"] for row in mine["results"]}
    assert campus.payment_b.pk not in {row["id"] for row in mine["results"]}
    everyone = page(staff.get(f"{API}/payments", {"page_size": 100}), PAYMENT)
    assert {payment["id"], campus.payment_b.pk} <= {row["id"] for row in everyone["results"]}
    ok(staff.get(f"{API}/payments/{payment['id']}"), 200, PAYMENT)
    refused(campus.client(STUDENT_B).get(f"{API}/payments/{payment['id']}"), 404, "not_found")

    url = f"{API}/payments/{payment['id']}/refund"
    refused(student.post(url, {"amount_paise": 100, "reason": "x"}, format="json"), 403, "permission_denied")
    refused(
        staff.post(url, {"amount_paise": payment["amount_paise"] + 1, "reason": "too much"}, format="json"),
        409,
        "refund_exceeds_captured",
    )
    first = staff.post(
        url, {"amount_paise": 500, "reason": "Cold coffee"}, format="json", HTTP_IDEMPOTENCY_KEY="contract-refund-1"
    )
    refund = ok(first, 201, REFUND)
    assert (refund["payment"], refund["amount_paise"]) == (payment["id"], 500)
    again = staff.post(
        url, {"amount_paise": 500, "reason": "Cold coffee"}, format="json", HTTP_IDEMPOTENCY_KEY="contract-refund-1"
    )
    assert again.status_code == 201 and again.json() == first.json()
    refused(
        staff.post(
            url, {"amount_paise": 600, "reason": "Cold coffee"}, format="json", HTTP_IDEMPOTENCY_KEY="contract-refund-1"
        ),
        409,
        "idempotency_conflict",
    )
    after = ok(staff.get(f"{API}/payments/{payment['id']}"), 200, PAYMENT)
    assert after["refunded_paise"] == 500 and after["status"] == "partially_refunded"


def test_verify_with_a_bad_signature_changes_nothing(campus, sandbox):
    student = campus.client(STUDENT_A)
    checkout = ok(student.post(f"{API}/orders/{campus.order_pending.pk}/pay"), 200, CHECKOUT)
    signed = state.checkout_complete(checkout["razorpay_order_id"], succeed=True)
    forged = {**signed, "razorpay_signature": "0" * 64}
    refused(student.post(f"{API}/payments/verify", forged, format="json"), 400, "signature_invalid")
    assert ok(student.get(f"{API}/payments/{checkout['payment_id']}"), 200, PAYMENT)["status"] == "created"
    assert ok(student.get(f"{API}/orders/{campus.order_pending.pk}"), 200, ORDER)["status"] == "pending_payment"
    refused(student.post(f"{API}/payments/verify", {"razorpay_order_id": "x"}, format="json"), 400, "validation_error")


def test_razorpay_webhook_signature_rules(settings, sandbox):
    secret = settings.RAZORPAY_WEBHOOK_SECRET
    url = f"{API}/payments/webhooks/razorpay"
    body = json.dumps({"entity": "event", "event": "contract.unknown_event", "contains": [], "payload": {}}).encode()
    headers = {
        "HTTP_X_RAZORPAY_SIGNATURE": sign_webhook(secret, body),
        "HTTP_X_RAZORPAY_EVENT_ID": "evt_contract000001",
    }
    client = APIClient()
    first = client.generic("POST", url, body, content_type="application/json", **headers)
    assert first.status_code == 200, first.content
    duplicate = client.generic("POST", url, body, content_type="application/json", **headers)
    assert duplicate.status_code == 200, duplicate.content
    forged = {**headers, "HTTP_X_RAZORPAY_SIGNATURE": sign_webhook("not-the-secret", body)}
    refused(client.generic("POST", url, body, content_type="application/json", **forged), 400, "signature_invalid")
    unsigned = {"HTTP_X_RAZORPAY_EVENT_ID": "evt_contract000002"}
    refused(client.generic("POST", url, body, content_type="application/json", **unsigned), 400, "signature_invalid")


# --- ledger -------------------------------------------------------------------------------------


def test_ledger_balance_and_entries(campus):
    vendor = campus.client(FOOD_A)
    balance = ok(vendor.get(f"{API}/ledger/balance"), 200, BALANCE)
    assert balance["vendor"] == campus.food_a.pk
    assert balance["captured_paise"] > 0 and balance["payable_paise"] > 0

    own = page(vendor.get(f"{API}/ledger/entries", {"page_size": 100}), ENTRY)["results"]
    assert own, "a vendor with captured payments has entries"
    # What the campus owes the vendor grows by credits: the vendor's side of a capture is negative.
    assert sum(entry["amount_paise"] for entry in own) == -balance["payable_paise"]

    staff = campus.client(STAFF)
    entries: list[dict] = []
    url = f"{API}/ledger/entries?page_size=100"
    while url:
        body = page(staff.get(url), ENTRY)
        entries += body["results"]
        url = body["next"]
    by_transaction: dict[int, list[int]] = {}
    for entry in entries:
        by_transaction.setdefault(entry["transaction"], []).append(entry["amount_paise"])
    assert by_transaction
    for amounts in by_transaction.values():
        assert sum(amounts) == 0, "every transaction balances"
        assert any(amount > 0 for amount in amounts) and any(amount < 0 for amount in amounts)

    refused(campus.client(STUDENT_A).get(f"{API}/ledger/balance"), 403, "permission_denied")
    refused(campus.client(STUDENT_A).get(f"{API}/ledger/entries"), 403, "permission_denied")


# --- operations commands ---------------------------------------------------------------------------


def test_operations_commands(campus, sandbox, monkeypatch, settings):
    settings.OTP_RESEND_SECONDS = 0
    monkeypatch.setenv("DJANGO_SUPERUSER_PHONE", "+919811100099")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "contract-admin-pass-1")
    call_command("createsuperuser", "--noinput", stdout=io.StringIO(), stderr=io.StringIO())
    admin_user = User.objects.get(phone="+919811100099")
    assert admin_user.is_staff and admin_user.is_superuser and admin_user.check_password("contract-admin-pass-1")
    # The password alone does not open the admin: it signs in with the password, then a code by SMS.
    browser = Client()
    assert browser.login(username="+919811100099", password="contract-admin-pass-1")
    assert browser.get("/admin/").status_code == 302
    browser = Client()
    assert (
        admin_login_through_the_form(browser, phone="+919811100099", password="contract-admin-pass-1").status_code
        == 302
    )
    assert browser.get("/admin/").status_code == 200
    # In the API, staff send the password with the code.
    code = request_code(APIClient(), "+919811100099")
    refused(
        APIClient().post(f"{API}/auth/otp/verify", {"phone": "+919811100099", "code": code}, format="json"),
        400,
        "invalid_credentials",
    )
    _, signed_in = sign_in("+919811100099", password="contract-admin-pass-1")
    assert signed_in["user"]["id"] == admin_user.pk

    first = io.StringIO()
    call_command("seed_demo", stdout=first)
    users, items, slots = User.objects.count(), MenuItem.objects.count(), Slot.objects.count()
    second = io.StringIO()
    call_command("seed_demo", stdout=second)
    assert (User.objects.count(), MenuItem.objects.count(), Slot.objects.count()) == (users, items, slots)
    assert re.search(r"\+91\d{10}", second.getvalue()), "seed_demo prints who can sign in"

    call_command("reconcile_payments", "--older-than", "0", stdout=io.StringIO())

    Order.objects.filter(pk=campus.order_pending.pk).update(payment_due_by=timezone.now() - timedelta(minutes=1))
    call_command("expire_unpaid_orders", stdout=io.StringIO())
    assert Order.objects.get(pk=campus.order_pending.pk).status == Order.Status.EXPIRED
