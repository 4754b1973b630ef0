"""`pingyi check-deploy` (R24): Django's `check --deploy` and Pingyi's own checks of a
production installation. Each problem says what is wrong and what to set; none is fatal to
the others, so that one run lists them all."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connections

from pingyi.env import env_int
from pingyi.rules.errors import gettext_noop

C_DEBUG = gettext_noop("PINGYI_DEBUG is on: turn it off (PINGYI_DEBUG=0) in production")
C_KEY = gettext_noop(
    "no persistent secret key: set PINGYI_SECRET_KEY or run `pingyi init` to write"
    " PINGYI_HOME/secret.key (every worker and command must share one key)"
)
C_HOSTS_UNSET = gettext_noop(
    "PINGYI_ALLOWED_HOSTS is not set: list the host names people reach Pingyi at"
)
C_HOSTS_ANY = gettext_noop(
    "PINGYI_ALLOWED_HOSTS contains '*': list the host names people reach Pingyi at instead"
)
C_CACHE_NONE = gettext_noop(
    "%(workers)s workers (PINGYI_WORKERS) but no shared cache: set PINGYI_CACHE_URL=redis://…"
    " so that the rate limits hold across workers"
)
C_CACHE_DOWN = gettext_noop("the cache at %(where)s (PINGYI_CACHE_URL) does not answer: %(error)s")
C_PUBLIC_UNSET = gettext_noop(
    "PINGYI_PUBLIC_URL is not set: QR sheets, SMS lists and e-mails would point nowhere"
)
C_PUBLIC_OFFICES = gettext_noop(
    "PINGYI_PUBLIC_URL is not set and %(offices)s offices have no public address of their own:"
    " their QR sheets, SMS lists and e-mails would point nowhere"
)
C_PUBLIC_BAD = gettext_noop(
    "PINGYI_PUBLIC_URL=%(url)s is not an address like https://pingyi.example.gov.cn"
)
C_PUBLIC_PLAIN = gettext_noop(
    "PINGYI_PUBLIC_URL=%(url)s starts with http:// although PINGYI_HTTPS=1: use https://"
)
C_HTTPS = gettext_noop(
    "PINGYI_HTTPS is not 1: no HSTS, no redirect to HTTPS and cookies sent in clear; serve"
    " Pingyi over HTTPS (at the reverse proxy) and set PINGYI_HTTPS=1"
)
C_MAIL = gettext_noop(
    "the rectification ledger's digest is in use, but no mail server is set: set"
    " PINGYI_EMAIL_HOST (and PINGYI_EMAIL_FROM)"
)
C_MAIL_FROM = gettext_noop(
    "PINGYI_EMAIL_FROM is %(sender)s: set an address the mail server accepts as sender"
)
C_DB_DOWN = gettext_noop("the database does not answer: %(error)s")
C_MIGRATIONS = gettext_noop(
    "%(n)s database migrations are not applied: run `pingyi manage migrate`"
)
C_DISK = gettext_noop(
    "only %(free)s MB free in %(path)s: at least %(min)s MB wanted (PINGYI_MIN_FREE_MB)"
)
C_BACKUP_NONE = gettext_noop(
    "no backup was ever taken of %(home)s: run `pingyi backup` daily (deploy/pingyi-backup.timer)"
)
C_BACKUP_OLD = gettext_noop(
    "the last backup was taken %(days)s days ago (%(at)s): at most %(max)s days wanted"
    " (PINGYI_BACKUP_MAX_AGE_DAYS)"
)
C_DJANGO = gettext_noop("Django %(id)s: %(message)s")

# Django's deployment warnings that one of Pingyi's own problems says in the UI language:
# left out when that problem is listed (a warning without it is Django's alone, and shown).
COVERED = {
    "security.W018": C_DEBUG,
    "security.W004": C_HTTPS,  # HSTS
    "security.W008": C_HTTPS,  # SSL redirect
    "security.W012": C_HTTPS,  # session cookie secure
    "security.W016": C_HTTPS,  # CSRF cookie secure
}
# The console e-mail backend is fine until the ledger's digest is in use (C_MAIL says so).
IGNORED = {"mail.E001"}


@dataclass(frozen=True)
class Problem:
    template: str
    params: dict[str, Any] = field(default_factory=dict)


def workers() -> int:
    """As deploy/gunicorn.conf.py counts them."""
    return env_int("PINGYI_WORKERS", multiprocessing.cpu_count() * 2 + 1, minimum=1)


def deploy_problems(*, now: dt.datetime | None = None) -> list[Problem]:
    """Every problem found, Django's first; empty when the installation is ready."""
    own = _configuration()
    listed = {p.template for p in own}
    problems = [p for p in _django() if COVERED.get(str(p.params["id"]), "") not in listed] + own
    database_ok = _database(problems)
    if database_ok:
        problems += _needs_database()
    problems += _disk()
    problems += _backup(now or dt.datetime.now(dt.UTC))
    return problems


def _django() -> list[Problem]:
    from django.core import checks

    found = checks.run_checks(include_deployment_checks=True)
    return [
        Problem(C_DJANGO, {"id": m.id, "message": m.msg})
        for m in found
        if m.is_serious(checks.WARNING) and not m.is_silenced() and m.id not in IGNORED
    ]


def _configuration() -> list[Problem]:
    import os

    problems: list[Problem] = []
    if settings.DEBUG:
        problems.append(Problem(C_DEBUG))
    if settings.SECRET_KEY_EPHEMERAL:
        problems.append(Problem(C_KEY))
    if os.environ.get("PINGYI_ALLOWED_HOSTS") is None or not settings.ALLOWED_HOSTS:
        problems.append(Problem(C_HOSTS_UNSET))
    elif "*" in settings.ALLOWED_HOSTS:
        problems.append(Problem(C_HOSTS_ANY))
    if not settings.PINGYI_HTTPS:
        problems.append(Problem(C_HTTPS))
    problems += _cache()
    url = settings.PINGYI_PUBLIC_URL
    if url:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            problems.append(Problem(C_PUBLIC_BAD, {"url": url}))
        elif settings.PINGYI_HTTPS and parts.scheme == "http":
            problems.append(Problem(C_PUBLIC_PLAIN, {"url": url}))
    return problems


def _cache() -> list[Problem]:
    count = workers()
    if not settings.CACHE_URL:
        return [Problem(C_CACHE_NONE, {"workers": count})] if count > 1 else []
    from django.core.cache import cache

    parts = urlsplit(settings.CACHE_URL)
    where = f"{parts.hostname or parts.path}{f':{parts.port}' if parts.port else ''}"
    try:
        ping = getattr(cache, "ping", None)
        if ping is not None:  # the resilient cache falls back to memory: ask Redis itself
            ping()
        cache.set("pingyi:check-deploy", "1", 10)
        if cache.get("pingyi:check-deploy") != "1":
            raise OSError("a value written was not read back")
    except Exception as exc:
        return [Problem(C_CACHE_DOWN, {"where": where, "error": str(exc) or type(exc).__name__})]
    return []


def _database(problems: list[Problem]) -> bool:
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        problems.append(Problem(C_DB_DOWN, {"error": str(exc).strip() or type(exc).__name__}))
        return False
    if plan:
        problems.append(Problem(C_MIGRATIONS, {"n": len(plan)}))
        return False
    return True


def _needs_database() -> list[Problem]:
    from pingyi.accounts.models import OfficeSettings, Organization
    from pingyi.audit import actions
    from pingyi.audit.models import AuditEntry
    from pingyi.rectification.models import Plan, PlanStatus

    problems: list[Problem] = []
    if not settings.PINGYI_PUBLIC_URL:
        own = OfficeSettings.objects.exclude(public_url="").values("organization")
        without = Organization.objects.exclude(pk__in=own).count()
        if without:
            problems.append(Problem(C_PUBLIC_OFFICES, {"offices": without}))
        elif not Organization.objects.exists():
            problems.append(Problem(C_PUBLIC_UNSET))
    digests = (
        Plan.objects.filter(status=PlanStatus.OPEN).exists()
        or AuditEntry.objects.filter(action__in=actions.names("rectification.digest.sent")).exists()
    )
    if digests and not settings.EMAIL_SERVER:
        problems.append(Problem(C_MAIL))
    elif digests and settings.DEFAULT_FROM_EMAIL.endswith("@localhost"):
        problems.append(Problem(C_MAIL_FROM, {"sender": settings.DEFAULT_FROM_EMAIL}))
    return problems


def _existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _disk() -> list[Problem]:
    folders = {_existing(Path(settings.HOME))}
    if connections["default"].vendor == "sqlite":
        folders.add(_existing(Path(str(settings.DATABASES["default"]["NAME"])).parent))
    problems = []
    wanted = settings.PINGYI_MIN_FREE_MB
    for folder in sorted(folders):
        free = shutil.disk_usage(folder).free // (1024 * 1024)
        if free < wanted:
            problems.append(Problem(C_DISK, {"free": free, "path": str(folder), "min": wanted}))
    return problems


def _backup(now: dt.datetime) -> list[Problem]:
    from pingyi.operations.backup import last_backup

    home = Path(settings.HOME)
    taken = last_backup(home)
    limit = settings.PINGYI_BACKUP_MAX_AGE_DAYS
    if taken is None:
        return [Problem(C_BACKUP_NONE, {"home": str(home)})]
    age = now - taken
    if age > dt.timedelta(days=limit):
        at = taken.astimezone(dt.UTC).isoformat(timespec="minutes")
        return [Problem(C_BACKUP_OLD, {"days": age.days, "at": at, "max": limit})]
    return []
