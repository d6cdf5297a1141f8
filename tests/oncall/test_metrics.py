"""GET /metrics: only METRICS_ALLOWED_IPS, every named series, and each moves when its event happens."""

from datetime import timedelta

import pytest
from celery.exceptions import AlwaysEagerIgnored
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.tests.factories import StudentFactory
from core import metrics
from core.metrics_celery import reconcile_run_record, worker_heartbeat
from ordering import services as ordering_services
from ordering.tests.factories import SlotFactory, paid_order, place_order
from payments.models import Payment, Refund
from payments.tests.factories import event_body, open_payment, payment_entity, post_webhook
from tntproject.celery import app as celery_app

pytestmark = pytest.mark.django_db

# Every series the issue names, as exposed.
NAMED_SERIES = {
    "tnt_http_requests_total",
    "tnt_http_request_duration_seconds_bucket",
    "tnt_http_request_db_queries_bucket",
    "tnt_orders_placed_total",
    "tnt_orders_paid_total",
    "tnt_orders_rejected_total",
    "tnt_orders_last_minute",
    "tnt_slot_fill_ratio",
    "tnt_slot_places_today",
    "tnt_payments_open",
    "tnt_payments_open_oldest_age_seconds",
    "tnt_payments_open_by_age",
    "tnt_webhook_lag_seconds",
    "tnt_webhook_lag_last_seconds",
    "tnt_webhook_events_recent",
    "tnt_reconcile_backlog",
    "tnt_reconcile_fixed_total",
    "tnt_refunds",
    "tnt_refunds_pending_oldest_age_seconds",
    "tnt_sms_sent_total",
    "tnt_sms_failed_total",
    "tnt_push_sent_total",
    "tnt_push_failed_total",
    "tnt_celery_task_failures_total",
    "tnt_celery_workers_seen",
    "tnt_metrics_scrape_errors",
}


@pytest.mark.parametrize("address", ["203.0.113.9", "2001:db8::1", "127.0.0.2"])
def test_metrics_is_404_to_addresses_not_allowed(address):
    response = Client(REMOTE_ADDR=address).get("/metrics")
    assert response.status_code == 404
    assert b"tnt_" not in response.content


def test_metrics_allows_the_listed_networks_and_believes_x_forwarded_for_only_through_trusted_proxies(settings):
    settings.METRICS_ALLOWED_IPS = ["192.0.2.0/24"]
    assert Client(REMOTE_ADDR="192.0.2.77").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="127.0.0.1").get("/metrics").status_code == 404
    # Untrusted: the header is the caller's own words.
    spoofed = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="192.0.2.77")
    assert spoofed.get("/metrics").status_code == 404
    settings.TRUSTED_PROXY_COUNT = 1
    assert spoofed.get("/metrics").status_code == 200


def test_metrics_refuses_writes():
    assert Client(REMOTE_ADDR="127.0.0.1").post("/metrics").status_code == 405


def test_every_named_series_is_exposed(scrape, settings):
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    SlotFactory(starts_at=midnight, ends_at=midnight + timedelta(minutes=30))  # a slot of today at any hour of the run
    order = paid_order()
    ordering_services.order_reject(order_id=order.pk, vendor=order.vendor, reason="out of stock")
    open_payment(payer=StudentFactory(), order_=place_order())
    reconcile_run_record({"captured": 1, "payments_checked": 2})
    metrics.count("sms_sent")
    Client().get("/health/live")
    names = scrape().names()
    assert NAMED_SERIES - names == set()
    if settings.CELERY_BROKER_URL.startswith("redis"):
        assert "tnt_celery_queue_length" in names


def test_placing_paying_and_rejecting_orders_move_their_counters(scrape):
    before = scrape()
    placed, paid, rejected = (
        before.value("tnt_orders_placed_total"),
        before.value("tnt_orders_paid_total"),
        before.value("tnt_orders_rejected_total"),
    )
    order = place_order()
    after_place = scrape()
    assert after_place.value("tnt_orders_placed_total") == placed + 1
    assert after_place.value("tnt_orders_last_minute", event="placed") == 1
    assert after_place.value("tnt_orders_paid_total") == paid

    order = paid_order()
    after_pay = scrape()
    assert after_pay.value("tnt_orders_placed_total") == placed + 2
    assert after_pay.value("tnt_orders_paid_total") == paid + 1
    assert after_pay.value("tnt_orders_last_minute", event="paid") == 1

    ordering_services.order_reject(order_id=order.pk, vendor=order.vendor, reason="out of stock")
    after_reject = scrape()
    assert after_reject.value("tnt_orders_rejected_total") == rejected + 1
    assert after_reject.value("tnt_orders_last_minute", event="rejected") == 1
    # The rejection refunds the payment; Razorpay is unreachable here, so the refund stays pending.
    assert after_reject.value("tnt_refunds", status="pending") == 1


def test_an_order_placed_over_a_minute_ago_leaves_the_last_minute_but_stays_counted(scrape):
    order = place_order()
    order.events.update(created_at=timezone.now() - timedelta(seconds=61))
    samples = scrape()
    assert samples.value("tnt_orders_last_minute", event="placed") == 0
    assert samples.value("tnt_orders_placed_total") == 1


def test_slot_fill_of_todays_slots(scrape):
    now = timezone.localtime()
    start = now.replace(hour=23, minute=0, second=0, microsecond=0)
    if start <= now + timedelta(minutes=20):
        pytest.skip("too close to midnight for a slot today")
    slot = SlotFactory(starts_at=start, ends_at=start + timedelta(minutes=30), capacity=4)
    tomorrow = SlotFactory(starts_at=start + timedelta(days=1), ends_at=start + timedelta(days=1, minutes=30))
    place_order(slot=slot)
    samples = scrape()
    assert samples.value("tnt_slot_fill_ratio", slot=slot.pk, vendor=slot.vendor_id) == 0.25
    assert samples.value("tnt_slot_fill_ratio", slot=tomorrow.pk, vendor=tomorrow.vendor_id) == 0
    assert ("tnt_slot_fill_ratio", frozenset({("slot", str(tomorrow.pk)), ("vendor", str(tomorrow.vendor_id))})) not in (
        samples.samples
    )
    assert samples.value("tnt_slot_places_today", kind="capacity") == 4
    assert samples.value("tnt_slot_places_today", kind="reserved") == 1


def test_open_payments_their_age_and_the_reconciliation_backlog(scrape, settings):
    settings.RECONCILE_AFTER_SECONDS = 300
    empty = scrape()
    assert empty.value("tnt_payments_open") == 0
    assert empty.value("tnt_payments_open_oldest_age_seconds") == 0
    fresh = open_payment(payer=StudentFactory(), order_=place_order())
    old = open_payment(payer=StudentFactory(), order_=place_order())
    Payment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=40))
    samples = scrape()
    assert samples.value("tnt_payments_open") == 2
    assert 40 * 60 <= samples.value("tnt_payments_open_oldest_age_seconds") < 41 * 60
    assert samples.value("tnt_payments_open_by_age", age="under_5m") == 1
    assert samples.value("tnt_payments_open_by_age", age="from_5m_to_30m") == 0
    assert samples.value("tnt_payments_open_by_age", age="over_30m") == 1
    assert samples.value("tnt_reconcile_backlog", kind="payments") == 1
    # A captured payment is no longer open.
    from payments.tests.factories import capture

    capture(fresh)
    assert scrape().value("tnt_payments_open") == 1


def test_webhook_lag_is_razorpay_event_created_to_applied(client, scrape):
    order = place_order()
    payment = open_payment(payer=order.student, order_=order)
    body = event_body("payment.captured", payment=payment_entity(payment))
    import json

    event = json.loads(body)
    event["created_at"] = int(timezone.now().timestamp()) - 200
    body = json.dumps(event).encode()
    assert scrape().value("tnt_webhook_events_recent") == 0
    assert post_webhook(client, body).status_code == 200
    samples = scrape()
    assert samples.value("tnt_webhook_events_recent") == 1
    assert 199 <= samples.value("tnt_webhook_lag_seconds") < 230
    assert samples.value("tnt_webhook_lag_last_seconds") == samples.value("tnt_webhook_lag_seconds")


def test_refunds_pending_and_failed(scrape):
    payment = paid_order().payments.get()
    Refund.objects.create(payment=payment, amount_paise=100, status=Refund.Status.PENDING, idempotency_key="k1")
    failed = Refund.objects.create(payment=payment, amount_paise=100, status=Refund.Status.FAILED, idempotency_key="k2")
    samples = scrape()
    assert samples.value("tnt_refunds", status="pending") == 1
    assert samples.value("tnt_refunds", status="failed") == 1
    assert samples.value("tnt_refunds", status="failed_not_retried") == 1
    Refund.objects.create(payment=payment, amount_paise=100, idempotency_key="k3", retry_of=failed)
    samples = scrape()
    assert samples.value("tnt_refunds", status="failed_not_retried") == 0
    assert samples.value("tnt_refunds", status="pending") == 2


def test_a_reconciliation_run_records_what_it_fixed(scrape, settings):
    from payments.tasks import reconcile_payments

    settings.RECONCILE_AFTER_SECONDS = 0
    order = place_order()
    stale = Payment.objects.create(order=order, payer=order.student, amount_paise=order.total_paise)
    Payment.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert scrape().value("tnt_reconcile_fixed_total", what="reservations_dropped") == 0
    reconcile_payments.delay()
    samples = scrape()
    assert samples.value("tnt_reconcile_fixed_total", what="reservations_dropped") == 1
    assert abs(samples.value("tnt_reconcile_last_run_timestamp_seconds") - timezone.now().timestamp()) < 30


def test_sms_counters_move_when_a_text_is_sent_or_refused(scrape, settings, sms_outbox):
    from accounts.tasks import send_sms

    assert scrape().value("tnt_sms_sent_total") == 0
    send_sms.delay(to="+919876543210", body="hello")
    assert scrape().value("tnt_sms_sent_total") == 1
    assert len(sms_outbox) == 1
    assert scrape().value("tnt_sms_failed_total") == 0
    settings.SMS_BACKEND = "unknown-backend-name"  # refused for good: no retry
    assert send_sms.delay(to="+919876543210", body="hello").get() is False
    samples = scrape()
    assert samples.value("tnt_sms_sent_total") == 1
    assert samples.value("tnt_sms_failed_total") == 1


def test_push_counters_read_the_helper_the_push_code_calls(scrape):
    metrics.count("push_sent")
    metrics.count("push_sent")
    metrics.count("push_failed")
    samples = scrape()
    assert samples.value("tnt_push_sent_total") == 2
    assert samples.value("tnt_push_failed_total") == 1


def test_count_refuses_names_that_are_not_counters():
    with pytest.raises(ValueError):
        metrics.count("no spaces please")


@celery_app.task(name="tests.oncall.always_fails", ignore_result=True)
def always_fails():
    raise RuntimeError("on purpose")


def test_a_failed_celery_task_is_counted_by_name(scrape):
    assert scrape().value("tnt_celery_task_failures_total", task="tests.oncall.always_fails") == 0
    always_fails.delay()
    always_fails.delay()
    assert scrape().value("tnt_celery_task_failures_total", task="tests.oncall.always_fails") == 2


def test_queue_length_is_what_waits_on_the_broker(scrape, settings):
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.skip("the queue lengths are read from a Redis broker (REDIS_URL)")
    before = scrape().value("tnt_celery_queue_length", queue="celery")
    for _ in range(3):  # send_task publishes even while tasks run eagerly (and says so)
        with pytest.warns(AlwaysEagerIgnored):
            celery_app.send_task("tests.oncall.always_fails")
    assert scrape().value("tnt_celery_queue_length", queue="celery") == before + 3


def test_workers_seen_counts_heartbeats_under_a_minute_old(scrape):
    import time

    worker_heartbeat("celery@a")
    worker_heartbeat("celery@b", now=time.time() - 120)
    assert scrape().value("tnt_celery_workers_seen") == 1


def test_requests_are_counted_by_view_and_status_with_their_queries(scrape):
    first = scrape()
    view = "health-ready"
    count = first.value("tnt_http_requests_total", view=view, method="GET", status="200")
    queries = first.value("tnt_http_request_db_queries_sum", view=view)
    client = Client()
    assert client.get("/health/ready").status_code == 200
    samples = scrape()
    assert samples.value("tnt_http_requests_total", view=view, method="GET", status="200") == count + 1
    assert samples.value("tnt_http_request_duration_seconds_count", view=view, status="200") >= 1
    # The readiness check's own statements: SET LOCAL statement_timeout and SELECT 1 (SQLite: the SELECT).
    expected = 2 if connection.vendor == "postgresql" else 1
    assert samples.value("tnt_http_request_db_queries_sum", view=view) == queries + expected
    client.get("/no/such/page")
    assert scrape().value("tnt_http_requests_total", view="unmatched", method="GET", status="404") >= 1
    # A method a client makes up is counted as "other": it cannot add series without bound.
    client.generic("BREW", "/health/live")
    samples = scrape()
    assert samples.value("tnt_http_requests_total", view="health-live", method="other", status="405") >= 1
    assert samples.value("tnt_http_requests_total", view="health-live", method="BREW", status="405") == 0.0


def test_a_scrape_makes_a_bounded_number_of_queries(django_assert_max_num_queries):
    paid_order()
    with django_assert_max_num_queries(5):
        response = Client(REMOTE_ADDR="127.0.0.1").get("/metrics")
    assert response.status_code == 200


def test_the_business_metrics_still_answer_when_a_part_cannot_be_read(scrape, monkeypatch):
    from campus import metrics as metrics_collectors

    def broken(now):
        raise RuntimeError("database gone")

    monkeypatch.setitem(metrics_collectors._PARTS, "orders", broken)
    samples = scrape()
    assert samples.value("tnt_metrics_scrape_errors") == 1
    assert "tnt_orders_placed_total" not in samples.names()
    assert "tnt_payments_open" in samples.names()
