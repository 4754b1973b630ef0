"""A unit's nomination list filled into its template (推荐名单导入): one row a nominee — name,
workplace, post, rank of post, grassroots (是/否), unit leader (是/否), main deeds. Every
problem is named with its file, row, column letter and field; a file with any is refused
whole (nothing is stored)."""

from __future__ import annotations

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
from pingyi.rules import nominations as rules
from pingyi.rules.errors import Problem, gettext_noop

MAX_ROWS = 2_000
MAX_PROBLEMS = 50
LIMITS = {"name": 60, "workplace": 200, "post": 120, "deeds": 4000}
# Each field by the template's header, which the messages name (a person reads them in
# Chinese), and the spellings a header cell may have.
HEADERS = {
    "name": "姓名",
    "workplace": "工作单位",
    "post": "职务（岗位）",
    "rank": "职级",
    "grassroots": "基层一线",
    "leader": "单位领导",
    "deeds": "主要事迹",
}
COLUMNS = {
    "name": ("name", "姓名"),
    "workplace": ("workplace", "工作单位"),
    "post": ("post", "职务（岗位）", "职务(岗位)", "职务", "岗位"),
    "rank": ("rank", "职级"),
    "grassroots": ("grassroots", "基层一线"),
    "leader": ("leader", "单位领导"),
    "deeds": ("deeds", "主要事迹"),
}
REQUIRED = ("name", "workplace", "post", "rank")
YES = ("是", "yes", "y", "1", "true", "√")
NO = ("否", "no", "n", "0", "false", "")

E_RANK = gettext_noop("%(value)r is not a rank of post; write one of %(expected)s")
E_YES_NO = gettext_noop("write 是 or 否, not %(value)r")
E_LEADER = gettext_noop("a unit leader is not counted as grassroots (基层一线): not both 是")
E_NO_ROWS = gettext_noop("the file holds no nominee")


@dataclass(frozen=True)
class NomineeRow:
    row: int
    name: str
    workplace: str
    post: str
    rank: str  # a rules.nominations rank
    grassroots: bool
    leader: bool
    deeds: str


@dataclass(frozen=True)
class NomineeRows:
    file: str
    rows: list[NomineeRow]


def _rank_of(text: str) -> str | None:
    spelled = text.strip().casefold()
    for code, word in rules.RANK_WORDS.items():
        if spelled in (code, word.casefold()):
            return code
    return None


def read_nominees(path: Path, label: str) -> NomineeRows:
    table = read_table(path, label, max_rows=MAX_ROWS)
    spellings = {HEADERS[k]: tuple(s.casefold() for s in v) for k, v in COLUMNS.items()}
    by_header = header_columns(table, spellings, [HEADERS[k] for k in REQUIRED])
    found = {k: by_header[h] for k, h in HEADERS.items() if h in by_header}
    rows = rows_read(
        table,
        lambda record, problems: _row(table, found, record, problems),
        empty=E_NO_ROWS,
        max_problems=MAX_PROBLEMS,
    )
    return NomineeRows(table.file, rows)


def _row(
    table: Table, found: dict[str, int], record: dict[str, str | None], problems: list[Problem]
) -> NomineeRow | None:
    row = int(record[ROW] or 0)
    before = len(problems)
    cells = RowCells(table, found, record, problems)
    cell, fail = cells.cell, cells.fail

    values = {key: cell(key) for key in COLUMNS}
    if not any(values.values()):
        return None  # an empty row of the template
    for key, limit in LIMITS.items():
        if key in REQUIRED and not values[key]:
            fail(key, E_EMPTY)
        elif len(values[key]) > limit:
            fail(key, E_LONG, max=limit, length=len(values[key]))
    rank = _rank_of(values["rank"])
    if not values["rank"]:
        fail("rank", E_EMPTY)
    elif rank is None:
        fail("rank", E_RANK, value=values["rank"][:40],
             expected="、".join(rules.RANK_WORDS.values()))  # fmt: skip
    flags: dict[str, bool] = {}
    for key in ("grassroots", "leader"):
        text = values[key].casefold()
        flags[key] = text in YES
        if text not in YES and text not in NO:
            fail(key, E_YES_NO, value=values[key][:20])
    if flags["grassroots"] and flags["leader"]:
        fail("leader", E_LEADER)
    if len(problems) > before or rank is None:
        return None
    return NomineeRow(
        row, values["name"], values["workplace"], values["post"], rank,
        flags["grassroots"], flags["leader"], values["deeds"],
    )  # fmt: skip
