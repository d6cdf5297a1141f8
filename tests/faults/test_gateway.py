"""Razorpay fails (500s, timeouts, garbage) while a student pays; then it recovers.

The stand-in is a loopback HTTP server speaking Razorpay's `POST /v1/orders` to the real
`razorpay` SDK inside the app (gunicorn, DEBUG off, live-style keys, RAZORPAY_BASE_URL
pointed at the stand-in). The built-in sandbox cannot be used here: it refuses DEBUG off.

What makes this test fail if the recovery code goes:
- `payments/gateway.py` mapping SDK ServerError / requests exceptions / non-JSON to
  GatewayError: without it the pay call answers 500 `server_error`, not 502 `gateway_error`.
- the explicit `timeout` on every SDK call (RAZORPAY_TIMEOUT_SECONDS): the SDK sets none, so
  without it the hung stand-in holds the request for its whole 30 s hang (bound: 5 s).
- `payments/services.payment_open` dropping its reservation when the gateway call fails:
  without it a Payment row without a Razorpay order stays behind ("half-written"), visible
  in GET /payments, and the next pay attempt waits for it and answers 409 `payment_in_progress`.
- `core/idempotency.py` not storing 5xx answers: a retry with the same Idempotency-Key after
  the outage must really run again (200), not replay the 502.
"""

from __future__ import annotations

import itertools
import json

import pytest

from .conftest import Seen, app_env, assert_envelope

pytestmark = [pytest.mark.fault]

TIMEOUT_SECONDS = 1.5


def test_gateway_errors_and_timeouts_give_502_leave_nothing_behind_and_paying_works_after(
    world, postgres, start_app, start_stub, fault_tmp
):
    mode = {"now": "error"}
    numbers = itertools.count(1)

    def razorpay(seen: Seen) -> tuple[int, object]:
        if mode["now"] == "error":
            return 500, {"error": {"code": "SERVER_ERROR", "description": "The server encountered an error."}}
        if mode["now"] == "hang":
            stub.hang(30)
            return 500, {"error": {"code": "SERVER_ERROR", "description": "too late"}}
        if mode["now"] == "garbage":
            return 502, b"<html>502 Bad Gateway</html>"
        asked = json.loads(seen.body)
        return 200, {
            "id": f"order_FAULT{next(numbers):010d}",
            "entity": "order",
            "amount": asked["amount"],
            "amount_paid": 0,
            "amount_due": asked["amount"],
            "currency": asked["currency"],
            "receipt": asked.get("receipt"),
            "status": "created",
            "attempts": 0,
            "notes": asked.get("notes", {}),
            "created_at": 1700000000,
        }

    stub = start_stub(razorpay)
    app = start_app(
        app_env(
            database_url=postgres.url,
            redis_url="",
            tmp=fault_tmp,
            RAZORPAY_KEY_ID="rzp_test_faultkey",
            RAZORPAY_KEY_SECRET="fault-key-secret",
            RAZORPAY_WEBHOOK_SECRET="fault-webhook-secret",
            RAZORPAY_BASE_URL=stub.url,
            RAZORPAY_TIMEOUT_SECONDS=str(TIMEOUT_SECONDS),
            RATE_LIMIT_PAYMENTS="1000/m",
        )
    )
    student = world["student_token"]
    placed = app.call(
        "POST",
        "/api/v1/orders",
        token=student,
        json={
            "vendor": world["vendor"],
            "slot": world["slot"],
            "items": [{"menu_item": world["items"][1], "quantity": 2}],
        },
    )
    assert placed.status == 201, placed.body
    order_id = placed.body["id"]
    payments_before = app.call("GET", "/api/v1/payments", token=student).body["count"]

    for fault in ("error", "hang", "garbage", "error"):
        mode["now"] = fault
        stub.released.clear()
        calls_before = len(stub.seen)
        answer = app.call("POST", f"/api/v1/orders/{order_id}/pay", token=student, headers={"Idempotency-Key": "pay-1"})
        stub.release()
        assert_envelope(answer, 502, "gateway_error")
        assert answer.seconds < TIMEOUT_SECONDS + 3.5, f"{fault}: the pay call took {answer.seconds:.1f}s"
        assert len(stub.seen) > calls_before, f"{fault}: the app never reached the stand-in"
        assert all(seen.path == "/v1/orders" and seen.method == "POST" for seen in stub.seen)
        # Nothing half-written: no Payment row, the order still waits for payment.
        assert app.call("GET", "/api/v1/payments", token=student).body["count"] == payments_before, fault
        order = app.call("GET", f"/api/v1/orders/{order_id}", token=student)
        assert order.body["status"] == "pending_payment", order.body

    # Razorpay recovers: the same request (same Idempotency-Key) runs again and opens the payment.
    mode["now"] = "healthy"
    paid = app.call("POST", f"/api/v1/orders/{order_id}/pay", token=student, headers={"Idempotency-Key": "pay-1"})
    assert paid.status == 200, paid.body
    assert paid.headers.get("Idempotent-Replayed") is None
    assert paid.body["razorpay_order_id"].startswith("order_FAULT")
    assert paid.body["amount_paise"] == placed.body["total_paise"]
    payments = app.call("GET", "/api/v1/payments", token=student).body
    assert payments["count"] == payments_before + 1
    opened = next(p for p in payments["results"] if p["id"] == paid.body["payment_id"])
    assert opened["status"] == "created"
    assert opened["razorpay_order_id"] == paid.body["razorpay_order_id"]
    assert opened["order"] == order_id
