"""SIGTERM in the middle of work: gunicorn and the Celery worker finish what they hold, then stop.

A deploy (docs/operations.md) sends SIGTERM and waits. Here a request, and a task, are held
three seconds by a loopback SMS provider when the signal arrives:
- gunicorn, started exactly as the Procfile starts it (`-c gunicorn.conf.py`), answers the held
  request before it exits (its sync worker still holds the listening socket until then: take the
  machine out of the load balancer first, as docs/operations.md says). With a `graceful_timeout` shorter than
  the three seconds the worker is killed mid-request and the client sees a dropped connection.
- the Celery worker (prefork, as the Procfile runs it) takes no new task, finishes `send_sms`
  (warm shutdown) and acknowledges it: a second worker started afterwards, with a visibility
  timeout of three seconds, gets nothing again, and the provider saw the text exactly once.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time

import pytest
import requests

from .conftest import PYTHON, REPO, CeleryWorker, Seen, app_env, free_port, wait_until

pytestmark = [pytest.mark.fault]

HELD_SECONDS = 3.0


def _slow_provider(seen: Seen) -> tuple[int, object]:
    time.sleep(HELD_SECONDS)
    return 200, {"type": "success", "message": "3763646c3058373530393831"}


def _sms_env(postgres, redis_url: str, stub, fault_tmp, **overrides: str) -> dict[str, str]:
    return app_env(
        database_url=postgres.url,
        redis_url=redis_url,
        tmp=fault_tmp,
        SMS_BACKEND="msg91",
        MSG91_AUTH_KEY="fault-auth-key",
        MSG91_TEMPLATE_ID="fault-template",
        MSG91_BASE_URL=stub.url,
        SMS_TIMEOUT_SECONDS="30",
        **overrides,
    )


def _bodies_to(stub, phone: str) -> list[str]:
    sent = []
    for seen in stub.seen:
        recipient = json.loads(seen.body)["recipients"][0]
        if recipient["mobiles"] == phone.lstrip("+"):
            sent.append(recipient["body"])
    return sent


def test_gunicorn_answers_the_request_it_holds_when_told_to_stop(postgres, redis_server, start_stub, fault_tmp):
    stub = start_stub(_slow_provider)
    # Eager Celery: the SMS is sent inside the request, which is therefore held by the provider.
    env = _sms_env(postgres, redis_server.url, stub, fault_tmp, CELERY_TASK_ALWAYS_EAGER="1")
    port = free_port()
    env.update(PORT=str(port), WEB_CONCURRENCY="1", GUNICORN_TIMEOUT="30")
    base = f"http://127.0.0.1:{port}"
    log = fault_tmp / f"graceful-gunicorn-{port}.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", "tntproject.wsgi:application"],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    answers: list[requests.Response | BaseException] = []

    def ask() -> None:
        try:
            answers.append(requests.post(base + "/api/v1/auth/otp/request", json={"phone": "+919822200031"}, timeout=30))
        except requests.RequestException as error:
            answers.append(error)

    try:
        wait_until(lambda: requests.get(base + "/health/live", timeout=1).ok, timeout=30, what="gunicorn")
        client = threading.Thread(target=ask)
        client.start()
        wait_until(lambda: len(stub.seen) == 1, timeout=15, what="the request to reach the SMS provider")
        signalled = time.monotonic()
        os.kill(server.pid, signal.SIGTERM)  # to the master, as a process manager does

        # It answers the request it holds, then exits by itself.
        client.join(timeout=30)
        assert server.wait(timeout=30) == 0, log.read_text(errors="replace")
        stopped_after = time.monotonic() - signalled
        with pytest.raises(requests.ConnectionError):
            requests.get(base + "/health/live", timeout=2)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
    assert len(answers) == 1 and isinstance(answers[0], requests.Response), (answers, log.read_text(errors="replace"))
    assert answers[0].status_code == 202, answers[0].text
    assert stopped_after < 30  # well inside graceful_timeout, not at its end
    assert _bodies_to(stub, "+919822200031") and len(stub.seen) == 1


def test_celery_worker_finishes_and_acknowledges_its_task_on_sigterm(
    postgres, redis_server, start_app, start_stub, fault_tmp
):
    stub = start_stub(_slow_provider)
    env = _sms_env(postgres, redis_server.url, stub, fault_tmp, CELERY_TASK_ALWAYS_EAGER="0")
    app = start_app(env)
    worker_env = {
        **env,
        "CELERY_VISIBILITY_TIMEOUT": "3",
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
    }
    phone = "+919822200032"
    worker = CeleryWorker(worker_env, fault_tmp)
    second: CeleryWorker | None = None
    try:
        assert app.call("POST", "/api/v1/auth/otp/request", json={"phone": phone}).status == 202
        wait_until(lambda: len(stub.seen) == 1, timeout=20, what="the worker to start sending")
        os.kill(worker.process.pid, signal.SIGTERM)  # warm shutdown: the main process only
        assert worker.process.wait(timeout=30) == 0, worker.log_tail()
        log = worker.log.read_text(errors="replace")
        assert "warm shutdown" in log.lower(), worker.log_tail()
        assert "succeeded" in log, worker.log_tail()  # the task ran to its end before the exit
        assert [seen.answered for seen in stub.seen] == [200]

        # Acknowledged: nothing comes back after the visibility timeout to a new worker.
        second = CeleryWorker(worker_env, fault_tmp)
        time.sleep(5)
        assert len(stub.seen) == 1, second.log_tail()
    finally:
        worker.stop()
        if second is not None:
            second.stop()
    code = _bodies_to(stub, phone)[0].split()[0]
    assert app.call("POST", "/api/v1/auth/otp/verify", json={"phone": phone, "code": code}).status == 200
