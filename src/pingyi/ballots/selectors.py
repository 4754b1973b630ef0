"""Reads of stored ballots: the counts behind every result page, export and the CLI."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from django.db import connection

from pingyi.ballots.models import Ballot
from pingyi.campaigns.models import Campaign
from pingyi.campaigns.selectors import (
    campaign_previous,
    campaign_scheme,
    campaign_unit_specs,
)
from pingyi.rules import phases
from pingyi.rules.tally import (
    BLANK,
    NOT_COVERED,
    REASON_BLANK,
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


def count_block(text: str, width: int, kinds: int, abstain: int) -> npt.NDArray[np.int64]:
    """counts[c, m] of a block of concatenated ballots, straight from the stored bytes.

    One comparison per mark over the row-major bytes, summed down the columns: no decoded
    matrix, no transposition.
    """
    counts = np.zeros((width, kinds), dtype=np.int64)
    if not text or width == 0:
        return counts
    raw = np.frombuffer(text.encode("ascii"), dtype=np.uint8).reshape(-1, width)
    for mark in range(kinds):
        counts[:, mark] = np.count_nonzero(raw == ord("0") + mark, axis=0)
    counts[:, abstain] += np.count_nonzero(raw == ord("-"), axis=0)
    return counts


@dataclass(frozen=True)
class Block:
    group_id: int | None
    valid: bool
    ballots: int
    marks: str  # the marks of its ballots, concatenated


def ballot_blocks(campaign: Campaign) -> list[Block]:
    """The campaign's ballots as one concatenated text per (group, valid) — a handful of rows.

    The database concatenates: a million ballots come back as a few long strings instead of
    a million rows, which is what makes the results of a province-sized campaign quick.
    Validity is the flag stored with each ballot, decided by the same frozen scheme.
    """
    table = Ballot._meta.db_table
    concat = (
        "string_agg(marks, '')" if connection.vendor == "postgresql" else "group_concat(marks, '')"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT group_id, valid, count(*), {concat} FROM {table}"  # noqa: S608
            " WHERE campaign_id = %s GROUP BY group_id, valid",
            [campaign.pk],
        )
        rows = cursor.fetchall()
    return [Block(g, bool(v), int(n), text or "") for g, v, n, text in rows]


def invalid_numbers(campaign: Campaign) -> list[str]:
    numbers = Ballot.objects.filter(campaign=campaign, valid=False).values_list(
        "ballot_no", flat=True
    )
    return sorted((n or "" for n in numbers), key=lambda n: (len(n), n))


def campaign_tally(campaign: Campaign, *, previous: bool = True) -> TallyResult:
    """The results of a closed campaign from its stored ballots (refused while it is open, R12)."""
    phases.check_results_visible(campaign.status)
    scheme = campaign_scheme(campaign)
    units = campaign_unit_specs(campaign)
    width, kinds = len(units), len(scheme.marks)
    blocks = ballot_blocks(campaign)
    counted = np.zeros((width, kinds), dtype=np.int64)
    for block in blocks:
        if block.valid:
            counted += count_block(block.marks, width, kinds, scheme.abstain_index)
    names = {g.pk: g.name for g in campaign.groups.all()}
    by_group: dict[str, int] = {}
    for block in blocks:
        if block.group_id is not None:
            name = names[block.group_id]
            by_group[name] = by_group.get(name, 0) + (block.ballots if block.valid else 0)
    invalid = [InvalidBallot(ballot_no=n, reason=REASON_BLANK) for n in invalid_numbers(campaign)]
    total = sum(b.ballots for b in blocks)
    return decide(
        units=units,
        counted=counted,
        columns=list(range(width)),
        scheme=scheme,
        total_ballots=total,
        invalid=invalid,
        groups=shares_of(list(by_group.items()), total - len(invalid), scheme) if by_group else [],
        previous_last=campaign_previous_last(campaign) if previous else (),
    )


def campaign_group_rates(campaign: Campaign) -> list[GroupRates]:
    """Each evaluator group's satisfaction rate per category, small groups suppressed; for a
    closed campaign only (R12), like every result."""
    phases.check_results_visible(campaign.status)
    scheme = campaign_scheme(campaign)
    units = campaign_unit_specs(campaign)
    width, kinds = len(units), len(scheme.marks)
    counted: dict[int, tuple[int, npt.NDArray[np.int64]]] = {}
    for block in ballot_blocks(campaign):
        if block.valid and block.group_id is not None:
            ballots, counts = counted.get(block.group_id, (0, np.zeros((width, kinds), np.int64)))
            marks = count_block(block.marks, width, kinds, scheme.abstain_index)
            counted[block.group_id] = (ballots + block.ballots, counts + marks)
    empty = np.zeros((width, kinds), np.int64)
    by_group = [
        (g.name, *counted.get(g.pk, (0, empty))) for g in campaign.groups.order_by("position")
    ]
    return group_rates(units, scheme, by_group)


def campaign_previous_last(campaign: Campaign) -> set[str]:
    """Codes of the units last in the series' previous campaign (imported list, or computed)."""
    if campaign.previous_last is not None:
        return set(campaign.previous_last)
    before = campaign_previous(campaign)
    if before is None or before.status not in phases.RESULTS_VISIBLE:
        return set()
    return {u.spec.code for u in campaign_tally(before, previous=False).by_flag("last")}
