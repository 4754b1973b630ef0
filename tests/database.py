"""The test database, migrated once per set of migrations and copied after that (issue 11).

Each xdist worker has a test database of its own (tests/settings.py). Migrating one from
nothing costs some twenty seconds of a core (the migration states rendered one by one),
in each worker of each run. The first worker to need a database that no run has migrated
yet migrates it and keeps a copy, the template; every other worker, now or in a later
run, copies the template instead: SQLite's file (by SQLite's backup, which a WAL file
cannot spoil), PostgreSQL's database (CREATE DATABASE … TEMPLATE). Django's migrate then
runs on the copy as on a kept database (keepdb), finding nothing to apply.

The template is named after a digest of every installed app's migration files, Django's
version and the database's vendor: a changed or new migration makes a new template. A lock
file beside it makes the workers that start together wait for the one that migrates.
"""

from __future__ import annotations

import fcntl
import hashlib
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.db import connection


def migrations_digest(vendor: str = "") -> str:
    import django

    digest = hashlib.sha256(f"{django.get_version()} {vendor or connection.vendor}".encode())
    for config in sorted(apps.get_app_configs(), key=lambda c: c.label):
        folder = Path(config.path) / "migrations"
        for path in sorted(folder.glob("*.py")):
            digest.update(f"{config.label}/{path.name}".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@contextmanager
def _locked(name: str) -> Iterator[None]:
    with open(Path(tempfile.gettempdir(), f"{name}.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _template_name() -> str:
    return f"pingyi_test_template_{migrations_digest()}"


def _sqlite_template() -> Path:
    return Path(tempfile.gettempdir(), f"{_template_name()}.sqlite3")


def _sqlite_copy(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def _pg_exists(cursor: object, name: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])  # type: ignore[attr-defined]
    return cursor.fetchone() is not None  # type: ignore[attr-defined]


def copy_template() -> bool:
    """The test database copied from the template, if there is one (under the lock)."""
    test_name = connection.creation._get_test_db_name()  # type: ignore[attr-defined]
    if connection.vendor == "sqlite":
        template = _sqlite_template()
        if not template.exists():
            return False
        Path(test_name).unlink(missing_ok=True)
        _sqlite_copy(template, Path(test_name))
        return True
    quote = connection.ops.quote_name
    with connection.creation._nodb_cursor() as cursor:  # type: ignore[attr-defined]
        if not _pg_exists(cursor, _template_name()):
            return False
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(test_name)}")
        cursor.execute(f"CREATE DATABASE {quote(test_name)} TEMPLATE {quote(_template_name())}")
    return True


def save_template() -> None:
    """The freshly migrated test database kept as the template (under the lock)."""
    test_name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        draft = _sqlite_template().with_suffix(".draft")
        draft.unlink(missing_ok=True)
        _sqlite_copy(Path(test_name), draft)
        draft.replace(_sqlite_template())
        return
    quote = connection.ops.quote_name
    connection.close()  # a template has no other session
    draft = f"{_template_name()}_draft"
    with connection.creation._nodb_cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(draft)}")
        cursor.execute(f"CREATE DATABASE {quote(draft)} TEMPLATE {quote(test_name)}")
        cursor.execute(f"ALTER DATABASE {quote(draft)} RENAME TO {quote(_template_name())}")


@contextmanager
def template_lock() -> Iterator[None]:
    with _locked(_template_name()):
        yield


def migrated_home(home: Path) -> Path:
    """``home`` made an installation as `pingyi manage migrate` leaves one: its SQLite
    database migrated and a secret key of its own. The database is a copy of one that
    `pingyi manage migrate` migrated in a subprocess once per set of migrations (above);
    tests/cli/test_check_deploy.py migrates its home itself, every run."""
    from pingyi.settings import persist_secret_key
    from tests.conftest import run_pingyi

    name = f"pingyi_home_template_{migrations_digest('sqlite')}"
    template = Path(tempfile.gettempdir(), f"{name}.sqlite3")
    with _locked(name):
        if not template.exists():
            with tempfile.TemporaryDirectory() as fresh:
                done = run_pingyi(
                    "manage", "migrate", "-v", "0",
                    env={"PINGYI_HOME": fresh, "PINGYI_DATABASE_URL": ""},
                )  # fmt: skip
                assert done.returncode == 0, done.stdout + done.stderr
                draft = template.with_suffix(".draft")
                _sqlite_copy(Path(fresh, "pingyi.sqlite3"), draft)
                draft.replace(template)
    home.mkdir(parents=True, exist_ok=True)
    _sqlite_copy(template, home / "pingyi.sqlite3")
    persist_secret_key(home / "secret.key")
    return home
