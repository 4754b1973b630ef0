"""Use cases that store ballots."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from pingyi.audit.services import audit_log
from pingyi.ballots.models import Ballot, BallotSource, random_ballot_id
from pingyi.campaigns.models import Campaign, EvaluatorGroup
from pingyi.campaigns.selectors import campaign_scheme, campaign_units
from pingyi.inputs.p1_files import BallotRows
from pingyi.rules import phases
from pingyi.rules.errors import InputError, Problem, Where, gettext_noop
from pingyi.rules.tally import BLANK, NOT_COVERED, MarkMatrix, valid_rows

R_ALREADY_IMPORTED = gettext_noop("ballot number %(ballot_no)r was already imported")
E_UNKNOWN_GROUP = gettext_noop("unknown evaluator group %(value)r; expected one of: %(known)s")
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
    if matrix.shape[1] == 0:
        return [""] * matrix.shape[0]
    wide = matrix.astype(np.int16)
    chars = np.where(wide >= 0, wide + 48, np.where(wide == BLANK, 45, 46)).astype(np.uint8)
    raw = chars.tobytes().decode("ascii")
    width = matrix.shape[1]
    return [raw[i : i + width] for i in range(0, len(raw), width)]


def _existing_numbers(campaign: Campaign, numbers: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(numbers), CHUNK):
        chunk = numbers[start : start + CHUNK]
        found.update(
            n
            for n in Ballot.objects.filter(campaign=campaign, ballot_no__in=chunk).values_list(
                "ballot_no", flat=True
            )
            if n is not None
        )
    return found


def _group_ids(campaign: Campaign, rows: BallotRows) -> list[int | None]:
    if rows.groups is None:
        return [None] * len(rows.ballot_nos)
    scheme = campaign_scheme(campaign)
    by_code = {g.code: g.pk for g in EvaluatorGroup.objects.filter(campaign=campaign)}
    ids: list[int | None] = []
    problems: list[Problem] = []
    for row, name in zip(rows.rows, rows.groups, strict=True):
        if name is None:
            ids.append(None)
            continue
        rule = scheme.group_for(name)
        if rule is None or rule.code not in by_code:
            problems.append(
                Problem(
                    Where(file=rows.file, row=row, column=rows.group_column, field="group"),
                    E_UNKNOWN_GROUP,
                    {"value": name, "known": ", ".join(g.name for g in scheme.groups)},
                )
            )
            ids.append(None)
        else:
            ids.append(by_code[rule.code])
    if problems:
        raise InputError(problems[:50])
    return ids


def ballots_import(
    *,
    campaign: Campaign,
    rows: BallotRows,
    actor: str,
    digest: str = "",
    today: dt.date | None = None,
) -> ImportReport:
    """Stores paper ballots: all rows in one transaction, or none.

    A ballot number that is already stored is rejected with its row and the rest imported,
    so importing the same file twice adds nothing (R5). Bad input of any other kind refuses
    the whole file. Blank ballots are stored as invalid: they were cast and are reported.
    """
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        phases.check_accepts_ballots(locked.status)
        units = campaign_units(locked)
        position = {u.code: u.position for u in units}
        matrix = np.full((len(rows.ballot_nos), len(units)), NOT_COVERED, dtype=np.int8)
        for column, code in enumerate(rows.unit_codes):
            matrix[:, position[code]] = rows.marks[:, column]
        groups = _group_ids(locked, rows)
        existing = _existing_numbers(locked, rows.ballot_nos)
        keep = [i for i, no in enumerate(rows.ballot_nos) if no not in existing]
        rejected = [
            RejectedRow(rows.rows[i], no, R_ALREADY_IMPORTED, {"ballot_no": no})
            for i, no in enumerate(rows.ballot_nos)
            if no in existing
        ]
        kept = matrix[keep]
        valid = valid_rows(kept, campaign_scheme(locked)).tolist()
        texts = encode_marks(kept)
        day = today or timezone.localdate()
        params = [
            (
                random_ballot_id(),
                locked.pk,
                groups[i],
                rows.ballot_nos[i],
                texts[n],
                valid[n],
                BallotSource.PAPER.value,
                day,
            )
            for n, i in enumerate(keep)
        ]
        table = Ballot._meta.db_table
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} (id, campaign_id, group_id, ballot_no, marks, valid,"  # noqa: S608
                " source, cast_on) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                params,
            )
        report = ImportReport(imported=len(keep), invalid=valid.count(False), rejected=rejected)
        audit_log(
            actor=actor,
            action="ballots.imported",
            obj=locked,
            data={
                "file": rows.file,
                "sha256": digest,
                "imported": report.imported,
                "invalid": report.invalid,
                "rejected": len(rejected),
            },
        )
    return report
