"""/healthz and /readyz for a load balancer or monitoring: JSON, no sign-in, no rate limit.

/healthz: the process answers (no database, no cache) — 200 {"status": "ok"}.
/readyz: can it serve? The database answers, every migration is applied, the shared cache
answers, a `pingyi worker` gave a sign of life within PINGYI_JOB_STALE_SECONDS and the disk
of PINGYI_HOME has PINGYI_MIN_FREE_MB free. 200 when all pass; 503 otherwise, with
"failing" naming each part that does not. Parts that need the database are "unknown" when
the database does not answer.
"""

from __future__ import annotations

import shutil
import time

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from pingyi.jobs.selectors import worker_alive
from pingyi.web.cache import CACHE_ERRORS, ResilientRedisCache

OK = "ok"
MIGRATED_FOR = 60.0  # a passed migration check is believed this long (it reads every file)
_migrated_at = -MIGRATED_FOR


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": OK})


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return f"unreachable ({type(exc).__name__})"
    return OK


def _migrations() -> str:
    global _migrated_at
    if time.monotonic() - _migrated_at < MIGRATED_FOR:
        return OK
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        return f"{len(pending)} not applied"
    _migrated_at = time.monotonic()
    return OK


def _cache() -> str:
    shared = caches["default"]
    if not isinstance(shared, ResilientRedisCache):
        return OK  # this process's memory: nothing to reach
    try:
        shared.ping()
    except CACHE_ERRORS as exc:
        return f"unreachable ({type(exc).__name__})"
    return OK


def _worker() -> str:
    if worker_alive(within=settings.PINGYI_JOB_STALE_SECONDS):
        return OK
    return "no sign of life"


def _disk() -> str:
    home = settings.HOME if settings.HOME.exists() else settings.HOME.parent
    free_mb = shutil.disk_usage(home).free // (1024 * 1024)
    if free_mb < settings.PINGYI_MIN_FREE_MB:
        return f"{free_mb} MB free"
    return OK


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, str] = {"database": _database()}
    if checks["database"] == OK:
        try:
            checks["migrations"] = _migrations()
            checks["worker"] = _worker()
        except DatabaseError as exc:
            checks["database"] = f"unreachable ({type(exc).__name__})"
    checks.setdefault("migrations", "unknown")
    checks.setdefault("worker", "unknown")
    checks["cache"] = _cache()
    checks["disk"] = _disk()
    failing = sorted(name for name, state in checks.items() if state not in (OK, "unknown"))
    return JsonResponse(
        {"status": "fail" if failing else OK, "failing": failing, "checks": checks},
        status=503 if failing else 200,
    )
