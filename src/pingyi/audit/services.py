"""The audit chain (R14): append inside the caller's transaction; verify the whole chain."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, TypedDict, Unpack

from django.db import connection, transaction
from django.utils import timezone

from pingyi.audit import actions
from pingyi.audit.models import AuditEntry, AuditHead, LaneEntry, LaneHead
from pingyi.rows import cast_cursor, column_values, insert_statement
from pingyi.rules.errors import gettext_noop

GENESIS = "0" * 64


class EntryFields(TypedDict):
    """What an entry's hash covers."""

    seq: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    data: Any
    prev_hash: str


def entry_hash(**fields: Unpack[EntryFields]) -> str:
    return hashlib.sha256(_entry_text(**fields).encode("utf-8")).hexdigest()


def _entry_text(**fields: Unpack[EntryFields]) -> str:
    """The text an entry's hash is taken of: its fields as JSON, keys sorted ("prev" and
    "seq" come last, which lane_statement relies on)."""
    return json.dumps(
        {
            "seq": fields["seq"],
            "at": fields["at"].isoformat(timespec="microseconds"),
            "actor": fields["actor"],
            "action": fields["action"],
            "object_type": fields["object_type"],
            "object_id": fields["object_id"],
            "data": fields["data"],
            "prev": fields["prev_hash"],
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )


def stored_hash(entry: AuditEntry | LaneEntry) -> str:
    """The hash of an entry's stored fields: its ``hash`` unless it was changed."""
    return entry_hash(
        seq=entry.seq,
        at=entry.at.astimezone(dt.UTC),
        actor=entry.actor,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        data=entry.data,
        prev_hash=entry.prev_hash,
    )


LANES = 8  # lanes of parallel entries: enough that 32 casts at once seldom meet


@dataclass(frozen=True)
class _Chain:
    """Where the main chain keeps its head (AuditHead id 1); the lanes' entries are written
    by LaneEntryParts."""

    head: type[AuditHead]
    key: str  # the head's primary key column
    value: int
    entry: type[AuditEntry]

    def lock(self) -> tuple[int, str]:
        """The head (seq, hash), locked until the caller's transaction ends.

        PostgreSQL locks the row; SQLite has one writer at a time already, and the
        transaction is a write transaction from its first statement (IMMEDIATE, settings).
        """
        table = self.head._meta.db_table
        suffix = " FOR UPDATE" if connection.vendor == "postgresql" else ""
        with cast_cursor() as cursor:
            cursor.execute(
                f"SELECT seq, hash FROM {table} WHERE {self.key} = %s{suffix}",  # noqa: S608
                [self.value],
            )
            row = cursor.fetchone()
        if row is None:
            head, _ = self.head.objects.select_for_update().get_or_create(
                **{self.key: self.value}, defaults={"seq": 0, "hash": GENESIS}
            )
            return head.seq, head.hash
        return int(row[0]), str(row[1])

    def write(self, entry: dict[str, Any], seq: int, hash_: str) -> None:
        """Stores the entry and moves the head to it (seq, hash). On PostgreSQL in one
        statement, one round trip (this runs under the head's lock, in every cast)."""
        insert, params = insert_statement(self.entry, **entry)
        table = self.head._meta.db_table
        advance = f"UPDATE {table} SET seq = %s, hash = %s WHERE {self.key} = %s"  # noqa: S608
        with cast_cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"WITH entry AS ({insert}) {advance}", [*params, seq, hash_, self.value]
                )
                return
            cursor.execute(insert, params)
            cursor.execute(advance, [seq, hash_, self.value])


MAIN = _Chain(AuditHead, "id", 1, AuditEntry)


def _append(
    chain: _Chain,
    *,
    actor: str,
    action: str,
    obj: Any,
    data: dict[str, Any] | None,
    now: datetime | None,
) -> tuple[int, str]:
    """Writes the next entry of ``chain``; returns its (seq, hash). Plain statements: this
    runs in every cast, under the head's lock."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_log must be called inside the change's transaction")
    actions.action(action)  # a registered name, or UnknownAction
    seq, prev_hash = chain.lock()
    fields = {
        "seq": seq + 1,
        **_fields(actor=actor, action=action, obj=obj, data=data, now=now),
        "prev_hash": prev_hash,
    }
    digest = entry_hash(**fields)
    chain.write({**fields, "hash": digest}, seq + 1, digest)
    return seq + 1, digest


def _fields(
    *, actor: str, action: str, obj: Any, data: dict[str, Any] | None, now: datetime | None
) -> dict[str, Any]:
    """An entry's fields but its place in the chain (seq, prev_hash)."""
    object_type, object_id = _object_ref(obj)
    return {
        "at": (now or timezone.now()).astimezone(dt.UTC),
        "actor": actor,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        # JSON round trip so that what is hashed is exactly what the database gives back.
        "data": json.loads(json.dumps(data or {}, ensure_ascii=False, default=str)),
    }


def _object_ref(obj: Any) -> tuple[str, str]:
    """What an entry names of ``obj``: its type and primary key."""
    if obj is None:
        return "", ""
    return type(obj).__name__.lower(), str(getattr(obj, "pk", ""))


def audit_log(
    *,
    actor: str,
    action: str,
    obj: Any = None,
    data: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> int:
    """Appends an entry to the main chain; returns its sequence number. Must run inside the
    transaction of the change it records."""
    seq, _hash = _append(MAIN, actor=actor, action=action, obj=obj, data=data, now=now)
    return seq


def audit_log_parallel(
    *, actor: str, action: str, obj: Any = None, now: datetime | None = None
) -> None:
    """Appends an entry to a lane chosen at random, for actions that arrive many at once
    (ballot casts, opinion forms). The lane is chosen by chance, so it says nothing about the
    caller. Must run inside the transaction of the change it records.

    The entry names its lane in its data: casts keep only the day (R10), so the first entries
    of two lanes would otherwise hash alike."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_log must be called inside the change's transaction")
    parts = lane_entry(actor=actor, action=action, obj=obj, now=now)
    with cast_cursor() as cursor:
        parts.write(cursor)


def _lane() -> int:
    return 1 + secrets.randbelow(LANES)


_HASH_TAIL = '"prev":"","seq":0}'


@dataclass(frozen=True)
class LaneEntryParts:
    """A parallel entry (as audit_log_parallel writes it) worked out before the caller's
    transaction, all but its place in the lane (seq, prev_hash), which only the head read
    under its lock gives: the cast path keeps its lock short.

    ``opening`` is the hashed text (_entry_text) up to the previous entry's hash: "prev" and
    "seq" come last in it, so the hash is sha256(opening + prev + '","seq":' + seq + '}').
    ``values`` are the other columns (COLUMNS) as the fields send them to the database.
    """

    lane: int
    opening: str
    values: tuple[Any, ...]

    COLUMNS = ("at", "actor", "action", "object_type", "object_id", "data")
    SEQ = '","seq":'

    def digest(self, seq: int, prev_hash: str) -> str:
        text = f"{self.opening}{prev_hash}{self.SEQ}{seq}}}"
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def ensure_lane(self) -> None:
        """Creates the lane's head if it is missing (also when another process does at the
        same time)."""
        with transaction.atomic():
            LaneHead.objects.get_or_create(lane=self.lane, defaults={"seq": 0, "hash": GENESIS})

    def write(self, cursor: Any) -> None:
        """Writes the entry and moves its lane's head, with ``cursor`` (rows.cast_cursor),
        inside the caller's transaction, the head locked until it ends (on SQLite the one
        writer holds the lock already). PostgreSQL's cast takes lane_statement instead."""
        head = _LANE_HEAD + (" FOR UPDATE" if connection.vendor == "postgresql" else "")
        cursor.execute(head, [self.lane])
        row = cursor.fetchone()
        if row is None:  # the lane's first entry
            self.ensure_lane()
            cursor.execute(head, [self.lane])
            row = cursor.fetchone()
        seq, prev_hash = int(row[0]) + 1, str(row[1])
        digest = self.digest(seq, prev_hash)
        cursor.execute(_LANE_INSERT, [self.lane, seq, prev_hash, digest, *self.values])
        cursor.execute(_LANE_ADVANCE, [seq, digest, self.lane])


_LANE_HEAD = f"SELECT seq, hash FROM {LaneHead._meta.db_table} WHERE lane = %s"  # noqa: S608
_LANE_INSERT = (
    f"INSERT INTO {LaneEntry._meta.db_table} (lane, seq, prev_hash, hash,"  # noqa: S608
    f" {', '.join(LaneEntryParts.COLUMNS)}) VALUES ({', '.join(['%s'] * 10)})"
)
_LANE_ADVANCE = f"UPDATE {LaneHead._meta.db_table} SET seq = %s, hash = %s WHERE lane = %s"  # noqa: S608


def lane_entry(
    *, actor: str, action: str, obj: Any = None, now: datetime | None = None
) -> LaneEntryParts:
    """A parallel entry's parts (LaneEntryParts), in a lane chosen at random."""
    actions.action(action)  # a registered name, or UnknownAction
    object_type, object_id = _object_ref(obj)
    return _lane_parts(
        actor, action, object_type, object_id, now or timezone.now(), _lane(), connection.vendor
    )


@lru_cache(maxsize=1024)
def _lane_parts(
    actor: str, action: str, object_type: str, object_id: str, now: datetime, lane: int, _db: str
) -> LaneEntryParts:
    """Kept per process: a campaign's casts of one day are the same entry but for its place
    (the time kept is the day's start, R10), in one of LANES lanes."""
    fields = {
        **_fields(actor=actor, action=action, obj=None, data={"lane": lane}, now=now),
        "object_type": object_type,
        "object_id": object_id,
    }
    text = _entry_text(seq=0, prev_hash="", **fields)
    if not text.endswith(_HASH_TAIL):
        raise RuntimeError("the entry's text does not end with its place in the chain")
    values = column_values(LaneEntry, **{name: fields[name] for name in LaneEntryParts.COLUMNS})
    return LaneEntryParts(lane, text[: -len(_HASH_TAIL)] + '"prev":"', tuple(values))


@dataclass(frozen=True)
class LaneStatement:
    """A parallel entry (LaneEntryParts) as parts of a caller's own statement, on
    PostgreSQL: the caller's rows, the entry and its lane's head in one statement, one round
    trip, atomic without a transaction around it.

    ``head`` is a CTE named lane_head (the lane's head, locked); the caller writes its rows
    only if lane_head has a row (a lane is created on its first use: parts.ensure_lane).
    ``entry`` is a CTE named lane_entry, written once per row of the caller's CTE ``gate``,
    its hash taken by the server of the same text LaneEntryParts.digest hashes. ``advance``
    ends the statement: it moves the head and selects (entries written, heads found): (1, 1)
    when the entry was written, (0, 1) when the gate was empty, (0, 0) when the lane had no
    head yet. Each part's SQL is the same for every entry: prepared once.
    """

    parts: LaneEntryParts
    head: str
    head_params: list[Any]
    entry: str
    entry_params: list[Any]
    advance: str
    advance_params: list[Any]


def lane_statement(parts: LaneEntryParts, *, gate: str) -> LaneStatement:
    """The parts of a parallel entry for a PostgreSQL statement of the caller's (see
    LaneStatement), written only for a row of the caller's CTE ``gate``."""
    entries, heads = LaneEntry._meta.db_table, LaneHead._meta.db_table
    columns = LaneEntryParts.COLUMNS
    digest = (
        "encode(sha256(convert_to(%s || lane_head.hash || %s || (lane_head.seq + 1)::text"
        " || '}', 'UTF8')), 'hex')"
    )
    return LaneStatement(
        parts=parts,
        head=(
            f"lane_head AS (SELECT seq, hash FROM {heads} WHERE lane = %s FOR UPDATE)"  # noqa: S608
        ),
        head_params=[parts.lane],
        entry=(
            f"lane_entry AS (INSERT INTO {entries} (lane, seq, prev_hash, hash,"  # noqa: S608
            f" {', '.join(columns)}) SELECT %s, lane_head.seq + 1, lane_head.hash, {digest},"
            f" {', '.join(['%s'] * len(columns))} FROM lane_head, {gate} RETURNING seq, hash)"
        ),
        entry_params=[parts.lane, parts.opening, LaneEntryParts.SEQ, *parts.values],
        advance=(
            f"lane_advanced AS (UPDATE {heads} SET seq = lane_entry.seq,"  # noqa: S608
            f" hash = lane_entry.hash FROM lane_entry WHERE {heads}.lane = %s RETURNING 1)"
            " SELECT (SELECT count(*) FROM lane_advanced), (SELECT count(*) FROM lane_head)"
        ),
        advance_params=[parts.lane],
    )


@dataclass(frozen=True)
class ChainReport:
    entries: int
    head: str  # covers the main chain and every lane (audit_head)
    broken_at: int | None  # seq of the first entry that does not verify
    reason: str | None
    lane: int | None = None  # the lane of the broken entry; None: the main chain

    @property
    def ok(self) -> bool:
        return self.broken_at is None


@dataclass(frozen=True)
class _Walk:
    entries: int
    head: str
    broken_at: int | None = None
    reason: str | None = None


def _walk(entries: Iterable[AuditEntry | LaneEntry], head: tuple[int, str] | None) -> _Walk:
    """Re-hashes one chain in order: an edit, deletion, reordering or insertion breaks it."""
    previous = GENESIS
    expected_seq = 1
    count = 0
    for entry in entries:
        count += 1
        if entry.seq != expected_seq:
            return _Walk(
                count,
                previous,
                entry.seq,
                gettext_noop("an entry before it is missing or was inserted"),
            )
        if entry.prev_hash != previous:
            return _Walk(
                count, previous, entry.seq, gettext_noop("it does not follow the previous entry")
            )
        if stored_hash(entry) != entry.hash:
            return _Walk(count, previous, entry.seq, gettext_noop("its content was changed"))
        previous = entry.hash
        expected_seq += 1
    if head is not None and head != (expected_seq - 1, previous):
        return _Walk(
            count, previous, expected_seq, gettext_noop("it and the entries after it were deleted")
        )
    return _Walk(count, previous)


def audit_verify() -> ChainReport:
    """Re-hashes the main chain, then every lane; names the first entry that does not verify.
    Then every head an entry recorded (a notice's publication records the heads it printed)
    must still be in the chain: a consistent rewrite of the chain is caught there."""
    main_head = AuditHead.objects.filter(id=1).values_list("seq", "hash").first()
    walk = _walk(AuditEntry.objects.order_by("seq").iterator(chunk_size=2000), main_head)
    total = walk.entries
    if walk.broken_at is not None:
        return ChainReport(total, walk.head, walk.broken_at, walk.reason)
    heads = {lane: (seq, h) for lane, seq, h in LaneHead.objects.values_list("lane", "seq", "hash")}
    lanes = set(heads) | set(LaneEntry.objects.values_list("lane", flat=True).distinct())
    for lane in sorted(lanes):
        entries = LaneEntry.objects.filter(lane=lane).order_by("seq").iterator(chunk_size=2000)
        walk = _walk(entries, heads.get(lane, (0, GENESIS)))
        total += walk.entries
        if walk.broken_at is not None:
            return ChainReport(total, walk.head, walk.broken_at, walk.reason, lane=lane)
    recorded = AuditEntry.objects.filter(data__has_key="head_parts").order_by("seq")
    for seq, data in recorded.values_list("seq", "data"):
        if not head_recorded_holds(data.get("head", ""), data["head_parts"]):
            reason = gettext_noop("the head it recorded as printed is no longer in the chain")
            return ChainReport(total, audit_head(), seq, reason)
    return ChainReport(total, audit_head(), None, None)


@dataclass(frozen=True)
class HeadParts:
    """Where every chain stood at one moment: the main chain's (seq, hash) and each lane's
    that holds entries (lane, seq, hash). ``combined`` is the hash a notice prints."""

    main: tuple[int, str]
    lanes: tuple[tuple[int, int, str], ...]

    def combined(self) -> str:
        if not self.lanes:
            return self.main[1]
        text = "|".join([f"main:{self.main[1]}", *(f"{lane}:{h}" for lane, _s, h in self.lanes)])
        return hashlib.sha256(text.encode("ascii")).hexdigest()

    def as_data(self) -> dict[str, Any]:
        return {"main": list(self.main), "lanes": [list(lane) for lane in self.lanes]}


def audit_head_parts() -> HeadParts:
    """Every chain's head, in one query (every public notice page asks)."""
    main, lanes = AuditHead._meta.db_table, LaneHead._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 0, seq, hash FROM {main} WHERE id = 1"  # noqa: S608
            f" UNION ALL SELECT lane, seq, hash FROM {lanes} WHERE seq > 0"
        )
        rows = sorted((int(lane), int(seq), str(h)) for lane, seq, h in cursor.fetchall())
    head = next(((seq, h) for lane, seq, h in rows if lane == 0), (0, GENESIS))
    return HeadParts(head, tuple(row for row in rows if row[0] != 0))


def audit_head() -> str:
    """The hash a notice prints: the main chain's head, combined with every lane's head once
    a lane holds entries, so that a consistent rewrite of any chain changes it."""
    return audit_head_parts().combined()


def head_recorded_holds(printed: str, parts: dict[str, Any]) -> bool:
    """Whether recorded head parts give the ``printed`` hash and each is still an entry of
    its chain (the genesis of an empty chain counts as found)."""
    try:
        found = HeadParts(
            (int(parts["main"][0]), str(parts["main"][1])),
            tuple((int(a), int(b), str(c)) for a, b, c in parts["lanes"]),
        )
    except (KeyError, IndexError, TypeError, ValueError):  # not what publishing records
        return False
    if found.combined() != printed:
        return False
    seq, main_hash = found.main
    if seq and not AuditEntry.objects.filter(seq=seq, hash=main_hash).exists():
        return False
    return all(
        LaneEntry.objects.filter(lane=lane, seq=seq, hash=h).exists()
        for lane, seq, h in found.lanes
    )
