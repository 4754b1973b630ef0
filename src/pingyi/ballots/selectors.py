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
from pingyi.rules.tally import BLANK, NOT_COVERED, MarkMatrix, TallyResult, tally


def decode_marks(texts: list[str], width: int) -> MarkMatrix:
    """The stored text of many ballots → a matrix of mark indices (inverse of encode_marks)."""
    if not texts or width == 0:
        return np.zeros((len(texts), width), dtype=np.int8)
    raw = np.frombuffer("".join(texts).encode("ascii"), dtype=np.uint8).reshape(len(texts), width)
    matrix = raw.astype(np.int8) - 48
    matrix[raw == 45] = BLANK
    matrix[raw == 46] = NOT_COVERED
    return matrix


def ballot_rows(campaign: Campaign) -> tuple[list[str], list[int | None], list[str | None]]:
    """(marks, group ids, ballot numbers of invalid ballots) of a campaign, in no meaningful order.

    One raw query: a million ballots come back in well under a second on SQLite.
    """
    table = Ballot._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT marks, group_id, CASE WHEN valid THEN NULL ELSE ballot_no END"  # noqa: S608
            f" FROM {table} WHERE campaign_id = %s",
            [campaign.pk],
        )
        fetched = cursor.fetchall()
    if not fetched:
        return [], [], []
    marks, groups, numbers = (list(column) for column in zip(*fetched, strict=True))
    return marks, groups, numbers


def campaign_tally(campaign: Campaign, *, previous: bool = True) -> TallyResult:
    """The results of a closed campaign from its stored ballots (refused while it is open, R12)."""
    phases.check_results_visible(campaign.status)
    scheme = campaign_scheme(campaign)
    units = campaign_unit_specs(campaign)
    marks, group_ids, numbers = ballot_rows(campaign)
    names = {g.pk: g.name for g in campaign.groups.all()}
    groups = [names[g] if g is not None else None for g in group_ids]
    result = tally(
        units=units,
        marks=decode_marks(marks, len(units)),
        columns=list(range(len(units))),
        scheme=scheme,
        ballot_nos=[n or "" for n in numbers],
        groups=groups if any(g is not None for g in group_ids) else None,
        previous_last=campaign_previous_last(campaign) if previous else (),
    )
    result.invalid.sort(key=lambda b: (len(b.ballot_no), b.ballot_no))
    return result


def campaign_previous_last(campaign: Campaign) -> set[str]:
    """Codes of the units last in the series' previous campaign (imported list, or computed)."""
    if campaign.previous_last is not None:
        return set(campaign.previous_last)
    before = campaign_previous(campaign)
    if before is None or before.status not in phases.RESULTS_VISIBLE:
        return set()
    return {u.spec.code for u in campaign_tally(before, previous=False).by_flag("last")}
