"""The P2 files read as columns, for ``pingyi grade`` on a province's files in a second or two.

:func:`read_graded_columns` checks the ORGS and SCORES files with whole-column operations and
grades them with :mod:`pingyi.rules.grading_columns`. It takes the fast way only when the
files are clean and every score is a plain decimal (``92``, ``12.75``; at most six places);
otherwise it answers None and the caller runs the per-row readers of :mod:`p2_files`, which
read every other form exactly (``1/2``, ``50%``) and name each bad cell — so messages and
results do not depend on which way ran. tests/inputs/test_p2_columns.py holds them equal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import polars as pl

from pingyi.inputs.p1_files import parse_bool
from pingyi.inputs.p2_files import ORG_COLUMNS, REQUIRED, score_columns
from pingyi.inputs.tables import Table, header_columns, read_table
from pingyi.rules.errors import InputError, Where, gettext_noop
from pingyi.rules.grading import GRADES, SECTORS, CommitteeCount, GradingScheme
from pingyi.rules.grading_columns import (
    SCALE,
    LoopError,
    chain_tops,
    committee_columns,
    grade_columns,
)

DECIMAL = r"^[0-9]{1,9}(\.[0-9]{1,6})?$"
SECTOR_NAMES = list(SECTORS)  # index → Chinese name
SECTOR_CODES = list(SECTORS.values())


@dataclass(frozen=True)
class GradedColumns:
    """The graded organizations in file order: ``frame`` has code, name, sector, committee,
    parent_code, new, violation, total (millionths), computed and grade (indexes into
    GRADES), needs_explanation; ``committees`` as :func:`grading.committee_counts` gives."""

    frame: pl.DataFrame
    committees: list[CommitteeCount]

    def grade_counts(self) -> dict[str, int]:
        counts = np.bincount(self.frame.get_column("grade").to_numpy(), minlength=4)
        return {g: int(n) for g, n in zip(GRADES, counts.tolist(), strict=True)}


def read_graded_columns(
    orgs_path: Path, scores_path: Path, scheme: GradingScheme
) -> GradedColumns | None:
    """Both files checked and graded by columns, or None when the per-row way must run
    (any bad cell, or a score that is not a plain decimal). Header problems raise as the
    per-row readers raise them (the same checks run)."""
    orgs = _org_frame(read_table(orgs_path, str(orgs_path)))
    if orgs is None:
        return None
    totals = _totals(read_table(scores_path, str(scores_path)), orgs, scheme)
    if totals is None:
        return None
    frame = orgs.with_columns(total=totals)
    parent = frame.get_column("parent_row").to_numpy()
    try:
        chain_tops(parent)
    except LoopError:
        return None
    sector = frame.get_column("sector_index").to_numpy().astype(np.int64)
    grades = grade_columns(
        frame.get_column("total").to_numpy(),
        new=frame.get_column("new").to_numpy(),
        violation=frame.get_column("violation").to_numpy(),
        parent=parent,
        sector=sector,
        sector_codes=SECTOR_CODES,
    )
    names = frame.get_column("committee").unique(maintain_order=True)
    index = pl.DataFrame({"committee": names, "committee_index": range(len(names))})
    committee = frame.join(index, on="committee", how="left", maintain_order="left")
    committees = committee_columns(
        committee.get_column("committee_index").to_numpy().astype(np.int64),
        names.to_list(),
        grades.grade,
        sector,
        SECTOR_CODES,
        scheme,
    )
    frame = frame.with_columns(
        computed=pl.Series(grades.computed),
        grade=pl.Series(grades.grade),
        needs_explanation=pl.Series(grades.needs_explanation),
    )
    return GradedColumns(frame.drop("parent_row", "sector_index"), committees)


def _org_frame(table: Table) -> pl.DataFrame | None:
    cols = header_columns(table, ORG_COLUMNS, REQUIRED)
    if table.frame.height == 0:
        raise InputError.one(
            Where(file=table.file), gettext_noop("no organizations: the file has only a header")
        )

    def column(key: str) -> pl.Series:
        if key in cols:
            return table.column(cols[key]).alias(key)
        return pl.Series(key, [None] * table.frame.height, dtype=pl.String)

    frame = pl.DataFrame([column(k) for k in ORG_COLUMNS])
    if frame.select(pl.any_horizontal(pl.col(k).is_null().any() for k in REQUIRED)).item():
        return None
    known = {**{name: i for i, name in enumerate(SECTOR_NAMES)}}
    known |= {code: i for i, code in enumerate(SECTOR_CODES)}
    sectors = frame.get_column("sector")
    if not sectors.is_in(list(known)).all() or frame.get_column("code").is_duplicated().any():
        return None
    flags = {}
    for key in ("new", "violation"):
        words = {w: parse_bool(w) for w in frame.get_column(key).unique().to_list()}
        if None in words.values():
            return None
        flags[key] = frame.get_column(key).replace_strict(words, return_dtype=pl.Boolean)
    parents = frame.get_column("parent_code")
    codes = frame.get_column("code")
    if not parents.drop_nulls().is_in(codes.implode()).all():
        return None
    rows = pl.DataFrame({"parent_code": codes, "parent_row": range(len(codes))})
    sector_index = sectors.replace_strict(known, return_dtype=pl.Int8)
    return (
        frame.with_columns(
            sector=sector_index.replace_strict(
                dict(enumerate(SECTOR_NAMES)), return_dtype=pl.String
            ),
            sector_index=sector_index,
            new=flags["new"],
            violation=flags["violation"],
        )
        .join(rows, on="parent_code", how="left", maintain_order="left")
        .with_columns(pl.col("parent_row").fill_null(-1).cast(pl.Int64))
    )


def _totals(table: Table, orgs: pl.DataFrame, scheme: GradingScheme) -> pl.Series | None:
    """Each organization's total in millionths, in the organizations' order."""
    cols, maxima = score_columns(table, scheme)
    codes = table.column(cols["code"])
    if (
        codes.null_count()
        or codes.is_duplicated().any()
        or len(codes) != orgs.height
        or not codes.is_in(orgs.get_column("code").implode()).all()
    ):
        return None
    tops = {key: maximum * SCALE for key, maximum in maxima.items()}
    if any(top.denominator != 1 for top in tops.values()):
        return None
    values = {key: pl.col(f"c{cols[key]}") for key in maxima}
    plain = table.frame.select(
        v.str.contains(DECIMAL).fill_null(False).all().alias(k) for k, v in values.items()
    )
    if not all(plain.row(0)):
        return None
    # Plain decimals of at most 9 + 6 digits: a Decimal(15, 6) holds each exactly, and its
    # integer form is the value in millionths.
    scaled = {k: v.cast(pl.Decimal(15, 6)).to_physical().cast(pl.Int64) for k, v in values.items()}
    checked = table.frame.select(
        pl.any_horizontal((scaled[k] > int(top)).any() for k, top in tops.items()).alias("over"),
        pl.sum_horizontal(scaled.values()).alias("total"),
        pl.col(f"c{cols['code']}").alias("code"),
    )
    if checked.get_column("over")[0]:
        return None
    scores = checked.select("code", "total")
    joined = orgs.select("code").join(scores, on="code", how="left", maintain_order="left")
    return joined.get_column("total")


def totals_as_fractions(totals: Sequence[int]) -> list[Fraction]:
    return [Fraction(t, SCALE) for t in totals]
