"""The .xlsx templates of seed 000 that registry/files.py reads back, and the statistics sheet.

The first sheet of each template is the table itself (row 1 its header, which the reader
matches by name); the second sheet says how to fill it. Drop-downs (data validation) offer the
allowed words; the reader checks them again, since validation is easy to paste past.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pingyi.exports.input_templates import HELP_SHEET, ROWS, YES_NO
from pingyi.exports.xlsx import (
    Cell,
    Formats,
    Worksheet,
    drop_down,
    fit_columns,
    formats,
    freeze_header,
    open_workbook,
    print_setup,
    write_cell,
    write_row,
)
from pingyi.registry.access import Access
from pingyi.registry.models import Cleanup, RegisteringUnit
from pingyi.registry.selectors import Stats, project_rows
from pingyi.rules import registry as rules

FORM_SHEET = "自查登记表"
STATS_SHEET = "自查统计表"

# Header, width, drop-down (None: free text).
FORM_HEADER: list[tuple[str, int, Sequence[str] | None]] = [
    ("项目名称", 30, None),
    ("主办单位", 20, None),
    ("主办单位系统", 14, list(rules.ORGANIZER_WORDS.values())),
    ("级别", 10, list(rules.LEVEL_WORDS.values())),
    ("周期", 10, None),
    ("评选对象", 20, None),
    ("自行设置", 10, YES_NO),
    ("依据类别", 16, list(rules.BASIS_WORDS.values())),
    ("依据文件名称及文号", 30, None),
    ("收费", 8, YES_NO),
    ("要求出钱", 10, YES_NO),
    ("要求出物", 10, YES_NO),
    ("要求出工", 10, YES_NO),
    ("滥发钱物", 10, YES_NO),
    ("设立时间", 12, None),
    ("保留理由", 30, None),
    ("节约经费(元)", 14, None),
]
STATS_HEADER: list[tuple[str, int, Sequence[str] | None]] = [
    ("项目名称", 30, None),
    ("自查意见", 10, list(rules.DECISION_WORDS.values())),
    ("并入项目", 30, None),
    ("理由", 40, None),
    ("节约经费(元)", 14, None),
    ("系统建议", 10, None),
    ("触发规则", 40, None),
]

FORM_HELP = [
    "评比达标表彰活动自查登记表 填表说明",
    "",
    "1. 每个评比达标表彰项目填一行；第一行表头不要改动，不要插入或删除列，不要输入公式。",
    "2. 必填：项目名称、主办单位、主办单位系统、级别、周期、评选对象、依据类别。",
    "3. 主办单位系统、级别、依据类别从下拉列表选择；直属单位按其所属机关的系统填写。",
    "4. 依据类别不是“无”时，填写依据文件名称及文号。",
    "5. 自行设置、收费、要求出钱、要求出物、要求出工、滥发钱物填“是”或“否”（空白视为否）。",
    "6. 设立时间填 2008-05-01、2008-05 或 2008；节约经费填金额（元），可空。",
    "7. 任何一行有错误时整个文件不导入，错误信息列出文件、行、列和应填内容。",
]
STATS_HELP = [
    "评比达标表彰活动自查统计表 填表说明",
    "",
    "1. 每个已登记的项目一行，项目名称与登记时一致（模板已列出本单位已登记的项目）。",
    "2. 自查意见从下拉列表选择：保留、合并、撤销。",
    "3. 选“合并”时在“并入项目”填写保留项目的名称。",
    "4. 自查意见与“系统建议”不同时，必须填写理由。",
    "5. “系统建议”“触发规则”两列仅供参考，导入时不读取。",
    "6. 任何一行有错误时整个文件不导入。",
]


def _validate(sheet: Worksheet, header: list[tuple[str, int, Sequence[str] | None]]) -> None:
    for col, (title, width, items) in enumerate(header):
        sheet.set_column(col, col, width)
        if items:
            drop_down(sheet, col, items, title=title, rows=ROWS)


def _help(sheet: Worksheet, fmt: Formats, lines: list[str], title: str) -> None:
    for row, text in enumerate(lines):
        write_cell(sheet, row, 0, text, fmt.bold if row == 0 else None)
    sheet.set_column(0, 0, 100)
    print_setup(sheet, title=title, header_rows=0)


def write_form_template(path: Path, *, cleanup: Cleanup) -> None:
    """The registration form (自查登记表), empty, with its drop-downs."""
    with open_workbook(path) as workbook:
        fmt = formats(workbook)
        sheet = workbook.add_worksheet(FORM_SHEET)
        write_row(sheet, 0, [h for h, _, _ in FORM_HEADER], fmt.header)
        _validate(sheet, FORM_HEADER)
        freeze_header(sheet, rows=1, cols=1)
        print_setup(sheet, title=f"{cleanup.name} {FORM_SHEET}", landscape=True)
        _help(workbook.add_worksheet(HELP_SHEET), fmt, FORM_HELP, FORM_SHEET)


def write_stats_template(path: Path, *, cleanup: Cleanup, unit: RegisteringUnit) -> None:
    """The statistics table (自查统计表) listing the unit's registered projects, each with the
    rules' suggestion, for the unit to fill in its proposal."""
    rows = project_rows(cleanup, Access(units=frozenset({unit.pk})))
    with open_workbook(path) as workbook:
        fmt = formats(workbook)
        sheet = workbook.add_worksheet(STATS_SHEET)
        write_row(sheet, 0, [h for h, _, _ in STATS_HEADER], fmt.header)
        _validate(sheet, STATS_HEADER)
        for n, row in enumerate(rows, start=1):
            values: list[Cell] = [row.project.name, "", "", "", ""]
            values += [
                row.suggestion.word,
                "；".join(rules.RULE_TEXTS[r] for r in row.suggestion.rules),
            ]
            write_row(sheet, n, values, fmt.text)
        freeze_header(sheet, rows=1, cols=1)
        print_setup(sheet, title=f"{cleanup.name} {unit.name} {STATS_SHEET}", landscape=True)
        _help(workbook.add_worksheet(HELP_SHEET), fmt, STATS_HELP, STATS_SHEET)


PROJECTS_HEADER: list[Cell] = [
    "序号", "填报单位", "项目名称", "主办单位", "级别", "依据类别", "依据文件", "清理范围",
    "系统建议", "处理意见", "并入项目", "理由",
]  # fmt: skip


def _projects_sheet(workbook: Any, fmt: Formats, cleanup: Cleanup) -> None:
    """Every project: its basis documents, whether it is in scope, its effective decision."""
    rows = project_rows(cleanup, Access(read_all=True))
    lines: list[list[Cell]] = []
    for n, row in enumerate(rows, start=1):
        p, decision = row.project, row.decision
        scope = "在范围内"
        if p.exclusion:
            scope = "不属于清理范围：" + rules.EXCLUSION_WORDS[p.exclusion]
            scope += f"（{p.exclusion_note}）" if p.exclusion_note else ""
        documents = "\n".join(d.citation for d in p.documents.all()) or p.basis_title
        lines.append([
            n, p.unit.name, p.name, p.organizer, rules.LEVEL_WORDS.get(p.level, p.level),
            rules.BASIS_WORDS.get(p.basis_kind, p.basis_kind), documents, scope,
            row.suggestion.word if not p.exclusion else "—",
            rules.DECISION_WORDS[decision.decision] if decision and not p.exclusion else "—",
            decision.merge_into.name if decision and decision.merge_into else "",
            decision.reason if decision and not p.exclusion else "",
        ])  # fmt: skip
    sheet = workbook.add_worksheet("项目清单")
    write_row(sheet, 0, PROJECTS_HEADER, fmt.header)
    for n, values in enumerate(lines, start=1):
        write_row(sheet, n, values, [fmt.integer, *([fmt.wrap] * (len(values) - 1))])
    fit_columns(sheet, [PROJECTS_HEADER, *lines], minimum=6, maximum=40)
    freeze_header(sheet, rows=1, cols=0)
    print_setup(sheet, title=f"{cleanup.name} 项目清单", landscape=True)


def write_statistics(path: Path, *, cleanup: Cleanup, stats: Stats) -> None:
    """The clean-up's statistics per unit and in total (what the office reports upwards), the
    reason to publish below the target when there is one, and the list of every project."""
    header: list[Cell] = ["填报单位", "登记", "不属于清理范围", "保留", "合并", "撤销", "未决定"]
    header += ["暂停举办", "新设标记", "压减率", "节约经费(元)"]
    lines: list[list[Cell]] = [[unit.name, *_figures(tally)] for unit, tally in stats.units]
    lines.append(["合计", *_figures(stats.total)])
    with open_workbook(path) as workbook:
        fmt = formats(workbook)
        sheet = workbook.add_worksheet("统计")
        write_row(sheet, 0, header, fmt.header)
        cell_formats = [fmt.text, *([fmt.integer] * 8), fmt.text, fmt.decimal]
        for n, values in enumerate(lines, start=1):
            write_row(sheet, n, values, cell_formats)
        target = rules.percent_text(stats.total.target)
        write_cell(sheet, len(lines) + 2, 0, f"压减目标 ≥ {target}")
        if cleanup.publish_reason:
            rate = rules.percent_text(stats.total.reduction_rate)
            write_cell(sheet, len(lines) + 3, 0,
                       f"压减率 {rate} 低于目标，公示理由：{cleanup.publish_reason}")  # fmt: skip
        fit_columns(sheet, [header, *lines], minimum=8, maximum=40)
        print_setup(sheet, title=f"{cleanup.name} 统计", landscape=True)
        _projects_sheet(workbook, fmt, cleanup)


def _figures(tally: rules.Tally) -> list[Cell]:
    return [
        tally.registered,
        tally.excluded,
        tally.kept,
        tally.merged,
        tally.cancelled,
        tally.undecided,
        tally.suspended,
        tally.flagged,
        rules.percent_text(tally.reduction_rate),
        float(tally.money_saved),
    ]
