"""Mutants: webhooks stored and answered at once, applied once by a worker (issue 27)."""

from __future__ import annotations

API = "payments/api.py"
WEBHOOKS = "payments/services/webhooks.py"
TASKS = "payments/tasks.py"
RECONCILE = "payments/services/reconciliation.py"
WORKER_TESTS = "payments/tests/test_webhook_worker.py"

MUTANTS: list[dict] = [
    {
        "id": "hook-stored-before-verified",
        "file": API,
        "function": "RazorpayWebhookView.post",
        "find": "body: bytes = request._request.body  # the raw bytes, before anything parses them\n",
        "replace": (
            "body: bytes = request._request.body\n"
            '        services.webhook_receive(event_id=(request.headers.get("X-Razorpay-Event-Id") or "evt_x")[:64],'
            ' event_type="unverified", body=body.decode("utf-8"))\n'
        ),
        "tests": ["payments/tests/test_webhooks.py"],
        "k": "bad_signatures",
        "why": "an unsigned body is stored (and queued) before its signature is checked",
    },
    {
        "id": "hook-applied-in-the-request",
        "file": WEBHOOKS,
        "function": "webhook_receive",
        "find": "            _apply_on_commit(event.pk)\n    except IntegrityError:",
        "replace": "            webhook_apply(webhook_event_id=event.pk)\n    except IntegrityError:",
        "tests": [WORKER_TESTS],
        "k": "answer_comes_before",
        "why": "the event is applied inside the request: Razorpay waits for the capture, a failure fails the answer",
    },
    {
        "id": "hook-duplicate-queued-again",
        "file": WEBHOOKS,
        "function": "webhook_receive",
        "find": "            raise\n        return seen, False",
        "replace": "            raise\n        _apply_on_commit(seen.pk)\n        return seen, False",
        "tests": [WORKER_TESTS],
        "k": "duplicate_of_a_pending",
        "why": "a duplicate delivery queues the stored event again",
    },
    {
        "id": "hook-body-replay-not-recognised",
        "file": WEBHOOKS,
        "function": "_webhook_seen",
        "find": "filter(Q(event_id=event_id) | Q(body_sha256=body_sha256))",
        "replace": "filter(Q(event_id=event_id))",
        "tests": ["payments/tests/test_webhooks.py"],
        "k": "replayed_under_a_new_event_id",
        "why": "a body replayed under a new event id is refused by its hash constraint, then not found as a duplicate",
    },
    {
        "id": "hook-applied-twice",
        "file": WEBHOOKS,
        "function": "webhook_apply",
        "find": (
            "        if event is None or event.status != PENDING:\n            return event, False\n        # The view"
        ),
        "replace": "        if event is None:\n            return event, False\n        # The view",
        "tests": [WORKER_TESTS, "payments/tests/test_concurrency.py"],
        "k": "applied_event_again or eight_workers",
        "why": "an event already applied is applied again by a second or concurrent attempt",
    },
    {
        "id": "hook-apply-unlocked",
        "file": "payments/locks.py",
        "function": "webhook_event_lock_find",
        "find": "return WebhookEvent.objects.select_for_update().filter(pk=webhook_event_id).first()",
        "replace": "return WebhookEvent.objects.filter(pk=webhook_event_id).first()",
        "tests": ["payments/tests/test_concurrency.py"],
        "k": "eight_workers",
        "why": "two workers read the same pending event without its row lock and both apply it",
    },
    {
        "id": "hook-failure-loses-event",
        "file": WEBHOOKS,
        "function": "webhook_attempt_failed",
        "find": "        if event.attempts >= settings.WEBHOOK_APPLY_MAX_ATTEMPTS:",
        "replace": "        if event.attempts >= 1:",
        "tests": [WORKER_TESTS],
        "k": "failed_apply or requeues_a_pending",
        "why": "the first failed attempt gives the event up: nothing retries it, the capture is lost",
    },
    {
        "id": "hook-failure-not-recorded",
        "file": TASKS,
        "function": "webhook_apply_task",
        "find": "event = webhook_attempt_failed(webhook_event_id=webhook_event_id, error=",
        "replace": "event = None and webhook_attempt_failed(webhook_event_id=webhook_event_id, error=",
        "tests": [WORKER_TESTS],
        "k": "failed_apply",
        "why": "a failed attempt is neither counted nor its error kept, so the engineer cannot see it",
    },
    {
        "id": "hook-failed-swept-forever",
        "file": WEBHOOKS,
        "function": "webhooks_requeue",
        "find": "        WebhookEvent.objects.filter(status=PENDING)\n",
        "replace": "        WebhookEvent.objects.exclude(status=WebhookEvent.Status.APPLIED)\n",
        "tests": [WORKER_TESTS],
        "k": "last_attempt",
        "why": "failed events are retried for ever by the sweep: the attempts are not bounded",
    },
    {
        "id": "hook-sweep-ignores-last-attempt",
        "file": WEBHOOKS,
        "function": "webhooks_requeue",
        "find": '.alias(touched=Coalesce("last_attempt_at", "received_at"))',
        "replace": '.alias(touched=Coalesce("received_at", "last_attempt_at"))',
        "tests": [WORKER_TESTS],
        "k": "requeues_a_pending",
        "why": "the sweep queues an event a worker has just tried (and is backing off) by its arrival time",
    },
    {
        "id": "hook-reconcile-no-sweep",
        "file": RECONCILE,
        "function": "payments_reconcile",
        "find": 'summary["webhooks_requeued"] = webhooks_requeue(now=now)',
        "replace": 'summary["webhooks_requeued"] = 0',
        "tests": [WORKER_TESTS],
        "k": "requeues_a_pending",
        "why": "reconciliation never queues a pending event again: a task lost with its worker loses the capture",
    },
    {
        "id": "hook-replay-keeps-attempts",
        "file": WEBHOOKS,
        "function": "webhooks_replay",
        "find": "            event.status = PENDING\n            event.attempts = 0\n",
        "replace": "            event.status = PENDING\n",
        "tests": [WORKER_TESTS],
        "k": "last_attempt",
        "why": "a replayed event keeps its spent attempts",
    },
]
