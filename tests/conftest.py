"""Shared test helpers: small files written on the fly, and the CLI run as users run it."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
PINGYI = Path(sys.executable).with_name("pingyi")

# Tests that never use the run's database: the published rules and the file readers (plain
# Python), and the commands run against an installation of their own (its SQLite in its
# PINGYI_HOME, whatever the run's database is). `make test` runs the suite on SQLite, then
# again on PostgreSQL for the database's sake: the second run leaves these out, as they would
# run there exactly as they ran in the first.
NO_DATABASE = ("tests/rules/", "tests/inputs/")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not os.environ.get("PINGYI_TEST_DATABASE_URL", "").startswith("postgres"):
        return
    kept, left = [], []
    for item in items:
        path = Path(str(item.path)).relative_to(REPO).as_posix()
        own = item.get_closest_marker("own_database") is not None
        (left if own or path.startswith(NO_DATABASE) else kept).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


def pytest_configure(config: pytest.Config) -> None:
    from django.test import TransactionTestCase

    TransactionTestCase._fixture_teardown = _empty_tables  # type: ignore[method-assign]


# The rows migrate writes once (post_migrate) and no test changes: the content types and the
# permissions made of them.
KEPT_TABLES = frozenset({"django_content_type", "auth_permission"})


def _empty_tables(self: Any) -> None:
    """After a transactional test (django_db(transaction=True)): every table emptied, as
    Django's own teardown (`flush`) empties them, but by DELETE in one transaction instead of
    TRUNCATE, and with the content types and permissions kept instead of deleted and made
    again (post_migrate) — on PostgreSQL, a TRUNCATE of the hundred tables cost 2 s a test,
    the DELETEs of their few rows a tenth of that. The foreign keys are checked at COMMIT
    (Django's are deferrable), so the order of the tables does not matter; the sequences go
    on, as with flush (reset_sequences=False)."""
    from django.db import connections, transaction

    for alias in self._databases_names(include_mirrors=False):
        connection = connections[alias]
        tables = sorted(
            set(connection.introspection.django_table_names(only_existing=True)) - KEPT_TABLES
        )
        quote = connection.ops.quote_name
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for table in tables:
                cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """write("units.csv", "code,name,category\\n…") → the path of a UTF-8 file in tmp_path."""

    def _write(name: str, text: str, bom: bool = False) -> Path:
        path = tmp_path / name
        path.write_text(("\ufeff" if bom else "") + text, encoding="utf-8")
        return path

    return _write


def run_pingyi(
    *args: str | Path, cwd: Path | None = None, lang: str = "en", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Runs the installed `pingyi` command in a subprocess, as a user (or a hidden test) would."""
    environment = {**os.environ, "PINGYI_LANGUAGE": lang, **(env or {})}
    return subprocess.run(
        [str(PINGYI), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        check=False,
        timeout=300,
    )


def call_pingyi(
    *args: str | Path, cwd: Path | None = None, lang: str = "en", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`pingyi tally|grade` (the file commands: no Django, no database) in this process, with
    what run_pingyi gives: the exit code, stdout and stderr. A process costs half a second of
    start-up each time; one subprocess test per command keeps the installed command honest."""
    from pingyi import cli
    from pingyi.cli import io as cli_io

    argv = [str(a) for a in args]
    assert argv and argv[0] in cli.FILE_COMMANDS, f"{argv[:1]} needs a process of its own"
    out, err = io.StringIO(), io.StringIO()
    saved = {name: os.environ.get(name) for name in {"PINGYI_LANGUAGE", *(env or {})}}
    os.environ.update({"PINGYI_LANGUAGE": lang, **(env or {})})
    before, gettext = Path.cwd(), cli_io._gettext
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(argv)
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else 1
    finally:
        os.chdir(before)
        cli_io._gettext = gettext
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue())


@pytest.fixture(autouse=True)
def _english_by_default(settings: Any) -> None:
    """Tests assert English messages; Chinese (the product's default) is tested in test_i18n."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _fresh_ballot_layouts() -> None:
    """The cast path keeps each open campaign's layout and its count of casts since the pool
    was last looked at per process (voting.services, ballots.pool); the test database hands a
    rolled-back campaign's id to the next test's campaign."""
    from pingyi.ballots import pool
    from pingyi.voting import services

    services._LAYOUTS.clear()
    pool._casts.clear()
