"""The ledger as a workbook (整改台账): one row per item, the columns the import reads back.

Like the other office documents it is written in Chinese. Overdue items are marked in their
own column and highlighted; the first column is the item's number that the import expects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from pingyi.exports.xlsx import (
    drop_down,
    fit_columns,
    formats,
    freeze_header,
    open_workbook,
    write_row,
)
from pingyi.rectification.models import Item
from pingyi.rules import ledger as rules

HEADER = [
    "编号", "单位", "依据", "问题", "整改措施", "量化目标", "责任人", "完成时限", "状态",
    "逾期", "进展", "日期",
]  # fmt: skip
BASIS = {"last": "末位单位", "rectify": "重点整改单位", "fair": "一般", "poor": "较差"}


def ledger_row(item: Item, today: dt.date) -> list[str | int]:
    overdue = rules.is_overdue(deadline=item.deadline, status=item.status, today=today)
    return [
        item.pk,
        item.plan.unit_name,
        BASIS.get(item.plan.basis, item.plan.basis),
        item.description,
        item.measures,
        item.target,
        item.owner,
        item.deadline.isoformat(),
        rules.STATUS_LABELS[item.status],
        "逾期" if overdue else "",
        "",  # 进展 and 日期: filled in by the unit, read back by the import
        "",
    ]


def write_ledger(path: Path, items: Iterable[Item], *, today: dt.date) -> int:
    """Writes the ledger; returns the number of items."""
    count = 0
    with open_workbook(path) as workbook:
        fmt = formats(workbook)
        warn = workbook.add_format({"border": 1, "bg_color": "#FFF8C5", "bold": True})
        sheet = workbook.add_worksheet("整改台账")
        write_row(sheet, 0, HEADER, fmt.header)
        rows: list[list[str | int]] = []
        for count, item in enumerate(items, start=1):
            row = ledger_row(item, today)
            styles = [warn if row[9] else fmt.text] * len(row)
            write_row(sheet, count, row, styles)
            rows.append(row)
        freeze_header(sheet)
        fit_columns(sheet, [HEADER, *rows])
        # The statuses a unit may set by the import (a close-out is approved on the page).
        moves = [rules.STATUS_LABELS[s] for s in (rules.NOT_STARTED, rules.IN_PROGRESS, rules.DONE)]
        drop_down(sheet, HEADER.index("状态"), moves, title="状态", rows=max(count, 500))
    return count
