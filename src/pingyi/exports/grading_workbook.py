"""分类定级汇总表 and 明细表 as one workbook (the CLI's --xlsx); the full report set is issue 4."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pingyi.exports.xlsx import (
    Cell,
    fit_columns,
    formats,
    freeze_header,
    open_workbook,
    print_setup,
    write_row,
)
from pingyi.rules.grading import GRADES, SECTORS, CommitteeCount, Graded

OVERRIDE_LABELS = {"violation": "违纪违法", "new": "新建", "inherited": "随党总支"}


def write_grading_workbook(
    path: Path, graded: Sequence[Graded], committees: Sequence[CommitteeCount]
) -> None:
    with open_workbook(path) as workbook:
        fmt = formats(workbook)
        summary = workbook.add_worksheet("汇总表")
        header: list[Cell] = ["领域", "党组织数", *GRADES]
        rows: list[list[Cell]] = []
        for sector in SECTORS:
            members = [g for g in graded if g.org.sector == sector]
            if members:
                rows.append(
                    [sector, len(members), *(sum(g.grade == x for g in members) for x in GRADES)]
                )
        rows.append(["合计", len(graded), *(sum(g.grade == x for g in graded) for x in GRADES)])
        write_row(summary, 0, header, fmt.header)
        for n, row in enumerate(rows, start=1):
            write_row(summary, n, row)
        fit_columns(summary, [header, *rows])
        freeze_header(summary)
        print_setup(summary, title="分类定级汇总表")
        detail = workbook.add_worksheet("明细表")
        header = ["编码", "党组织名称", "领域", "党(工)委", "总分", "等次", "调整", "需说明"]
        table: list[list[Cell]] = [
            [
                g.org.code,
                g.org.name,
                g.org.sector,
                g.org.committee,
                float(g.total),
                g.grade,
                "、".join(OVERRIDE_LABELS.get(o, o) for o in g.overrides),
                "是" if g.needs_explanation else "",
            ]
            for g in graded
        ]
        write_row(detail, 0, header, fmt.header)
        for n, row in enumerate(table, start=1):
            write_row(detail, n, row)
        fit_columns(detail, [header, *table])
        freeze_header(detail)
        print_setup(detail, title="分类定级明细表", landscape=True)
        quota = workbook.add_worksheet("名额")
        header = ["党(工)委", "党组织数", *GRADES, "好等次超出名额"]
        lines: list[list[Cell]] = [
            [
                c.committee,
                c.orgs,
                *(c.counts[g] for g in GRADES),
                "是" if c.excellent_over_quota else "",
            ]
            for c in committees
        ]
        write_row(quota, 0, header, fmt.header)
        for n, row in enumerate(lines, start=1):
            write_row(quota, n, row)
        fit_columns(quota, [header, *lines])
        freeze_header(quota)
