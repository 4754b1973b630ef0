"""The 年终评议 sheet of the P1 results workbook (seed 001 八.6, 五(二)): the paper ballots
collected per area (片区), the figures per kind of representatives with small kinds hidden
(rules.kinds, R12), and the on-site supervision and notarization. The office's Chinese
reports are written in Chinese, as the rest of the workbook."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from pingyi.exports.xlsx import (
    Cell,
    Formats,
    Workbook,
    merged_text,
    print_setup,
    sheet_name,
    write_cell,
    write_row,
)
from pingyi.rules.kinds import KindFigure

SHEET = "年终评议"
AREAS_TITLE = "一、各片区收回纸质评议表"
AREA_HEADER = ["片区", "批次", "导入张数", "其中空白票"]
NO_AREA = "未注明片区"
KINDS_TITLE = "二、按代表细分类别"
KIND_HEADER = ["评议代表类别", "代表细分类别", "有效票", "占本组比例", "占全部有效票", "满意率"]
HIDDEN = "不足%(k)s张或可据以推算，不予显示（匿名保护）"
SUPERVISION_TITLE = "三、现场监督和公证"
NOT_RECORDED = "尚未登记"


@dataclass(frozen=True)
class AreaRow:
    area: str  # "" for batches naming no area
    batches: int
    imported: int
    invalid: int


@dataclass(frozen=True)
class YearEnd:
    """What the sheet shows, read by ballots.selectors and campaigns' yearend selector."""

    k: int
    areas: Sequence[AreaRow] = ()
    kinds: Sequence[KindFigure] = ()
    supervisors: Sequence[tuple[str, str]] = ()  # (name, unit)
    notary_office: str = ""
    notary_reference: str = ""
    supervised_on: str = ""  # ISO date; "" not recorded


def supervision_lines(data: YearEnd) -> list[tuple[str, str]]:
    """项目 | 内容 of the supervision, as the sheet and the notice print them."""
    if not data.supervised_on:
        return [("现场监督和公证", NOT_RECORDED)]
    people = "、".join(f"{name}（{unit}）" for name, unit in data.supervisors)
    return [
        ("评议日期", data.supervised_on),
        ("现场监督人员", people),
        ("公证机构", data.notary_office),
        ("公证书编号", data.notary_reference),
    ]


def write_yearend_sheet(
    workbook: Workbook, fmt: Formats, taken: set[str], data: YearEnd, *, title: str
) -> None:
    sheet = workbook.add_worksheet(sheet_name(SHEET, taken))
    for col, width in enumerate((18, 18, 12, 14, 14, 12)):
        sheet.set_column(col, col, width)
    merged_text(sheet, 0, 0, 5, title, fmt.title)
    row = 2
    write_cell(sheet, row, 0, AREAS_TITLE, fmt.bold)
    write_row(sheet, row + 1, AREA_HEADER, fmt.header)
    row += 2
    for area in data.areas:
        values: list[Cell] = [area.area or NO_AREA, area.batches, area.imported, area.invalid]
        write_row(sheet, row, values, [fmt.text, fmt.integer, fmt.integer, fmt.integer])
        row += 1
    row += 1
    write_cell(sheet, row, 0, KINDS_TITLE, fmt.bold)
    write_row(sheet, row + 1, KIND_HEADER, fmt.header)
    row += 2
    for kind in data.kinds:
        write_row(sheet, row, [kind.group, kind.kind], fmt.text)
        if kind.hidden:
            merged_text(sheet, row, 2, 5, HIDDEN % {"k": data.k}, fmt.text)
        else:
            shares = [_number(kind.share_of_group), _number(kind.share_of_all), _number(kind.rate)]
            write_row(
                sheet,
                row,
                [kind.ballots, *shares],
                [fmt.integer, fmt.percent, fmt.percent, fmt.percent],
                col=2,
            )
        row += 1
    row += 1
    write_cell(sheet, row, 0, SUPERVISION_TITLE, fmt.bold)
    row += 1
    for label, text in supervision_lines(data):
        write_cell(sheet, row, 0, label, fmt.text)
        merged_text(sheet, row, 1, 5, text, fmt.text)
        row += 1
    print_setup(sheet, title=title, header_rows=0, landscape=True)


def _number(value: Fraction | None) -> float | None:
    return float(value) if value is not None else None
