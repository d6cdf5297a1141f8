"""core.cache: Django's Redis cache with one client per pool, same behaviour."""

import threading

import pytest
from django.conf import settings
from django.core.cache import cache, caches

from core.cache import RedisCache

pytestmark = pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL), as in make test")


def test_the_default_cache_is_the_pooled_client_one():
    assert isinstance(caches["default"], RedisCache)


def test_a_client_is_built_once_per_pool_and_reused():
    client = cache._cache.get_client()
    assert cache._cache.get_client() is client
    assert cache._cache.get_client(write=True) is client  # one server: reads and writes share pool 0
    assert client.connection_pool is cache._cache._get_connection_pool(False)


def test_values_round_trip_and_counters_stay_atomic_across_threads():
    cache.set("core-cache-test:value", (b"token", b"x" * 40_000), 30)
    assert cache.get_many(["core-cache-test:value", "core-cache-test:missing"]) == {
        "core-cache-test:value": (b"token", b"x" * 40_000)
    }
    cache.set("core-cache-test:count", 0, 30)
    shared = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": settings.CACHES["default"].get("KEY_PREFIX", "")})

    def bump():
        for _ in range(200):
            shared.incr("core-cache-test:count")

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert cache.get("core-cache-test:count") == 800
