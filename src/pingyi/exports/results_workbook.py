"""The P1 results workbook a leader prints: a summary sheet, then one sheet per category.

Written by ``pingyi tally --xlsx`` and ``pingyi results --xlsx`` (through exports.outputs).
Rates are shown as the JSON publishes them (rounded per ``rate_percent_decimals``); flags were
decided before any rounding, by the rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from pingyi.exports.xlsx import (
    LINE_HEIGHT,
    Cell,
    Format,
    Formats,
    Workbook,
    Worksheet,
    fit_columns,
    formats,
    freeze_header,
    merged_text,
    open_workbook,
    print_setup,
    sheet_name,
    wrapped_lines,
    write_cell,
    write_row,
)
from pingyi.exports.yearend_sheet import YearEnd, write_yearend_sheet
from pingyi.rules.scheme import CategoryRule
from pingyi.rules.tally import TallyResult, UnitResult, published_rate

# Shown wherever a report names a flag (the reports are for Chinese offices).
FLAG_LABELS: dict[str, str] = {
    "winner": "优胜单位",
    "last": "末位单位",
    "rectify": "重点整改单位",
    "consecutive_last": "连续两年末位",
    "veto": "一票否决",
    "no_ballots": "无有效票",
}

# SPEC P1 "Consequences shown in reports" (seed 001, 七); shown, never computed.
_RECTIFY_TERM = "整改时间半年，期满由人大、政协组成考评小组考核验收"
CONSEQUENCES: dict[str, str] = {
    "winner": "通报表彰、授予荣誉奖牌，机关及下属单位年终目标管理奖上浮10%",
    "last": ("通报批评，写出书面整改报告，机关及下属单位年终目标管理奖下调10%；" + _RECTIFY_TERM),
    "rectify": "写出书面整改报告；" + _RECTIFY_TERM,
    "consecutive_last": "责成主要负责人引咎辞职或根据组织考察情况作降职、免职处理",
    "veto": "不得评为优胜单位，名次由其后单位递补",
}
CONSECUTIVE_LAST_VERTICAL = "评议结果通报其上一级主管部门，建议其主要负责人调离"
SUMMARY_FLAGS = ("winner", "last", "rectify", "consecutive_last", "veto")

DEFAULT_TITLE = "千人评议机关评议结果"
SUMMARY_SHEET = "汇总"
NO_GROUP = "未注明类别"
NONE_TEXT = "无"
BALLOTS_TITLE = "一、评议票情况"
GROUPS_TITLE = "二、有效票构成（按评议代表类别）"
OUTCOMES_TITLE = "三、评议结果及奖惩"
BALLOT_HEADER = ["项目", "张数", "说明"]
GROUP_HEADER = ["评议代表类别", "有效票", "实际占比", "目标占比", "差额"]
OUTCOME_HEADER = ["结论", "类别", "单位", "奖惩措施"]
SUMMARY_WIDTHS = (16, 18, 40, 12, 50)  # columns A–E of the summary sheet


def write_results_workbook(
    path: Path,
    result: TallyResult,
    *,
    title: str = "",
    issued: int | None = None,
    yearend: YearEnd | None = None,
) -> None:
    """Writes the results of one tally to ``path`` (overwriting it); a campaign's adds the
    年终评议 sheet (``yearend``: areas, kinds, supervision)."""
    title = title or DEFAULT_TITLE
    with open_workbook(path) as workbook:
        workbook.set_properties({"title": title, "author": "Pingyi 评议"})
        fmt = formats(workbook)
        taken: set[str] = set()
        summary = workbook.add_worksheet(sheet_name(SUMMARY_SHEET, taken))
        _write_summary(summary, fmt, result, title=title, issued=issued)
        for rule in result.scheme.categories:
            sheet = workbook.add_worksheet(sheet_name(rule.name, taken))
            _write_category(sheet, workbook, fmt, result, rule, title=title)
        if yearend is not None:
            write_yearend_sheet(workbook, fmt, taken, yearend, title=title)


# ---------------------------------------------------------------------------------- summary


@dataclass(frozen=True)
class GroupRow:
    name: str
    ballots: int
    share: Fraction | None  # of the valid ballots
    target: Fraction | None

    @property
    def gap(self) -> Fraction | None:
        """Actual share less the target, where both are known."""
        if self.share is None or self.target is None:
            return None
        return self.share - self.target


def group_rows(result: TallyResult) -> list[GroupRow]:
    """Valid ballots by evaluator group: every scheme group with a target (even at 0), then
    groups the scheme does not know, then ballots that named no group."""
    scheme = result.scheme
    counted: dict[str, int] = {}
    unknown: list[tuple[str, int]] = []
    for share in result.groups:
        rule = scheme.group_for(share.name)
        if rule is None:
            unknown.append((share.name, share.ballots))
        else:
            counted[rule.code] = counted.get(rule.code, 0) + share.ballots
    named = [
        (g.name, counted.get(g.code, 0), g.target_share)
        for g in scheme.groups
        if g.target_share is not None or g.code in counted
    ]
    rest = result.valid_ballots - sum(counted.values()) - sum(n for _, n in unknown)
    rows = named + [(name, n, None) for name, n in unknown]
    if rest > 0:
        rows.append((NO_GROUP, rest, None))
    valid = result.valid_ballots
    return [
        GroupRow(name, n, Fraction(n, valid) if valid else None, target) for name, n, target in rows
    ]


@dataclass(frozen=True)
class OutcomeRow:
    flag: str
    category: str
    units: str  # names joined with 、, or 无
    consequence: str


def outcome_rows(result: TallyResult) -> list[OutcomeRow]:
    """One row per flag and category that has such units; a 无 row for a flag nobody has."""
    rows: list[OutcomeRow] = []
    for flag in SUMMARY_FLAGS:
        block = []
        for rule in result.scheme.categories:
            units = [u for u in ranked(result, rule) if u.has(flag)]
            if units:
                names = "、".join(u.spec.name for u in units)
                block.append(OutcomeRow(flag, rule.name, names, consequence(flag, rule)))
        rows += block or [OutcomeRow(flag, "", NONE_TEXT, "")]
    return rows


def consequence(flag: str, rule: CategoryRule) -> str:
    if flag == "consecutive_last" and rule.vertical:
        return CONSECUTIVE_LAST_VERTICAL
    return CONSEQUENCES.get(flag, "")


def _write_summary(
    sheet: Worksheet, fmt: Formats, result: TallyResult, *, title: str, issued: int | None
) -> None:
    for col, width in enumerate(SUMMARY_WIDTHS):
        sheet.set_column(col, col, width)
    merged_text(sheet, 0, 0, 4, title, fmt.title)
    row = _write_ballots(sheet, fmt, result, issued, row=2)
    row = _write_groups(sheet, fmt, result, row=row + 1)
    row = _write_outcomes(sheet, fmt, result, row=row + 1)
    _write_rules_note(sheet, result, row=row + 1)
    print_setup(sheet, title=title, header_rows=0, landscape=True)
    sheet.activate()


def _write_ballots(
    sheet: Worksheet, fmt: Formats, result: TallyResult, issued: int | None, *, row: int
) -> int:
    write_cell(sheet, row, 0, BALLOTS_TITLE, fmt.bold)
    write_row(sheet, row + 1, BALLOT_HEADER, fmt.header)
    rows = ballot_rows(result, issued)
    for offset, values in enumerate(rows, start=row + 2):
        write_row(sheet, offset, list(values), [fmt.text, fmt.integer, fmt.wrap])
    return row + 2 + len(rows)


def ballot_rows(result: TallyResult, issued: int | None) -> list[tuple[str, int, str]]:
    """项目 | 张数 | 说明: ballots issued (when known), received, valid and invalid."""
    rows: list[tuple[str, int, str]] = []
    if issued is not None:
        rows.append(("发放评议表", issued, ""))
    rows += [
        ("收回评议表", result.total_ballots, ""),
        ("有效票", result.valid_ballots, ""),
        ("无效票", len(result.invalid), "空白票（全部弃权或未填）不计入统计"),
    ]
    return rows


def _write_groups(sheet: Worksheet, fmt: Formats, result: TallyResult, *, row: int) -> int:
    write_cell(sheet, row, 0, GROUPS_TITLE, fmt.bold)
    write_row(sheet, row + 1, GROUP_HEADER, fmt.header)
    cells = [fmt.text, fmt.integer, fmt.percent, fmt.percent, fmt.percent]
    row += 2
    for g in group_rows(result):
        write_row(sheet, row, [g.name, g.ballots, g.share, g.target, g.gap], cells)
        row += 1
    total = Fraction(1) if result.valid_ballots else None
    write_row(sheet, row, ["合计", result.valid_ballots, total, None, None], cells)
    return row + 1


def _write_outcomes(sheet: Worksheet, fmt: Formats, result: TallyResult, *, row: int) -> int:
    """结论 | 类别 | 单位 (two columns merged) | 奖惩措施, each flag's rows a block."""
    write_cell(sheet, row, 0, OUTCOMES_TITLE, fmt.bold)
    flag, category, units, consequences = OUTCOME_HEADER
    write_row(sheet, row + 1, [flag, category], fmt.header)
    merged_text(sheet, row + 1, 2, 3, units, fmt.header)
    write_cell(sheet, row + 1, 4, consequences, fmt.header)
    row += 2
    units_width = SUMMARY_WIDTHS[2] + SUMMARY_WIDTHS[3]
    rows = outcome_rows(result)
    for flag in SUMMARY_FLAGS:
        block = [r for r in rows if r.flag == flag]
        for offset, item in enumerate(block):
            write_cell(sheet, row + offset, 1, item.category, fmt.wrap)
            merged_text(sheet, row + offset, 2, 3, item.units, fmt.wrap)
            lines = max(
                wrapped_lines(item.units, units_width),
                -(-wrapped_lines(item.consequence, SUMMARY_WIDTHS[4]) // len(block)),
            )
            sheet.set_row(row + offset, LINE_HEIGHT * lines)
        _merge_runs(sheet, 0, row, [FLAG_LABELS[flag]] * len(block), fmt.wrap)
        _merge_runs(sheet, 4, row, [r.consequence for r in block], fmt.wrap)
        row += len(block)
    return row


def rules_notes(result: TallyResult) -> list[str]:
    """The 说明 under the summary: how marks score, what the rate is, who must rectify."""
    scheme = result.scheme
    points = "、".join(f"{m.label}{_number_text(m.points)}分" for m in scheme.marks)
    favourable = "+".join(m.label for m in scheme.marks if m.favourable)
    return [
        "说明：",
        f"1. 计分：{points}；未填视为{scheme.marks[scheme.abstain_index].label}。",
        f"2. 满意率 =（{favourable}）÷ 有效票；按平均分在各类别内排名，"
        "平均分相同的比满意率，再比满意票数。",
        f"3. 除末位单位外，满意率低于{_number_text(scheme.rectify_below * 100)}%的为重点整改单位。",
        *_both_note(result),
    ]


def _both_note(result: TallyResult) -> list[str]:
    """Why a unit is both a winner and a key rectification unit, when one is."""
    both = result.winners_to_rectify()
    if not both:
        return []
    names = "、".join(u.spec.name for u in both)
    threshold = _number_text(result.scheme.rectify_below * 100)
    return [
        f"4. {names}既是优胜单位又是重点整改单位：所在类别被评单位数不多于优胜名额，"
        f"按办法评为优胜单位；其满意率低于{threshold}%，按办法同时列为重点整改单位。"
    ]


def _write_rules_note(sheet: Worksheet, result: TallyResult, *, row: int) -> None:
    for offset, text in enumerate(rules_notes(result)):
        write_cell(sheet, row + offset, 0, text)


def runs(texts: Sequence[str]) -> list[tuple[int, int]]:
    """(first, last) index of each run of equal neighbours in ``texts``: the cells a report
    merges so that a consequence shared by a block of rows is said once."""
    found: list[tuple[int, int]] = []
    start = 0
    for end in range(1, len(texts) + 1):
        if end == len(texts) or texts[end] != texts[start]:
            found.append((start, end - 1))
            start = end
    return found


def _merge_runs(sheet: Worksheet, col: int, row: int, texts: Sequence[str], fmt: Format) -> None:
    """Writes ``texts`` down column ``col``, merging each run of equal neighbours."""
    for first, last in runs(texts):
        merged_text(sheet, row + first, col, col, texts[first], fmt, last_row=row + last)


def _number_text(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):g}"


# ---------------------------------------------------------------------------- categories


def ranked(result: TallyResult, rule: CategoryRule) -> list[UnitResult]:
    """The category's units by rank; unranked ones last, in the units' order."""
    units = [u for u in result.units if u.spec.category_code == rule.code]
    return sorted(units, key=lambda u: (u.rank is None, u.rank or 0))


def conclusion(unit: UnitResult) -> str:
    return "、".join(FLAG_LABELS[f] for f in unit.flags)


def category_header(result: TallyResult) -> list[str]:
    marks = [m.label for m in result.scheme.marks]
    return ["名次", "单位编码", "单位名称", *marks, "有效票", "得分", "平均分", "满意率", "结论"]


def category_kinds(result: TallyResult) -> list[str]:
    """What each column of :func:`category_header` holds, so that every writer shows it alike:
    ``rank``, ``code``, ``name``, ``mark`` (a count), ``valid``, ``score``, ``mean``, ``rate``
    (as published) or ``conclusion``."""
    marks = ["mark"] * len(result.scheme.marks)
    return ["rank", "code", "name", *marks, "valid", "score", "mean", "rate", "conclusion"]


def category_row(result: TallyResult, unit: UnitResult) -> list[Cell]:
    rate = unit.satisfaction_rate
    shown = published_rate(rate, result.scheme) if rate is not None else None
    return [
        unit.rank,
        unit.spec.code,
        unit.spec.name,
        *unit.counts,
        unit.valid_ballots,
        unit.score,
        unit.mean_score,
        shown,
        conclusion(unit),
    ]


def _write_category(
    sheet: Worksheet,
    workbook: Workbook,
    fmt: Formats,
    result: TallyResult,
    rule: CategoryRule,
    *,
    title: str,
) -> None:
    header = category_header(result)
    by_kind = {
        "rank": fmt.integer, "code": fmt.text, "name": fmt.text, "mark": fmt.integer,
        "valid": fmt.integer, "score": fmt.decimal, "mean": fmt.fine,
        "rate": fmt.rate(workbook, result.scheme.rate_percent_decimals), "conclusion": fmt.text,
    }  # fmt: skip
    cells = [by_kind[kind] for kind in category_kinds(result)]
    write_row(sheet, 0, header, fmt.header)
    rows = [category_row(result, unit) for unit in ranked(result, rule)]
    for number, values in enumerate(rows, start=1):
        write_row(sheet, number, values, cells)
    fit_columns(sheet, [header, *rows], minimum=6, maximum=40)
    freeze_header(sheet, rows=1, cols=3)
    sheet.autofilter(0, 0, max(len(rows), 1), len(header) - 1)
    print_setup(sheet, title=f"{title} — {rule.name}", header_rows=1, landscape=True)
