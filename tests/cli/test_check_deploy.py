"""R24: `pingyi check-deploy` passes on a production configuration and fails on each bad
setting alone, naming it.

Run as the operator runs it, in a subprocess with its environment, where the check needs the
installation's own database (it answers, it is migrated, the ledger's digest is in use) or
its folders (the key, the free space), and for the production configuration that passes. A
process costs some three seconds of a core (Django and every URL module imported), so the
settings alone are checked in this process (``check_here``): pingyi.settings read afresh
from the same environment, its settings put in place, and the command's own function run
with that environment, the test database standing for the installation's."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import runpy
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PINGYI
from tests.database import migrated_home

# One worker runs the whole module: its module-scoped fixture is set up once.
pytestmark = [pytest.mark.own_database, pytest.mark.xdist_group("check-deploy")]

GOOD = {
    "PINGYI_DATABASE_URL": "",
    "PINGYI_SECRET_KEY": "",
    "PINGYI_DEBUG": "0",
    "PINGYI_ALLOWED_HOSTS": "pingyi.example.gov.cn",
    "PINGYI_HTTPS": "1",
    "PINGYI_WORKERS": "1",
    "PINGYI_CACHE_URL": "",
    "PINGYI_PUBLIC_URL": "https://pingyi.example.gov.cn",
    "PINGYI_EMAIL_HOST": "",
    "PINGYI_LANGUAGE": "en",
}


def check_deploy(home: Path, **changes: str | None) -> tuple[int, str]:
    """`pingyi check-deploy` with GOOD changed by ``changes`` (None: the variable unset)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PINGYI_")}
    env["PYTHONPATH"] = os.environ.get("PYTHONPATH", "")
    wanted: dict[str, str | None] = {**GOOD, "PINGYI_HOME": str(home), **changes}
    env.update({k: v for k, v in wanted.items() if v is not None})
    done = subprocess.run(
        [str(PINGYI), "check-deploy"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, done.stdout + done.stderr


# Read by Django's setup or standing for the test run's own (the database, the apps, the
# logging, the test password hasher, the static files of the apps' folders): not replaced.
KEPT_SETTINGS = frozenset(
    {"DATABASES", "INSTALLED_APPS", "LOGGING", "PASSWORD_HASHERS", "TESTING", "STORAGES"}
    | {"STATICFILES_FINDERS", "TASKS", "PINGYI_JOBS_DIR"}
)


@contextlib.contextmanager
def _environment(wanted: dict[str, str | None]) -> Iterator[None]:
    saved = dict(os.environ)
    try:
        for name in [n for n in os.environ if n.startswith("PINGYI_")]:
            del os.environ[name]
        os.environ.update({k: v for k, v in wanted.items() if v is not None})
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def check_here(home: Path, **changes: str | None) -> tuple[int, str]:
    """check_deploy's exit code and output, in this process: the settings that
    pingyi.settings makes of GOOD changed by ``changes`` put in place (KEPT_SETTINGS
    aside), then `pingyi check-deploy`'s function run in the command's language."""
    from django.conf import settings
    from django.test import override_settings
    from django.utils import translation

    import pingyi.settings
    from pingyi.cli import io as cli_io
    from pingyi.cli.operations import cmd_check_deploy

    wanted: dict[str, str | None] = {**GOOD, "PINGYI_HOME": str(home), **changes}
    out = io.StringIO()
    with _environment(wanted):
        read = runpy.run_path(pingyi.settings.__file__)
        changed = {
            name: value
            for name, value in read.items()
            if name.isupper() and name not in KEPT_SETTINGS
            and getattr(settings, name, object()) != value
        }  # fmt: skip
        gettext = cli_io._gettext
        try:
            with (
                override_settings(**changed),
                translation.override(cli_io.language()),
                contextlib.redirect_stdout(out),
            ):
                cli_io._gettext = translation.gettext
                code = cmd_check_deploy(argparse.Namespace())
        finally:
            cli_io._gettext = gettext
    return code, out.getvalue()


def _pingyi(home: Path, *args: str) -> None:
    env = {**os.environ, "PINGYI_HOME": str(home), "PINGYI_DATABASE_URL": ""}
    env.pop("PINGYI_SECRET_KEY", None)
    done = subprocess.run(
        [str(PINGYI), *args], capture_output=True, text=True, env=env, check=False, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated installation with its secret key and a backup taken just now. Its database
    is a copy of one that `pingyi manage migrate` migrated in a subprocess (tests/database.py:
    once per set of migrations, so on every new machine and after every new migration)."""
    home = migrated_home(tmp_path_factory.mktemp("installed"))
    _pingyi(home, "backup", "--out", str(tmp_path_factory.mktemp("backups") / "backup.tar"))
    return home


@pytest.fixture
def copy(home: Path, tmp_path: Path) -> Path:
    """A copy of the installation to spoil."""
    return Path(shutil.copytree(home, tmp_path / "home"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A Redis of the test's own on a free port (not the machine's shared one)."""
    port = _free_port()
    server = subprocess.Popen(
        [
            shutil.which("redis-server") or "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(10)


def test_a_production_configuration_passes(home: Path) -> None:
    code, output = check_deploy(home)
    assert code == 0, output
    assert "no problems" in output


@pytest.mark.django_db
def test_the_same_configuration_passes_in_this_process(home: Path) -> None:
    """check_here's ground: what passes in a subprocess passes here."""
    code, output = check_here(home)
    assert code == 0, output
    assert output == "no problems: ready for production\n"


@pytest.mark.django_db
def test_several_workers_pass_with_a_shared_cache(home: Path, redis_url: str) -> None:
    code, output = check_here(home, PINGYI_WORKERS="3", PINGYI_CACHE_URL=redis_url)
    assert code == 0, output


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"PINGYI_DEBUG": "1"}, "PINGYI_DEBUG is on"),
        ({"PINGYI_ALLOWED_HOSTS": "*"}, "PINGYI_ALLOWED_HOSTS contains '*'"),
        ({"PINGYI_ALLOWED_HOSTS": "pingyi.example.gov.cn,*"}, "contains '*'"),
        ({"PINGYI_ALLOWED_HOSTS": None}, "PINGYI_ALLOWED_HOSTS is not set"),
        ({"PINGYI_HTTPS": "0"}, "PINGYI_HTTPS is not 1"),
        ({"PINGYI_HTTPS": None}, "PINGYI_HTTPS is not 1"),
        ({"PINGYI_WORKERS": "3"}, "3 workers (PINGYI_WORKERS) but no shared cache"),
        ({"PINGYI_WORKERS": None}, "but no shared cache"),  # 2 × cores + 1, as gunicorn
        ({"PINGYI_PUBLIC_URL": None}, "PINGYI_PUBLIC_URL is not set"),
        ({"PINGYI_PUBLIC_URL": "pingyi.example.gov.cn"}, "is not an address like"),
        ({"PINGYI_PUBLIC_URL": "http://pingyi.example.gov.cn"}, "starts with http://"),
    ],
)
def test_each_bad_setting_alone_fails(
    home: Path, changes: dict[str, str | None], expected: str
) -> None:
    code, output = check_here(home, **changes)
    assert code == 1, output
    assert expected in output
    assert output.count("problem: ") == 1, output  # that setting alone


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"PINGYI_MIN_FREE_MB": str(10**12)}, "MB free in"),  # the home's and its database's
        ({"PINGYI_DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}, "does not answer"),
    ],
)
def test_each_bad_place_alone_fails(
    home: Path, changes: dict[str, str | None], expected: str
) -> None:
    code, output = check_deploy(home, **changes)
    assert code == 1, output
    assert expected in output
    assert output.count("problem: ") == 1, output  # that setting alone


@pytest.mark.django_db
def test_an_unreachable_cache_fails(home: Path) -> None:
    code, output = check_here(
        home, PINGYI_WORKERS="3", PINGYI_CACHE_URL=f"redis://127.0.0.1:{_free_port()}/0"
    )
    assert code == 1
    assert "(PINGYI_CACHE_URL) does not answer" in output
    assert output.count("problem: ") == 1, output


def test_an_unmigrated_database_fails(home: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    code, output = check_deploy(home, PINGYI_DATABASE_URL=url)
    assert code == 1
    assert "database migrations are not applied" in output
    assert output.count("problem: ") == 1, output


@pytest.mark.django_db
def test_a_missing_or_old_backup_fails(copy: Path) -> None:
    record = json.loads((copy / "last-backup.json").read_text())
    record["at"] = (dt.datetime.now(dt.UTC) - dt.timedelta(days=3)).isoformat()
    (copy / "last-backup.json").write_text(json.dumps(record))
    code, output = check_here(copy)
    assert code == 1
    assert "the last backup was taken 3 days ago" in output
    assert output.count("problem: ") == 1, output
    assert check_here(copy, PINGYI_BACKUP_MAX_AGE_DAYS="4")[0] == 0
    (copy / "last-backup.json").unlink()
    code, output = check_here(copy)
    assert code == 1
    assert "no backup was ever taken" in output


def test_digests_without_a_mail_server_fail(copy: Path) -> None:
    _pingyi(copy, "digest")  # the ledger's digest is in use from now on
    code, output = check_deploy(copy)
    assert code == 1
    assert "no mail server is set" in output
    assert output.count("problem: ") == 1, output


@pytest.mark.django_db
def test_digests_need_a_mail_server_and_a_sender_it_accepts(home: Path) -> None:
    from pingyi.accounts.actors import Actor
    from pingyi.rectification.digest import digest_send

    assert check_here(home)[0] == 0
    digest_send(today=dt.date(2026, 12, 7), actor=Actor.operator())  # the digest in use from now on
    code, output = check_here(home)
    assert code == 1
    assert "no mail server is set" in output
    assert output.count("problem: ") == 1, output
    code, output = check_here(home, PINGYI_EMAIL_HOST="mail.example.gov.cn")
    assert "PINGYI_EMAIL_FROM is pingyi@localhost" in output
    ready = {"PINGYI_EMAIL_HOST": "mail.example.gov.cn", "PINGYI_EMAIL_FROM": "pingyi@gov.cn"}
    assert check_here(home, **ready)[0] == 0


def test_a_key_that_is_not_kept_fails(home: Path, tmp_path: Path) -> None:
    """A home that cannot be written keeps no key: each process would make its own."""
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    url = f"sqlite:///{home / 'pingyi.sqlite3'}"
    code, output = check_deploy(blocker / "home", PINGYI_DATABASE_URL=url)
    assert code == 1
    assert "no persistent secret key" in output


@pytest.mark.django_db
def test_problems_are_listed_in_chinese(home: Path) -> None:
    code, output = check_here(home, PINGYI_LANGUAGE="zh-hans", PINGYI_DEBUG="1", PINGYI_HTTPS="0")
    assert code == 1
    assert "问题：PINGYI_DEBUG 已开启" in output
    assert "PINGYI_HTTPS 不是 1" in output
    assert "共 2 个问题" in output


def test_https_turns_on_hsts_the_redirect_and_secure_cookies(home: Path) -> None:
    env = {**os.environ, "PINGYI_HOME": str(home), "PINGYI_DATABASE_URL": "", "PINGYI_HTTPS": "1"}
    done = subprocess.run(
        [str(PINGYI), "manage", "diffsettings"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    for line in (
        "SECURE_HSTS_SECONDS = 31536000",
        "SECURE_SSL_REDIRECT = True",
        "SESSION_COOKIE_SECURE = True",
        "CSRF_COOKIE_SECURE = True",
    ):
        assert line in done.stdout
