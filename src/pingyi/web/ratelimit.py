"""Fixed-window rate limits in the shared cache (Redis in production, R18, R19, R24).

The client address is REMOTE_ADDR. X-Forwarded-For is believed only from the proxies listed
in PINGYI_TRUSTED_PROXIES, and then only its right-most address that is not a trusted proxy:
a client cannot forge its way past the limiter by sending the header itself.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    remote = str(request.META.get("REMOTE_ADDR", ""))
    trusted: list[str] = list(getattr(settings, "PINGYI_TRUSTED_PROXIES", []))
    if remote not in trusted:
        return remote
    forwarded = [a.strip() for a in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    for address in reversed([a for a in forwarded if a]):
        if address not in trusted:
            return address
    return remote


def _key(scope: str, subject: str, window: int) -> str:
    bucket = int(time.time()) // window
    digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
    return f"rl:{scope}:{digest}:{bucket}"


def limited(scope: str, subject: str, *, limit: int, window: int) -> bool:
    """Whether ``subject`` has already used its ``limit`` attempts in this ``window``."""
    value = cache.get(_key(scope, subject, window), 0)
    return int(value) >= limit


def record(scope: str, subject: str, *, window: int) -> int:
    """Counts one attempt; returns the count in the current window (atomic in Redis)."""
    key = _key(scope, subject, window)
    if cache.add(key, 1, timeout=window + 1):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 1)
        return 1


def hit(scope: str, subject: str, *, limit: int, window: int) -> bool:
    """Counts an attempt and says whether it is allowed (False past the limit)."""
    return record(scope, subject, window=window) <= limit
