"""The P2 input files: ORGS (code, name, sector, committee[, parent_code][, new][, violation]
[, members]) and SCORES (code, then total or one column per indicator)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from pingyi.inputs.p1_files import MAX_PROBLEMS, parse_bool
from pingyi.inputs.tables import ROW, Table, header_columns, length_problems, read_table
from pingyi.rules.errors import InputError, Listing, Problem, Where, gettext_noop
from pingyi.rules.grading import SECTORS, GradingScheme, Org, check_hierarchy
from pingyi.rules.scheme import parse_number

# Each field by its English name or a Chinese one (half- or full-width brackets); the first
# Chinese name is what the template writes.
ORG_COLUMNS = {
    "code": ("code", "编码", "代码", "党组织编码", "组织编码"),
    "name": ("name", "党组织名称", "名称", "组织名称"),
    "sector": ("sector", "领域", "类别", "所属领域"),
    "committee": (
        "committee",
        "党(工)委",
        "党（工）委",
        "党委",
        "基层党(工)委",
        "基层党（工）委",
        "所属党(工)委",
        "所属党（工）委",
    ),
    "parent_code": ("parent_code", "上级党组织编码", "上级", "上级党组织", "上级编码"),
    "new": ("new", "新建", "是否新建", "新成立"),
    "violation": ("violation", "违纪违法", "是否违纪违法", "有无违纪违法"),
    "members": ("members", "党员人数", "党员数"),
}
CODE_NAMES = ("code", "编码", "代码", "党组织编码", "组织编码")
REQUIRED = ("code", "name", "sector", "committee")
# How long each text may be: its column in the database (grading.PartyOrg, grading.Committee).
ORG_LENGTHS = {"code": 60, "name": 200, "committee": 200, "parent_code": 60}


def _members(value: object) -> tuple[bool, int | None]:
    """A cell of the members column: (readable, the number or None when empty)."""
    if value is None or str(value).strip() == "":
        return True, None
    text = str(value).strip()
    if text.endswith(".0"):  # a spreadsheet's number
        text = text[:-2]
    if text.isdigit() and int(text) >= 1:
        return True, int(text)
    return False, None


def read_orgs(path: Path, label: str | None = None) -> tuple[list[Org], dict[str, Where]]:
    table = read_table(path, label)
    cols = header_columns(table, ORG_COLUMNS, REQUIRED)
    if table.frame.height == 0:
        raise InputError.one(
            Where(file=table.file), gettext_noop("no organizations: the file has only a header")
        )
    values = {k: table.column(i).to_list() for k, i in cols.items()}
    orgs: list[Org] = []
    where: dict[str, Where] = {}
    problems = length_problems(table, {cols[k]: n for k, n in ORG_LENGTHS.items() if k in cols})
    for n, row in enumerate(table.frame.get_column(ROW).to_list()):
        cell = {k: values[k][n] for k in values}
        for key in REQUIRED:
            if cell[key] is None:
                problems.append(
                    Problem(
                        table.where(row, cols[key]), gettext_noop("empty; a value is required"), {}
                    )
                )
        sector = cell["sector"]
        if sector is not None and sector not in SECTORS and sector not in SECTORS.values():
            problems.append(
                Problem(
                    table.where(row, cols["sector"]),
                    gettext_noop("sector %(value)r is unknown; expected one of: %(known)s"),
                    {"value": sector, "known": Listing(SECTORS)},
                )
            )
        flags = {}
        for key in ("new", "violation"):
            flags[key] = parse_bool(cell.get(key))
            if flags[key] is None:
                problems.append(
                    Problem(
                        table.where(row, cols[key]),
                        gettext_noop(
                            "%(value)r is not a yes/no value; use 1/0, true/false, yes/no or 是/否"
                        ),
                        {"value": cell[key]},
                    )
                )
        readable, members = _members(cell.get("members"))
        if not readable:
            problems.append(
                Problem(
                    table.where(row, cols["members"]),
                    gettext_noop(
                        "%(value)r is not a number of party members (a whole number from 1)"
                    ),
                    {"value": cell["members"]},
                )
            )
        code = cell["code"]
        if code is not None and code in where:
            problems.append(
                Problem(
                    table.where(row, cols["code"]),
                    gettext_noop("organization code %(value)r repeats row %(first)s"),
                    {"value": code, "first": where[code].row},
                )
            )
        elif code is not None:
            where[code] = table.where(row, cols.get("parent_code", cols["code"]))
        if not problems and code is not None:
            sector_name = next((k for k, v in SECTORS.items() if v == sector), sector)
            orgs.append(
                Org(
                    code=code,
                    name=cell["name"] or "",
                    sector=sector_name or "",
                    committee=cell["committee"] or "",
                    parent_code=cell.get("parent_code"),
                    new=bool(flags["new"]),
                    violation=bool(flags["violation"]),
                    members=members,
                )
            )
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        raise InputError(problems)
    check_hierarchy(orgs, where)
    return orgs, where


def score_columns(
    table: Table, scheme: GradingScheme
) -> tuple[dict[str, int], dict[str, Fraction]]:
    """Where SCORES holds the code and the scores, and each score column's maximum: the
    ``total`` column (0..100), or one column per indicator of the scheme."""
    names: dict[str, tuple[str, ...]] = {
        "code": CODE_NAMES,
        "total": ("total", "总分", "得分", "合计"),
    }
    for indicator in scheme.indicators:
        names[indicator.code] = (indicator.code, indicator.name.casefold())
    cols = header_columns(table, names, ("code",))
    parts = [i for i in scheme.indicators if i.code in cols]
    if "total" not in cols and len(parts) != len(scheme.indicators):
        missing = [i.name for i in scheme.indicators if i.code not in cols]
        raise InputError.one(
            Where(file=table.file, row=table.header_row),
            gettext_noop("give a total column or every indicator; missing: %(missing)s"),
            missing=Listing(missing),
        )
    maxima = {i.code: i.maximum for i in parts}
    if "total" in cols:
        maxima = {"total": Fraction(100)}
    return cols, maxima


def read_scores(
    path: Path, orgs: list[Org], scheme: GradingScheme, label: str | None = None
) -> dict[str, Fraction]:
    """Each organization's total: the ``total`` column, or the sum of the indicator columns."""
    table = read_table(path, label)
    cols, maxima = score_columns(table, scheme)
    known = {o.code for o in orgs}
    totals: dict[str, Fraction] = {}
    problems: list[Problem] = []
    codes = table.column(cols["code"]).to_list()
    values = {k: table.column(cols[k]).to_list() for k in maxima}
    for n, row in enumerate(table.frame.get_column(ROW).to_list()):
        code = codes[n]
        if code is None or code not in known:
            problems.append(
                Problem(
                    table.where(row, cols["code"]),
                    gettext_noop("%(value)r is not an organization of the organizations file"),
                    {"value": code},
                )
            )
            continue
        if code in totals:
            problems.append(
                Problem(
                    table.where(row, cols["code"]),
                    gettext_noop("organization %(value)r is scored twice"),
                    {"value": code},
                )
            )
            continue
        total = Fraction(0)
        for key, maximum in maxima.items():
            number = parse_number(values[key][n]) if values[key][n] is not None else None
            if number is None or not 0 <= number <= maximum:
                problems.append(
                    Problem(
                        table.where(row, cols[key]),
                        gettext_noop("%(value)r is not a score from 0 to %(max)s"),
                        {"value": values[key][n], "max": maximum},
                    )
                )
                continue
            total += number
        totals[code] = total
        if len(problems) >= MAX_PROBLEMS:
            break
    for org in orgs:
        if org.code not in totals and not problems:
            problems.append(
                Problem(
                    Where(file=table.file),
                    gettext_noop("organization %(value)r has no score"),
                    {"value": org.code},
                )
            )
    if problems:
        raise InputError(problems[:MAX_PROBLEMS])
    return totals
