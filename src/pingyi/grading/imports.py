"""The assessment groups' scoring sheets as one file (.csv, .xlsx or .xls), for many
organizations (template: exports/input_templates.py).

Header: ``code`` (or 党组织编码; a 党组织名称 column is ignored), then one column per
indicator of the round's rubric (its code or Chinese name; the survey's indicator
excluded), and for each a reason column (``<code>_reason`` or
``<name>扣分理由``), which every deduction needs. Every problem is reported with file, row
and column; when there is any, nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from pingyi.grading.models import GradingRound, PartyOrg, RubricIndicator
from pingyi.inputs.p2_files import CODE_NAMES
from pingyi.inputs.tables import ROW, header_columns, read_table
from pingyi.rules.errors import InputError, Problem, gettext_noop
from pingyi.rules.grading import number_text
from pingyi.rules.scheme import parse_number

P_UNKNOWN = gettext_noop("%(value)r is not an organization of this round")
P_TWICE = gettext_noop("organization %(value)r is scored twice")
P_ASSESSED = gettext_noop("organization %(value)r is already assessed")
P_OTHER_RUBRIC = gettext_noop("organization %(value)r is scored on the rubric of its sector")
P_SCORE = gettext_noop("%(value)r is not a score from 0 to %(max)s with at most two decimals")
P_REASON = gettext_noop("%(deducted)s points deducted need a written reason")


@dataclass(frozen=True)
class SheetRow:
    org: PartyOrg
    scores: dict[str, Fraction]
    reasons: dict[str, str]


def _names(rows: list[RubricIndicator]) -> dict[str, tuple[str, ...]]:
    # The organization's name (the template writes it beside the code) is read without effect.
    names: dict[str, tuple[str, ...]] = {"code": CODE_NAMES, "name": ("name", "名称", "党组织名称")}
    for row in rows:
        names[row.code] = (row.code.casefold(), row.name.casefold())
        names[f"{row.code}_reason"] = (f"{row.code}_reason", f"{row.name}扣分理由")
    return names


def read_assessment_sheet(
    grading_round: GradingRound, rubric: list[RubricIndicator], path: Path, label: str
) -> list[SheetRow]:
    """The sheet's rows, checked against the round; InputError listing every problem."""
    rows = [r for r in rubric if not r.survey]
    table = read_table(path, label)
    cols = header_columns(table, _names(rows), ("code", *(r.code for r in rows)))
    orgs = {
        o.code: o
        for o in PartyOrg.objects.filter(round=grading_round).select_related(
            "assessment", "round", "committee"
        )
    }
    own_rubric = set(grading_round.indicators.exclude(sector="").values_list("sector", flat=True))
    values = {k: table.column(i).to_list() for k, i in cols.items()}
    problems: list[Problem] = []
    found: list[SheetRow] = []
    seen: set[str] = set()
    for n, line in enumerate(table.frame.get_column(ROW).to_list()):
        code = values["code"][n]

        def bad(key: str, template: str, **params: object) -> None:
            problems.append(Problem(table.where(line, cols[key]), template, params))  # noqa: B023

        org = orgs.get(code or "")
        if org is None or code in seen:
            bad("code", P_UNKNOWN if org is None else P_TWICE, value=code)
            continue
        seen.add(org.code)
        if hasattr(org, "assessment") or org.sector in own_rubric:
            bad("code", P_ASSESSED if hasattr(org, "assessment") else P_OTHER_RUBRIC, value=code)
            continue
        scores: dict[str, Fraction] = {}
        reasons: dict[str, str] = {}
        for row in rows:
            raw = values[row.code][n]
            score = parse_number(raw) if raw is not None else None
            maximum = Fraction(row.maximum)
            if score is None or not 0 <= score <= maximum or (score * 100).denominator != 1:
                bad(row.code, P_SCORE, value=raw, max=number_text(maximum))
                continue
            reason = (values.get(f"{row.code}_reason") or [None] * (n + 1))[n] or ""
            if score < maximum and not reason.strip():
                key = f"{row.code}_reason" if f"{row.code}_reason" in cols else row.code
                bad(key, P_REASON, deducted=number_text(maximum - score))
            scores[row.code], reasons[row.code] = score, reason.strip()
        found.append(SheetRow(org, scores, reasons))
        if len(problems) >= 50:
            break
    if problems:
        raise InputError(problems[:50])
    return found
