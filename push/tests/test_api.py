"""The push endpoints: the public key, subscriptions (validated against SSRF), the SMS preference."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.tests.factories import FoodVendorFactory, StudentFactory
from push.models import PushPreference, PushSubscription
from push.tests.push_service import Browser

pytestmark = pytest.mark.django_db

FCM = "https://fcm.googleapis.com/fcm/send/dGhpcyBpcyBhIHRva2Vu"


def _assert_envelope(response) -> dict:
    """The one error shape of core/errors.py, with the request id of the answer."""
    body = response.json()
    assert set(body) == {"error", "request_id"} and body["request_id"] == response["X-Request-ID"]
    assert set(body["error"]) == {"code", "message", "details"} and body["error"]["message"]
    return body


def _body(endpoint: str = FCM, browser: Browser | None = None, **keys) -> dict:
    browser = browser or Browser()
    return {"endpoint": endpoint, "keys": {"p256dh": browser.p256dh, "auth": browser.auth, **keys}}


@pytest.fixture
def student():
    return StudentFactory()


@pytest.fixture
def client(student, make_client):
    return make_client(student)


# --- the public key --------------------------------------------------------------------------


def test_the_public_key_is_the_configured_vapid_key(client, settings):
    response = client.get("/api/v1/push/public-key")
    assert response.status_code == 200
    assert response.json() == {"public_key": settings.VAPID_PUBLIC_KEY}


def test_the_public_key_needs_a_signed_in_user(api_client):
    _assert_envelope(api_client.get("/api/v1/push/public-key"))


def test_with_push_off_the_public_key_is_503_in_the_envelope(client, settings):
    settings.VAPID_PRIVATE_KEY = settings.VAPID_PUBLIC_KEY = settings.VAPID_SUBJECT = ""
    response = client.get("/api/v1/push/public-key")
    assert response.status_code == 503
    assert _assert_envelope(response)["error"]["code"] == "push_unavailable"


# --- subscribing -----------------------------------------------------------------------------


def test_a_subscription_is_stored_for_the_caller(client, student):
    body = _body()
    response = client.post("/api/v1/push-subscriptions", body, format="json")
    assert response.status_code == 201
    row = PushSubscription.objects.get(pk=response.json()["id"])
    assert set(response.json()) == {"id"}
    assert (row.user_id, row.endpoint, row.p256dh, row.auth) == (
        student.pk,
        FCM,
        body["keys"]["p256dh"],
        body["keys"]["auth"],
    )
    assert row.last_success_at is None and row.failures == 0


def test_the_same_browser_again_is_the_same_row_and_keeps_its_record(client, student):
    body = _body()
    first = client.post("/api/v1/push-subscriptions", body, format="json").json()["id"]
    PushSubscription.objects.filter(pk=first).update(last_success_at=timezone.now())
    again = client.post("/api/v1/push-subscriptions", body, format="json")
    assert again.status_code == 201 and again.json()["id"] == first
    assert PushSubscription.objects.filter(user=student).count() == 1
    assert PushSubscription.objects.get(pk=first).last_success_at is not None


def test_the_same_endpoint_from_another_user_is_taken_over_and_starts_afresh(client, student, make_client):
    body = _body()
    first = client.post("/api/v1/push-subscriptions", body, format="json").json()["id"]
    PushSubscription.objects.filter(pk=first).update(last_success_at=timezone.now(), failures=2)
    other = StudentFactory()
    fresh_keys = _body()["keys"]
    response = make_client(other).post(
        "/api/v1/push-subscriptions", {"endpoint": FCM, "keys": fresh_keys}, format="json"
    )
    assert response.status_code == 201 and response.json()["id"] == first
    row = PushSubscription.objects.get(pk=first)
    assert row.user_id == other.pk and row.p256dh == fresh_keys["p256dh"]
    assert row.last_success_at is None and row.failures == 0
    assert not PushSubscription.objects.filter(user=student).exists()


def test_a_vendor_may_subscribe_too(make_client):
    response = make_client(FoodVendorFactory()).post("/api/v1/push-subscriptions", _body(), format="json")
    assert response.status_code == 201


def test_beyond_the_limit_the_oldest_subscriptions_are_dropped(client, student, settings):
    settings.PUSH_MAX_SUBSCRIPTIONS_PER_USER = 2
    ids = [client.post("/api/v1/push-subscriptions", _body(f"{FCM}-{n}"), format="json").json()["id"] for n in range(3)]
    assert sorted(PushSubscription.objects.filter(user=student).values_list("pk", flat=True)) == ids[1:]


def test_a_browser_taken_over_at_the_limit_is_kept_and_the_oldest_other_goes(client, student, make_client, settings):
    settings.PUSH_MAX_SUBSCRIPTIONS_PER_USER = 2
    older = make_client(StudentFactory()).post("/api/v1/push-subscriptions", _body(f"{FCM}-shared"), format="json")
    mine = [
        client.post("/api/v1/push-subscriptions", _body(f"{FCM}-{n}"), format="json").json()["id"] for n in range(2)
    ]
    taken = client.post("/api/v1/push-subscriptions", _body(f"{FCM}-shared"), format="json").json()["id"]
    assert taken == older.json()["id"] < mine[0]
    assert sorted(PushSubscription.objects.filter(user=student).values_list("pk", flat=True)) == [taken, mine[1]]


@pytest.mark.parametrize(
    ("endpoint", "why"),
    [
        ("not a url", "endpoint"),
        ("ftp://fcm.googleapis.com/fcm/send/x", "endpoint"),
        ("http://fcm.googleapis.com/fcm/send/x", "https"),
        ("https://push.example.com/x", "known push service"),
        ("https://fcm.googleapis.com.example.com/x", "known push service"),
        ("https://notify.windows.com/w/x", "known push service"),
        ("https://evilnotify.windows.com/w/x", "known push service"),
        ("https://fcm.googleapis.com:8443/fcm/send/x", "default https port"),
        ("https://user:pw@fcm.googleapis.com/fcm/send/x", "not a valid push service URL"),
        ("http://127.0.0.1:9/push/x", "https"),
        ("https://169.254.169.254/latest/meta-data", "known push service"),
        ("https://" + "a" * 2100 + ".push.apple.com/x", "endpoint"),
    ],
)
def test_an_endpoint_off_the_known_push_services_is_refused(client, endpoint, why):
    response = client.post("/api/v1/push-subscriptions", _body(endpoint), format="json")
    assert response.status_code == 400, response.content
    body = _assert_envelope(response)
    assert body["error"]["code"] == "validation_error"
    assert "endpoint" in body["error"]["details"]
    assert why in str(body["error"]["details"]) or why == "endpoint"
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://fcm.googleapis.com/fcm/send/x",
        "https://updates.push.services.mozilla.com/wpush/v2/x",
        "https://db5p.notify.windows.com/w/?token=x",
        "https://web.push.apple.com/QGx",
        "https://api.push.apple.com/3/device/x",
    ],
)
def test_the_known_push_services_are_accepted(client, endpoint):
    assert client.post("/api/v1/push-subscriptions", _body(endpoint), format="json").status_code == 201


def test_http_to_loopback_only_with_the_setting_and_the_host_allowed(client, settings):
    body = _body("http://127.0.0.1:9/push/x")
    settings.PUSH_ALLOWED_HOSTS = ["127.0.0.1"]
    assert client.post("/api/v1/push-subscriptions", body, format="json").status_code == 400
    settings.PUSH_ALLOW_HTTP_LOOPBACK = True
    assert client.post("/api/v1/push-subscriptions", body, format="json").status_code == 201
    settings.PUSH_ALLOWED_HOSTS = ["fcm.googleapis.com"]
    assert (
        client.post("/api/v1/push-subscriptions", _body("http://127.0.0.2:9/push/y"), format="json").status_code == 400
    )


def _point_off_the_curve() -> str:
    from push.vapid import b64url_encode

    return b64url_encode(b"\x04" + b"\x01" * 64)


@pytest.mark.parametrize(
    ("keys", "field"),
    [
        ({"p256dh": "AAAA"}, "p256dh"),
        ({"p256dh": Browser().p256dh[:-4]}, "p256dh"),
        ({"p256dh": _point_off_the_curve()}, "p256dh"),
        ({"p256dh": "not base64url!"}, "p256dh"),
        ({"auth": "AAAAAAAAAAAAAAAAAAAA"}, "auth"),  # 15 bytes
        ({"auth": "AAAAAAAAAAAAAAAAAAAAAAAA"}, "auth"),  # 18 bytes
        ({"auth": ""}, "auth"),
    ],
)
def test_keys_of_the_wrong_length_or_shape_are_refused(client, keys, field):
    response = client.post("/api/v1/push-subscriptions", _body(**keys), format="json")
    assert response.status_code == 400, response.content
    details = _assert_envelope(response)["error"]["details"]
    assert field in str(details["keys"])
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize("body", [{}, {"endpoint": FCM}, {"endpoint": FCM, "keys": "x"}, [1, 2]])
def test_a_malformed_body_is_400_never_500(client, body):
    response = client.post("/api/v1/push-subscriptions", body, format="json")
    assert response.status_code == 400
    _assert_envelope(response)


# --- unsubscribing ---------------------------------------------------------------------------


def test_the_owner_deletes_a_subscription(client, student):
    subscription_id = client.post("/api/v1/push-subscriptions", _body(), format="json").json()["id"]
    response = client.delete(f"/api/v1/push-subscriptions/{subscription_id}")
    assert response.status_code == 204
    assert not PushSubscription.objects.filter(pk=subscription_id).exists()


def test_another_users_subscription_is_not_found_and_stays(client, make_client):
    other = make_client(StudentFactory())
    subscription_id = other.post("/api/v1/push-subscriptions", _body(), format="json").json()["id"]
    response = client.delete(f"/api/v1/push-subscriptions/{subscription_id}")
    assert response.status_code == 404
    assert _assert_envelope(response)["error"]["code"] == "not_found"
    assert PushSubscription.objects.filter(pk=subscription_id).exists()
    assert client.delete("/api/v1/push-subscriptions/999999").status_code == 404


# --- the SMS preference ----------------------------------------------------------------------


def test_preferences_start_with_sms_on_and_push_not_working(client):
    assert client.get("/api/v1/push/preferences").json() == {"sms": True, "push_works": False}


def test_sms_cannot_be_turned_off_before_push_has_worked(client, student):
    client.post("/api/v1/push-subscriptions", _body(), format="json")  # subscribed, never delivered
    response = client.put("/api/v1/push/preferences", {"sms": False}, format="json")
    assert response.status_code == 409
    assert _assert_envelope(response)["error"]["code"] == "push_not_working"
    assert not PushPreference.objects.filter(user=student).exists()


def test_once_push_works_sms_can_be_turned_off_and_on_again(client, student):
    subscription_id = client.post("/api/v1/push-subscriptions", _body(), format="json").json()["id"]
    PushSubscription.objects.filter(pk=subscription_id).update(last_success_at=timezone.now())
    response = client.put("/api/v1/push/preferences", {"sms": False}, format="json")
    assert response.status_code == 200
    assert response.json() == {"sms": False, "push_works": True}
    assert PushPreference.objects.get(user=student).sms is False
    assert client.get("/api/v1/push/preferences").json() == {"sms": False, "push_works": True}
    response = client.put("/api/v1/push/preferences", {"sms": True}, format="json")
    assert response.json() == {"sms": True, "push_works": True}
    assert PushPreference.objects.get(user=student).sms is True


def test_another_users_working_push_does_not_let_me_turn_sms_off(client, make_client):
    other = make_client(StudentFactory())
    subscription_id = other.post("/api/v1/push-subscriptions", _body(), format="json").json()["id"]
    PushSubscription.objects.filter(pk=subscription_id).update(last_success_at=timezone.now())
    assert client.put("/api/v1/push/preferences", {"sms": False}, format="json").status_code == 409


@pytest.mark.parametrize("body", [{}, {"sms": "perhaps"}, {"sms": None}])
def test_a_bad_preference_body_is_400(client, body):
    response = client.put("/api/v1/push/preferences", body, format="json")
    assert response.status_code == 400
    _assert_envelope(response)
