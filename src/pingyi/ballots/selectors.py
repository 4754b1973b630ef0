"""Reads of stored ballots: the counts behind every result page, export and the CLI."""

from __future__ import annotations

import numpy as np
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
    GroupColumn,
    InvalidBallot,
    MarkMatrix,
    TallyResult,
    tally,
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


def ballot_blocks(campaign: Campaign) -> list[tuple[int | None, str]]:
    """(group id, the marks of all its ballots concatenated) — one row per group.

    The database concatenates: a million ballots come back as a few long strings instead of
    a million rows, which is what makes results of a province-sized campaign quick.
    """
    table = Ballot._meta.db_table
    concat = (
        "string_agg(marks, '')" if connection.vendor == "postgresql" else "group_concat(marks, '')"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT group_id, {concat} FROM {table} WHERE campaign_id = %s GROUP BY group_id",  # noqa: S608
            [campaign.pk],
        )
        return [(group, marks or "") for group, marks in cursor.fetchall()]


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
    width = len(units)
    blocks = ballot_blocks(campaign)
    names = {g.pk: g.name for g in campaign.groups.all()}
    order = [g for g, _ in blocks if g is not None]
    matrices = [decode_marks(text, width) for _, text in blocks]
    marks = np.concatenate(matrices) if matrices else np.zeros((0, width), dtype=np.int8)
    codes = (
        np.concatenate(
            [
                np.full(len(m), order.index(g) if g is not None else -1, dtype=np.int64)
                for (g, _), m in zip(blocks, matrices, strict=True)
            ]
        )
        if matrices
        else np.zeros(0, dtype=np.int64)
    )
    # Invalid ballots are named by number; the matrix has them in no particular order, so
    # their numbers come from the stored flag (same rule, same scheme: the same ballots).
    rejected = invalid_numbers(campaign)
    result = tally(
        units=units,
        marks=marks,
        columns=list(range(width)),
        scheme=scheme,
        groups=GroupColumn(codes, [names[g] for g in order]) if order else None,
        previous_last=campaign_previous_last(campaign) if previous else (),
    )
    result.invalid = [InvalidBallot(ballot_no=n, reason=REASON_BLANK) for n in rejected]
    return result


def campaign_previous_last(campaign: Campaign) -> set[str]:
    """Codes of the units last in the series' previous campaign (imported list, or computed)."""
    if campaign.previous_last is not None:
        return set(campaign.previous_last)
    before = campaign_previous(campaign)
    if before is None or before.status not in phases.RESULTS_VISIBLE:
        return set()
    return {u.spec.code for u in campaign_tally(before, previous=False).by_flag("last")}
