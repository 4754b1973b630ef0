"""Use cases that store ballots. Importing paper ballots is the campaign's office's
(campaigns.access, asked inside the services); opening and sealing the ballots are steps of
the campaign's own transitions (campaigns.services), after its check."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path

import numpy as np
import numpy.typing as npt
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from pingyi.accounts.actors import Actor
from pingyi.audit.services import audit_log
from pingyi.ballots.hooks import PAPER_CHECKS
from pingyi.ballots.models import MARK_BLANK, Ballot, BallotSeal, BallotSource, PaperBatch
from pingyi.ballots.partitions import partition_create, partition_truncate
from pingyi.ballots.pool import pool_drain
from pingyi.ballots.sealing import (
    ROW_COLUMNS,
    ballot_mac,
    ballot_macs,
    canonical,
    set_digest,
)
from pingyi.ballots.selectors import campaign_count
from pingyi.campaigns import access
from pingyi.campaigns.models import Area, Campaign, EvaluatorGroup
from pingyi.campaigns.selectors import campaign_scheme, campaign_units
from pingyi.inputs.p1_files import E_UNKNOWN_GROUP, BallotRows, read_ballots
from pingyi.inputs.tables import file_sha256
from pingyi.rules import phases
from pingyi.rules.errors import InputError, Listing, Problem, RuleError, Where, gettext_noop
from pingyi.rules.kinds import kinds_to_merge
from pingyi.rules.tally import BLANK, NOT_COVERED, MarkMatrix, valid_rows

IMPORTED = "ballots.paper.imported"  # its "imported" count: what verify adds up per campaign
R_ALREADY_IMPORTED = gettext_noop("ballot number %(ballot_no)r was already imported")
CHUNK = 5000


@dataclass(frozen=True)
class RejectedRow:
    row: int
    ballot_no: str
    reason: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportReport:
    imported: int
    invalid: int  # of the imported: blank ballots, stored and counted as invalid
    rejected: list[RejectedRow]


def encode_marks(matrix: MarkMatrix) -> list[str]:
    """Rows of mark indices → the stored text: "0".."9", "-" blank, "." not covered."""
    width = matrix.shape[1]
    if width == 0:
        return [""] * matrix.shape[0]
    # Byte arithmetic, no lookup table: mark m → "0" + m; NOT_COVERED (−2) wraps to "." (46)
    # and BLANK (−1) to "/" (47), which is then made "-".
    codes = np.ascontiguousarray(matrix, dtype=np.int8).view(np.uint8) + np.uint8(ord("0"))
    codes[codes == ord("0") + BLANK] = ord(MARK_BLANK)
    raw = codes.tobytes().decode("ascii")
    return [raw[i : i + width] for i in range(0, len(raw), width)]


def _taken[T](values: Sequence[T], at: npt.NDArray[np.intp]) -> list[T]:
    """``[values[i] for i in at]``, the loop run by numpy."""
    every = np.empty(len(values), dtype=object)
    every[:] = values
    return every[at].tolist()  # type: ignore[no-any-return]


def _existing_numbers(campaign: Campaign, numbers: Sequence[str]) -> set[str]:
    """Which of ``numbers`` the campaign already holds (R5), in a few plain queries."""
    table = Ballot._meta.db_table
    found: set[str] = set()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {table} WHERE campaign_id = %s AND ballot_no IS NOT NULL LIMIT 1",  # noqa: S608
            [campaign.pk],
        )
        if cursor.fetchone() is None:
            return found
        for start in range(0, len(numbers), CHUNK):
            chunk = list(numbers[start : start + CHUNK])
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT ballot_no FROM {table} WHERE campaign_id = %s"  # noqa: S608
                f" AND ballot_no IN ({marks})",
                [campaign.pk, *chunk],
            )
            found.update(row[0] for row in cursor.fetchall())
    return found


# SQLite's page cache during an import, in KiB: 100,000 ballots write some 30 MB of table and
# index pages. In the default 2 MB, the random inserts of the (campaign, ballot_no) index
# spill pages to the WAL and dirty them again, writing the WAL twice over; held in the cache,
# each page is written once, at the commit. Given back after the commit.
IMPORT_CACHE_KIB = 64 * 1024


@contextmanager
def _large_cache() -> Iterator[None]:
    """SQLite's page cache at IMPORT_CACHE_KIB for the transaction inside (it grows only as
    pages are used), then as it was; other databases have their own settings."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _group_ids(campaign: Campaign, rows: BallotRows) -> list[int | None]:
    if rows.groups is None:
        return [None] * len(rows.ballot_nos)
    scheme = campaign_scheme(campaign)
    stored = list(EvaluatorGroup.objects.filter(campaign=campaign))
    by_code = {g.code: g.pk for g in stored}
    # A kind of representative is named by its code or name (seed 001 五(二)).
    kinds = {n.casefold(): g.pk for g in stored if g.parent_id for n in (g.code, g.name)}
    resolved: dict[str, int | None] = {}
    for name in {g for g in rows.groups if g is not None}:
        rule = scheme.group_for(name)
        resolved[name] = kinds.get(name.casefold()) or (by_code.get(rule.code) if rule else None)
    kind_names = [g.name for g in stored if g.parent_id]
    problems = [
        Problem(
            Where(file=rows.file, row=row, column=rows.group_column, field="group"),
            E_UNKNOWN_GROUP,
            {"value": name, "known": Listing([g.name for g in scheme.groups] + kind_names)},
        )
        for row, name in zip(rows.rows, rows.groups, strict=True)
        if name is not None and resolved[name] is None
    ]
    if problems:
        raise InputError(problems[:50])
    return [resolved[name] if name is not None else None for name in rows.groups]


def _check_cap(campaign: Campaign, new: int) -> None:
    """A grade vote's ballots never outnumber its approved participant list (seed 003): the
    checks other apps register (ballots.hooks; grading's, grading.apps), inside the import's
    transaction, the campaign locked."""
    for check in PAPER_CHECKS.values():
        check(campaign, new)


def ballots_import_file(
    *,
    campaign: Campaign,
    path: Path,
    label: str,
    actor: Actor,
    area: str = "",
    today: dt.date | None = None,
) -> ImportReport:
    """The paper-ballot import of every door (the staff page's job, the API, the CLI): reads
    the file against the campaign's units and scheme, and stores it with its SHA-256 in the
    audit entry, which `pingyi verify` reconciles the paper ballots against. ``area``: the
    片区 the batch was collected in (its code or name), required once the campaign has areas."""
    access.check_campaign(actor, campaign)  # before reading a large file for nothing
    area_check(campaign=campaign, area=area)
    kinds = campaign.groups.filter(parent__isnull=False).values_list("code", "name")
    # The file's SHA-256 on a thread of its own while the file is read (hashlib lets go of
    # the GIL over each block): on a second core it costs the import no time.
    with ThreadPoolExecutor(1) as pool:
        digest = pool.submit(file_sha256, path)
        rows = read_ballots(
            path,
            [u.code for u in campaign_units(campaign)],
            campaign_scheme(campaign),
            label,
            kinds=[text for pair in kinds for text in pair],
        )
        return ballots_import(
            campaign=campaign,
            rows=rows,
            actor=actor,
            digest=digest.result(),
            area=area,
            today=today,
        )


E_AREA_NEEDED = gettext_noop("name the area (片区) of this batch: one of %(known)s")
E_NO_AREA = gettext_noop("the campaign has no area %(area)r; its areas: %(known)s")
E_NO_AREAS = gettext_noop("the campaign has no areas, so a batch cannot name one")


def area_check(*, campaign: Campaign, area: str) -> Area | None:
    """The area a batch names (by code or name), refused when unknown, or missing while the
    campaign has areas; None for a campaign without areas."""
    areas = list(Area.objects.filter(campaign=campaign).order_by("position"))
    known = "、".join(a.name for a in areas)
    wanted = area.strip()
    if not areas:
        if wanted:
            raise RuleError(E_NO_AREAS)
        return None
    if not wanted:
        raise RuleError(E_AREA_NEEDED, known=known)
    found = next((a for a in areas if wanted in (a.code, a.name)), None)
    if found is None:
        raise RuleError(E_NO_AREA, area=wanted, known=known)
    return found


def ballots_import(
    *,
    campaign: Campaign,
    rows: BallotRows,
    actor: Actor,
    digest: str = "",
    area: str = "",
    today: dt.date | None = None,
) -> ImportReport:
    """Stores paper ballots: all rows in one transaction, or none, with the batch's record
    (its area, counts and file: PaperBatch, which no ballot points to).

    A ballot number that is already stored is rejected with its row and the rest imported,
    so importing the same file twice adds nothing (R5). Bad input of any other kind refuses
    the whole file. Blank ballots are stored as invalid: they were cast and are reported.
    """
    access.check_campaign(actor, campaign)
    with _large_cache(), transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        phases.check_accepts_ballots(locked.status)
        batch_area = area_check(campaign=locked, area=area)
        units = campaign_units(locked)
        position = {u.code: u.position for u in units}
        columns = [position[code] for code in rows.unit_codes]
        matrix = rows.marks
        if columns != list(range(len(units))):  # else the file's columns are the units' order
            matrix = np.full((len(rows.ballot_nos), len(units)), NOT_COVERED, dtype=np.int8)
            matrix[:, columns] = rows.marks
        groups = _group_ids(locked, rows)
        existing = _existing_numbers(locked, rows.ballot_nos)
        keep = [i for i, no in enumerate(rows.ballot_nos) if no not in existing]
        _check_cap(locked, len(keep))
        rejected = [
            RejectedRow(rows.rows[i], no, R_ALREADY_IMPORTED, {"ballot_no": no})
            for i, no in enumerate(rows.ballot_nos)
            if no in existing
        ]
        # Random ids, inserted in id order: the primary key's B-tree then fills in order, and
        # the order tells nothing since the ids are random. Each row carries its MAC (R15).
        ids = (np.frombuffer(secrets.token_bytes(8 * len(keep)), dtype=np.uint64) >> 2) + 1
        order = np.argsort(ids)
        picked = np.asarray(keep, dtype=np.intp)[order]
        kept = matrix[picked]
        valid = valid_rows(kept, campaign_scheme(locked)).tolist()
        texts = encode_marks(kept)
        ballot_ids = ids[order].tolist()
        row_groups = _taken(groups, picked)
        numbers: list[str | None] = _taken(rows.ballot_nos, picked)
        # The day as ISO text, which a date column of either database takes as it is (no
        # adapter called per row); each row's MAC is computed in one loop (sealing.ballot_macs).
        source, day = BallotSource.PAPER.value, (today or timezone.localdate()).isoformat()
        macs = ballot_macs(
            campaign_id=locked.pk,
            source=source,
            cast_on=day,
            rows=zip(ballot_ids, row_groups, numbers, texts, valid, strict=True),
        )
        params = list(
            zip(
                ballot_ids,
                repeat(locked.pk),
                row_groups,
                numbers,
                texts,
                valid,
                repeat(day),
                macs,
                strict=False,  # repeat() is endless; the others are as long as each other
            )
        )
        table = Ballot._meta.db_table
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} (id, campaign_id, group_id, ballot_no, marks, valid,"  # noqa: S608
                f" source, cast_on, mac) VALUES (%s, %s, %s, %s, %s, %s, '{source}', %s, %s)",
                params,
            )
        report = ImportReport(imported=len(keep), invalid=valid.count(False), rejected=rejected)
        PaperBatch.objects.create(
            campaign=locked,
            area=batch_area,
            file=rows.file[:300],
            sha256=digest,
            imported=report.imported,
            invalid=report.invalid,
            rejected=len(rejected),
            imported_on=day,
            imported_by=actor.name,
        )
        audit_log(
            actor=actor.name,
            action=IMPORTED,
            obj=locked,
            data={
                "file": rows.file,
                "sha256": digest,
                "area": batch_area.code if batch_area else "",
                "imported": report.imported,
                "invalid": report.invalid,
                "rejected": len(rejected),
            },
        )
    return report


def ballots_open(*, campaign: Campaign) -> None:
    """What opening does to the ballots, inside the opening transaction: on PostgreSQL the
    campaign gets its own partition of the ballot table (ballots.partitions)."""
    partition_create(campaign.pk)


@dataclass(frozen=True)
class Sealed:
    digest: str
    ballots: int
    kinds_merged: list[str] = field(default_factory=list)  # codes of small kinds merged


def ballots_close(*, campaign: Campaign) -> Sealed:
    """What closing does to the ballots, inside the closing transaction: every ballot still in
    the mixing pool moves to the ballot table, ballots are rewritten in random order (and
    voting's receipts: voting.transitions), and the ballot set is sealed — its digest
    (returned, for the closing audit entry and the notice) and its tally stored, which results
    read and verify recounts (R15)."""
    scheme = campaign_scheme(campaign)
    pool_drain(campaign_id=campaign.pk, keep=scheme.min_subset_ballots, everything=True)
    merged = ballots_small_kinds_merge(campaign=campaign, k=scheme.min_subset_ballots)
    ballots_storage_shuffle(campaign=campaign)
    count = campaign_count(campaign)
    seal = BallotSeal.objects.create(
        campaign=campaign,
        digest=ballot_set_digest(campaign),
        ballots=count.total,
        online=count.online,
        paper=count.paper,
        tally=count.as_json(),
    )
    return Sealed(seal.digest, seal.ballots, merged)


def ballots_small_kinds_merge(*, campaign: Campaign, k: int) -> list[str]:
    """Moves the ballots of every kind of representatives the results would hide
    (rules.kinds.kinds_to_merge: fewer than ``k``, and complements) to the kind's group,
    inside the closing transaction, each row's MAC computed anew; returns the codes of the
    kinds merged.

    Suppressing a small kind in every output is not enough when the adversary holds a copy of
    the database (R9): a ballot naming a kind that two people voted in is nearly a name, and
    so is a remainder of two in the group once the kind is merged. From the close on, the
    ballot table holds no kind and no remainder of fewer than k ballots (only a whole group
    that small, as before kinds); the results count those ballots in the group and show the
    kind as hidden (rules.kinds). Before the close such rows can exist, as for a small group.
    """
    groups = list(EvaluatorGroup.objects.filter(campaign=campaign).order_by("position"))
    sizes = dict(
        Ballot.objects.filter(campaign=campaign)
        .values("group_id")
        .annotate(n=Count("id"))
        .values_list("group_id", "n")
    )
    merged: list[EvaluatorGroup] = []
    for group in (g for g in groups if g.parent_id is None):
        kinds = [g for g in groups if g.parent_id == group.pk]
        cut = kinds_to_merge([sizes.get(g.pk, 0) for g in kinds], sizes.get(group.pk, 0), k)
        merged += [kinds[i] for i in sorted(cut)]
    for kind in merged:
        _ballots_regroup(campaign=campaign, kind=kind)
    return [kind.code for kind in merged]


def _ballots_regroup(*, campaign: Campaign, kind: EvaluatorGroup) -> None:
    """The ballots of ``kind`` now name its group; their MACs follow (R15)."""
    parent = kind.parent_id
    rows = Ballot.objects.filter(campaign=campaign, group=kind).values_list(*ROW_COLUMNS)
    pk = campaign.pk
    params = [
        (parent, ballot_mac(campaign_id=campaign.pk, row=(i, parent, n, m, v, src, day)), i, pk)
        for i, _group, n, m, v, src, day in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {Ballot._meta.db_table} SET group_id = %s, mac = %s"  # noqa: S608
            " WHERE id = %s AND campaign_id = %s",
            params,
        )


def ballot_set_digest(campaign: Campaign) -> str:
    """The digest of the campaign's stored ballots as they are now (sealing.set_digest)."""
    rows = (
        Ballot.objects.filter(campaign=campaign)
        .order_by("id")
        .values_list(*ROW_COLUMNS)
        .iterator(chunk_size=20000)
    )
    return set_digest(campaign.code, (canonical(campaign_id=campaign.pk, row=r) for r in rows))


def ballots_storage_shuffle(*, campaign: Campaign) -> None:
    """Rewrites a closed campaign's ballots in random-id order (R10); voting rewrites its
    receipts the same way in the same closing transaction (voting.transitions).

    Both databases keep rows in the order they were written (PostgreSQL's heap, SQLite's
    rowid), which is the order tokens were used. Rewritten in id order — the ids are random —
    their place on disk tells nothing. Runs inside the closing transaction.

    On PostgreSQL a campaign with its own partition has it truncated rather than its rows
    deleted: the old file, rows in the order they came, is gone at the commit instead of
    lying in the heap as dead rows until a VACUUM, and the count reads half the pages.
    """
    rows_shuffle(table=Ballot._meta.db_table, campaign_id=campaign.pk, empty=partition_truncate)


def rows_shuffle(
    *, table: str, campaign_id: int, empty: Callable[[int], bool] = lambda _pk: False
) -> None:
    """Rewrites one table's rows of a campaign in id order (ballots_storage_shuffle);
    ``empty`` may empty them faster than a DELETE (True when it did)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE pingyi_shuffle AS SELECT * FROM {table}"  # noqa: S608
            " WHERE campaign_id = %s",
            [campaign_id],
        )
        if not empty(campaign_id):
            cursor.execute(f"DELETE FROM {table} WHERE campaign_id = %s", [campaign_id])  # noqa: S608
        cursor.execute(f"INSERT INTO {table} SELECT * FROM pingyi_shuffle ORDER BY id")  # noqa: S608
        cursor.execute("DROP TABLE pingyi_shuffle")
