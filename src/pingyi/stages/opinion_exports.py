"""The workbooks of 征求意见: the paper forms' template (what inputs.opinion_files reads back)
and the summaries — one line a unit, then every opinion — for the page's download and
`pingyi opinions export` alike."""

from __future__ import annotations

from pathlib import Path

from pingyi.accounts.actors import Actor
from pingyi.campaigns.models import Campaign
from pingyi.exports.input_templates import write_template
from pingyi.exports.xlsx import Cell, formats, freeze_header, open_workbook, write_row
from pingyi.stages import opinion_selectors as reads
from pingyi.stages.models import OpinionCategory

HELP = (
    "征求意见表录入说明",
    "一行填写一条意见：表号（纸质意见表上的编号）、被评单位（编码或名称）、意见类别（可空，由评议办梳理）、意见和建议。",
    "一张意见表对多个单位提意见时，每个单位一行，表号相同。",
    "已导入过的表号再次导入时整行拒绝，不会重复计入；文件中任何一格有误，整份文件不导入，并逐条指出文件、行、列和字段。",
    "意见表不记录填表人姓名、联系方式或填写时间。",
)


def write_opinion_template(path: Path, *, campaign: Campaign) -> None:
    units = list(campaign.units.order_by("position").values_list("code", "name"))
    write_template(
        path,
        sheet_name="征求意见表",
        columns=[
            ("表号", 12, None),
            ("被评单位", 24, [name for _code, name in units]),
            ("意见类别", 20, [str(label) for _value, label in OpinionCategory.choices]),
            ("意见和建议", 80, None),
        ],
        help_lines=HELP,
        lists=[("被评单位", [("编码", "名称"), *units])],
    )


def write_summaries(path: Path, *, campaign: Campaign, actor: Actor) -> None:
    """Both sheets; AccessDenied for anyone who may not read every opinion."""
    summary = reads.summaries_rows(reads.summaries(campaign=campaign, actor=actor))
    opinions = reads.opinions_rows(list(reads.campaign_opinions(campaign=campaign, actor=actor)))
    with open_workbook(path) as workbook:
        fmt = formats(workbook)
        for name, rows, widths in (
            ("意见汇总", summary, (12, 24, 10, 10, 10, 60, 12, 16)),
            ("意见明细", opinions, (12, 20, 10, 60, 40, 60, 12)),
        ):
            sheet = workbook.add_worksheet(name)
            for n, row in enumerate(rows):
                cells: list[Cell] = [v if isinstance(v, int | str) else str(v) for v in row]
                write_row(sheet, n, cells, fmt.header if n == 0 else fmt.wrap)
            for col, width in enumerate(widths):
                sheet.set_column(col, col, width)
            freeze_header(sheet)
