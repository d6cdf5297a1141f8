"""Rate limits of the OTP endpoints, and what happens when the cache (Redis) is down."""

from __future__ import annotations

import os

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from rest_framework.test import APIClient

from accounts.tests.conftest import REQUEST_URL, VERIFY_URL

pytestmark = pytest.mark.django_db

PHONE = "+919812345678"


def test_the_sixth_request_for_one_phone_gets_429_with_retry_after(request_code, settings, outbox):
    assert settings.RATE_LIMIT_OTP_PHONE == "5/15m"
    for n in range(5):
        response, _ = request_code(PHONE, REMOTE_ADDR=f"10.0.0.{n + 1}")
        assert response.status_code == 202

    sixth, code = request_code("9812345678", REMOTE_ADDR="10.0.0.99")  # same phone, other spelling and address

    assert sixth.status_code == 429
    assert sixth.json()["error"]["code"] == "rate_limited"
    retry_after = int(sixth["Retry-After"])
    assert 1 <= retry_after <= 15 * 60
    assert sixth.json()["error"]["details"]["retry_after"] == retry_after
    assert code is None and len(outbox) == 5
    # Another phone is not affected.
    assert request_code("+919800000001", REMOTE_ADDR="10.0.0.99")[0].status_code == 202


def test_the_ip_limit_applies_across_phones(request_code, settings):
    settings.RATE_LIMIT_OTP_IP = "3/h"
    for n in range(3):
        assert request_code(f"+91980000000{n}")[0].status_code == 202
    refused, _ = request_code("+919800000009")
    assert refused.status_code == 429 and refused["Retry-After"]


def test_verify_is_limited_per_ip(request_code, settings):
    settings.RATE_LIMIT_OTP_IP = "2/h"
    client = APIClient()
    for _ in range(2):
        client.post(VERIFY_URL, {"phone": PHONE, "code": "000000"}, format="json", REMOTE_ADDR="10.9.9.9")
    refused = client.post(VERIFY_URL, {"phone": PHONE, "code": "000000"}, format="json", REMOTE_ADDR="10.9.9.9")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"


def test_a_spoofed_forwarded_for_does_not_change_the_ip_key(request_code, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.RATE_LIMIT_OTP_IP = "3/h"
    for n in range(3):
        response, _ = request_code(f"+91980000000{n}", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        assert response.status_code == 202
    refused, _ = request_code("+919800000009", HTTP_X_FORWARDED_FOR="198.51.100.200")
    assert refused.status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_key(request_code, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.RATE_LIMIT_OTP_IP = "2/h"
    for n in range(2):
        assert request_code(f"+91980000000{n}", HTTP_X_FORWARDED_FOR="198.51.100.1")[0].status_code == 202
    assert request_code("+919800000005", HTTP_X_FORWARDED_FOR="198.51.100.1")[0].status_code == 429
    # Same proxy (REMOTE_ADDR), another client: its own budget.
    assert request_code("+919800000006", HTTP_X_FORWARDED_FOR="198.51.100.2")[0].status_code == 202


@pytest.mark.parametrize(
    "phone",
    [
        "+919८७६५४३२१०",  # Devanagari digits after the first: `\d` took them
        "9８７６５４３２１０",  # full-width digits
        "+91 98765\u00a043210",  # a no-break space between digits
        "123",
    ],
)
def test_a_phone_not_in_ascii_digits_is_refused_before_any_limit_counts(request_code, settings, phone):
    settings.RATE_LIMIT_OTP_IP = "2/h"
    for _ in range(3):
        refused, code = request_code(phone)
        assert refused.status_code == 400 and code is None
        assert refused.json()["error"]["code"] == "validation_error"
        assert "phone" in refused.json()["error"]["details"]
        wrong = APIClient().post(VERIFY_URL, {"phone": phone, "code": "123456"}, format="json")
        assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "validation_error"
    # Neither the address's budget nor any phone's was spent on them.
    assert request_code(PHONE)[0].status_code == 202
    assert request_code("+919800000001")[0].status_code == 202


def test_a_code_in_other_than_ascii_digits_is_a_validation_error(request_code):
    request_code(PHONE)
    response = APIClient().post(VERIFY_URL, {"phone": PHONE, "code": "१२३४५६"}, format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "validation_error"


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a shared Redis)")
def test_limits_hold_across_two_separate_cache_clients_sharing_redis(request_code):
    """Two web processes each have their own Redis client; the count is shared."""
    from django.core.cache.backends.redis import RedisCache

    config = django_settings.CACHES["default"]
    first = caches["default"]
    second = RedisCache(config["LOCATION"], {k: v for k, v in config.items() if k not in {"BACKEND", "LOCATION"}})
    assert isinstance(first, RedisCache)
    assert first._cache.get_client(write=True) is not second._cache.get_client(write=True)

    statuses = []
    try:
        for n in range(6):
            caches["default"] = first if n % 2 == 0 else second  # alternate "processes"
            response, _ = request_code(PHONE, REMOTE_ADDR=f"10.0.1.{n}")
            statuses.append(response.status_code)
            if n == 5:
                sixth = response
    finally:
        caches["default"] = first
    assert statuses == [202] * 5 + [429]
    assert int(sixth["Retry-After"]) >= 1


@pytest.fixture
def redis_down(settings, unused_port):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{unused_port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    yield
    # Back to the real cache before conftest's clean-up clears it.


def test_otp_request_answers_503_when_redis_is_down(redis_down, outbox):
    response = APIClient().post(REQUEST_URL, {"phone": PHONE}, format="json")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "service_unavailable"
    assert outbox == []


def test_otp_verify_answers_503_when_redis_is_down(redis_down):
    response = APIClient().post(VERIFY_URL, {"phone": PHONE, "code": "123456"}, format="json")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "service_unavailable"


def test_the_otp_store_lets_redis_errors_through(redis_down, settings):
    """Even with rate limits off, a down cache is not mistaken for a wrong code."""
    settings.RATELIMIT_ENABLE = False
    response = APIClient().post(VERIFY_URL, {"phone": PHONE, "code": "123456"}, format="json")
    assert response.status_code == 503
