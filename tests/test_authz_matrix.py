"""The authorization matrix: every API endpoint × every kind of caller → the status it must get.

One row per endpoint (method + path), one column per caller, run against the real
objects of `tests.fixtures.build_campus` (student A's orders at food vendor A in
every state, student A's print jobs at the stationery vendor, captured payments …).
Each cell is its own test, in its own savepoint, so cells cannot affect each other.

For every refused cell (4xx) the whole database is compared before and after: a
refusal changes nothing. Refusals come in the error envelope. List endpoints are
checked to hold only the caller's own rows (or only public rows). And the table is
checked against the URL conf and the OpenAPI schema: an endpoint without a row
fails `test_every_endpoint_has_a_row`.

Money-moving cells go through the Razorpay sandbox over HTTP (`sandbox`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.test import TestCase
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from accounts import services as account_services
from accounts import sms
from catalog.models import MenuItem, PrintService, Shop
from ledger.chart import vendor_accounts
from ledger.models import Entry
from ordering.models import Order, Slot
from payments.models import Payment
from razorpay_sandbox import state
from stationery.models import PrintJob

from .fixtures import (
    ACTORS,
    ANON,
    BLOCKED,
    FOOD_A,
    FOOD_B,
    REJECTED_VENDOR,
    STAFF,
    STAFF_NO_PERMS,
    STATIONERY,
    STUDENT_A,
    STUDENT_B,
    UNAPPROVED,
    Campus,
    pdf_upload,
)

NEW_PHONE = "+919811122233"

# --- per-row preparation (runs inside the cell's savepoint, before the snapshot) -----------


def _otp_code(campus: Campus) -> dict:
    """Ask for a code the way the endpoint does and read it from the SMS outbox."""
    sms.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        account_services.otp_request(phone=NEW_PHONE)
    (message,) = sms.outbox
    return {"code": re.search(r"\b(\d{6})\b", message["body"]).group(1)}


def _sandbox_paid(payment: Payment) -> dict:
    """Make Razorpay (the sandbox) hold an order for `payment` and a captured payment of it."""
    remote = state.order_create(
        amount=payment.amount_paise, currency="INR", receipt=f"tnt-{payment.pk}", notes={}, webhook_url=""
    )
    signed = state.checkout_complete(remote["id"], succeed=True)
    fields = {"razorpay_order_id": remote["id"]}
    if payment.razorpay_payment_id:
        fields["razorpay_payment_id"] = signed["razorpay_payment_id"]
    Payment.objects.filter(pk=payment.pk).update(**fields)
    return signed


def _checkout_result(campus: Campus) -> dict:
    return _sandbox_paid(campus.payment_open)


def _captured_at_razorpay(campus: Campus) -> dict:
    _sandbox_paid(campus.payment_captured)
    return {}


# --- the table ---------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # `{name}` is the pk of campus object `name`
    expect: tuple[int, ...]  # one status per caller, in ACTORS order
    body: Any = None  # a dict, or callable(campus, prepared) -> dict
    multipart: bool = False
    prepare: Callable[[Campus], dict] | None = None
    note: str = ""

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}{' ' + self.note if self.note else ''}"

    @property
    def template(self) -> str:
        return normalise(self.path.split("?")[0])


def _slot_body(campus: Campus, prepared: dict) -> dict:
    starts = timezone.now() + timedelta(days=2)
    return {"starts_at": starts.isoformat(), "ends_at": (starts + timedelta(minutes=30)).isoformat(), "capacity": 5}


def _far_weekday() -> int:
    """A campus weekday four days on: no slot of the campus is near its early morning."""
    return (timezone.localdate() + timedelta(days=4)).weekday()


def _schedule_body(campus: Campus, prepared: dict) -> dict:
    return {
        "weekdays": [_far_weekday()],
        "first_start": "03:00",
        "last_end": "04:00",
        "slot_minutes": 30,
        "capacity": 5,
    }


def _schedule(campus: Campus) -> dict:
    from datetime import time

    from ordering.models import SlotSchedule

    campus.objects["schedule_a"] = SlotSchedule.objects.create(
        vendor=campus.food_a,
        weekdays=[_far_weekday()],
        first_start=time(3, 0),
        last_end=time(3, 30),
        slot_minutes=30,
        capacity=5,
    )
    return {}


def _closure(campus: Campus) -> dict:
    from ordering.models import Closure

    campus.objects["closure_a"] = Closure.objects.create(
        vendor=campus.food_a, date=timezone.localdate() + timedelta(days=5), reason="Fest"
    )
    return {}


def _closure_body(campus: Campus, prepared: dict) -> dict:
    return {"date": (timezone.localdate() + timedelta(days=6)).isoformat(), "reason": "Holiday"}


def _order_body(campus: Campus, prepared: dict) -> dict:
    return {
        "vendor": campus.food_a.pk,
        "slot": campus.slot_a.pk,
        "items": [{"menu_item": campus.item_a.pk, "quantity": 2}],
    }


def _print_job_body(campus: Campus, prepared: dict) -> dict:
    return {"file": pdf_upload(1), "service": campus.service.pk, "copies": 1, "double_sided": False}


def _print_upload_of_student_a(campus: Campus) -> dict:
    """A file student A uploaded on the print form (issue 22): priced and sent by its id."""
    from stationery import services as stationery_services

    pending = stationery_services.print_upload_create(student=campus.users[STUDENT_A], upload=pdf_upload(1))
    return {"upload": pending.pk}


def _print_upload_body(campus: Campus, prepared: dict) -> dict:
    return {"upload": prepared["upload"], "service": campus.service.pk, "copies": 1, "double_sided": False}


def _failed_refund(campus: Campus) -> dict:
    """Issue 16: a refund of the captured payment that Razorpay reported failed (retry's target)."""
    from django.db import transaction

    from payments import services as payment_services

    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=campus.payment_captured.pk)
        refund = payment_services._refund_reserve(
            payment=locked,
            amount_paise=100,
            reason="authz matrix",
            actor=None,
            idempotency_key=f"authz-failed-{locked.pk}-{locked.refunds.count()}",
            is_automatic=True,
            source="system",
        )
    campus.objects["refund_failed"] = payment_services.refund_settle(
        refund_id=refund.pk, status="failed", source="webhook", failure_reason="authz matrix"
    )
    return {}


def _photo_upload():
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 120, 40)).save(out, format="JPEG")
    return SimpleUploadedFile("dosa.jpg", out.getvalue(), content_type="image/jpeg")


def _option_group(campus: Campus) -> dict:
    from catalog.tests.factories import OptionFactory, OptionGroupFactory

    group = OptionGroupFactory(menu_item=campus.objects["item_a"], name="Size")
    OptionFactory(group=group, name="Plain")
    campus.objects["group_a"] = group
    return {}


def _pickup(campus: Campus, prepared: dict) -> dict:
    return {"pickup_code": campus.order_ready.pickup_code}


def _print_pickup(campus: Campus, prepared: dict) -> dict:
    return {"pickup_code": campus.job_paid.pickup_code}


def _push_subscription_body(campus: Campus, prepared: dict) -> dict:
    from push.tests.push_service import Browser

    browser = Browser()
    return {
        "endpoint": "https://fcm.googleapis.com/fcm/send/authz-matrix",
        "keys": {"p256dh": browser.p256dh, "auth": browser.auth},
    }


def _push_subscription(campus: Campus) -> dict:
    """Issue 24: student A's browser, subscribed, whose push service has taken a message."""
    from push.models import PushSubscription

    body = _push_subscription_body(campus, {})
    campus.objects["push_sub_a"] = PushSubscription.objects.create(
        user=campus.users[STUDENT_A],
        endpoint=body["endpoint"],
        p256dh=body["keys"]["p256dh"],
        auth=body["keys"]["auth"],
        last_success_at=timezone.now(),
    )
    return {}


def _otp_verify_body(campus: Campus, prepared: dict) -> dict:
    return {"phone": NEW_PHONE, "code": prepared["code"], "name": "New Student"}


# Columns:       anon stA  stB  fdA  fdB  stn  unap blkd staff
PUBLIC = (200, 200, 200, 200, 200, 200, 200, 403, 200)
SIGNED_IN = (401, 200, 200, 200, 200, 200, 200, 403, 200)
STAFF_ONLY = (401, 403, 403, 403, 403, 403, 403, 403, 200)
APPROVED_VENDOR = (401, 403, 403, 200, 200, 200, 403, 403, 403)
FOOD_A_ONLY = (401, 403, 403, 200, 404, 403, 403, 403, 403)
STATIONERY_ONLY = (401, 403, 403, 403, 403, 200, 403, 403, 403)
STUDENT_A_ONLY = (401, 200, 404, 403, 403, 403, 403, 403, 403)
FOOD_VENDORS = (401, 403, 403, 200, 200, 403, 403, 403, 403)
FOOD_VENDORS_CREATE = (401, 403, 403, 201, 201, 403, 403, 403, 403)
FOOD_A_DELETES = (401, 403, 403, 204, 404, 403, 403, 403, 403)
STUDENT_A_JOB = (401, 200, 404, 404, 404, 200, 404, 403, 404)
SIGNED_IN_CREATE = (401, 201, 201, 201, 201, 201, 201, 403, 201)
STUDENT_A_OWN_DELETE = (401, 204, 404, 404, 404, 404, 404, 403, 404)

MATRIX: tuple[Row, ...] = (
    # --- accounts -------------------------------------------------------------------------------
    Row("POST", "/api/v1/auth/otp/request", (202,) * 9, body={"phone": NEW_PHONE}),
    Row("POST", "/api/v1/auth/otp/verify", (200,) * 9, body=_otp_verify_body, prepare=_otp_code),
    Row("POST", "/api/v1/auth/logout", (401, 204, 204, 204, 204, 204, 204, 403, 204)),
    Row("GET", "/api/v1/me", SIGNED_IN),
    Row("PATCH", "/api/v1/me", SIGNED_IN, body={"name": "Renamed"}),
    # The stream itself (who gets which event): events/tests/test_authorization.py.
    Row("GET", "/api/v1/events", SIGNED_IN),
    Row("GET", "/api/v1/staff/vendors?is_approved=false", STAFF_ONLY),
    Row("POST", "/api/v1/staff/vendors/{unapproved}/approve", STAFF_ONLY),
    Row("POST", "/api/v1/staff/vendors/{food_b}/reject", STAFF_ONLY, body={"reason": "Hygiene inspection"}),
    Row("POST", "/api/v1/staff/users/{student_b}/block", STAFF_ONLY, body={"reason": "Spam orders"}),
    Row("POST", "/api/v1/staff/users/{blocked}/unblock", STAFF_ONLY, body={"reason": "Appeal accepted"}),
    # --- Web Push (issue 24): anyone signed in, for their own browsers and their own SMS choice --------
    Row("GET", "/api/v1/push/public-key", SIGNED_IN),
    Row("POST", "/api/v1/push-subscriptions", SIGNED_IN_CREATE, body=_push_subscription_body),
    Row("DELETE", "/api/v1/push-subscriptions/{push_sub_a}", STUDENT_A_OWN_DELETE, prepare=_push_subscription),
    Row("GET", "/api/v1/push/preferences", SIGNED_IN),
    Row("PUT", "/api/v1/push/preferences", SIGNED_IN, body={"sms": True}),
    # SMS off only where push works: student A's browser has delivered, nobody else's has.
    Row(
        "PUT",
        "/api/v1/push/preferences",
        (401, 200, 409, 409, 409, 409, 409, 403, 409),
        body={"sms": False},
        prepare=_push_subscription,
        note="(sms off)",
    ),
    # --- shops, menus, print services -----------------------------------------------------------
    Row("GET", "/api/v1/vendors", PUBLIC),
    Row("GET", "/api/v1/vendors/{food_a}", PUBLIC),
    Row("GET", "/api/v1/vendors/{unapproved}", (404, 404, 404, 404, 404, 404, 404, 403, 404), note="(pending)"),
    Row("GET", "/api/v1/vendors/{food_a}/menu", PUBLIC),
    Row("GET", "/api/v1/vendors/{food_a}/slots", PUBLIC),
    Row("GET", "/api/v1/vendor/shop", (401, 403, 403, 200, 200, 200, 200, 403, 403)),
    Row("PATCH", "/api/v1/vendor/shop", APPROVED_VENDOR, body={"description": "Now serving dosa"}),
    Row("GET", "/api/v1/menu-items", PUBLIC),
    Row(
        "POST",
        "/api/v1/menu-items",
        (401, 403, 403, 201, 201, 403, 403, 403, 403),
        body={"name": "Samosa", "price_paise": 1500, "category": "Snacks"},
    ),
    Row("GET", "/api/v1/menu-items/{item_a}", PUBLIC),
    Row("PATCH", "/api/v1/menu-items/{item_a}", FOOD_A_ONLY, body={"price_paise": 9900}),
    Row("DELETE", "/api/v1/menu-items/{item_a}", (401, 403, 403, 204, 404, 403, 403, 403, 403)),
    # Menus (issue 19): photo, stock controls, option groups; the owning food vendor only.
    Row(
        "POST",
        "/api/v1/menu-items/{item_a}/image",
        FOOD_A_ONLY,
        body=lambda campus, prepared: {"image": _photo_upload()},
        multipart=True,
    ),
    Row("DELETE", "/api/v1/menu-items/{item_a}/image", FOOD_A_ONLY),
    Row("POST", "/api/v1/menu-items/{item_a}/stock", FOOD_A_ONLY, body={"add": 10}),
    Row(
        "POST",
        "/api/v1/menu-items/{item_a}/option-groups",
        (401, 403, 403, 201, 404, 403, 403, 403, 403),
        body={"name": "Size", "min_choices": 1, "max_choices": 1, "options": [{"name": "Plain"}]},
    ),
    Row("PATCH", "/api/v1/option-groups/{group_a}", FOOD_A_ONLY, body={"name": "Style"}, prepare=_option_group),
    Row(
        "DELETE",
        "/api/v1/option-groups/{group_a}",
        (401, 403, 403, 204, 404, 403, 403, 403, 403),
        prepare=_option_group,
    ),
    Row("GET", "/api/v1/print-services", PUBLIC),
    Row(
        "POST",
        "/api/v1/print-services",
        (401, 403, 403, 403, 403, 201, 403, 403, 403),
        body={"name": "Spiral binding", "unit": "job", "price_paise": 3000},
    ),
    Row("GET", "/api/v1/print-services/{service}", PUBLIC),
    Row("PATCH", "/api/v1/print-services/{service}", STATIONERY_ONLY, body={"price_paise": 300}),
    Row(
        "PATCH",
        "/api/v1/print-services/{service_other}",
        (401, 403, 403, 403, 403, 404, 403, 403, 403),
        body={"price_paise": 1},
        note="(another print shop's)",
    ),
    Row("DELETE", "/api/v1/print-services/{service}", (401, 403, 403, 403, 403, 204, 403, 403, 403)),
    # --- slots -------------------------------------------------------------------------------------
    Row("GET", "/api/v1/slots", PUBLIC),
    Row("POST", "/api/v1/slots", (401, 403, 403, 201, 201, 403, 403, 403, 403), body=_slot_body),
    Row("GET", "/api/v1/slots/{slot_a}", PUBLIC),
    Row("PATCH", "/api/v1/slots/{slot_a}", FOOD_A_ONLY, body={"capacity": 60}),
    Row("DELETE", "/api/v1/slots/{slot_a_empty}", (401, 403, 403, 204, 404, 403, 403, 403, 403)),
    Row("GET", "/api/v1/slots/{slot_a}/prep-sheet", FOOD_A_ONLY),
    # --- kitchen: weekly schedules and closures (issue 20) -----------------------------------------
    Row("GET", "/api/v1/slot-schedules", FOOD_VENDORS, prepare=_schedule),
    Row("POST", "/api/v1/slot-schedules", FOOD_VENDORS_CREATE, body=_schedule_body),
    Row("GET", "/api/v1/slot-schedules/{schedule_a}", FOOD_A_ONLY, prepare=_schedule),
    Row("PATCH", "/api/v1/slot-schedules/{schedule_a}", FOOD_A_ONLY, body={"capacity": 7}, prepare=_schedule),
    Row("DELETE", "/api/v1/slot-schedules/{schedule_a}", FOOD_A_DELETES, prepare=_schedule),
    Row("GET", "/api/v1/closures", FOOD_VENDORS, prepare=_closure),
    Row("POST", "/api/v1/closures", FOOD_VENDORS_CREATE, body=_closure_body),
    Row("DELETE", "/api/v1/closures/{closure_a}", FOOD_A_DELETES, prepare=_closure),
    # --- orders ------------------------------------------------------------------------------------
    Row("GET", "/api/v1/orders?page_size=100", (401, 200, 200, 200, 200, 200, 403, 403, 200)),
    Row("POST", "/api/v1/orders", (401, 201, 201, 403, 403, 403, 403, 403, 403), body=_order_body),
    Row("GET", "/api/v1/orders/{order_pending}", (401, 200, 404, 200, 404, 404, 404, 403, 404)),
    Row(
        "GET",
        "/api/v1/orders/{order_b_at_b}",
        (401, 404, 200, 404, 200, 404, 404, 403, 404),
        note="(student B at vendor B)",
    ),
    Row("POST", "/api/v1/orders/{order_pending}/pay", (401, 200, 404, 404, 404, 404, 404, 403, 404)),
    Row("POST", "/api/v1/orders/{order_pending}/cancel", STUDENT_A_ONLY, body={"reason": "Changed my mind"}),
    Row("POST", "/api/v1/orders/{order_paid}/accept", FOOD_A_ONLY),
    Row("POST", "/api/v1/orders/{order_paid}/reject", FOOD_A_ONLY, body={"reason": "Out of batter"}),
    Row("POST", "/api/v1/orders/{order_accepted}/ready", FOOD_A_ONLY),
    Row("POST", "/api/v1/orders/{order_ready}/complete", FOOD_A_ONLY, body=_pickup),
    Row("POST", "/api/v1/orders/{order_accepted}/delay", FOOD_A_ONLY, body={"minutes": 10}),
    # Another food vendor with the right code finds no order of its own: 400 invalid_pickup_code.
    Row("POST", "/api/v1/orders/complete-by-code", (401, 403, 403, 200, 400, 403, 403, 403, 403), body=_pickup),
    # --- print jobs --------------------------------------------------------------------------------
    Row("GET", "/api/v1/print-jobs?page_size=100", (401, 200, 200, 200, 200, 200, 403, 403, 200)),
    Row(
        "POST",
        "/api/v1/print-jobs",
        (401, 201, 201, 403, 403, 403, 403, 403, 403),
        body=_print_job_body,
        multipart=True,
    ),
    Row(
        "POST",
        "/api/v1/print-jobs/estimate",
        (401, 200, 200, 403, 403, 403, 403, 403, 403),
        body=_print_job_body,
        multipart=True,
    ),
    Row(
        "POST",
        "/api/v1/print-jobs/estimate",
        (401, 200, 404, 403, 403, 403, 403, 403, 403),
        prepare=_print_upload_of_student_a,
        body=_print_upload_body,
        note="(by student A's upload)",
    ),
    Row(
        "POST",
        "/api/v1/print-jobs",
        (401, 201, 404, 403, 403, 403, 403, 403, 403),
        prepare=_print_upload_of_student_a,
        body=_print_upload_body,
        note="(by student A's upload)",
    ),
    Row(
        "POST",
        "/api/v1/print-uploads",
        (401, 201, 201, 403, 403, 403, 403, 403, 403),
        body=lambda campus, prepared: {"file": pdf_upload(1)},
        multipart=True,
    ),
    Row("GET", "/api/v1/print-jobs/{job_submitted}", STUDENT_A_JOB),
    Row("GET", "/api/v1/print-jobs/{job_b}", (401, 404, 200, 404, 404, 200, 404, 403, 404), note="(student B's)"),
    Row("GET", "/api/v1/print-jobs/{job_submitted}/file", STUDENT_A_JOB),
    Row("POST", "/api/v1/print-jobs/{job_submitted}/accept", STATIONERY_ONLY),
    Row(
        "POST",
        "/api/v1/print-jobs/{job_other_shop}/accept",
        (401, 403, 403, 403, 403, 404, 403, 403, 403),
        note="(another print shop's)",
    ),
    Row(
        "POST",
        "/api/v1/print-jobs/{job_accepted}/ready",
        STATIONERY_ONLY,
        body={"amount_paise": 700, "reason": "Binding added"},
    ),
    Row("POST", "/api/v1/print-jobs/{job_ready}/pay", (401, 200, 404, 404, 404, 404, 404, 403, 404)),
    Row("POST", "/api/v1/print-jobs/{job_paid}/complete", STATIONERY_ONLY, body=_print_pickup),
    Row("GET", "/api/v1/print-jobs/{job_submitted}/pages/{1}.png", STUDENT_A_JOB),
    Row("POST", "/api/v1/print-jobs/{job_submitted}/reject", STATIONERY_ONLY, body={"reason": "Printer jammed"}),
    Row("POST", "/api/v1/print-jobs/{job_submitted}/cancel", STUDENT_A_ONLY),
    # --- payments ----------------------------------------------------------------------------------
    Row("GET", "/api/v1/payments?page_size=100", SIGNED_IN),
    Row("GET", "/api/v1/payments/{payment_captured}", (401, 200, 404, 404, 404, 404, 404, 403, 200)),
    Row(
        "POST",
        "/api/v1/payments/{payment_captured}/refund",
        (401, 403, 403, 403, 403, 403, 403, 403, 201),
        body={"reason": "Food was cold"},
        prepare=_captured_at_razorpay,
    ),
    Row(
        "POST",
        "/api/v1/payments/verify",
        (401, 200, 404, 404, 404, 404, 404, 403, 404),
        body=lambda campus, prepared: prepared,
        prepare=_checkout_result,
    ),
    Row("POST", "/api/v1/payments/webhooks/razorpay", (400,) * 9, body={"event": "payment.captured", "payload": {}}),
    # --- ledger --------------------------------------------------------------------------------------
    Row("GET", "/api/v1/ledger/balance", APPROVED_VENDOR),
    Row("GET", "/api/v1/ledger/entries?page_size=100", (401, 403, 403, 200, 200, 200, 403, 403, 200)),
    Row("GET", "/api/v1/ledger/sales", APPROVED_VENDOR),
    # --- dashboard --------------------------------------------------------------------------------
    Row(
        "GET",
        "/api/v1/dashboard/payment-states?order={order_paid}&order={order_b_at_b}&print_job={job_paid}",
        APPROVED_VENDOR,
    ),
    # Issue 16: the new shop's first-screen checklist (its own shop only; nothing to name).
    Row("GET", "/api/v1/dashboard/setup", APPROVED_VENDOR),
    # Issue 16 (second part): retrying a failed refund; a vendor's statement (vendors: their own,
    # whatever `vendor` says; staff with the ledger permission name it).
    Row(
        "POST",
        "/api/v1/refunds/{refund_failed}/retry",
        (401, 403, 403, 403, 403, 403, 403, 403, 201),
        prepare=_failed_refund,
    ),
    Row(
        "GET",
        "/api/v1/ledger/statement?from=2026-01-01&to=2026-01-31&vendor={food_a}",
        (401, 403, 403, 200, 200, 200, 403, 403, 200),
    ),
)

assert all(len(row.expect) == len(ACTORS) for row in MATRIX)


def normalise(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


def resolve(campus: Campus, path: str) -> str:
    # `{name}`: the pk of campus object `name`; `{1}`: the number itself (a page number).
    return re.sub(
        r"\{(\w+)\}",
        lambda match: match.group(1) if match.group(1).isdigit() else str(getattr(campus, match.group(1)).pk),
        path,
    )


# --- what "unchanged" means: every row of every table the apps own ---------------------------

_SNAPSHOT_APPS = {"accounts", "catalog", "ledger", "ordering", "payments", "push", "stationery", "authtoken"}


def db_snapshot() -> dict[str, list[dict]]:
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.app_label in _SNAPSHOT_APPS
    }


def db_difference(before: dict, after: dict) -> dict:
    return {label: (before[label], after[label]) for label in before if before[label] != after[label]}


# --- lists: only the caller's own rows, or only public ones -----------------------------------


def _ids(body: Any) -> set[int]:
    rows = body["results"] if isinstance(body, dict) else body
    return {row["id"] for row in rows}


def _expected_scope(campus: Campus, actor: str, path: str) -> Callable[[Any], None] | None:
    """An assertion on the body of a successful list, or None when `path` is not a list."""
    user = campus.users[actor]
    base = path.split("?")[0]

    def equal(expected: set[int]) -> Callable[[Any], None]:
        def check(body: Any) -> None:
            assert _ids(body) == expected

        return check

    if base == "/api/v1/orders":
        if user.is_student:
            return equal(set(Order.objects.filter(student=user).values_list("pk", flat=True)))
        if user.is_food_vendor:
            return equal(set(Order.objects.filter(vendor=user).values_list("pk", flat=True)))
        return equal(set())
    if base == "/api/v1/print-jobs":
        if user.is_student:
            return equal(set(PrintJob.objects.filter(student=user).values_list("pk", flat=True)))
        return equal(set(PrintJob.objects.filter(vendor=user).values_list("pk", flat=True)))
    if base == "/api/v1/payments":
        if actor == STAFF:
            return equal(set(Payment.objects.exclude(razorpay_order_id=None).values_list("pk", flat=True)))
        return equal(set(Payment.objects.filter(payer=user).values_list("pk", flat=True)))
    if base == "/api/v1/ledger/entries":
        entries = (
            Entry.objects.all()
            if actor == STAFF
            else Entry.objects.filter(account__code__in=vendor_accounts(user.pk))  # its pending and payable
        )
        return equal(set(entries.values_list("pk", flat=True)))
    if base == "/api/v1/dashboard/payment-states":
        own_orders = set(Order.objects.filter(vendor=user).values_list("pk", flat=True))
        own_jobs = set(PrintJob.objects.filter(vendor=user).values_list("pk", flat=True))

        def check(body: Any) -> None:
            for state_row in body["results"]:
                assert state_row["order"] in own_orders | {None}
                assert state_row["print_job"] in own_jobs | {None}

        return check
    public = {
        "/api/v1/vendors": Shop.objects.filter(vendor__is_approved=True).values_list("vendor_id", flat=True),
        "/api/v1/menu-items": MenuItem.objects.filter(vendor__is_approved=True).values_list("pk", flat=True),
        "/api/v1/print-services": PrintService.objects.filter(vendor__is_approved=True).values_list("pk", flat=True),
        "/api/v1/slots": Slot.objects.filter(vendor__is_approved=True).values_list("pk", flat=True),
    }
    if base in public:
        # Rows of the pending vendor (its shop, menu item, slot) are never listed to anyone else;
        # a vendor may see its own (ordering lists a food vendor's own slots, even inactive).
        allowed = set(public[base])
        if base == "/api/v1/slots" and user is not None:
            allowed |= set(Slot.objects.filter(vendor=user).values_list("pk", flat=True))

        def check(body: Any) -> None:
            shown = _ids(body)
            assert shown, "a public list of the campus is empty"
            assert shown <= allowed, shown - allowed

        return check
    return None


# --- the cells ----------------------------------------------------------------------------------

CELLS = [
    pytest.param(row, actor, expected, id=f"{row.label} | {actor}")
    for row in MATRIX
    for actor, expected in zip(ACTORS, row.expect, strict=True)
]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "actor", "expected"), CELLS)
def test_matrix(campus, sandbox, row: Row, actor: str, expected: int):
    prepared = row.prepare(campus) if row.prepare else {}
    body = row.body(campus, prepared) if callable(row.body) else row.body
    path = resolve(campus, row.path)
    client = campus.client(actor)
    before = db_snapshot()

    kwargs: dict[str, Any] = {}
    if body is not None:
        kwargs = {"data": body, "format": "multipart"} if row.multipart else {"data": body, "format": "json"}
    response = getattr(client, row.method.lower())(path, **kwargs)

    detail = response.content[:300] if not getattr(response, "streaming", False) else b"<file>"
    assert response.status_code == expected, f"{row.label} as {actor}: {response.status_code} {detail!r}"
    if response.status_code >= 400:
        error = response.json()["error"]
        assert error["code"] and error["message"], error
        assert db_difference(before, db_snapshot()) == {}, f"{row.label} as {actor} was refused but changed rows"
    elif row.method == "GET" and (check := _expected_scope(campus, actor, row.path)):
        check(response.json())


# --- every endpoint has a row ---------------------------------------------------------------------

_SKIPPED_PREFIXES = ("api/v1/schema/", "api/v1/docs/", "api/v1/sandbox/")
_API_PREFIXES = ("api/v1/",)


def _pattern_template(pattern) -> str:
    text = str(pattern.pattern)
    text = re.sub(r"\(\?P<\w+>[^)]*\)", "{}", text)  # regex groups (routers)
    text = re.sub(r"<(?:\w+:)?\w+>", "{}", text)  # path converters
    return text.lstrip("^").rstrip("$")


def _walk(patterns, prefix: str = ""):
    for pattern in patterns:
        here = prefix + _pattern_template(pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, here)
        elif isinstance(pattern, URLPattern):
            yield here, pattern.callback


def _methods(callback) -> set[str]:
    if getattr(callback, "actions", None):
        # DRF adds "head" to a viewset's actions once it has served a GET; HEAD follows GET anyway.
        return {method.upper() for method in callback.actions if method not in ("head", "options")}
    view = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view is None:
        return {"GET"}
    return {name.upper() for name in view.http_method_names if name not in ("head", "options") and hasattr(view, name)}


def url_conf_operations() -> set[tuple[str, str]]:
    operations = set()
    for template, callback in _walk(get_resolver().url_patterns):
        if template.startswith(_API_PREFIXES) and not template.startswith(_SKIPPED_PREFIXES):
            operations |= {(method, "/" + template) for method in _methods(callback)}
    return operations


def schema_operations() -> set[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        (method.upper(), normalise(path))
        for path, item in schema["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }


def test_every_endpoint_has_a_row():
    rows = {(row.method, row.template) for row in MATRIX}
    in_url_conf = url_conf_operations()
    in_schema = schema_operations()
    assert in_url_conf - rows == set(), "endpoints in the URL conf without a row in MATRIX"
    assert in_schema - rows == set(), "endpoints in the OpenAPI schema without a row in MATRIX"
    assert rows - in_url_conf == set(), "rows for endpoints that no longer exist"
    # The schema documents exactly what is routed (no undocumented endpoint, no phantom one).
    assert in_url_conf == in_schema


def test_the_table_has_refusals_and_successes_for_every_kind_of_caller():
    """Guard against a table that passes trivially: every caller is refused somewhere and allowed somewhere."""
    for index, actor in enumerate(ACTORS):
        column = [row.expect[index] for row in MATRIX]
        assert any(code < 300 for code in column), actor
        if actor != ANON:
            assert any(code in (403, 404) for code in column), actor
    for actor in (STUDENT_A, STUDENT_B, FOOD_A, FOOD_B, STATIONERY, UNAPPROVED, BLOCKED):
        assert actor in ACTORS


# --- issue 14: a staff account without permissions ----------------------------------------------
# Its column is STAFF's with every staff endpoint refused (403, nothing changes): those need a
# Django permission that neither `is_staff` nor a staff role gives (accounts.permissions).

STAFF_ENDPOINT_ROWS = {
    ("GET", "/api/v1/staff/vendors?is_approved=false"),
    ("POST", "/api/v1/staff/vendors/{unapproved}/approve"),
    ("POST", "/api/v1/staff/vendors/{food_b}/reject"),
    ("POST", "/api/v1/staff/users/{student_b}/block"),
    ("POST", "/api/v1/staff/users/{blocked}/unblock"),
    ("GET", "/api/v1/payments?page_size=100"),
    ("GET", "/api/v1/payments/{payment_captured}"),
    ("POST", "/api/v1/payments/{payment_captured}/refund"),
    ("GET", "/api/v1/ledger/entries?page_size=100"),
    # Issue 16 (second part)
    ("POST", "/api/v1/refunds/{refund_failed}/retry"),
    ("GET", "/api/v1/ledger/statement?from=2026-01-01&to=2026-01-31&vendor={food_a}"),
}


def _staff_no_perms_expected(row: Row) -> int:
    staff_expected = row.expect[ACTORS.index(STAFF)]
    return 403 if (row.method, row.path) in STAFF_ENDPOINT_ROWS else staff_expected


NO_PERMS_CELLS = [
    pytest.param(row, STAFF_NO_PERMS, _staff_no_perms_expected(row), id=f"{row.label} | {STAFF_NO_PERMS}")
    for row in MATRIX
]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "actor", "expected"), NO_PERMS_CELLS)
def test_matrix_staff_without_permissions(campus, sandbox, row: Row, actor: str, expected: int):
    test_matrix(campus, sandbox, row, actor, expected)


def test_every_staff_only_row_is_refused_to_staff_without_permissions():
    rows = {(row.method, row.path) for row in MATRIX}
    assert rows >= STAFF_ENDPOINT_ROWS, STAFF_ENDPOINT_ROWS - rows
    staff = ACTORS.index(STAFF)
    for row in MATRIX:
        others = [code for index, code in enumerate(row.expect) if index != staff]
        if row.expect[staff] < 300 and all(code >= 400 for code in others):
            assert (row.method, row.path) in STAFF_ENDPOINT_ROWS, row.label


# --- a print shop whose approval was withdrawn ---------------------------------------------------
#
# Its own column, kept apart from MATRIX: a stationery vendor that was approved, was sent student
# B's jobs, then was rejected. Every vendor endpoint refuses it (403 vendor_not_approved); its old
# jobs, their files included, are simply not found (404); public reads stay as for anyone.

# MATRIX rows where the rejected shop's answer differs from the pending food vendor's (UNAPPROVED).
_REJECTED_DIFFERS: dict[str, int] = {}

REJECTED_ROWS: tuple[Row, ...] = (
    Row("GET", "/api/v1/print-jobs/{job_at_rejected}", (404,), note="(its own old job)"),
    Row("GET", "/api/v1/print-jobs/{job_at_rejected}/file", (404,), note="(its own old job's PDF)"),
    Row("GET", "/api/v1/print-jobs/{job_at_rejected_accepted}/file", (404,), note="(accepted job's PDF)"),
    Row("POST", "/api/v1/print-jobs/{job_at_rejected}/accept", (403,), note="(its own old job)"),
    Row(
        "POST",
        "/api/v1/print-jobs/{job_at_rejected_accepted}/ready",
        (403,),
        body={"amount_paise": 500},
        note="(its own old job)",
    ),
    Row(
        "POST",
        "/api/v1/print-jobs/{job_at_rejected}/reject",
        (403,),
        body={"reason": "Printer jammed"},
        note="(its own old job)",
    ),
    Row("GET", "/api/v1/print-jobs?page_size=100", (403,), note="(its shop's list)"),
    Row("PATCH", "/api/v1/print-services/{rejected_service}", (403,), body={"price_paise": 1}, note="(its own)"),
)

_UNAPPROVED_INDEX = ACTORS.index(UNAPPROVED)
REJECTED_CELLS = [
    pytest.param(row, _REJECTED_DIFFERS.get(row.label, row.expect[_UNAPPROVED_INDEX]), id=f"{row.label} | rejected")
    for row in MATRIX
] + [pytest.param(row, row.expect[0], id=f"{row.label} | rejected") for row in REJECTED_ROWS]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "expected"), REJECTED_CELLS)
def test_matrix_rejected_print_shop(campus, sandbox, row: Row, expected: int):
    prepared = row.prepare(campus) if row.prepare else {}
    body = row.body(campus, prepared) if callable(row.body) else row.body
    path = resolve(campus, row.path)
    client = campus.client(REJECTED_VENDOR)
    before = db_snapshot()

    kwargs: dict[str, Any] = {}
    if body is not None:
        kwargs = {"data": body, "format": "multipart"} if row.multipart else {"data": body, "format": "json"}
    response = getattr(client, row.method.lower())(path, **kwargs)

    # The event stream streams too, but no file: it carries only the shop's own events.
    if row.template != "/api/v1/events":
        assert not getattr(response, "streaming", False), f"{row.label}: the rejected shop got a file"
    assert response.status_code == expected, f"{row.label}: {response.status_code} {response.content[:300]!r}"
    if response.status_code >= 400:
        error = response.json()["error"]
        if row in REJECTED_ROWS and expected == 403:
            assert error["code"] == "vendor_not_approved", error
        assert db_difference(before, db_snapshot()) == {}, f"{row.label} was refused but changed rows"


def test_the_rejected_print_shop_is_a_real_one(campus, db):
    """The caller is what the rows assume: once approved, with jobs and files, now rejected."""
    vendor = campus.rejected_vendor
    assert vendor.is_stationery_vendor and not vendor.is_approved and vendor.is_active
    jobs = PrintJob.objects.filter(vendor=vendor)
    assert jobs.count() == 2 and all(job.is_file_available for job in jobs)
    assert vendor.account_events.filter(kind="rejected").exists()
