"""Fixed-window rate limits in the shared cache (Redis in production, R18, R19, R24).

The client address is REMOTE_ADDR. X-Forwarded-For is believed only from the proxies listed
in PINGYI_TRUSTED_PROXIES (addresses or networks, e.g. 127.0.0.1,10.0.0.0/24), and then only
its right-most address that is not a trusted proxy: a client cannot forge its way past the
limiter by sending the header itself. Every use of the client's address goes through
``client_address``.

When the shared cache (Redis) does not answer, pingyi.web.cache counts in this process's
memory instead: the limits hold per worker, and the request is served.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in trusted)


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return False
    networks = _networks(tuple(settings.PINGYI_TRUSTED_PROXIES))
    return any(ip.version == net.version and ip in net for net in networks)


def from_trusted_proxy(request: HttpRequest) -> bool:
    """Whether the direct peer is one of PINGYI_TRUSTED_PROXIES."""
    return _trusted(str(request.META.get("REMOTE_ADDR", "")))


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind a trusted proxy what it forwarded."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    if not _trusted(remote):
        return remote
    forwarded = [a.strip() for a in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    for address in reversed([a for a in forwarded if a]):
        if not _trusted(address):
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


CODE_FAIL = "token-fail"  # wrong codes, counted across every form that takes one


def code_posts_exceeded(request: HttpRequest, scope: str) -> bool:
    """Counts a post of a form that takes a code (``scope``: "ballot", "opinion") and says
    whether this address is past either limit: posts per minute, or wrong codes in 10 minutes
    (R18). The page, the API and every code form read the same two limits."""
    from pingyi.web.settings_access import limits

    address = client_address(request)
    return not hit(scope, address, limit=limits().ballot_posts, window=60) or limited(
        CODE_FAIL, address, limit=limits().token_failures, window=600
    )


def code_refused(request: HttpRequest) -> None:
    """Counts a wrong code against this address (``code_posts_exceeded`` reads the count)."""
    record(CODE_FAIL, client_address(request), window=600)
