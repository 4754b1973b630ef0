"""The P1 input files: UNITS (code, name, category[, veto]) and BALLOTS (wide, one row a ballot)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import cast

import numpy as np
import polars as pl

from pingyi.inputs.tables import (
    ROW,
    Table,
    header_columns,
    length_problems,
    problems_at,
    read_table,
)
from pingyi.rules.errors import InputError, Listing, Problem, Where, gettext_noop
from pingyi.rules.scheme import Scheme
from pingyi.rules.tally import BLANK, MarkMatrix, UnitSpec

TRUE_WORDS = {"1", "true", "yes", "y", "是", "t"}
FALSE_WORDS = {"0", "false", "no", "n", "否", "f"}
MAX_PROBLEMS = 50
E_UNKNOWN_GROUP = gettext_noop("unknown evaluator group %(value)r; expected one of: %(known)s")

# Each field by its English name or a Chinese one, as clerks title the columns (the first
# Chinese name is what the templates write).
UNIT_COLUMNS = {
    "code": ("code", "编码", "代码", "单位编码", "单位代码"),
    "name": ("name", "名称", "单位名称", "被评单位", "被评单位名称"),
    "category": ("category", "类别", "分类", "单位类别", "所属类别"),
    "veto": ("veto", "一票否决", "是否一票否决"),
}
# How long each text may be: its column in the database (campaigns.Unit, ballots.Ballot;
# tests/inputs check that they agree). Longer cells are refused with their place.
UNIT_LENGTHS = {"code": 60, "name": 200, "category": 200}
BALLOT_NO_LENGTH = 60
# Rows a file may hold, counted before it is parsed (R21): an office appraises a few hundred
# units at most; a province's paper ballots stay well under a million.
MAX_UNITS = 2_000
MAX_BALLOTS = 1_000_000
BALLOT_NO = ("ballot_no", "票号", "编号", "测评表编号")
GROUP = ("group", "评议代表类别", "组别", "代表类别", "代表组别")


def parse_bool(text: str | None) -> bool | None:
    """True for 1/true/yes/是, False for empty/0/false/no/否, None for anything else."""
    if text is None or not text.strip():
        return False
    word = text.strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def units_from_table(table: Table, scheme: Scheme) -> list[UnitSpec]:
    cols = header_columns(table, UNIT_COLUMNS, ("code", "name", "category"))
    if table.frame.height == 0:
        raise InputError.one(
            Where(file=table.file), gettext_noop("no units: the file has only a header")
        )
    problems = length_problems(table, {cols[k]: n for k, n in UNIT_LENGTHS.items()})
    units: list[UnitSpec] = []
    seen: dict[str, int] = {}
    rows = table.frame.get_column(ROW).to_list()
    values = {k: table.column(i).to_list() for k, i in cols.items()}
    for n, row in enumerate(rows):
        code, name, category = (values[k][n] for k in ("code", "name", "category"))
        for key, value in (("code", code), ("name", name), ("category", category)):
            if value is None:
                problems.append(
                    Problem(table.where(row, cols[key]), gettext_noop("empty; a value is required"))
                )
        rule = scheme.category_for(category) if category else None
        if category and rule is None:
            problems.append(
                Problem(
                    table.where(row, cols["category"]),
                    gettext_noop(
                        "category %(value)r is not in the scheme; expected one of: %(known)s"
                    ),
                    {"value": category, "known": ", ".join(c.name for c in scheme.categories)},
                )
            )
        veto = parse_bool(values["veto"][n]) if "veto" in values else False
        if veto is None:
            problems.append(
                Problem(
                    table.where(row, cols["veto"]),
                    gettext_noop(
                        "%(value)r is not a yes/no value; use 1/0, true/false, yes/no or 是/否"
                    ),
                    {"value": values["veto"][n]},
                )
            )
        if code is not None and code in seen:
            problems.append(
                Problem(
                    table.where(row, cols["code"]),
                    gettext_noop("unit code %(value)r repeats row %(first)s"),
                    {"value": code, "first": seen[code]},
                )
            )
        if code is not None:
            seen.setdefault(code, row)
        if code and name and rule is not None and veto is not None:
            units.append(
                UnitSpec(
                    code=code,
                    name=name,
                    category=category or "",
                    category_code=rule.code,
                    veto=veto,
                )
            )
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        raise InputError(problems)
    return units


def read_units(path: Path, scheme: Scheme, label: str | None = None) -> list[UnitSpec]:
    return units_from_table(read_table(path, label, max_rows=MAX_UNITS), scheme)


@dataclass(frozen=True)
class BallotRows:
    """The ballots of a file: numbers, groups (None if the file has no group column), marks."""

    ballot_nos: list[str]
    groups: list[str | None] | None
    unit_codes: list[str]  # the unit of each column of ``marks``
    marks: MarkMatrix
    rows: list[int]  # each ballot's row number in the file
    file: str = ""
    group_column: str | None = None  # spreadsheet letter of the group column

    def columns_for(self, units: Sequence[UnitSpec]) -> list[int | None]:
        position = {code: i for i, code in enumerate(self.unit_codes)}
        return [position.get(u.code) for u in units]


def ballots_from_table(
    table: Table, unit_codes: Sequence[str], scheme: Scheme, kinds: Sequence[str] = ()
) -> BallotRows:
    known = set(unit_codes)
    problems: list[Problem] = []
    ballot_col: int | None = None
    group_col: int | None = None
    unit_cols: list[int] = []
    for index, title in enumerate(table.header):
        folded = title.casefold()
        if folded in BALLOT_NO and ballot_col is None:
            ballot_col = index
        elif folded in GROUP and group_col is None:
            group_col = index
        elif title in known:
            unit_cols.append(index)
        else:
            problems.append(
                Problem(
                    table.where(row=table.header_row, index=index),
                    gettext_noop(
                        "%(value)r is not a unit code of the units file (nor ballot_no or group)"
                    ),
                    {"value": title},
                )
            )
    if ballot_col is None:
        problems.insert(
            0,
            Problem(
                Where(file=table.file, row=table.header_row, field="ballot_no"),
                gettext_noop("missing column 'ballot_no'; the header must start with ballot_no"),
            ),
        )
    if problems or ballot_col is None:
        raise InputError(problems[:MAX_PROBLEMS])
    marks, problems = _mark_matrix(table, unit_cols, scheme)
    frame = table.frame
    groups_raw = table.column(group_col) if group_col is not None else None
    # Rows with nothing but white space in them are skipped, like blank lines.
    empty = table.column(ballot_col).is_null().to_numpy() & np.all(marks == BLANK, axis=1)
    if groups_raw is not None:
        empty &= groups_raw.is_null().to_numpy()
    if empty.any():
        keep = ~empty
        marks = marks[keep]
        frame = frame.filter(pl.Series(keep))
        table = replace(table, frame=frame)
    problems = (
        _number_problems(table, ballot_col)
        + length_problems(table, {ballot_col: BALLOT_NO_LENGTH})
        + problems
    )
    if group_col is not None:
        problems += _group_problems(table, group_col, scheme, kinds)
    if problems:
        raise InputError(problems[:MAX_PROBLEMS])
    groups = table.column(group_col).to_list() if group_col is not None else None
    return BallotRows(
        ballot_nos=table.column(ballot_col).to_list(),
        groups=groups,
        unit_codes=[table.header[i] for i in unit_cols],
        marks=marks,
        rows=frame.get_column(ROW).to_list(),
        file=table.file,
        group_column=table.letter(group_col) if group_col is not None else None,
    )


def _mark_matrix(
    table: Table, unit_cols: list[int], scheme: Scheme
) -> tuple[MarkMatrix, list[Problem]]:
    """Each unit column's cells → mark indices (blank = BLANK), and a problem per unknown mark.

    A column holds a handful of distinct values however many ballots there are, so each
    distinct value is stripped and looked up once, then the column is mapped in one pass.
    """
    lookup = {k.casefold(): v for k, v in scheme.mark_lookup().items()}
    expected = Listing([m.label for m in scheme.marks] + [m.code for m in scheme.marks])
    names = [f"c{i}" for i in unit_cols]
    if not names:
        return np.zeros((table.frame.height, 0), dtype=np.int8), []
    enums = _as_enum(table.frame, names, list(scheme.mark_lookup()))
    if enums is not None:
        # Every cell is one of the scheme's spellings or empty: a lookup by the cells' numbers
        # in the Enum is the whole mapping.
        categories = cast(pl.Enum, enums.schema[names[0]]).categories.to_list()
        spelt = [lookup[c.casefold()] for c in categories]
        mark_of = np.array([*spelt, BLANK], dtype=np.int8)  # the last: an empty cell
        codes = enums.select(pl.col(n).to_physical().fill_null(len(spelt)) for n in names)
        return np.ascontiguousarray(mark_of[codes.to_numpy()], dtype=np.int8), []
    distinct = table.frame.select(pl.col(n).drop_nulls().unique().implode() for n in names).row(0)
    problems: list[Problem] = []
    mappings: list[dict[str, int]] = []
    for index, values in zip(unit_cols, distinct, strict=True):
        mapping: dict[str, int] = {}
        unknown: list[str] = []
        for value in values:
            text = value.strip()
            found = lookup.get(text.casefold()) if text else BLANK
            if found is None:
                unknown.append(value)
            else:
                mapping[value] = found
        mappings.append(mapping)
        if unknown and len(problems) < MAX_PROBLEMS:
            problems += problems_at(
                table,
                index,
                table.column(index).is_in(unknown),
                gettext_noop("unknown mark %(value)r; expected %(expected)s, or empty for abstain"),
                limit=MAX_PROBLEMS - len(problems),
                expected=expected,
            )
    mapped = table.frame.select(
        pl.col(n).replace_strict(m, default=BLANK, return_dtype=pl.Int8).fill_null(BLANK)
        for n, m in zip(names, mappings, strict=True)
    )
    return np.ascontiguousarray(mapped.to_numpy(), dtype=np.int8), problems


def _as_enum(frame: pl.DataFrame, names: list[str], spellings: list[str]) -> pl.DataFrame | None:
    """The columns ``names`` as one Enum of ``spellings``: as read (tables.read_table's choices),
    or cast from text; None when a cell is none of them (white space around it included)."""
    enum = pl.Enum(list(dict.fromkeys(spellings)))
    if all(frame.schema[n] == enum for n in names):
        return frame.select(names)
    try:
        return frame.select(pl.col(n).cast(enum) for n in names)
    except pl.exceptions.PolarsError:
        return None


def _group_problems(
    table: Table, group_col: int, scheme: Scheme, kinds: Sequence[str] = ()
) -> list[Problem]:
    """A group the scheme does not know (nor a kind of ``kinds``), reported with the marks
    and numbers (one pass)."""
    groups = table.column(group_col)
    names = groups.drop_nulls().unique().to_list()
    folded = {k.casefold() for k in kinds}
    unknown = [
        name
        for name in names
        if scheme.group_for(name) is None and str(name).casefold() not in folded
    ]
    if not unknown:
        return []
    return problems_at(
        table,
        group_col,
        groups.is_in(unknown),
        E_UNKNOWN_GROUP,
        limit=MAX_PROBLEMS,
        known=Listing(g.name for g in scheme.groups),
    )


def _number_problems(table: Table, ballot_col: int) -> list[Problem]:
    """Empty and repeated ballot numbers, each repeat naming the row it repeats."""
    frame = table.frame
    numbers = table.column(ballot_col)
    problems = problems_at(
        table, ballot_col, numbers.is_null(), gettext_noop("the ballot number is empty")
    )
    duplicated = numbers.is_duplicated() & numbers.is_not_null()
    if duplicated.any():
        first_rows = (
            frame.filter(duplicated)
            .group_by(f"c{ballot_col}", maintain_order=True)
            .agg(pl.col(ROW).min())
            .rows()
        )
        first = dict(first_rows)
        dupes = frame.filter(duplicated & ~frame.get_column(ROW).is_in(list(first.values())))
        for row, value in dupes.select(ROW, f"c{ballot_col}").head(MAX_PROBLEMS).rows():
            problems.append(
                Problem(
                    table.where(row, ballot_col),
                    gettext_noop("ballot number %(value)r repeats row %(first)s"),
                    {"value": value, "first": first[value]},
                )
            )
    return problems


def _mark_columns(header: list[str]) -> set[int]:
    """The columns whose cells are marks: left unstripped by the reader (mapped per value)."""
    return {i for i, t in enumerate(header) if t.casefold() not in (*BALLOT_NO, *GROUP)}


def read_ballots(
    path: Path,
    unit_codes: Sequence[str],
    scheme: Scheme,
    label: str | None = None,
    kinds: Sequence[str] = (),
) -> BallotRows:
    """``kinds``: the codes and names of the campaign's kinds of representatives, which the
    group column may name besides the scheme's groups (seed 001 五(二))."""
    choices = list(scheme.mark_lookup())
    table = read_table(path, label, raw=_mark_columns, max_rows=MAX_BALLOTS, choices=choices)
    return ballots_from_table(table, unit_codes, scheme, kinds)
