"""The Redis cache degrades instead of failing when Redis cannot be reached (riia.cache): reads miss,
writes are skipped, counters count from zero, and none of it waits long. Against a live Redis (services
mode) it is the ordinary cache."""

import time

import pytest
from django.conf import settings

from riia.cache import ResilientRedisCache
from tests.proof.processes import free_port


def _cache(url: str) -> ResilientRedisCache:
    return ResilientRedisCache(url, {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}})


def test_with_redis_down_reads_miss_and_writes_are_skipped_at_once(caplog):
    cache = _cache(f"redis://127.0.0.1:{free_port()}/0")
    ResilientRedisCache._warned_at = 0.0  # the warning is rate-limited per process
    started = time.monotonic()
    assert cache.get("k") is None and cache.get("k", "default") == "default"
    assert cache.set("k", 1) is None and cache.add("k", 1) is False
    assert cache.get_many(["k", "j"]) == {} and cache.set_many({"k": 1}) == ["k"]
    assert cache.incr("throttle") == 1 and cache.has_key("k") is False
    assert cache.delete("k") is False and cache.touch("k") is False and cache.delete_many(["k"]) is None
    assert time.monotonic() - started < 3
    assert "Redis unreachable" in caplog.text


@pytest.mark.services
@pytest.mark.skipif(not settings.REDIS_URL, reason="services mode only: set REDIS_URL")
def test_with_redis_up_it_is_the_ordinary_cache():
    import uuid

    cache = _cache(settings.REDIS_URL)
    key = f"riia-test-cache-{uuid.uuid4().hex}"
    cache.set(key, {"a": 1}, 30)
    assert cache.get(key) == {"a": 1}
    assert cache.add(key + "n", 0, 30) is True
    assert cache.incr(key + "n") == 1 and cache.get(key + "n") == 1
    cache.delete_many([key, key + "n"])
    assert cache.get(key) is None
