"""R8: `pingyi backup` while ballots are being cast, `pingyi restore` into a fresh home and
database; a damaged archive is refused and nothing is written.

The ballots are cast in this process (a thread through the cast service, on the test database,
SQLite or the PostgreSQL of PINGYI_TEST_DATABASE_URL); backup, restore, verify and results run
as the `pingyi` command, as an operator runs them.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import tarfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.db import connection, connections

from pingyi.accounts.actors import Actor
from pingyi.ballots.selectors import campaign_results
from pingyi.campaigns.services import campaign_close
from pingyi.exports.contract_json import result_to_json
from pingyi.voting.models import Receipt
from pingyi.voting.services import ballot_submit, token_issue
from tests.cast import STAFF, make_campaign
from tests.conftest import PINGYI, REPO, run_pingyi
from tests.database import migrated_home

# One worker runs the whole module: its module-scoped fixture is set up once.
pytestmark = pytest.mark.xdist_group("backup")

MARKS = [
    {"L1": "满意", "L2": "基本满意", "V1": "不满意", "F1": "满意"},
    {"L1": "不满意", "L2": "满意", "V1": "满意", "F1": "基本满意"},
    {"L1": "基本满意", "L2": "不满意", "V1": "满意"},
]
EVIDENCE = b"%PDF-1.4 evidence of a rectification\n"
CASTS = 1000


def _url(db: dict[str, Any], name: str) -> str:
    auth = quote(str(db["USER"]))
    if db.get("PASSWORD"):
        auth += ":" + quote(str(db["PASSWORD"]))
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _admin(db: dict[str, Any]) -> psycopg.Connection[Any]:
    return psycopg.connect(
        dbname="postgres",
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db.get("PASSWORD") or None,
        autocommit=True,
    )


@pytest.fixture
def target() -> Iterator[str]:
    """The database to restore into: SQLite in the new home, or a new PostgreSQL database."""
    if connection.vendor == "sqlite":
        yield ""
        return
    db = connection.settings_dict
    name = f"pingyi_restore_{os.getpid()}_{id(db) % 100000}_{int(time.time())}"  # one per worker
    with _admin(db) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield _url(db, name)
    with _admin(db) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _source_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return _url(db, str(db["NAME"]))


def _pingyi(home: Path, url: str, *args: str | Path, key: str = "") -> tuple[int, str]:
    done = run_pingyi(
        *args,
        env={"PINGYI_HOME": str(home), "PINGYI_DATABASE_URL": url, "PINGYI_SECRET_KEY": key},
    )
    return done.returncode, done.stdout + done.stderr


def _closed_campaign() -> tuple[str, dict[str, Any]]:
    campaign = make_campaign(series="lastyear", year=2025)
    group = campaign.groups.get(code="service_recipients")
    issued = token_issue(campaign=campaign, group=group, count=12, actor=Actor.operator(STAFF))
    for n, code in enumerate(issued.codes):
        ballot_submit(code=code, marks=MARKS[n % len(MARKS)])
    campaign_close(campaign=campaign, actor=Actor.operator(STAFF))
    return campaign.code, result_to_json(campaign_results(campaign).tally)


class Caster(threading.Thread):
    """Casts every code in turn; ``acknowledged`` holds each receipt once its cast returned."""

    def __init__(self, codes: list[str]) -> None:
        super().__init__(daemon=True)
        self.codes = codes
        self.acknowledged: list[str] = []
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            for n, code in enumerate(self.codes):
                if self.stop.is_set():
                    return
                self.acknowledged.append(ballot_submit(code=code, marks=MARKS[n % len(MARKS)]))
        except BaseException as exc:
            self.error = exc
        finally:
            connections.close_all()


def _receipts(home: Path, url: str) -> set[str]:
    table = Receipt._meta.db_table
    if not url:
        with sqlite3.connect(home / "pingyi.sqlite3") as db:
            return {row[0] for row in db.execute(f"SELECT code FROM {table}")}  # noqa: S608
    with psycopg.connect(url) as db:
        return {row[0] for row in db.execute(f"SELECT code FROM {table}")}  # noqa: S608


# slow: ballots cast from threads while `pingyi backup` runs, then seven `pingyi` processes
# (restore, verify, results, the refusals): some twelve seconds.
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_while_ballots_are_cast_restores_every_acknowledged_ballot(
    tmp_path: Path, target: str
) -> None:
    key = str(settings.SECRET_KEY)  # the key the ballots' MACs and the pool are made with
    closed, results = _closed_campaign()
    live = make_campaign()
    group = live.groups.get(code="cadres_and_representatives")
    caster = Caster(
        token_issue(campaign=live, group=group, count=CASTS, actor=Actor.operator(STAFF)).codes
    )
    home, fresh = tmp_path / "home", tmp_path / "fresh"
    (home / "media" / "evidence").mkdir(parents=True)
    (home / "media" / "evidence" / "0a1b.pdf").write_bytes(EVIDENCE)
    archive = tmp_path / "backups" / "pingyi.tar"

    caster.start()
    while len(caster.acknowledged) < 100 and caster.is_alive():
        time.sleep(0.01)
    before = list(caster.acknowledged)
    code, output = _pingyi(home, _source_url(), "backup", "--out", archive, key=key)
    during = len(caster.acknowledged)
    caster.stop.set()
    caster.join()
    assert caster.error is None, caster.error
    assert code == 0, output
    assert during > len(before), "no ballot was cast while the backup ran"
    assert (home / "last-backup.json").exists()

    code, output = _pingyi(fresh, target, "restore", archive)
    assert code == 0, output
    code, output = _pingyi(fresh, target, "verify")
    assert code == 0, output
    assert "do NOT reconcile" not in output and "BROKEN" not in output
    restored = _receipts(fresh, target)
    assert set(before) <= restored  # every ballot acknowledged before the backup began
    assert len(restored) <= len(caster.acknowledged) + 12
    code, output = _pingyi(fresh, target, "results", "--campaign", closed)
    assert code == 0, output
    assert json.loads(output) == results  # the recount of the restored ballots
    assert (fresh / "media" / "evidence" / "0a1b.pdf").read_bytes() == EVIDENCE
    assert (fresh / "secret.key").read_text().strip() == key

    # A home or a database that holds data is never overwritten.
    code, output = _pingyi(fresh, target, "restore", archive)
    assert code == 1
    assert "restore only into an empty home" in output
    other = tmp_path / "other"
    code, output = _pingyi(
        other, target or f"sqlite:///{fresh / 'pingyi.sqlite3'}", "restore", archive
    )
    assert code == 1
    assert "restore only into an empty database" in output
    assert not (other / "secret.key").exists()
    assert _pingyi(fresh, target, "verify")[0] == 0


# --------------------------------------------------------------------------- damaged archives


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A backup of a migrated home with one evidence file."""
    home = tmp_path_factory.mktemp("source")
    migrated_home(home)
    (home / "media" / "evidence").mkdir(parents=True)
    (home / "media" / "evidence" / "0a1b.pdf").write_bytes(EVIDENCE)
    out = tmp_path_factory.mktemp("archive") / "backup.tar"
    code, output = _pingyi(home, "", "backup", "--out", out)
    assert code == 0, output
    return out


def _copy(archive: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy.tar"
    copy.write_bytes(archive.read_bytes())
    return copy


def _flip(path: Path, member: str, at: int = 100) -> None:
    with tarfile.open(path) as tar:
        offset = tar.getmember(member).offset_data
    data = bytearray(path.read_bytes())
    data[offset + at] ^= 0x01
    path.write_bytes(bytes(data))


def _without(archive: Path, tmp_path: Path, member: str) -> Path:
    out = tmp_path / "without.tar"
    with tarfile.open(archive) as old, tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as new:
        for info in old:
            if info.name != member:
                new.addfile(info, old.extractfile(info))
    return out


def _refused(tmp_path: Path, damaged: Path, lang: str = "en") -> str:
    fresh = tmp_path / "fresh"
    done = run_pingyi(
        "restore",
        damaged,
        lang=lang,
        env={"PINGYI_HOME": str(fresh), "PINGYI_DATABASE_URL": "", "PINGYI_SECRET_KEY": ""},
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert not fresh.exists(), "a refused restore wrote into the home"
    return done.stderr


def test_the_archive_restores_whole(archive: Path, tmp_path: Path) -> None:
    code, output = _pingyi(tmp_path / "fresh", "", "restore", archive)
    assert code == 0, output
    assert _pingyi(tmp_path / "fresh", "", "verify")[0] == 0


def test_one_byte_flipped_in_the_database_is_refused(archive: Path, tmp_path: Path) -> None:
    damaged = _copy(archive, tmp_path)
    _flip(damaged, "database/pingyi.sqlite3", at=5000)
    message = _refused(tmp_path, damaged)
    assert "database/pingyi.sqlite3 does not match its SHA-256" in message
    assert "nothing was restored" in message


def test_one_byte_flipped_in_an_evidence_file_or_the_key_is_refused(
    archive: Path, tmp_path: Path
) -> None:
    for member in ("media/evidence/0a1b.pdf", "secret.key"):
        damaged = _copy(archive, tmp_path)
        _flip(damaged, member, at=3)
        assert f"{member} does not match" in _refused(tmp_path, damaged)


def test_a_damaged_manifest_is_refused(archive: Path, tmp_path: Path) -> None:
    damaged = _copy(archive, tmp_path)
    _flip(damaged, "manifest.json", at=2)
    assert "nothing was restored" in _refused(tmp_path, damaged)


def test_a_removed_member_is_refused_in_chinese_too(archive: Path, tmp_path: Path) -> None:
    damaged = _without(archive, tmp_path, "media/evidence/0a1b.pdf")
    assert "media/evidence/0a1b.pdf, listed in the manifest, is missing" in _refused(
        tmp_path, damaged
    )
    chinese = _refused(tmp_path, damaged, lang="zh-hans")
    assert "media/evidence/0a1b.pdf" in chinese and "未恢复" in chinese
    damaged = _without(archive, tmp_path, "database/pingyi.sqlite3")
    assert "is missing" in _refused(tmp_path, damaged)


def test_a_truncated_archive_and_another_file_are_refused(archive: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.tar"
    cut.write_bytes(archive.read_bytes()[:40000])
    assert "nothing was restored" in _refused(tmp_path, cut)
    other = tmp_path / "other.tar"
    with tarfile.open(other, "w") as tar:
        tar.add(archive, arcname="pingyi.sqlite3")
    assert "not a Pingyi backup" in _refused(tmp_path, other)


def test_a_different_key_in_the_environment_is_refused(archive: Path, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh"
    code, output = _pingyi(fresh, "", "restore", archive, key="another key")
    assert code == 1
    assert "PINGYI_SECRET_KEY differs" in output
    assert not fresh.exists()


def test_the_backup_timer_keeps_the_newest_14(tmp_path: Path) -> None:
    """deploy/pingyi-backup, as the systemd unit runs it: one new archive, 14 kept."""
    home = migrated_home(tmp_path / "home")
    folder = tmp_path / "backups"
    folder.mkdir()
    old = [folder / f"pingyi-202601{day:02d}T023000Z.tar" for day in range(1, 17)]
    for path in old:
        path.write_bytes(b"an older backup")
    (folder / "notes.txt").write_text("not a backup: left alone")
    done = subprocess.run(
        [str(REPO / "deploy" / "pingyi-backup")],
        env={
            **os.environ,
            "PINGYI_HOME": str(home),
            "PINGYI_DATABASE_URL": "",
            "PINGYI_SECRET_KEY": "",
            "PINGYI_BIN": str(PINGYI),
            "PINGYI_BACKUP_DIR": str(folder),
        },
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    kept = sorted(p.name for p in folder.glob("pingyi-*.tar"))
    assert len(kept) == 14
    assert kept[:13] == [p.name for p in old[3:]]  # the oldest three are gone
    [new] = set(kept) - {p.name for p in old}
    assert _pingyi(tmp_path / "fresh", "", "restore", folder / new)[0] == 0
    assert (folder / "notes.txt").exists()
