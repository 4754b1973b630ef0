"""分类定级汇总表, 明细表 and the committees' quotas as one workbook (the CLI's --xlsx).

The full report set of issue 4 (较差名单, 较差状况明细表, 一览表, PDF) builds on these rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pingyi.exports.xlsx import (
    Cell,
    Workbook,
    fit_columns,
    formats,
    freeze_header,
    open_workbook,
    print_setup,
    write_row,
)
from pingyi.rules.grading import GRADES, SECTORS, CommitteeCount, Graded

OVERRIDE_LABELS = {"violation": "违纪违法", "new": "新建", "inherited": "随党总支"}


def _sheet(
    workbook: Workbook,
    name: str,
    header: list[Cell],
    rows: list[list[Cell]],
    *,
    title: str,
    landscape: bool = False,
) -> None:
    sheet = workbook.add_worksheet(name)
    write_row(sheet, 0, header, formats(workbook).header)
    for number, row in enumerate(rows, start=1):
        write_row(sheet, number, row)
    fit_columns(sheet, [header, *rows])
    freeze_header(sheet)
    print_setup(sheet, title=title, landscape=landscape)


def summary_rows(graded: Sequence[Graded]) -> list[list[Cell]]:
    """Counts by sector × grade, and the total."""
    rows: list[list[Cell]] = []
    for sector in SECTORS:
        members = [g for g in graded if g.org.sector == sector]
        if members:
            rows.append(
                [sector, len(members), *(sum(g.grade == x for g in members) for x in GRADES)]
            )
    rows.append(["合计", len(graded), *(sum(g.grade == x for g in graded) for x in GRADES)])
    return rows


def detail_rows(graded: Sequence[Graded]) -> list[list[Cell]]:
    return [
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


def write_grading_workbook(
    path: Path, graded: Sequence[Graded], committees: Sequence[CommitteeCount]
) -> None:
    with open_workbook(path) as workbook:
        _sheet(
            workbook,
            "汇总表",
            ["领域", "党组织数", *GRADES],
            summary_rows(graded),
            title="分类定级汇总表",
        )
        _sheet(
            workbook,
            "明细表",
            ["编码", "党组织名称", "领域", "党(工)委", "总分", "等次", "调整", "需说明"],
            detail_rows(graded),
            title="分类定级明细表",
            landscape=True,
        )
        quotas: list[list[Cell]] = [
            [
                c.committee,
                c.orgs,
                *(c.counts[g] for g in GRADES),
                "是" if c.excellent_over_quota else "",
            ]
            for c in committees
        ]
        _sheet(
            workbook,
            "名额",
            ["党(工)委", "党组织数", *GRADES, "好等次超出名额"],
            quotas,
            title="各党(工)委等次名额",
        )
