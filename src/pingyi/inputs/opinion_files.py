"""The paper opinion forms (征求意见表) typed into the template: one row an opinion on one
unit — form number, unit (code or name), category (optional), the opinion. Every problem is
named with its file, row, column letter and field; a file with any is refused whole."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pingyi.inputs.tables import (
    E_EMPTY,
    E_LONG,
    ROW,
    RowCells,
    Table,
    header_columns,
    read_table,
    rows_read,
)
from pingyi.rules import opinions as rules
from pingyi.rules.errors import Problem, RuleError, gettext_noop

MAX_ROWS = 100_000
MAX_PROBLEMS = 50
FORM_NO_LENGTH = 60
COLUMNS = {
    "form_no": ("form_no", "表号", "意见表编号", "编号"),
    "unit": ("unit", "被评单位", "单位", "单位编码", "单位名称"),
    "category": ("category", "意见类别", "类别"),
    "text": ("text", "意见和建议", "意见", "意见内容"),
}
REQUIRED = ("form_no", "unit", "text")

E_UNIT = gettext_noop("%(value)r is neither the code nor the name of a unit of this campaign")
E_NO_ROWS = gettext_noop("the file holds no opinion")


@dataclass(frozen=True)
class PaperOpinion:
    row: int
    form_no: str
    unit_code: str
    category: str  # a rules.opinions category, "" when the clerk left it to the office
    text: str


@dataclass(frozen=True)
class PaperOpinions:
    file: str
    rows: list[PaperOpinion]


def read_opinions(path: Path, units: Mapping[str, str], label: str) -> PaperOpinions:
    """``units``: code → name of the campaign's units (a cell may hold either)."""
    table = read_table(path, label, max_rows=MAX_ROWS)
    spellings = {k: tuple(s.casefold() for s in v) for k, v in COLUMNS.items()}
    found = header_columns(table, spellings, REQUIRED)
    by_name = {name.strip(): code for code, name in units.items()}
    rows = rows_read(
        table,
        lambda record, problems: _row(table, found, record, units, by_name, problems),
        empty=E_NO_ROWS,
        max_problems=MAX_PROBLEMS,
    )
    return PaperOpinions(table.file, rows)


def _row(
    table: Table,
    found: dict[str, int],
    record: dict[str, str | None],
    units: Mapping[str, str],
    by_name: dict[str, str],
    problems: list[Problem],
) -> PaperOpinion | None:
    row = int(record[ROW] or 0)
    before = len(problems)
    cells = RowCells(table, found, record, problems)
    cell, fail = cells.cell, cells.fail

    form_no, unit, text, category = cell("form_no"), cell("unit"), cell("text"), cell("category")
    if not form_no:
        fail("form_no", E_EMPTY)
    elif len(form_no) > FORM_NO_LENGTH:
        fail("form_no", E_LONG, max=FORM_NO_LENGTH, length=len(form_no))
    code = unit if unit in units else by_name.get(unit)
    if not unit:
        fail("unit", E_EMPTY)
    elif code is None:
        fail("unit", E_UNIT, value=unit[:60])
    if not text:
        fail("text", E_EMPTY)
    elif len(text) > rules.MAX_TEXT:
        fail("text", E_LONG, max=rules.MAX_TEXT, length=len(text))
    category_code = ""
    if category:
        try:
            category_code = rules.category_of(category)
        except RuleError as exc:
            fail("category", exc.template, **exc.params)
    if len(problems) > before or code is None:
        return None
    return PaperOpinion(row, form_no, code, category_code, text)
