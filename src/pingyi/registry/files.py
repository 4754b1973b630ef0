"""The two tables of seed 000 as Pingyi reads them (templates in registry/workbooks.py).

- 评比达标表彰活动自查登记表 (registration form): one row a project → :class:`ProjectSpec`.
- 评比达标表彰活动自查统计表 (self-check statistics table): one row a registered project with
  the unit's proposal (保留 / 合并 / 撤销), the project it merges into and the reason.

Every problem names the file, the row, the column letter, the field and what was expected;
a file with any problem gives nothing (the caller writes nothing).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pingyi.inputs.p1_files import MAX_PROBLEMS, parse_bool
from pingyi.inputs.tables import ROW, Table, header_columns, read_table
from pingyi.registry.services import DecisionRow, ProjectSpec
from pingyi.rules import registry as rules
from pingyi.rules.errors import InputError, Problem, Where, gettext_noop

FORM_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "项目名称"),
    "organizer": ("organizer", "主办单位"),
    "organizer_kind": ("organizer_kind", "主办单位系统"),
    "level": ("level", "级别"),
    "cycle": ("cycle", "周期", "举办周期"),
    "target_group": ("target_group", "评选对象"),
    "self_established": ("self_established", "自行设置"),
    "basis_kind": ("basis_kind", "依据类别"),
    "basis_title": ("basis_title", "依据文件", "依据文件名称及文号"),
    "charges_fees": ("charges_fees", "收费"),
    "burdens_money": ("burdens_money", "要求出钱"),
    "burdens_goods": ("burdens_goods", "要求出物"),
    "burdens_labour": ("burdens_labour", "要求出工"),
    "improper_spending": ("improper_spending", "滥发钱物"),
    "established_on": ("established_on", "设立时间"),
    "reason": ("reason", "保留理由", "设立理由"),
    "money_saved": ("money_saved", "节约经费(元)", "节约经费（元）", "节约经费"),
}
FORM_REQUIRED: tuple[str, ...] = (
    "name",
    "organizer",
    "organizer_kind",
    "level",
    "cycle",
    "target_group",
    "basis_kind",
)
FLAGS = (
    "self_established",
    "charges_fees",
    "burdens_money",
    "burdens_goods",
    "burdens_labour",
    "improper_spending",
)
LIMITS = {"name": 200, "organizer": 200, "cycle": 60, "target_group": 200, "basis_title": 300}

STATS_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "项目名称"),
    "decision": ("decision", "自查意见"),
    "merge_into": ("merge_into", "并入项目"),
    "reason": ("reason", "理由", "意见理由"),
    "money_saved": ("money_saved", "节约经费(元)", "节约经费（元）", "节约经费"),
    # Written by the template for the unit's information; ignored on import.
    "suggestion": ("suggestion", "系统建议"),
    "rules": ("rules", "触发规则"),
}
STATS_REQUIRED = ("name", "decision")

CHOICES = {
    "organizer_kind": rules.ORGANIZER_WORDS,
    "level": rules.LEVEL_WORDS,
    "basis_kind": rules.BASIS_WORDS,
    "decision": rules.DECISION_WORDS,
}

E_REQUIRED = gettext_noop("empty; a value is required")
E_CHOICE = gettext_noop("%(value)r is not allowed; expected one of: %(expected)s")
E_BOOL = gettext_noop("%(value)r is not a yes/no value; expected 是 or 否 (or 1/0, yes/no)")
E_DATE = gettext_noop("%(value)r is not a date; expected YYYY-MM-DD, YYYY-MM or YYYY")
E_MONEY = gettext_noop(
    "%(value)r is not an amount of yuan; expected a number of at least 0 with at most two decimals"
)
E_TOO_LONG = gettext_noop("%(length)s characters; expected at most %(limit)s")
E_REPEATED = gettext_noop("project %(value)r repeats row %(first)s")
E_REGISTERED = gettext_noop("project %(value)r is registered for this unit already")
E_NO_BASIS_TITLE = gettext_noop(
    "empty; expected the title and number of the basis document when the basis is %(kind)s"
)
E_NOT_REGISTERED = gettext_noop("project %(value)r is not registered for this unit")
E_NO_TARGET = gettext_noop("project %(value)r is not registered in this clean-up")
E_AMBIGUOUS = gettext_noop(
    "several units registered a project %(value)r; expected a name that only one has"
)
E_NEEDS_TARGET = gettext_noop("empty; a merge needs the name of the project it merges into")
E_NO_ROWS = gettext_noop("no projects: the file has only a header")

_DATE = re.compile(r"^(\d{4})(?:[-./年](\d{1,2})(?:[-./月](\d{1,2})日?)?月?)?年?$")


def choice(field: str, text: str) -> str | None:
    """The code of a choice typed as its Chinese word or its code; None if neither."""
    words = CHOICES[field]
    folded = text.strip().casefold()
    for code, word in words.items():
        if folded in (code, word):
            return code
    return None


def expected(field: str) -> str:
    return "、".join(CHOICES[field].values())


def parse_date(text: str) -> dt.date | None:
    """2008-05-01, 2008-05, 2008, 2008年5月 (the first of the month or year); None if not."""
    raw = text.strip()
    try:
        return dt.date.fromisoformat(raw[:10])
    except ValueError:
        pass
    found = _DATE.match(raw)
    if not found:
        return None
    year, month, day = (int(g) if g else 1 for g in found.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_money(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0 or value.as_tuple().exponent < -2:  # type: ignore[operator]
        return None
    return value


@dataclass
class _Rows:
    """One table's cells by field, row by row, collecting problems."""

    table: Table
    cols: dict[str, int]
    problems: list[Problem]

    def __post_init__(self) -> None:
        self.values = {k: self.table.column(i).to_list() for k, i in self.cols.items()}
        self.rows: list[int] = self.table.frame.get_column(ROW).to_list()

    def cell(self, n: int, key: str) -> str | None:
        return self.values[key][n] if key in self.values else None

    def where(self, n: int, key: str) -> Where:
        return self.table.where(self.rows[n], self.cols[key])

    def problem(self, n: int, key: str, template: str, **params: Any) -> None:
        self.problems.append(Problem(self.where(n, key), template, params))


def _table(
    path: Path, label: str | None, names: dict[str, tuple[str, ...]], need: tuple[str, ...]
) -> _Rows:
    table = read_table(path, label)
    cols = header_columns(table, names, need)
    if table.frame.height == 0:
        raise InputError.one(Where(file=table.file), E_NO_ROWS)
    return _Rows(table, cols, [])


def _project(rows: _Rows, n: int) -> ProjectSpec | None:
    """One row of the registration form; None (and problems) when it is bad."""
    before = len(rows.problems)
    text: dict[str, str] = {}
    for key in FORM_COLUMNS:
        value = rows.cell(n, key)
        if value is None:
            if key in FORM_REQUIRED:
                rows.problem(n, key, E_REQUIRED)
            continue
        if key in LIMITS and len(value) > LIMITS[key]:
            rows.problem(n, key, E_TOO_LONG, length=len(value), limit=LIMITS[key])
        text[key] = value
    codes: dict[str, str] = {}
    for key in CHOICES:
        if key in text:
            code = choice(key, text[key])
            if code is None:
                rows.problem(n, key, E_CHOICE, value=text[key], expected=expected(key))
            else:
                codes[key] = code
    flags: dict[str, bool] = {}
    for key in FLAGS:
        flag = parse_bool(text.get(key))
        if flag is None:
            rows.problem(n, key, E_BOOL, value=text[key])
        flags[key] = bool(flag)
    basis = codes.get("basis_kind")
    if basis is not None and basis != rules.NO_BASIS and not text.get("basis_title"):
        where_key = "basis_title" if "basis_title" in rows.cols else "basis_kind"
        rows.problem(n, where_key, E_NO_BASIS_TITLE, kind=rules.BASIS_WORDS[basis])
    established = parse_date(text["established_on"]) if "established_on" in text else None
    if "established_on" in text and established is None:
        rows.problem(n, "established_on", E_DATE, value=text["established_on"])
    money = parse_money(text["money_saved"]) if "money_saved" in text else None
    if "money_saved" in text and money is None:
        rows.problem(n, "money_saved", E_MONEY, value=text["money_saved"])
    if len(rows.problems) > before:
        return None
    return ProjectSpec(
        name=text["name"],
        organizer=text["organizer"],
        organizer_kind=codes["organizer_kind"],
        level=codes["level"],
        cycle=text["cycle"],
        target_group=text["target_group"],
        basis_kind=codes["basis_kind"],
        basis_title=text.get("basis_title", ""),
        reason=text.get("reason", ""),
        established_on=established,
        money_saved=money,
        **flags,
    )


def read_registration_form(
    path: Path, label: str | None = None, *, registered: frozenset[str] = frozenset()
) -> list[ProjectSpec]:
    """Every project of a registration form; ``registered``: the unit's projects' names."""
    rows = _table(path, label, FORM_COLUMNS, FORM_REQUIRED)
    specs: list[ProjectSpec] = []
    first: dict[str, int] = {}
    for n, row in enumerate(rows.rows):
        spec = _project(rows, n)
        name = rows.cell(n, "name")
        if name is not None and name in first:
            rows.problem(n, "name", E_REPEATED, value=name, first=first[name])
            spec = None
        elif name is not None and name in registered:
            rows.problem(n, "name", E_REGISTERED, value=name)
            spec = None
        if name is not None:
            first.setdefault(name, row)
        if spec is not None:
            specs.append(spec)
        if len(rows.problems) >= MAX_PROBLEMS:
            break
    if rows.problems:
        raise InputError(rows.problems)
    return specs


def _target(rows: _Rows, n: int, targets: Mapping[str, list[int]]) -> int | None:
    name = rows.cell(n, "merge_into")
    if name is None:
        rows.problem(n, "merge_into" if "merge_into" in rows.cols else "decision", E_NEEDS_TARGET)
        return None
    found = targets.get(name, [])
    if len(found) != 1:
        rows.problem(n, "merge_into", E_AMBIGUOUS if found else E_NO_TARGET, value=name)
        return None
    return found[0]


def read_statistics_table(
    path: Path,
    label: str | None = None,
    *,
    own: Mapping[str, int],
    targets: Mapping[str, list[int]],
) -> list[DecisionRow]:
    """The unit's proposals. ``own``: the unit's projects by name; ``targets``: every project
    of the clean-up by name (a name two units registered is ambiguous as a merge target)."""
    rows = _table(path, label, STATS_COLUMNS, STATS_REQUIRED)
    decisions: list[DecisionRow] = []
    first: dict[str, int] = {}
    for n, row in enumerate(rows.rows):
        before = len(rows.problems)
        name, word = rows.cell(n, "name"), rows.cell(n, "decision")
        if name is None:
            rows.problem(n, "name", E_REQUIRED)
        elif name in first:
            rows.problem(n, "name", E_REPEATED, value=name, first=first[name])
        elif name not in own:
            rows.problem(n, "name", E_NOT_REGISTERED, value=name)
        if name is not None:
            first.setdefault(name, row)
        decision = choice("decision", word) if word is not None else None
        if word is None:
            rows.problem(n, "decision", E_REQUIRED)
        elif decision is None:
            rows.problem(n, "decision", E_CHOICE, value=word, expected=expected("decision"))
        target = _target(rows, n, targets) if decision == rules.MERGE else None
        money_text = rows.cell(n, "money_saved")
        money = parse_money(money_text) if money_text is not None else None
        if money_text is not None and money is None:
            rows.problem(n, "money_saved", E_MONEY, value=money_text)
        if len(rows.problems) == before and name is not None and decision is not None:
            decisions.append(
                DecisionRow(
                    rows.where(n, "decision"),
                    own[name],
                    decision,
                    rows.cell(n, "reason") or "",
                    target,
                    money,
                )
            )
        if len(rows.problems) >= MAX_PROBLEMS:
            break
    if rows.problems:
        raise InputError(rows.problems)
    return decisions
