"""A Celery worker dies (SIGKILL) in the middle of `send_sms`; the sign-in code still arrives.

The app (gunicorn, Celery not eager) queues `send_sms` on its own Redis broker; a real worker
sends through the MSG91 backend to a loopback stand-in whose first request hangs, so the
worker is inside the HTTP call when it is killed. The stand-in records every request.

What makes these tests fail if the recovery code goes:
- `acks_late` (CELERY_TASK_ACKS_LATE and the task's own `acks_late=True`): without it the message
  is acknowledged when the worker takes it, dies with the worker, and no SMS ever arrives.
- `CELERY_TASK_REJECT_ON_WORKER_LOST`: when only the pool child dies, the parent sees
  WorkerLostError; without this setting it marks the task failed and acknowledges it (lost).
- the claim-check body staying in the cache until the send succeeds (`accounts.tasks._forget`
  only after success): if the first attempt consumed it, the redelivered task finds no text and
  drops the SMS ("its text is no longer in the cache").
Delivery is at least once, not exactly once: the hung request reached the provider before the
kill, so a provider that had accepted it would send the code twice (asserted below: the stand-in
saw the same message at least twice).
"""

from __future__ import annotations

import json
import os
import signal
import time

import pytest

from .conftest import CeleryWorker, Seen, app_env, wait_until

pytestmark = [pytest.mark.fault]

VISIBILITY_TIMEOUT = 3  # seconds: the worker below runs with CELERY_VISIBILITY_TIMEOUT=3


def _msg91(stub_state: dict):
    def behave(seen: Seen) -> tuple[int, object]:
        stub_state["requests"] += 1
        if stub_state["requests"] == 1:
            stub_state["stub"].hang(60)  # the first send never answers: the worker is mid-task
            return 500, {"type": "error"}
        return 200, {"type": "success", "message": "3763646c3058373530393831"}

    return behave


def _setup(postgres, redis_server, start_app, start_stub, fault_tmp):
    state = {"requests": 0}
    stub = start_stub(_msg91(state))
    state["stub"] = stub
    env = app_env(
        database_url=postgres.url,
        redis_url=redis_server.url,
        tmp=fault_tmp,
        CELERY_TASK_ALWAYS_EAGER="0",
        SMS_BACKEND="msg91",
        MSG91_AUTH_KEY="fault-auth-key",
        MSG91_TEMPLATE_ID="fault-template",
        MSG91_BASE_URL=stub.url,
        SMS_TIMEOUT_SECONDS="60",
    )
    app = start_app(env)
    worker_env = {
        **env,
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
    }
    return app, stub, worker_env


def _delivered(stub, phone: str) -> list[dict]:
    sent = []
    for seen in stub.seen:
        payload = json.loads(seen.body)
        recipient = payload["recipients"][0]
        if recipient["mobiles"] == phone.lstrip("+"):
            sent.append({"body": recipient["body"], "answered": seen.answered, "authkey": seen.headers.get("authkey")})
    return sent


def _kill_mid_send_and_check_delivery(app, stub, phone: str, kill) -> None:
    asked = app.call("POST", "/api/v1/auth/otp/request", json={"phone": phone})
    assert asked.status == 202, asked.body
    wait_until(lambda: len(stub.seen) >= 1, timeout=20, what="the worker to start sending")
    kill()
    stub.release()

    wait_until(
        lambda: any(s["answered"] == 200 for s in _delivered(stub, phone)), timeout=30, what="the SMS to be delivered"
    )
    sent = _delivered(stub, phone)
    assert len(sent) >= 2, sent  # the hung attempt and the redelivery: at least once, duplicates possible
    assert len({s["body"] for s in sent}) == 1, "the redelivered task sent a different text"
    assert sent[-1]["authkey"] == "fault-auth-key"
    code = sent[-1]["body"].split()[0]
    signed_in = app.call("POST", "/api/v1/auth/otp/verify", json={"phone": phone, "code": code})
    assert signed_in.status == 200, signed_in.body


def test_worker_killed_whole_mid_send_sms_redelivers_after_visibility_timeout(
    postgres, redis_server, start_app, start_stub, fault_tmp
):
    app, stub, worker_env = _setup(postgres, redis_server, start_app, start_stub, fault_tmp)
    first = CeleryWorker(worker_env, fault_tmp)
    replacement: list[CeleryWorker] = []

    def kill_worker_and_start_another() -> None:
        first.kill_all()  # main process and pool child: nothing acks, nothing requeues
        replacement.append(CeleryWorker(worker_env, fault_tmp))

    try:
        _kill_mid_send_and_check_delivery(app, stub, "+919822200001", kill_worker_and_start_another)
    finally:
        first.stop()
        for worker in replacement:
            worker.stop()


def test_pool_child_killed_mid_send_sms_is_requeued_at_once(postgres, redis_server, start_app, start_stub, fault_tmp):
    app, stub, worker_env = _setup(postgres, redis_server, start_app, start_stub, fault_tmp)
    worker = CeleryWorker(worker_env, fault_tmp)

    def kill_pool_child() -> None:
        children = worker.children()
        assert len(children) == 1, children
        os.kill(children[0], signal.SIGKILL)

    try:
        started = time.monotonic()
        _kill_mid_send_and_check_delivery(app, stub, "+919822200002", kill_pool_child)
        # Requeued by the surviving parent, not restored by the broker after the visibility timeout.
        assert "WorkerLostError" in worker.log.read_text(errors="replace"), worker.log_tail()
        assert time.monotonic() - started < 20
    finally:
        worker.stop()
