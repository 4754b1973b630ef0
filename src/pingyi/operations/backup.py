"""`pingyi backup` and `pingyi restore` (R8): one tar archive holds all an installation is.

Members, in this order:

``manifest.json``            format, version, time, database engine, the audit heads at the
                             moment of the copy, and the SHA-256 and size of every other member
``database/pingyi.sqlite3``  SQLite: a copy through the online backup API, one read transaction,
                             so ballots cast meanwhile (WAL) are either wholly in it or not at all
``database/pingyi.pgdump``   PostgreSQL: ``pg_dump -Fc`` of a snapshot exported from the same
                             transaction that read the audit heads
``secret.key``               the secret key: codes, ballot MACs and both mixing pools (ballots,
                             opinion forms) need it
``media/…``                  the evidence files (PINGYI_HOME/media)

The jobs' files (PINGYI_HOME/jobs) are left out on purpose: a batch's ZIP holds printable
codes, and a backup must not tell which stored token a printed code is (R9, R10).

A restore reads the whole archive and checks every member against the manifest before it
writes anything, and writes only into an empty home and an empty database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from pingyi.rules.errors import MissingOnMachine, RuleError, gettext_noop

FORMAT = "pingyi-backup"
VERSION = 1
MANIFEST = "manifest.json"
DB_SQLITE = "database/pingyi.sqlite3"
DB_POSTGRES = "database/pingyi.pgdump"
KEY = "secret.key"
MEDIA = "media"
LAST_BACKUP = "last-backup.json"  # in PINGYI_HOME: when the last backup was taken
CHUNK = 1 << 20
ENGINES = {"sqlite": DB_SQLITE, "postgresql": DB_POSTGRES}

E_NOT_BACKUP = gettext_noop(
    "%(path)s is not a Pingyi backup (it has no manifest.json first); nothing was restored"
)
E_UNREADABLE = gettext_noop(
    "%(path)s is damaged and cannot be read (%(error)s); nothing was restored"
)
E_MANIFEST = gettext_noop("%(path)s is damaged: its manifest is not valid; nothing was restored")
E_VERSION = gettext_noop(
    "%(path)s is a backup of format %(version)s, which this Pingyi cannot read; nothing was"
    " restored"
)
E_CHECKSUM = gettext_noop(
    "%(path)s is damaged: %(member)s does not match its SHA-256 in the manifest; nothing was"
    " restored"
)
E_MISSING = gettext_noop(
    "%(path)s is damaged: %(member)s, listed in the manifest, is missing; nothing was restored"
)
E_EXTRA = gettext_noop(
    "%(path)s is damaged: %(member)s is not listed in its manifest; nothing was restored"
)
E_KEY_DIFFERS = gettext_noop(
    "PINGYI_SECRET_KEY differs from the secret key in %(path)s: the restored ballots would fail"
    " their MACs; unset it or set the backup's key; nothing was restored"
)
E_ENGINE = gettext_noop(
    "%(path)s holds a %(archived)s database, but this installation uses %(engine)s; nothing"
    " was restored"
)
E_HOME_KEY = gettext_noop(
    "%(file)s exists: restore only into an empty home (a new PINGYI_HOME); nothing was restored"
)
E_HOME_MEDIA = gettext_noop(
    "%(folder)s holds files: restore only into an empty home (a new PINGYI_HOME); nothing was"
    " restored"
)
E_DB_NOT_EMPTY = gettext_noop(
    "the database %(name)s already holds %(tables)s tables: restore only into an empty"
    " database (createdb a new one); nothing was restored"
)
E_OUT_EXISTS = gettext_noop("%(path)s exists: give a new file name for the backup")
E_EPHEMERAL = gettext_noop(
    "this installation has no persistent secret key (PINGYI_SECRET_KEY or"
    " PINGYI_HOME/secret.key): a backup without it could not be verified; run `pingyi init`"
)
E_SQLITE_COPY = gettext_noop("the copy of the SQLite database failed its check: %(error)s")
E_PG_TOOL = gettext_noop("%(tool)s failed (exit %(code)s): %(error)s")
E_HEAD = gettext_noop(
    "the restored database's audit head %(now)s differs from the backup's %(then)s"
)


@dataclass(frozen=True)
class Checked:
    """An archive whose every member matched its manifest."""

    path: Path
    manifest: dict[str, Any]
    secret_key: str

    @property
    def engine(self) -> str:
        return str(self.manifest["engine"])

    @property
    def head(self) -> str:
        return str(self.manifest["audit"]["head"])

    @property
    def files(self) -> list[str]:
        return sorted(n for n in self.manifest["members"] if n.startswith(MEDIA + "/"))


@dataclass(frozen=True)
class BackupDone:
    path: Path
    engine: str
    files: int
    head: str
    sha256: str


@dataclass(frozen=True)
class RestoreDone:
    engine: str
    files: int
    head: str
    # What does not reconcile in the restored database: (campaign code, what, problem
    # template, its parameters) for its ballots and its opinions (restored_problems).
    problems: tuple[tuple[str, str, str, dict[str, Any]], ...] = ()


# --------------------------------------------------------------------------- reading


def _safe_name(name: Any) -> bool:
    if not isinstance(name, str) or not name or "\\" in name:
        return False
    parts = PurePosixPath(name).parts
    if name.startswith("/") or any(p in {"", ".", ".."} for p in parts):
        return False
    return name in {KEY, DB_SQLITE, DB_POSTGRES} or (parts[0] == MEDIA and len(parts) > 1)


def _manifest_valid(manifest: Any) -> bool:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        return False
    members = manifest.get("members")
    audit = manifest.get("audit")
    engine = manifest.get("engine")
    if not isinstance(members, dict) or not isinstance(audit, dict) or engine not in ENGINES:
        return False
    if KEY not in members or ENGINES[engine] not in members:
        return False
    for name, entry in members.items():
        if not _safe_name(name) or not isinstance(entry, dict):
            return False
        if not isinstance(entry.get("sha256"), str) or not isinstance(entry.get("size"), int):
            return False
    return isinstance(audit.get("head"), str)


def archive_check(path: Path) -> Checked:
    """Reads the whole archive; every member must match the manifest, none may be missing or
    unlisted. Writes nothing. Needs no Django (restore checks before it sets Django up)."""
    shown = str(path)
    try:
        with tarfile.open(path, "r:") as tar:
            first = tar.next()
            if first is None or first.name != MANIFEST or not first.isfile():
                raise RuleError(E_NOT_BACKUP, path=shown)
            stream = tar.extractfile(first)
            manifest: Any = json.loads(stream.read().decode("utf-8")) if stream else None
            if (
                isinstance(manifest, dict)
                and manifest.get("format") == FORMAT
                and manifest.get("version") != VERSION
            ):
                raise RuleError(E_VERSION, path=shown, version=manifest.get("version"))
            if not _manifest_valid(manifest):
                raise RuleError(E_MANIFEST, path=shown)
            listed: dict[str, dict[str, Any]] = manifest["members"]
            seen: set[str] = set()
            key = b""
            for member in tar:
                if member is first:
                    continue
                if member.name not in listed or member.name in seen or not member.isfile():
                    raise RuleError(E_EXTRA, path=shown, member=member.name)
                seen.add(member.name)
                digest = hashlib.sha256()
                content = tar.extractfile(member)
                while content is not None and (chunk := content.read(CHUNK)):
                    digest.update(chunk)
                    if member.name == KEY:
                        key += chunk
                expected = listed[member.name]
                if digest.hexdigest() != expected["sha256"] or member.size != expected["size"]:
                    raise RuleError(E_CHECKSUM, path=shown, member=member.name)
            missing = sorted(set(listed) - seen)
            if missing:
                raise RuleError(E_MISSING, path=shown, member=missing[0])
            return Checked(path=path, manifest=manifest, secret_key=key.decode("utf-8").strip())
    except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
        raise RuleError(E_UNREADABLE, path=shown, error=str(exc) or type(exc).__name__) from None


def _members(checked: Checked) -> Iterator[tuple[str, IO[bytes]]]:
    with tarfile.open(checked.path, "r:") as tar:
        for member in tar:
            if member.name == MANIFEST:
                continue
            content = tar.extractfile(member)
            if content is not None:  # always: every member was checked to be a regular file
                yield member.name, content


# --------------------------------------------------------------------------- backup


def _settings() -> Any:
    from django.conf import settings

    return settings


def _engine() -> str:
    from django.db import connections

    return "sqlite" if connections["default"].vendor == "sqlite" else "postgresql"


def _pg_env() -> dict[str, str]:
    """libpq's variables for pg_dump and pg_restore, from Django's database settings."""
    db = _settings().DATABASES["default"]
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if db.get(key):
            env[variable] = str(db[key])
    if mode := db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = str(mode)
    return env


def _pg_tool(tool: str, *args: str) -> None:
    from django.utils.translation import gettext as _

    program = shutil.which(tool)
    if program is None:
        raise MissingOnMachine(
            _(
                "%(tool)s is not installed: install Debian's postgresql-client"
                " (apt-get install postgresql-client)"
            )
            % {"tool": tool}
        )
    done = subprocess.run(  # noqa: S603 — our arguments, no shell
        [program, *args], env=_pg_env(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        error = (done.stderr.strip().splitlines() or ["-"])[-1]
        raise RuleError(E_PG_TOOL, tool=tool, code=done.returncode, error=error)


def _heads_of_sqlite(path: Path) -> Any:
    """The audit heads inside a SQLite copy (what audit_head_parts reads, from that file)."""
    from pingyi.audit.models import AuditHead, LaneHead
    from pingyi.audit.services import GENESIS, HeadParts

    with _sqlite(path) as db:
        rows = sorted(
            (int(lane), int(seq), str(h))
            for lane, seq, h in db.execute(
                f"SELECT 0, seq, hash FROM {AuditHead._meta.db_table} WHERE id = 1"  # noqa: S608
                f" UNION ALL SELECT lane, seq, hash FROM {LaneHead._meta.db_table} WHERE seq > 0"
            )
        )
    head = next(((seq, h) for lane, seq, h in rows if lane == 0), (0, GENESIS))
    return HeadParts(head, tuple(row for row in rows if row[0] != 0))


@contextmanager
def _sqlite(path: Path | str) -> Iterator[sqlite3.Connection]:
    db = sqlite3.connect(path, timeout=60)
    try:
        yield db
    finally:
        db.close()


def _copy_sqlite(target: Path) -> Any:
    """The live database copied page by page in one read transaction (consistent while ballots
    are cast: a commit made meanwhile is wholly in the copy or not at all); its heads."""
    source = Path(str(_settings().DATABASES["default"]["NAME"]))
    with _sqlite(source) as live, _sqlite(target) as copy:
        live.backup(copy)  # pages=-1: every page in one step
        found = copy.execute("PRAGMA quick_check").fetchone()[0]
        if found != "ok":
            raise RuleError(E_SQLITE_COPY, error=found)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    return _heads_of_sqlite(target)


def _dump_postgres(target: Path) -> Any:
    """pg_dump of a snapshot exported by the transaction that reads the audit heads."""
    from django.db import connection, transaction

    from pingyi.audit.services import audit_head_parts

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = str(cursor.fetchone()[0])
        heads = audit_head_parts()
        _pg_tool("pg_dump", "-Fc", "--no-owner", f"--snapshot={snapshot}", "-f", str(target))
    return heads


def _file_entry(path: Path) -> dict[str, Any]:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return {"sha256": digest.hexdigest(), "size": path.stat().st_size}


def _add(tar: tarfile.TarFile, name: str, path: Path | None, data: bytes | None = None) -> None:
    info = tarfile.TarInfo(name)
    info.mode = 0o600
    info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
    if data is not None:
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
        return
    if path is None:
        raise ValueError("a member needs a path or its data")
    info.size = path.stat().st_size
    with path.open("rb") as stream:
        tar.addfile(info, stream)


def backup_create(*, out: Path) -> BackupDone:
    """Writes the archive to ``out`` whole or not at all, then records the time in the home."""
    from pingyi import __version__

    settings = _settings()
    if settings.SECRET_KEY_EPHEMERAL:
        raise RuleError(E_EPHEMERAL)
    if out.exists():
        raise RuleError(E_OUT_EXISTS, path=str(out))
    home = Path(settings.HOME)
    engine = _engine()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".pingyi-backup-", dir=out.parent) as staging:
        stage = Path(staging)
        database = stage / "database"
        heads = _copy_sqlite(database) if engine == "sqlite" else _dump_postgres(database)
        files: dict[str, Path] = {ENGINES[engine]: database}
        key = str(settings.SECRET_KEY).encode("utf-8")
        media = home / MEDIA
        for index, path in enumerate(sorted(p for p in media.rglob("*") if p.is_file())):
            staged = stage / f"media-{index}"  # a copy: what is hashed is what is archived
            shutil.copyfile(path, staged)
            files[f"{MEDIA}/{path.relative_to(media).as_posix()}"] = staged
        members = {name: _file_entry(path) for name, path in files.items()}
        members[KEY] = {"sha256": hashlib.sha256(key).hexdigest(), "size": len(key)}
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "engine": engine,
            "pingyi": __version__,
            "audit": {"head": heads.combined(), "parts": heads.as_data()},
            "members": members,
        }
        part = stage / "archive.tar"
        with tarfile.open(part, "w:", format=tarfile.PAX_FORMAT) as tar:
            _add(tar, MANIFEST, None, json.dumps(manifest, indent=1, sort_keys=True).encode())
            _add(tar, KEY, None, key)
            for name, path in files.items():
                _add(tar, name, path)
        with part.open("rb") as stream:
            os.fsync(stream.fileno())
        part.chmod(0o600)
        sha256 = _file_entry(part)["sha256"]
        os.link(part, out)  # fails rather than replace a file made meanwhile
    _record(home, out, sha256, heads.combined())
    return BackupDone(
        path=out, engine=engine, files=len(files) - 1, head=heads.combined(), sha256=sha256
    )


def _record(home: Path, out: Path, sha256: str, head: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    record = {
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "archive": str(out.resolve()),
        "sha256": sha256,
        "head": head,
    }
    staged = home / f".{LAST_BACKUP}.part"
    staged.write_text(json.dumps(record, indent=1), encoding="utf-8")
    os.replace(staged, home / LAST_BACKUP)


def last_backup(home: Path) -> dt.datetime | None:
    """When the last `pingyi backup` of this home finished (None: never, or unreadable)."""
    try:
        record = json.loads((home / LAST_BACKUP).read_text("utf-8"))
        return dt.datetime.fromisoformat(str(record["at"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


# --------------------------------------------------------------------------- restore


def restore_key(checked: Checked) -> None:
    """Before Django starts: the archive's key becomes this process's, so that starting up
    writes no new key into the empty home; a different key set in the environment refuses."""
    current = os.environ.get("PINGYI_SECRET_KEY")
    if current and current != checked.secret_key:
        raise RuleError(E_KEY_DIFFERS, path=str(checked.path))
    os.environ["PINGYI_SECRET_KEY"] = checked.secret_key


def _sqlite_tables(path: Path) -> int:
    if not path.exists() or path.stat().st_size == 0:
        return 0
    with _sqlite(path) as db:
        found = db.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()
        return int(found[0])


def _refuse_unless_empty(checked: Checked) -> None:
    from django.db import connection

    settings = _settings()
    engine = _engine()
    if engine != checked.engine:
        raise RuleError(E_ENGINE, path=str(checked.path), archived=checked.engine, engine=engine)
    key_file = Path(settings.SECRET_KEY_FILE)
    if key_file.exists():
        raise RuleError(E_HOME_KEY, file=str(key_file))
    media = Path(settings.HOME) / MEDIA
    if media.exists() and any(p.is_file() for p in media.rglob("*")):
        raise RuleError(E_HOME_MEDIA, folder=str(media))
    name = str(settings.DATABASES["default"]["NAME"])
    tables = (
        _sqlite_tables(Path(name))
        if engine == "sqlite"
        else len(connection.introspection.table_names())
    )
    if tables:
        raise RuleError(E_DB_NOT_EMPTY, name=name, tables=tables)


def _write_new(path: Path, content: IO[bytes], mode: int = 0o600) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(descriptor, "wb") as stream:
        shutil.copyfileobj(content, stream, CHUNK)
        stream.flush()
        os.fsync(stream.fileno())


def restore(*, checked: Checked) -> RestoreDone:
    """Restores a checked archive into this (empty) home and database: the database first
    (all or nothing), then the evidence files and the key. Django is set up with the key."""
    from django.db import connection

    from pingyi.audit.services import audit_head

    settings = _settings()
    _refuse_unless_empty(checked)
    home = Path(settings.HOME)
    home.mkdir(parents=True, exist_ok=True)
    database = ENGINES[checked.engine]
    with tempfile.TemporaryDirectory(prefix=".pingyi-restore-", dir=home) as staging:
        staged = Path(staging) / "database"
        for name, content in _members(checked):
            if name == database:
                _write_new(staged, content)
                break
        if checked.engine == "sqlite":
            target = Path(str(settings.DATABASES["default"]["NAME"]))
            target.parent.mkdir(parents=True, exist_ok=True)
            for leftover in (Path(f"{target}-wal"), Path(f"{target}-shm")):
                leftover.unlink(missing_ok=True)
            os.replace(staged, target)
        else:
            connection.close()
            _pg_tool(
                "pg_restore",
                "--exit-on-error",
                "--single-transaction",
                "--no-owner",
                "--no-privileges",
                "-d",
                str(settings.DATABASES["default"]["NAME"]),
                str(staged),
            )
    for name, content in _members(checked):
        if name.startswith(MEDIA + "/"):
            _write_new(home / PurePosixPath(name), content, 0o644)
        elif name == KEY:
            _write_new(Path(settings.SECRET_KEY_FILE), content)
    head = audit_head()
    if head != checked.head:
        raise RuleError(E_HEAD, now=head, then=checked.head)
    return RestoreDone(
        engine=checked.engine, files=len(checked.files), head=head, problems=restored_problems()
    )


BALLOTS, OPINIONS = "ballots", "opinions"


def restored_problems() -> tuple[tuple[str, str, str, dict[str, Any]], ...]:
    """The restored ballots and opinions reconciled against the restored audit chain and the
    restored key — the live counts of ballots (voting.verify, not the deep MAC pass, which
    `pingyi verify` runs) and every check of the opinions (stages.opinion_verify): a backup
    whose key or rows do not match its database shows here, at restore."""
    from pingyi.campaigns.models import Campaign
    from pingyi.rules import phases
    from pingyi.stages.opinion_verify import opinions_verify
    from pingyi.voting.verify import campaign_reconcile

    found: list[tuple[str, str, str, dict[str, Any]]] = []
    for campaign in Campaign.objects.exclude(status=phases.DRAFT).order_by("code"):
        for problem in campaign_reconcile(campaign).problems:
            found.append((campaign.code, BALLOTS, problem.template, problem.params))
    for opinions in opinions_verify():
        for issue in opinions.problems:
            found.append((opinions.campaign.code, OPINIONS, issue.template, issue.params))
    return tuple(found)
