"""Django's Redis cache, made to survive Redis being down.

Everything this service keeps in the cache can be recomputed or done without: rendered dashboard
bodies (rebuilt from the snapshots), DRF throttle and pre-offer check counts (they fail open: no
request is refused for being too many while the counts cannot be kept), and a refused upload's full
error list (the page says the list has expired). So when Redis cannot be reached, a read is a miss and
a write is skipped, with a warning in the log (at most one every ``WARN_EVERY`` seconds per process,
so an outage does not flood it), instead of an error on every page that touches the cache. Short
socket timeouts come from the cache's OPTIONS in settings."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

DOWN = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)
WARN_EVERY = 30.0


class ResilientRedisCache(RedisCache):
    """``RedisCache`` whose every operation degrades when Redis cannot be reached: reads miss, writes
    and deletes are skipped, ``incr`` counts from zero (so a rate limit fails open)."""

    _warned_at = 0.0

    def _down(self, operation: str, error: Exception) -> None:
        now = time.monotonic()
        if now - ResilientRedisCache._warned_at >= WARN_EVERY:
            ResilientRedisCache._warned_at = now
            logger.warning("Cache: Redis unreachable (%s: %s); serving without the cache", operation, error)

    def _try(self, operation: str, call, fallback: Any) -> Any:
        try:
            return call()
        except DOWN as error:
            self._down(operation, error)
            return fallback

    def get(self, key, default=None, version=None):
        return self._try("get", lambda: super(ResilientRedisCache, self).get(key, default, version), default)

    def get_many(self, keys, version=None) -> dict[str, Any]:
        return self._try("get_many", lambda: super(ResilientRedisCache, self).get_many(keys, version), {})

    def has_key(self, key, version=None) -> bool:
        return self._try("has_key", lambda: super(ResilientRedisCache, self).has_key(key, version), False)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        return self._try("add", lambda: super(ResilientRedisCache, self).add(key, value, timeout, version), False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        self._try("set", lambda: super(ResilientRedisCache, self).set(key, value, timeout, version), None)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None) -> list:
        return self._try(
            "set_many", lambda: super(ResilientRedisCache, self).set_many(data, timeout, version), list(data)
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        return self._try("touch", lambda: super(ResilientRedisCache, self).touch(key, timeout, version), False)

    def delete(self, key, version=None) -> bool:
        return self._try("delete", lambda: super(ResilientRedisCache, self).delete(key, version), False)

    def delete_many(self, keys, version=None) -> None:
        self._try("delete_many", lambda: super(ResilientRedisCache, self).delete_many(keys, version), None)

    def incr(self, key, delta=1, version=None) -> int:
        return self._try("incr", lambda: super(ResilientRedisCache, self).incr(key, delta, version), delta)

    def clear(self) -> bool:
        return self._try("clear", lambda: super(ResilientRedisCache, self).clear(), False)
