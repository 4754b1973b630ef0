"""The results-application workbook (评议结果运用表) of one campaign, for the personnel and
assessment offices (seed 001, 七.(二).6: 评议结果与机关效能建设工作考核相结合).

A summary sheet, one row a unit: its conclusion, its net 目标管理奖 adjustment, its
consequences and how many are still open; then one sheet per unit, one row a consequence with
its follow-up. Chinese headers (the offices are Chinese), A4, header rows repeated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from pingyi.exports.results_workbook import FLAG_LABELS
from pingyi.exports.xlsx import (
    Cell,
    fit_columns,
    formats,
    freeze_header,
    open_workbook,
    print_setup,
    sheet_name,
    write_row,
)
from pingyi.rules import consequences as rules

if TYPE_CHECKING:
    from pingyi.office.consequences import Row, UnitBlock

SUMMARY_SHEET = "汇总"
SUMMARY_HEADER = [
    "序号",
    "类别",
    "单位",
    "评议结论",
    "目标管理奖调整",
    "奖惩措施",
    "未办结",
    "逾期",
]
UNIT_HEADER = [
    "序号",
    "奖惩措施",
    "依据（方案七）",
    "目标管理奖调整",
    "须确认事项",
    "办理期限",
    "办理状态",
    "办结日期",
    "经办人",
    "备注",
    "附件",
]
PENDING, DONE, OVERDUE = "待办", "已办结", "逾期"
NO_FLAGS = "无"


def title_of(campaign_name: str) -> str:
    return f"{campaign_name}评议结果运用表"


def conclusion(flags: Sequence[str]) -> str:
    return "、".join(FLAG_LABELS.get(f, f) for f in flags) or NO_FLAGS


def state(row: Row) -> str:
    if row.consequence.status == "done":
        return DONE
    return OVERDUE if row.overdue else PENDING


def adjustment(text: str) -> Fraction | None:
    return Fraction(text) if text else None


def _day(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def summary_rows(blocks: Sequence[UnitBlock]) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for number, block in enumerate(blocks, start=1):
        measures = "；".join(rules.KIND_TEXT[r.consequence.kind] for r in block.rows)
        open_ = sum(1 for r in block.rows if r.consequence.status != "done")
        rows.append(
            [
                number,
                block.category,
                block.name,
                conclusion(block.flags),
                block.bonus,
                measures,
                open_,
                block.overdue,
            ]
        )
    return rows


def unit_rows(block: UnitBlock) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for number, row in enumerate(block.rows, start=1):
        c = row.consequence
        rows.append(
            [
                number,
                rules.KIND_TEXT[c.kind],
                rules.KIND_CLAUSE[c.kind],
                adjustment(c.adjustment),
                c.condition + ("（已确认）" if c.checked else ""),
                _day(c.due_on),
                state(row),
                _day(c.done_on),
                c.done_by,
                c.note,
                c.file_name,
            ]
        )
    return rows


def write_consequences_workbook(
    path: Path, blocks: Sequence[UnitBlock], *, campaign_name: str
) -> None:
    title = title_of(campaign_name)
    with open_workbook(path) as workbook:
        workbook.set_properties({"title": title, "author": "Pingyi 评议"})
        fmt = formats(workbook)
        taken: set[str] = set()
        sheet = workbook.add_worksheet(sheet_name(SUMMARY_SHEET, taken))
        write_row(sheet, 0, SUMMARY_HEADER, fmt.header)
        cells = [fmt.integer, fmt.text, fmt.text, fmt.wrap, fmt.percent, fmt.wrap]
        cells += [fmt.integer, fmt.integer]
        body = summary_rows(blocks)
        for offset, values in enumerate(body, start=1):
            write_row(sheet, offset, values, cells)
        fit_columns(sheet, [SUMMARY_HEADER, *body], maximum=50)
        print_setup(sheet, title=title, landscape=True)
        freeze_header(sheet)
        sheet.activate()
        unit_cells = [fmt.integer, fmt.wrap, fmt.text, fmt.percent, fmt.wrap]
        unit_cells += [fmt.text, fmt.text, fmt.text, fmt.text, fmt.wrap, fmt.text]
        for block in blocks:
            unit = workbook.add_worksheet(sheet_name(block.name, taken))
            write_row(unit, 0, UNIT_HEADER, fmt.header)
            rows = unit_rows(block)
            for offset, values in enumerate(rows, start=1):
                write_row(unit, offset, values, unit_cells)
            fit_columns(unit, [UNIT_HEADER, *rows], maximum=40)
            print_setup(unit, title=f"{title}（{block.name}）", landscape=True)
            freeze_header(unit)
