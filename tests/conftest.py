"""Shared test helpers: small files written on the fly, and the CLI run as users run it."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

from tests.once import ModuleRows

REPO = Path(__file__).resolve().parents[1]

# Property tests: no deadline (a time limit per example is a timed assert, and fails on a busy
# machine, not on a wrong rule), and the same examples on every run so that CI never fails by
# chance; PINGYI_FUZZ=1 explores anew.
hypothesis_settings.register_profile(
    "pingyi", deadline=None, derandomize=not os.environ.get("PINGYI_FUZZ"), print_blob=True
)
hypothesis_settings.load_profile("pingyi")
PINGYI = Path(sys.executable).with_name("pingyi")

# `make test` runs the suite on SQLite, then again on PostgreSQL for the database's sake. The
# second run keeps only the tests that reach the run's database: those pytest-django lets
# touch it (a ``django_db`` mark, or a fixture that needs the test database: ``db``,
# ``module_db``…) and those marked ``run_database`` (they reach its server themselves, from
# PINGYI_TEST_DATABASE_URL). Every other test — the published rules and the file readers,
# settings and house rules, commands run against an installation of their own (marked
# ``own_database``) — cannot reach it, and runs there exactly as it ran in the first run.
#
# The browser flows (tests/browser: real Chromium against gunicorn and `pingyi worker` on the
# run's database; a third of each run's test time) reach it too, but the PostgreSQL run leaves
# them out (``BROWSER_FLOWS``): every database path they drive is driven by a test the run
# keeps. Shown by a coverage audit (issue 11), measured in the servers' processes too: of the
# 28,152 lines of src/pingyi the browser flows ran, 33 (in 9 files) were run by no other test
# the PostgreSQL run keeps; page tests were added for each of those that reads or writes the
# database, or shows what was read (the people page's series units, a unit member added and
# a list recommended, a recorded merge, an organization's and the office's to-dos, the
# consequences applied, the year-end form; tests/accounts, nominations, registry, office,
# campaigns). 7 lines remain, none of them a database path: a file reader's merge target
# (registry/files.py, plain Python over names read before), a set test (grading/views_votes.py)
# and a sentence of a notice's text (notices/exports.py). The ``connection.vendor`` branches the
# flows run are all run by kept tests. Repeat it with scripts/browser_coverage_audit (its
# docstring says how) when a browser flow goes through a door no page test opens.
BROWSER_FLOWS = "tests/browser/"


def reaches_run_database(item: pytest.Item) -> bool:
    if item.get_closest_marker("own_database") is not None:
        return False
    return (
        item.get_closest_marker("django_db") is not None
        or item.get_closest_marker("run_database") is not None
        or "django_db_setup" in getattr(item, "fixturenames", ())
    )


def kept_on_postgresql(item: pytest.Item) -> bool:
    """Whether the PostgreSQL run keeps the test: it reaches the run's database and is not a
    browser flow (whose database paths page tests drive; see above)."""
    path = Path(str(item.path)).relative_to(REPO).as_posix()
    return reaches_run_database(item) and not path.startswith(BROWSER_FLOWS)


_running: list[pytest.Item] = []


@pytest.fixture(autouse=True)
def _the_running_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """The test now running, for ``require_run_database``."""
    _running.append(request.node)
    yield
    _running.pop()


def require_run_database() -> None:
    """Called where a test hands the run's database to another process (tests/live.py): a
    test doing so without a mark that says it reaches the database would be left out of the
    PostgreSQL run, so it fails here, on every run."""
    if _running and not reaches_run_database(_running[-1]):
        raise RuntimeError(
            f"{_running[-1].nodeid} reaches the run's database: mark it django_db "
            "(or run_database) so that the PostgreSQL run keeps it"
        )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    _refuse_transactional_tests_beside_module_rows(items)
    if not os.environ.get("PINGYI_TEST_DATABASE_URL", "").startswith("postgres"):
        return
    kept, left = [], []
    for item in items:
        (kept if kept_on_postgresql(item) else left).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


def _transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    names = set(getattr(item, "fixturenames", ()))
    return bool(
        (marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
        or names & {"transactional_db", "live_server", "django_db_reset_sequences"}
    )


def _refuse_transactional_tests_beside_module_rows(items: list[pytest.Item]) -> None:
    """A module whose tests share rows built once (tests/once.py) keeps a transaction open
    from its first such test to its end: a transactional test there would run inside it."""
    uses, transactional = defaultdict(list), defaultdict(list)
    for item in items:
        module = str(item.path)
        if "module_db" in getattr(item, "fixturenames", ()):
            uses[module].append(item.nodeid)
        if _transactional(item):
            transactional[module].append(item.nodeid)
    if clash := [module for module in uses if transactional[module]]:
        raise pytest.UsageError(
            f"{clash}: transactional tests beside rows built once per module (tests/once.py): "
            f"{[transactional[m] for m in clash]}"
        )


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest,
    django_test_environment: None,
    django_db_blocker: Any,
    django_db_modify_db_settings: None,
) -> Iterator[None]:
    """pytest-django's, with the test database copied from one migrated once per set of
    migrations (tests/database.py) when there is one, and destroyed at the end as usual."""
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _get_databases_for_setup

    from tests import database

    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    verbosity = request.config.option.verbose
    with django_db_blocker.unblock(), database.template_lock():
        copied = "default" in aliases and database.copy_template()
        config = setup_databases(
            verbosity=verbosity,
            interactive=False,
            aliases=aliases,
            serialized_aliases=serialized_aliases,
            keepdb=copied,
        )
        if not copied:
            database.save_template()
    yield
    with django_db_blocker.unblock():
        teardown_databases(config, verbosity=verbosity)


@pytest.fixture(scope="module")
def module_db(django_db_setup: None, django_db_blocker: Any) -> Iterator[ModuleRows]:
    """One transaction around the module's tests, rolled back after the last one; the rows
    built in it (``build``) are there for each test, whose own writes are rolled back to
    them (tests/once.py)."""
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    try:
        yield ModuleRows(django_db_blocker)
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def pytest_configure(config: pytest.Config) -> None:
    # The processes the suite starts (the `pingyi` command, servers, xdist's workers) keep the
    # bytecode they compile (__pycache__, as Python does by default): with the variable set,
    # as some machines' environments set it, each of them compiled Pingyi's sources anew,
    # a second of a core per `pingyi` process.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    global _CONFIG
    _CONFIG = config
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


_CONFIG: pytest.Config | None = None  # pytest_configure's: call_pingyi_at unblocks the database


@contextlib.contextmanager
def _home_database(home: Path) -> Iterator[None]:
    """Django's default connection on HOME's SQLite file for the block, as `pingyi` run with
    PINGYI_HOME=home (and no PINGYI_DATABASE_URL) has it; the run's connection after it."""
    from django.db import connections
    from django.db.utils import load_backend
    from pytest_django.plugin import blocking_manager_key

    assert _CONFIG is not None
    saved = connections["default"]
    config = {**saved.settings_dict, "NAME": str(home / "pingyi.sqlite3")}
    assert config["ENGINE"] == "pingyi.sqlite", "an installation's own SQLite only"
    wrapper = load_backend(config["ENGINE"]).DatabaseWrapper(config, "default")
    with _CONFIG.stash[blocking_manager_key].unblock():
        connections["default"] = wrapper
        try:
            yield
        finally:
            wrapper.close()
            connections["default"] = saved


def call_pingyi_at(home: Path, *args: str | Path, lang: str = "en") -> CompletedProcess[str]:
    """`pingyi ARGS` with PINGYI_HOME=home, in this process: the database commands run on the
    installation's own SQLite file (``home``/pingyi.sqlite3) with its key and folders (the
    settings made of PINGYI_HOME), as the command in a process of its own would, without the
    three seconds of a core that Django's and the URL modules' start-up cost each process.
    Keep one run_pingyi test per command family besides."""
    from django.test.utils import override_settings
    from django.utils import translation

    home = home.resolve()
    at_home = override_settings(
        HOME=home,
        SECRET_KEY=(home / "secret.key").read_text().strip(),  # the ballots' MACs, the pool's
        SECRET_KEY_FILE=home / "secret.key",
        STATIC_ROOT=home / "static",
        PINGYI_JOBS_DIR=home / "jobs",
    )
    language = translation.get_language()
    try:
        with _home_database(home), at_home:
            return call_pingyi(*args, lang=lang, env={"PINGYI_HOME": str(home)}, database=True)
    finally:
        translation.activate(language)


def call_pingyi(
    *args: str | Path,
    cwd: Path | None = None,
    lang: str = "en",
    env: dict[str, str] | None = None,
    database: bool = False,
) -> subprocess.CompletedProcess[str]:
    """`pingyi tally|grade` (the file commands: no Django, no database) in this process, with
    what run_pingyi gives: the exit code, stdout and stderr. A process costs half a second of
    start-up each time; one subprocess test per command keeps the installed command honest.
    ``database``: a database command, on the database call_pingyi_at put in place."""
    from pingyi import cli
    from pingyi.cli import io as cli_io

    argv = [str(a) for a in args]
    assert database or (argv and argv[0] in cli.FILE_COMMANDS), f"{argv[:1]}: call_pingyi_at"
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
