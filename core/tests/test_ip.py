"""The client address used for rate limits (and reused by payments)."""

import pytest
from django.test import RequestFactory

from core.ip import client_ip, client_ip_key


def _request(remote="10.0.0.9", xff=None):
    extra = {"REMOTE_ADDR": remote}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request(xff="1.2.3.4")) == "10.0.0.9"


@pytest.mark.parametrize(
    ("count", "xff", "expected"),
    [
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # the client-written part is ignored
        (2, "6.6.6.6, 203.0.113.7, 10.1.1.1", "203.0.113.7"),
        (2, "203.0.113.7", "10.0.0.9"),  # fewer hops than proxies: not from them
        (1, "not-an-ip", "10.0.0.9"),
        (1, "", "10.0.0.9"),
    ],
)
def test_trusted_proxies_are_counted_from_the_right(settings, count, xff, expected):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(_request(xff=xff)) == expected


def test_ipv6_is_grouped_by_64_for_rate_limits(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    a = client_ip_key(_request(remote="2001:db8:1:2::10"))
    b = client_ip_key(_request(remote="2001:db8:1:2:ffff::1"))
    assert a == b == "2001:db8:1:2::/64"
    assert client_ip_key(_request(remote="192.0.2.1")) == "192.0.2.1"
