"""Razorpay's webhook is answered while no Celery worker runs; a worker started later applies it, once.

The app is gunicorn with Celery not eager and a real Redis broker, as in production; Razorpay's
order API is a loopback stand-in (the built-in sandbox refuses DEBUG off). The signed
`payment.captured` event is posted as Razorpay posts it.

What makes this test fail if the code goes:
- the event applied in the request (not queued): the order would be paid before any worker runs;
- the task not queued after the request's commit, or queued before it: no worker ever applies it,
  or the worker finds no row;
- duplicates queued again: the worker's log would show more than the one task.
The vendor's captured total grows by the order's amount exactly once.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time

import pytest

from .conftest import CeleryWorker, Seen, app_env, wait_until

pytestmark = [pytest.mark.fault]

WEBHOOK_SECRET = "fault-webhook-secret"


def _razorpay_orders():
    numbers = itertools.count(1)

    def behave(seen: Seen) -> tuple[int, object]:
        asked = json.loads(seen.body)
        return 200, {
            "id": f"order_HOOK{next(numbers):011d}",
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

    return behave


def _captured_event(*, razorpay_order_id: str, amount_paise: int) -> bytes:
    entity = {
        "id": "pay_HOOKFAULT00001",
        "entity": "payment",
        "amount": amount_paise,
        "currency": "INR",
        "status": "captured",
        "order_id": razorpay_order_id,
        "captured": True,
        "method": "upi",
        "fee": 236,
        "tax": 36,
        "created_at": int(time.time()),
    }
    event = {
        "entity": "event",
        "event": "payment.captured",
        "contains": ["payment"],
        "payload": {"payment": {"entity": entity}},
        "created_at": int(time.time()),
    }
    return json.dumps(event).encode()


def _deliver(app, body: bytes, event_id: str):
    signature = hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return app.call(
        "POST",
        "/api/v1/payments/webhooks/razorpay",
        data=body,
        headers={
            "Content-Type": "application/json",
            "X-Razorpay-Signature": signature,
            "X-Razorpay-Event-Id": event_id,
        },
    )


def test_a_webhook_is_answered_without_a_worker_and_applied_once_when_one_starts(
    world, postgres, redis_server, start_app, start_stub, fault_tmp
):
    stub = start_stub(_razorpay_orders())
    env = app_env(
        database_url=postgres.url,
        redis_url=redis_server.url,
        tmp=fault_tmp,
        CELERY_TASK_ALWAYS_EAGER="0",
        RAZORPAY_KEY_ID="rzp_test_faultkey",
        RAZORPAY_KEY_SECRET="fault-key-secret",
        RAZORPAY_WEBHOOK_SECRET=WEBHOOK_SECRET,
        RAZORPAY_BASE_URL=stub.url,
        RATE_LIMIT_PAYMENTS="1000/m",
    )
    app = start_app(env)
    student = world["student_token"]
    captured_before = app.call("GET", "/api/v1/ledger/balance", token=world["vendor_token"]).body["captured_paise"]
    placed = app.call(
        "POST",
        "/api/v1/orders",
        token=student,
        json={"vendor": world["vendor"], "slot": world["slot"], "items": [{"menu_item": world["items"][0], "quantity": 1}]},
    )
    assert placed.status == 201, placed.body
    order_id = placed.body["id"]
    paying = app.call("POST", f"/api/v1/orders/{order_id}/pay", token=student)
    assert paying.status == 200, paying.body
    body = _captured_event(razorpay_order_id=paying.body["razorpay_order_id"], amount_paise=placed.body["total_paise"])

    # No worker runs: the event is verified, stored and answered, and nothing is applied yet.
    first = _deliver(app, body, "evt_HOOKFAULT00001")
    assert first.status == 200 and first.body == {"status": "accepted"}, first.body
    assert first.seconds < 2.0, f"the webhook took {first.seconds:.2f}s to answer"
    time.sleep(1.0)
    assert app.call("GET", f"/api/v1/orders/{order_id}", token=student).body["status"] == "pending_payment"
    payment = app.call("GET", f"/api/v1/payments/{paying.body['payment_id']}", token=student).body
    assert payment["status"] == "created", payment

    worker = CeleryWorker(env, fault_tmp)
    try:
        wait_until(
            lambda: app.call("GET", f"/api/v1/orders/{order_id}", token=student).body["status"] == "paid",
            timeout=30,
            what="the worker to apply the stored capture",
        )
        payment = app.call("GET", f"/api/v1/payments/{paying.body['payment_id']}", token=student).body
        assert payment["status"] == "captured" and payment["razorpay_payment_id"] == "pay_HOOKFAULT00001"

        # Razorpay delivers it again (same id, then the same body under a new id): stored once, nothing queued.
        assert _deliver(app, body, "evt_HOOKFAULT00001").body == {"status": "duplicate"}
        assert _deliver(app, body, "evt_HOOKFAULT00002").body == {"status": "duplicate"}
        time.sleep(1.0)
        assert "webhook_apply_task" in worker.log_tail()
        assert worker.log_tail().count("webhook_apply_task[") <= 2  # received and succeeded, once each
    finally:
        worker.stop()

    balance = app.call("GET", "/api/v1/ledger/balance", token=world["vendor_token"]).body
    assert balance["captured_paise"] - captured_before == placed.body["total_paise"], balance
