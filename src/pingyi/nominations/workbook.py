"""The nominee list laid out for printing (A4, Chinese, headers repeated), for the web
download and `pingyi nominations export` alike: sheet 推荐名单 (every nominee with the chain of
levels that recommended them) and sheet 名额与比例 (each unit's quota, grassroots share, status
and the recorded reason of any departure)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from pingyi.exports.input_templates import YES_NO, write_template
from pingyi.exports.xlsx import (
    Cell,
    fit_columns,
    formats,
    freeze_header,
    open_workbook,
    print_setup,
    write_cell,
    write_row,
)
from pingyi.nominations.models import NominationRound
from pingyi.nominations.selectors import SlateRow, round_summary
from pingyi.rules import nominations as rules
from pingyi.rules.registry import percent_text

LIST_SHEET = "推荐名单"
QUOTA_SHEET = "名额与比例"
LIST_HEADER = ["序号", "姓名", "工作单位", "职务（岗位）", "职级", "基层一线", "单位领导",
               "推荐单位", "推荐层级", "状态", "主要事迹"]  # fmt: skip
QUOTA_HEADER = ["推荐单位", "上级推荐单位", "名额", "推荐人数", "超名额", "基层一线人数",
                "基层一线比例", "最低比例", "单位领导人数", "状态", "偏离说明（批准理由）",
                "退回理由"]  # fmt: skip
STATUS = {rules.DRAFT: "草稿", rules.SUBMITTED: "待上级审核", rules.RETURNED: "已退回",
          rules.APPROVED: "已批准"}  # fmt: skip
RANKS: dict[str, str] = dict(rules.RANK_WORDS)
DEPARTURES = {rules.OVER_QUOTA: "超名额", rules.FEW_GRASSROOTS: "基层一线比例不足"}


def _yes(value: bool) -> str:
    return "是" if value else "否"


def list_lines(rows: list[SlateRow]) -> list[list[Cell]]:
    lines: list[list[Cell]] = []
    for row in rows:
        for nominee in row.nominees:
            lines.append([
                len(lines) + 1, nominee.name, nominee.workplace, nominee.post,
                RANKS.get(nominee.rank, nominee.rank), _yes(nominee.grassroots),
                _yes(nominee.leader), row.unit.name, "→".join(row.levels),
                STATUS[row.slate.status], nominee.deeds,
            ])  # fmt: skip
    return lines


def quota_lines(rows: list[SlateRow]) -> list[list[Cell]]:
    lines: list[list[Cell]] = []
    for row in rows:
        f = row.figures
        departures = "、".join(DEPARTURES[d] for d in f.departures)
        note = row.slate.approval_reason
        lines.append([
            row.unit.name, row.unit.parent.name if row.unit.parent else "—",
            f.quota if f.quota is not None else "—", f.count, f.check.over or "",
            f.grassroots, percent_text(f.share), percent_text(f.minimum), f.leaders,
            STATUS[row.slate.status],
            f"{departures}：{note}" if note else departures,
            row.slate.return_reason,
        ])  # fmt: skip
    return lines


def write_nominees(path: Path, *, round_: NominationRound, rows: list[SlateRow]) -> None:
    summary = round_summary(round_, rows)
    nominees = list_lines(rows)
    quotas = quota_lines(rows)
    with open_workbook(path) as workbook:
        fmt = formats(workbook)
        sheet = workbook.add_worksheet(LIST_SHEET)
        write_row(sheet, 0, LIST_HEADER, fmt.header)
        for n, line in enumerate(nominees, start=1):
            write_row(sheet, n, line, [fmt.integer, *([fmt.text] * 10)])
        fit_columns(sheet, [LIST_HEADER, *nominees], minimum=6, maximum=40)
        freeze_header(sheet)
        print_setup(sheet, title=f"{round_.name} 推荐名单", landscape=True)

        sheet = workbook.add_worksheet(QUOTA_SHEET)
        write_row(sheet, 0, QUOTA_HEADER, fmt.header)
        for n, line in enumerate(quotas, start=1):
            write_row(sheet, n, line, [fmt.text, fmt.text, *([fmt.integer] * 4), fmt.text,
                                       fmt.text, fmt.integer, *([fmt.text] * 3)])  # fmt: skip
        total = len(quotas) + 1
        write_row(sheet, total, [
            "合计（已批准）", "", round_.quota, summary.approved,
            max(0, summary.approved - round_.quota) or "", summary.approved_grassroots,
            percent_text(summary.share), percent_text(Fraction(round_.grassroots_minimum)),
            summary.approved_leaders, "", round_.notice_reason, "",
        ], fmt.header)  # fmt: skip
        project = round_.project
        write_cell(sheet, total + 2, 0, f"表彰项目：{project.name}（{project.organizer}）")
        if round_.notice_start and round_.notice_end:
            write_cell(sheet, total + 3, 0, f"公示期：{round_.notice_start:%Y-%m-%d} 至 "
                                            f"{round_.notice_end:%Y-%m-%d}")  # fmt: skip
        fit_columns(sheet, [QUOTA_HEADER, *quotas], minimum=6, maximum=40)
        freeze_header(sheet)
        print_setup(sheet, title=f"{round_.name} 名额与比例", landscape=True)


TEMPLATE_SHEET = "推荐名单"
TEMPLATE_HELP = (
    "推荐名单录入说明",
    "一行填写一名被推荐人：姓名、工作单位、职务（岗位）、职级必填；基层一线、单位领导填“是”或“否”（空白按“否”）；主要事迹可空。",
    "职级填写：一般干部职工、科级、县处级、厅局级及以上（可从下拉列表选择）。",
    "单位领导不计入基层一线，同一行两项不能都填“是”。",
    "导入的名单整份替换本单位草稿名单中的被推荐人；文件中任何一格有误，整份文件不导入，并逐条指出文件、行、列和字段。",
    "名单只能在草稿或被退回时导入；导入后请在页面上核对名额和基层一线比例，再报送上级。",
)


def write_nominee_template(path: Path, *, unit_name: str) -> None:
    """The template a unit fills its list into (what inputs.nominee_files reads back)."""
    write_template(
        path,
        sheet_name=TEMPLATE_SHEET,
        columns=[
            ("姓名", 12, None),
            ("工作单位", 30, None),
            ("职务（岗位）", 24, None),
            ("职级", 16, list(rules.RANK_WORDS.values())),
            ("基层一线", 10, YES_NO),
            ("单位领导", 10, YES_NO),
            ("主要事迹", 60, None),
        ],
        help_lines=(*TEMPLATE_HELP, f"推荐单位：{unit_name}"),
    )
