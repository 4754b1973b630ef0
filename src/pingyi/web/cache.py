"""The shared cache (Redis) with a safe path when Redis does not answer.

Rate limits (R18, R19) and cached page parts live in Redis so that every worker shares them.
When Redis is down or slow, no request fails for it: the cache falls back to this process's
memory — each worker then counts the limits on its own, so they stay in force, only per
worker — logs a warning (at most once a minute) and tries Redis again every few seconds.
``ping`` asks Redis itself, for /readyz and `pingyi check-deploy`.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("pingyi.cache")

CACHE_ERRORS: tuple[type[Exception], ...] = (RedisError, OSError)
# What, raised anywhere in a request, means the cache cannot be reached (a 503): not every
# OSError — a file that cannot be written (PermissionError, a full disk) is a logged 500.
CACHE_OUTAGES: tuple[type[Exception], ...] = (RedisError, ConnectionError, TimeoutError)
RETRY_SECONDS = 5.0  # after a failure, Redis is asked again only this much later
WARN_SECONDS = 60.0


class ResilientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self.local = LocMemCache(
            f"pingyi-fallback-{id(self)}", {"OPTIONS": {"MAX_ENTRIES": 10_000}}
        )
        self._down_until = 0.0
        self._warned_at = -WARN_SECONDS

    def ping(self) -> None:
        """Raises one of CACHE_ERRORS unless Redis answers."""
        self._cache.get_client(write=True).ping()

    def _failed(self, exc: Exception) -> None:
        now = time.monotonic()
        self._down_until = now + RETRY_SECONDS
        if now - self._warned_at >= WARN_SECONDS:
            self._warned_at = now
            logger.warning(
                "the shared cache (Redis) does not answer (%s): rate limits and cached pages "
                "are kept in this process's memory until it does",
                type(exc).__name__,
            )

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() >= self._down_until:
            try:
                return getattr(RedisCache, name)(self, *args, **kwargs)
            except CACHE_ERRORS as exc:
                self._failed(exc)
        return getattr(self.local, name)(*args, **kwargs)

    def add(self, *args: Any, **kwargs: Any) -> bool:
        return bool(self._call("add", *args, **kwargs))

    def get(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("get", *args, **kwargs)

    def set(self, *args: Any, **kwargs: Any) -> None:
        self._call("set", *args, **kwargs)

    def touch(self, *args: Any, **kwargs: Any) -> bool:
        return bool(self._call("touch", *args, **kwargs))

    def delete(self, *args: Any, **kwargs: Any) -> bool:
        return bool(self._call("delete", *args, **kwargs))

    def get_many(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return dict(self._call("get_many", *args, **kwargs))

    def has_key(self, *args: Any, **kwargs: Any) -> bool:
        return bool(self._call("has_key", *args, **kwargs))

    def incr(self, *args: Any, **kwargs: Any) -> int:
        return int(self._call("incr", *args, **kwargs))

    def set_many(self, *args: Any, **kwargs: Any) -> list[Any]:
        return list(self._call("set_many", *args, **kwargs) or [])

    def delete_many(self, *args: Any, **kwargs: Any) -> None:
        self._call("delete_many", *args, **kwargs)

    def clear(self) -> None:
        self.local.clear()
        self._call("clear")
