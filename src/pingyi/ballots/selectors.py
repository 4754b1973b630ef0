"""Reads of stored ballots: the counts behind every result page, export and the CLI."""

from __future__ import annotations

import contextlib
import os
import queue
import threading
from collections.abc import Buffer, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import numpy.typing as npt
from django.db import connection, transaction
from django.db.models import Count, Sum

from pingyi.ballots.models import (
    MARK_BLANK,
    MARK_NOT_COVERED,
    Ballot,
    BallotSeal,
    BallotSource,
    PaperBatch,
)
from pingyi.ballots.partitions import partition_name
from pingyi.campaigns.models import Campaign, EvaluatorGroup
from pingyi.campaigns.selectors import (
    campaign_previous,
    campaign_scheme,
    campaign_unit_specs,
)
from pingyi.rules import phases
from pingyi.rules.errors import RuleError, gettext_noop
from pingyi.rules.kinds import KindCount, KindFigure, kind_figures
from pingyi.rules.scheme import Scheme
from pingyi.rules.tally import (
    BLANK,
    NOT_COVERED,
    REASON_BLANK,
    GroupCounts,
    GroupRates,
    InvalidBallot,
    MarkMatrix,
    TallyResult,
    decide,
    group_rates,
    shares_of,
)

_DECODE = np.zeros(256, dtype=np.int8)
_DECODE[ord("0") : ord("9") + 1] = np.arange(10, dtype=np.int8)
_DECODE[ord("-")] = BLANK
_DECODE[ord(".")] = NOT_COVERED


def decode_marks(texts: list[str] | str, width: int) -> MarkMatrix:
    """Stored marks (one text per ballot, or their concatenation) → a matrix of mark indices."""
    joined = texts if isinstance(texts, str) else "".join(texts)
    if not joined or width == 0:
        rows = len(joined) // width if width else len(texts)
        return np.zeros((rows, width), dtype=np.int8)
    raw = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
    return _DECODE[raw].reshape(-1, width)


# Rows per pass of count_block: a pass's comparisons stay in the CPU cache, and no column
# of a pass can count more than a uint16 holds.
_PASS_ROWS = 32_768


def count_block(raw: bytes, width: int, kinds: int, abstain: int) -> npt.NDArray[np.int64]:
    """counts[c, m] of a block of concatenated ballots, straight from the stored bytes.

    One comparison per mark over the row-major bytes, a pass of rows at a time, summed down
    the columns into 16-bit counters: no decoded matrix, no transposition, no index array.
    Without any unit left uncovered (".": the usual block) the blanks are what the marks
    leave, so one comparison fewer.
    """
    counts = np.zeros((width, kinds), dtype=np.int64)
    if not raw or width == 0:
        return counts
    marks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, width)
    wanted = [ord("0") + mark for mark in range(kinds)]
    uncovered = raw.find(MARK_NOT_COVERED.encode()) >= 0
    if uncovered:
        wanted.append(ord(MARK_BLANK))
    found = np.zeros((len(wanted), width), dtype=np.int64)
    hits = np.empty((min(_PASS_ROWS, len(marks)), width), dtype=bool)
    for start in range(0, len(marks), _PASS_ROWS):
        part = marks[start : start + _PASS_ROWS]
        hit = hits[: len(part)]
        for row, byte in enumerate(wanted):
            np.equal(part, byte, out=hit)
            found[row] += np.add.reduce(hit.view(np.uint8), axis=0, dtype=np.uint16)
    counts[:] = found[:kinds].T
    blanks = found[kinds] if uncovered else len(marks) - found.sum(axis=0)
    counts[:, abstain] += blanks
    return counts


@dataclass(frozen=True)
class Block:
    group_id: int | None
    valid: bool
    source: str
    ballots: int
    marks: bytes  # the marks of its ballots, concatenated


def ballot_blocks(campaign: Campaign) -> Iterator[Block]:
    """The campaign's ballots as one concatenated text per (group, valid, source): a handful
    of rows, in one sequential read (a (group, valid, source) may come in several blocks).

    The database concatenates: a million ballots come back as a few long strings instead of
    a million rows. SQLite reads the index ``ballot_tally`` alone (migration 0005), which
    holds the campaign's ballots side by side in (group, valid, source) order with their
    marks, front to back, and groups without sorting (and hands the text over as bytes, not
    decoded); PostgreSQL scans the campaign's own partition (ballots.partitions), where
    closing rewrote its ballots together, and groups in a hash — a range of its pages at a
    time when it can (_postgres_blocks), so that the caller counts one range while the
    server reads the next. Validity is the flag stored with each ballot, decided by the same
    frozen scheme.
    """
    if connection.vendor == "postgresql":
        yield from _postgres_blocks(campaign)
        return
    table = Ballot._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT group_id, valid, source, count(*), CAST(group_concat(marks, '') AS BLOB)"  # noqa: S608
            f" FROM {table} WHERE campaign_id = %s GROUP BY group_id, valid, source",
            [campaign.pk],
        )
        rows = cursor.fetchall()
    yield from _blocks(rows)


def _blocks(rows: Iterable[Sequence[Any]]) -> Iterator[Block]:
    for g, v, src, n, text in rows:
        yield Block(g, bool(v), str(src), int(n), _as_bytes(text))


# Pages of a campaign's partition per statement of a chunked PostgreSQL read: some 90,000
# ballots, 6 MB of marks — enough that a statement's own cost is nothing beside its rows.
_CHUNK_PAGES = 2048
_BLOCKS_SQL = (
    "SELECT group_id, valid, source, count(*), string_agg(marks, '') FROM {table}"
    " WHERE {where} GROUP BY group_id, valid, source"
)


def _postgres_blocks(campaign: Campaign) -> Iterator[Block]:
    """PostgreSQL's blocks: one statement, or, in a snapshot of its own over the campaign's
    own partition, a statement per range of its pages in physical order (a TID range scan)
    run by reader threads while the caller counts the blocks already read. The ranges are
    dealt out between this connection and, on a machine with more cores, further
    connections that import this transaction's snapshot (_snapshot_readers): the server
    produces the strings on as many backends (string_agg has no parallel plan before
    PostgreSQL 16), and numpy counts beside them."""
    table = Ballot._meta.db_table
    outermost = not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if outermost:
            # Every statement of a chunked read sees the same ballots: one snapshot for all.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        # A handful of groups: a hash table holds them whatever the statistics say (a
        # campaign just rewritten at close has none yet), where a sort of the million
        # rows would spill to disk. Put back after, for the rest of a closing.
        cursor.execute(
            "SELECT current_setting('enable_sort'), set_config('enable_sort', 'off', true)"
        )
        before = cursor.fetchone()[0]
        pages = _partition_pages(cursor, campaign.pk)
        name = partition_name(campaign.pk)
        try:
            if pages is None:  # in the DEFAULT partition, beside other campaigns' ballots
                cursor.execute(
                    _BLOCKS_SQL.format(table=table, where="campaign_id = %s"), [campaign.pk]
                )
                yield from _blocks(cursor.fetchall())
            elif not outermost or pages <= _CHUNK_PAGES:
                # Its own partition holds its ballots and no other's: read whole, in a plain
                # scan (just rewritten at close, it has no statistics yet, and the planner
                # would go through the campaign's index to every row).
                cursor.execute(_BLOCKS_SQL.format(table=name, where="true"))
                yield from _blocks(cursor.fetchall())
            else:
                statements = []
                for start in range(0, pages, _CHUNK_PAGES):
                    last = start + _CHUNK_PAGES >= pages  # and what was added since
                    where = "ctid >= %s::tid" + ("" if last else " AND ctid < %s::tid")
                    params = [f"({start},0)"] + ([] if last else [f"({start + _CHUNK_PAGES},0)"])
                    statements.append((_BLOCKS_SQL.format(table=name, where=where), params))
                wanted = min(_READERS, len(statements)) - 1
                with _snapshot_readers(cursor, wanted) as others:
                    yield from _read_ahead([connection.connection, *others], statements)
        finally:
            cursor.execute("SELECT set_config('enable_sort', %s, true)", [before])


# Connections reading a campaign's ranges at once: one per core (each range's strings are
# one backend's work, and numpy's counting releases the GIL beside them), at most four: past
# that the one thread counting in numpy is the slower side, and connections are the server's.
_READERS = max(1, min(4, os.cpu_count() or 1))


@contextlib.contextmanager
def _snapshot_readers(cursor: Any, wanted: int) -> Iterator[list[Any]]:
    """Up to ``wanted`` further connections (the same parameters as Django's), each in a
    read-only transaction that sees exactly this one's snapshot (pg_export_snapshot): no
    ballot this transaction does not see, and every one it does. Fewer, or none, when the
    server refuses a connection (max_connections): the ranges then go to the others.
    Every one of them is closed on leaving, whatever happens. None under a role Django
    assumes after connecting (OPTIONS assume_role): a bare connection would not have it."""
    if wanted <= 0 or connection.settings_dict["OPTIONS"].get("assume_role"):
        yield []
        return
    import psycopg
    from psycopg import sql

    cursor.execute("SELECT pg_export_snapshot()")
    snapshot = cursor.fetchone()[0]
    params = {
        k: v
        for k, v in connection.get_connection_params().items()
        if k not in ("cursor_factory", "context", "prepare_threshold")
    }
    others: list[Any] = []
    try:
        for _ in range(wanted):
            try:
                other = psycopg.connect(**params, autocommit=True)
            except psycopg.Error:
                break
            try:
                other.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                other.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(snapshot))
                other.execute("SET LOCAL enable_sort = off")
            except psycopg.Error:
                other.close()
                break
            others.append(other)
        yield others
    finally:
        for other in others:
            other.close()  # its transaction ends with it: nothing was written


def _partition_pages(cursor: Any, campaign_id: int) -> int | None:
    """Pages of the campaign's own partition; None when it has none (its ballots lie in the
    DEFAULT partition)."""
    cursor.execute(
        "SELECT pg_relation_size(c.oid) / current_setting('block_size')::int FROM pg_class c"
        " JOIN pg_inherits i ON i.inhrelid = c.oid WHERE c.oid = to_regclass(%s)"
        " AND i.inhparent = to_regclass(%s)",
        [partition_name(campaign_id), Ballot._meta.db_table],
    )
    row = cursor.fetchone()
    return int(row[0]) if row else None


_DONE = object()


def _read_ahead(raws: list[Any], statements: list[tuple[str, list[Any]]]) -> Iterator[Block]:
    """The statements' blocks, dealt out in turn to the raw connections, each run by a thread
    of its own that stays at most two results ahead of the caller (the caller does not use
    the connections meanwhile); blocks come in the order they are read. Marks come as
    bytes, in binary: neither decoded nor hex-encoded."""
    import psycopg
    from psycopg.adapt import Loader

    class _Bytes(Loader):
        format = psycopg.pq.Format.BINARY

        def load(self, data: Buffer) -> bytes:
            return bytes(data)

    results: queue.Queue[object] = queue.Queue(maxsize=2 * len(raws))
    stop = threading.Event()

    def read(raw: Any, mine: list[tuple[str, list[Any]]]) -> None:
        try:
            with psycopg.Cursor(raw) as cursor:
                cursor.adapters.register_loader("text", _Bytes)
                for sql, params in mine:
                    if stop.is_set():
                        break
                    cursor.execute(sql, params, binary=True)
                    results.put(list(_blocks(cursor.fetchall())))
        except BaseException as exc:
            results.put(exc)
        finally:
            results.put(_DONE)

    workers = [
        threading.Thread(
            target=read, args=(raw, statements[i :: len(raws)]), name="ballot-blocks", daemon=True
        )
        for i, raw in enumerate(raws)
    ]
    for worker in workers:
        worker.start()
    try:
        running = len(workers)
        while running:
            found = results.get()
            if found is _DONE:
                running -= 1
            elif isinstance(found, BaseException):
                raise found
            else:
                yield from cast(list[Block], found)
    finally:
        stop.set()
        while any(w.is_alive() for w in workers):  # let them finish their statement and leave
            with contextlib.suppress(queue.Empty):
                results.get(timeout=0.1)
        for worker in workers:
            worker.join()


def _as_bytes(text: str | bytes | memoryview | None) -> bytes:
    if text is None:
        return b""
    if isinstance(text, str):
        return text.encode("ascii")
    return bytes(text)


def invalid_numbers(campaign: Campaign) -> list[str]:
    numbers = Ballot.objects.filter(campaign=campaign, valid=False).values_list(
        "ballot_no", flat=True
    )
    return sorted((n or "" for n in numbers), key=lambda n: (len(n), n))


@dataclass(frozen=True)
class GroupCount:
    ballots: int  # valid ballots of the group
    covering: list[int]  # of them, those covering each category of the scheme (scheme order)
    counted: npt.NDArray[np.int64]  # counted[u, m] over its valid ballots


@dataclass(frozen=True)
class CampaignCount:
    """All that results need from a campaign's ballots: what a seal stores (BallotSeal.tally)
    and what `pingyi verify` recounts to compare with it."""

    total: int
    online: int
    paper: int
    invalid: list[str]  # numbers of the invalid ballots ("" for an online one), sorted
    counted: npt.NDArray[np.int64]  # counted[u, m] over every valid ballot
    groups: dict[int, GroupCount]
    ungrouped: list[int]  # valid ballots naming no group that cover each category

    def as_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "online": self.online,
            "paper": self.paper,
            "invalid": self.invalid,
            "counted": self.counted.tolist(),
            "groups": {
                str(g): {
                    "ballots": c.ballots,
                    "covering": c.covering,
                    "counted": c.counted.tolist(),
                }
                for g, c in sorted(self.groups.items())
            },
            "ungrouped": self.ungrouped,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], width: int, kinds: int) -> CampaignCount:
        def matrix(rows: list[list[int]]) -> npt.NDArray[np.int64]:
            return np.array(rows, dtype=np.int64).reshape(width, kinds)

        return cls(
            total=int(data["total"]),
            online=int(data["online"]),
            paper=int(data["paper"]),
            invalid=[str(n) for n in data["invalid"]],
            counted=matrix(data["counted"]),
            groups={
                int(g): GroupCount(int(c["ballots"]), list(c["covering"]), matrix(c["counted"]))
                for g, c in data["groups"].items()
            },
            ungrouped=list(data["ungrouped"]),
        )


def _covering(raw: bytes, width: int, columns: list[list[int]]) -> list[int]:
    """Per category (its unit columns), how many ballots of a block cover at least one unit."""
    if not raw or width == 0:
        return [0] * len(columns)
    ballots = len(raw) // width
    if raw.find(MARK_NOT_COVERED.encode()) < 0:  # every ballot covers every unit
        return [ballots if cols else 0 for cols in columns]
    covered = np.frombuffer(raw, dtype=np.uint8).reshape(-1, width) != ord(MARK_NOT_COVERED)
    return [int(covered[:, cols].any(axis=1).sum()) if cols else 0 for cols in columns]


def campaign_count(campaign: Campaign) -> CampaignCount:
    """Counts the stored ballots of a campaign (the pool is empty once it is closed)."""
    scheme = campaign_scheme(campaign)
    units = campaign_unit_specs(campaign)
    width, kinds = len(units), len(scheme.marks)
    columns = [
        [i for i, u in enumerate(units) if u.category_code == c.code] for c in scheme.categories
    ]
    counted = np.zeros((width, kinds), dtype=np.int64)
    groups: dict[int, GroupCount] = {}
    ungrouped = [0] * len(columns)
    total = online = paper = 0
    for block in ballot_blocks(campaign):
        total += block.ballots
        online += block.ballots if block.source == BallotSource.ONLINE else 0
        paper += block.ballots if block.source == BallotSource.PAPER else 0
        if not block.valid:
            continue
        marks = count_block(block.marks, width, kinds, scheme.abstain_index)
        covering = _covering(block.marks, width, columns)
        counted += marks
        if block.group_id is None:
            ungrouped = [a + b for a, b in zip(ungrouped, covering, strict=True)]
            continue
        before = groups.get(block.group_id)
        if before is not None:
            marks = marks + before.counted
            covering = [a + b for a, b in zip(before.covering, covering, strict=True)]
        groups[block.group_id] = GroupCount(
            block.ballots + (before.ballots if before else 0), covering, marks
        )
    return CampaignCount(
        total=total,
        online=online,
        paper=paper,
        invalid=invalid_numbers(campaign),
        counted=counted,
        groups=groups,
        ungrouped=ungrouped,
    )


def stored_count(campaign: Campaign) -> CampaignCount | None:
    """The count sealed when the campaign closed (None before, or for one closed before seals
    existed)."""
    seal = BallotSeal.objects.filter(campaign=campaign).first()
    if seal is None:
        return None
    scheme = campaign_scheme(campaign)
    width = len(campaign_unit_specs(campaign))
    return CampaignCount.from_json(seal.tally, width, len(scheme.marks))


def campaign_tally(campaign: Campaign, *, previous: bool = True) -> TallyResult:
    """The decided results of a closed campaign (refused while it is open, R12), from the
    count sealed at close. No small-ballot rule here: pages, exports, the API, the CLI and
    notices go through campaign_results, which adds it."""
    phases.check_results_visible(campaign.status)
    count = stored_count(campaign) or campaign_count(campaign)
    return _decided(campaign, count, previous=previous)


def _decided(campaign: Campaign, count: CampaignCount, *, previous: bool) -> TallyResult:
    scheme = campaign_scheme(campaign)
    units = campaign_unit_specs(campaign)
    groups = list(campaign.groups.all())
    present = [(g.name, c.ballots) for g, c in _rolled_up(groups, count) if c.ballots]
    invalid = [InvalidBallot(ballot_no=n, reason=REASON_BLANK) for n in count.invalid]
    valid = count.total - len(invalid)
    return decide(
        units=units,
        counted=count.counted,
        columns=list(range(len(units))),
        scheme=scheme,
        total_ballots=count.total,
        invalid=invalid,
        groups=shares_of(present, valid, scheme) if present else [],
        previous_last=campaign_previous_last(campaign) if previous else (),
    )


E_TOO_FEW = gettext_noop(
    "only %(valid)s valid ballots: fewer than %(k)s, so no figure of this campaign is shown"
    " (anonymity)"
)


class TooFewBallots(RuleError):
    """A closed campaign with fewer than k valid ballots: no figure anywhere (R12)."""

    code = "too_few_ballots"


@dataclass(frozen=True)
class CampaignResults:
    """What may be shown of a closed campaign: the result, and each evaluator group's rate per
    category with small cells and their complements suppressed."""

    tally: TallyResult
    group_rates: list[GroupRates]
    kinds: list[KindFigure]  # per kind of representative, small ones hidden (rules.kinds)


def campaign_results(campaign: Campaign) -> CampaignResults:
    """The one door to a campaign's figures: every page, download, the API, the CLI, the
    notice, the history and the ledger call it, so that each refuses the same way (R12):
    while the campaign is open (phases) and when it has fewer than k valid ballots
    (TooFewBallots)."""
    phases.check_results_visible(campaign.status)
    count = stored_count(campaign) or campaign_count(campaign)
    tally = _decided(campaign, count, previous=True)
    k = tally.scheme.min_subset_ballots
    if tally.valid_ballots < k:
        raise TooFewBallots(E_TOO_FEW, valid=tally.valid_ballots, k=k)
    groups = list(campaign.groups.order_by("position"))
    by_group = [
        GroupCounts(group.name, found.ballots, tuple(found.covering), found.counted)
        for group, found in _rolled_up(groups, count)
    ]
    units = [u.spec for u in tally.units]
    rates = group_rates(units, tally.scheme, by_group, count.ungrouped)
    kinds = kind_figures(_kind_counts(groups, count, tally.scheme), k, tally.valid_ballots)
    return CampaignResults(tally=tally, group_rates=rates, kinds=kinds)


def _nobody(count: CampaignCount) -> GroupCount:
    return GroupCount(0, [0] * len(count.ungrouped), np.zeros_like(count.counted))


def _plus(a: GroupCount, b: GroupCount) -> GroupCount:
    covering = [x + y for x, y in zip(a.covering, b.covering, strict=True)]
    return GroupCount(a.ballots + b.ballots, covering, a.counted + b.counted)


def _rolled_up(
    groups: list[EvaluatorGroup], count: CampaignCount
) -> list[tuple[EvaluatorGroup, GroupCount]]:
    """Each evaluator group of ``groups`` (kinds among them, in position order) with its
    kinds' ballots added to its own: a kind's ballots count toward its group's share and
    rates."""
    totals = {g.pk: count.groups.get(g.pk, _nobody(count)) for g in groups if g.parent_id is None}
    for group in groups:
        if group.parent_id is not None and group.pk in count.groups:
            totals[group.parent_id] = _plus(totals[group.parent_id], count.groups[group.pk])
    return [(g, totals[g.pk]) for g in groups if g.parent_id is None]


def _kind_counts(
    groups: list[EvaluatorGroup], count: CampaignCount, scheme: Scheme
) -> list[KindCount]:
    """Per group that has kinds: each kind's count, then the group's ballots naming no kind
    (kind ""), for rules.kinds."""
    abstain = scheme.abstain_index
    considered = [
        i for i in range(len(scheme.marks)) if scheme.abstain_in_denominator or i != abstain
    ]
    favourable = [i for i in considered if scheme.marks[i].favourable]
    found: list[KindCount] = []
    for group in (g for g in groups if g.parent_id is None):
        kinds = [g for g in groups if g.parent_id == group.pk]
        if not kinds:
            continue
        for member, name in [*((kind, kind.name) for kind in kinds), (group, "")]:
            c = count.groups.get(member.pk, _nobody(count))
            found.append(
                KindCount(
                    group=group.name,
                    kind=name,
                    ballots=c.ballots,
                    favourable=int(c.counted[:, favourable].sum()),
                    considered=int(c.counted[:, considered].sum()),
                )
            )
    return found


def campaign_previous_last(campaign: Campaign) -> set[str]:
    """Codes of the units last in the series' previous campaign (imported list, or computed)."""
    if campaign.previous_last is not None:
        return set(campaign.previous_last)
    before = campaign_previous(campaign)
    if before is None or before.status not in phases.RESULTS_VISIBLE:
        return set()
    return {u.spec.code for u in campaign_tally(before, previous=False).by_flag("last")}


@dataclass(frozen=True)
class AreaCount:
    """The paper ballots collected in one 片区: counts of ballots received, never a figure of
    their marks (nothing ties a ballot to its batch, R9)."""

    area: str  # its name; "" for batches imported before the campaign had areas
    batches: int
    imported: int
    invalid: int


def paper_by_area(campaign: Campaign) -> list[AreaCount]:
    """Every area of the campaign in its order (those without a batch at 0), then the batches
    naming no area when there are any; two queries."""
    sums: dict[int | None, tuple[int, int, int]] = {
        area_id: (int(batches), int(imported or 0), int(invalid or 0))
        for area_id, batches, imported, invalid in PaperBatch.objects.filter(campaign=campaign)
        .values("area_id")
        .annotate(batches=Count("id"), imported=Sum("imported"), invalid=Sum("invalid"))
        .values_list("area_id", "batches", "imported", "invalid")
    }
    found = [
        AreaCount(name, *sums.get(area_id, (0, 0, 0)))
        for area_id, name in campaign.areas.order_by("position").values_list("id", "name")
    ]
    if None in sums:
        found.append(AreaCount("", *sums[None]))
    return found
