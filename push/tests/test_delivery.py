"""Push first, SMS when push does not get through: against the loopback push service, which
checks the VAPID signature and decrypts each message with the subscription's own keys."""

from __future__ import annotations

import socket

import pytest
from django.db import transaction

from accounts.tests.factories import FoodVendorFactory, StudentFactory
from push import services
from push.models import PushSubscription
from push.notify import notify_user

from .factories import subscribe
from .push_service import REDIRECT_TARGET

pytestmark = pytest.mark.django_db

BODY = "Tap N Take: your order #41 is ready. Show your pickup code at the counter."
URL = "/orders/41"
TAG = "order-41"


@pytest.fixture
def notify(django_capture_on_commit_callbacks):
    """notify_user as a service calls it, with its on-commit work (and the eager task) run."""

    def run(user, body: str = BODY) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            notify_user(user_id=user.pk, body=body, url=URL, tag=TAG)

    return run


def _sms_bodies(outbox, user) -> list[str]:
    return [message["body"] for message in outbox if message["to"] == user.phone]


def test_a_push_reaches_the_browser_signed_by_the_server_and_readable_only_with_its_keys(
    push_service, notify, sms_outbox, settings
):
    student = StudentFactory()
    subscription = subscribe(student, push_service, "phone")

    notify(student)

    [received] = push_service.received
    assert received.status == 201, received.problem
    assert received.payload == {"title": "Tap N Take", "body": BODY, "url": URL, "tag": TAG}
    assert received.claims["aud"] == push_service.origin
    assert received.claims["sub"] == settings.VAPID_SUBJECT
    assert received.headers["ttl"] == str(settings.PUSH_TTL_SECONDS)
    assert received.headers["urgency"] == "high"
    assert received.headers["content-encoding"] == "aes128gcm"
    subscription.refresh_from_db()
    assert subscription.last_success_at is not None and subscription.failures == 0
    assert sms_outbox == []


def test_a_message_for_another_browser_cannot_be_read_with_these_keys(push_service, notify):
    """The encryption is to the subscription's key: swap the keys and the service cannot decrypt."""
    student = StudentFactory()
    subscribe(student, push_service, "phone")
    push_service.subscribe("other")
    push_service.browsers["phone"] = push_service.browsers["other"]

    notify(student)

    [received] = push_service.received
    assert received.status == 400 and received.problem.startswith("decrypt")


def test_every_subscription_gets_the_push_and_one_success_is_enough(push_service, notify, sms_outbox):
    student = StudentFactory()
    failing = subscribe(student, push_service, "laptop", answer=500)
    working = subscribe(student, push_service, "phone")

    notify(student)

    assert sorted(r.name for r in push_service.received) == ["laptop", "phone"]
    assert push_service.payloads("phone")[0]["body"] == BODY
    assert sms_outbox == []
    failing.refresh_from_db()
    working.refresh_from_db()
    assert failing.failures == 1 and failing.last_success_at is None
    assert working.last_success_at is not None


@pytest.mark.parametrize("status", [404, 410])
def test_a_subscription_the_push_service_no_longer_knows_is_deleted_and_the_sms_goes(
    push_service, notify, sms_outbox, status
):
    student = StudentFactory()
    subscription = subscribe(student, push_service, "phone", answer=status)

    notify(student)

    assert [r.status for r in push_service.received] == [status]
    assert not PushSubscription.objects.filter(pk=subscription.pk).exists()
    assert _sms_bodies(sms_outbox, student) == [BODY]


def test_with_no_subscription_the_sms_goes_as_before(push_service, notify, sms_outbox):
    student = StudentFactory()
    other = StudentFactory()
    subscribe(other, push_service, "someone-elses")

    notify(student)

    assert push_service.received == []
    assert _sms_bodies(sms_outbox, student) == [BODY]


def test_a_push_service_error_sends_the_sms_when_sms_is_on(push_service, notify, sms_outbox):
    student = StudentFactory()
    subscription = subscribe(student, push_service, "phone", answer=500, works=True)

    notify(student)

    assert [r.status for r in push_service.received] == [500]
    assert _sms_bodies(sms_outbox, student) == [BODY]
    subscription.refresh_from_db()
    assert subscription.failures == 1


def test_a_push_service_error_sends_nothing_when_sms_is_off_and_the_subscription_lives(
    push_service, notify, sms_outbox
):
    student = StudentFactory()
    subscription = subscribe(student, push_service, "phone", works=True)
    services.push_preference_set(user_id=student.pk, sms=False)
    push_service.answer("phone", 500)

    notify(student)

    assert [r.status for r in push_service.received] == [500]
    assert sms_outbox == []
    subscription.refresh_from_db()
    assert subscription.failures == 1


def test_sms_off_and_the_last_subscription_gone_the_sms_goes_anyway(push_service, notify, sms_outbox):
    student = StudentFactory()
    subscribe(student, push_service, "phone", works=True)
    services.push_preference_set(user_id=student.pk, sms=False)
    push_service.answer("phone", 410)

    notify(student)

    assert not PushSubscription.objects.filter(user=student).exists()
    assert _sms_bodies(sms_outbox, student) == [BODY]


def test_a_subscription_failing_push_max_failures_times_in_a_row_is_dropped(push_service, notify, sms_outbox, settings):
    settings.PUSH_MAX_FAILURES = 3
    student = StudentFactory()
    subscription = subscribe(student, push_service, "phone", works=True)
    services.push_preference_set(user_id=student.pk, sms=False)
    push_service.answer("phone", 503)

    notify(student)
    notify(student)
    assert PushSubscription.objects.get(pk=subscription.pk).failures == 2
    assert sms_outbox == []

    notify(student)  # the third failure in a row: the subscription is dropped and SMS resumes
    assert not PushSubscription.objects.filter(pk=subscription.pk).exists()
    assert _sms_bodies(sms_outbox, student) == [BODY]


def test_a_success_forgives_earlier_failures(push_service, notify):
    student = StudentFactory()
    subscription = subscribe(student, push_service, "phone", answer=500)
    notify(student)
    push_service.answer("phone", 201)
    notify(student)
    subscription.refresh_from_db()
    assert subscription.failures == 0 and subscription.last_success_at is not None


def test_a_network_error_counts_as_a_failure_and_the_sms_goes(push_service, notify, sms_outbox):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    student = StudentFactory()
    subscription = subscribe(student, push_service, "phone")
    PushSubscription.objects.filter(pk=subscription.pk).update(endpoint=f"http://127.0.0.1:{closed_port}/push/phone")

    notify(student)

    assert PushSubscription.objects.get(pk=subscription.pk).failures == 1
    assert _sms_bodies(sms_outbox, student) == [BODY]


def test_a_redirect_from_a_push_service_is_not_followed(push_service, notify, sms_outbox):
    student = StudentFactory()
    subscribe(student, push_service, "phone", answer=307)
    push_service.subscribe(REDIRECT_TARGET)

    notify(student)

    assert [r.name for r in push_service.received] == ["phone"]
    assert _sms_bodies(sms_outbox, student) == [BODY]


def test_an_endpoint_no_longer_allowed_is_not_posted_to(push_service, notify, sms_outbox, settings):
    student = StudentFactory()
    subscription = subscribe(student, push_service, "phone")
    settings.PUSH_ALLOWED_HOSTS = ["fcm.googleapis.com"]

    notify(student)

    assert push_service.received == []
    assert PushSubscription.objects.get(pk=subscription.pk).failures == 1
    assert _sms_bodies(sms_outbox, student) == [BODY]


def test_with_push_off_on_the_server_everything_goes_by_sms(push_service, notify, sms_outbox, settings):
    student = StudentFactory()
    subscribe(student, push_service, "phone", works=True)
    services.push_preference_set(user_id=student.pk, sms=False)
    settings.VAPID_PRIVATE_KEY = settings.VAPID_PUBLIC_KEY = settings.VAPID_SUBJECT = ""

    notify(student)

    assert push_service.received == []
    assert _sms_bodies(sms_outbox, student) == [BODY]


def test_a_vendor_is_notified_the_same_way(push_service, notify, sms_outbox):
    vendor = FoodVendorFactory()
    subscribe(vendor, push_service, "counter-tablet")
    notify(vendor, body="Tap N Take: campus staff refunded ₹40 of order #41.")
    assert push_service.payloads("counter-tablet")[0]["body"] == "Tap N Take: campus staff refunded ₹40 of order #41."
    assert sms_outbox == []


def test_nothing_is_sent_when_the_transaction_rolls_back(push_service, django_capture_on_commit_callbacks, sms_outbox):
    student = StudentFactory()
    subscribe(student, push_service, "phone")
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify_user(user_id=student.pk, body=BODY, url=URL, tag=TAG)
        raise RuntimeError("the service fails after notifying")
    assert callbacks == []
    assert push_service.received == [] and sms_outbox == []


def test_the_task_never_carries_the_text(push_service, django_capture_on_commit_callbacks, monkeypatch):
    from push import tasks

    student = StudentFactory()
    subscribe(student, push_service, "phone")
    calls = []
    original = tasks.push_deliver.apply_async
    monkeypatch.setattr(
        tasks.push_deliver, "apply_async", lambda *args, **kwargs: calls.append(kwargs) or original(*args, **kwargs)
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify_user(user_id=student.pk, body=BODY, url=URL, tag=TAG)
    [call] = calls
    assert BODY not in repr(call["kwargs"]) and BODY not in call["kwargsrepr"]
    assert push_service.payloads("phone")[0]["body"] == BODY
