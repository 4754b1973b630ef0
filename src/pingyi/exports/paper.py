"""Paper ballots: the printable form (PDF) and the data-entry template (xlsx) that reads it.

The template's first sheet is the BALLOTS file of SPEC P1 with no rows yet: its header
(票号 and 评议代表类别 — ballot_no and group by their Chinese names — then every unit code in
position order) is what the paper import reads (the campaign page's upload, or
``pingyi ballots import``), so do not add rows above it or sheets before it. The form
numbers its units in the same order, so a clerk types a form left to right along a row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle
from xlsxwriter.utility import xl_col_to_name

from pingyi.exports.pdf import (
    MARGIN,
    escape,
    headed_table,
    register_cjk_font,
    styles,
    write_story,
)
from pingyi.exports.xlsx import (
    Formats,
    Workbook,
    Worksheet,
    display_width,
    fit_columns,
    formats,
    freeze_header,
    open_workbook,
    print_setup,
    write_cell,
    write_row,
)
from pingyi.rules.scheme import Criterion, Scheme

ENTRY_SHEET = "录入"
HELP_SHEET = "说明"
LISTS_SHEET = "选项"  # hidden; only when a drop-down list is too long to write inline
BALLOT_NO, GROUP = "票号", "评议代表类别"  # p1_files.BALLOT_NO and GROUP read them
MAX_ROWS = 1_048_575  # Excel's last row, less the header
INLINE_LIST_LIMIT = 255  # Excel's limit for a list written into the validation itself


@dataclass(frozen=True)
class PaperUnit:
    position: int
    code: str
    name: str
    category_id: int
    category: str  # its name


@dataclass(frozen=True)
class PaperBallot:
    """What a campaign's paper ballot and its entry template show, from
    campaigns.selectors.paper_ballot: exports reads no model (issue 11)."""

    name: str
    scheme: Scheme
    units: Sequence[PaperUnit]  # in position order
    groups: Sequence[str]  # the evaluator groups' names, in their order


# ------------------------------------------------------------------- data-entry template


def write_entry_template(path: Path, *, paper: PaperBallot, rows: int = 1200) -> None:
    """Writes the xlsx template for typing ``rows`` paper ballots of a campaign."""
    if not 1 <= rows <= MAX_ROWS:
        raise ValueError(f"rows must be between 1 and {MAX_ROWS}; got {rows}")
    units, scheme, groups = paper.units, paper.scheme, list(paper.groups)
    marks = [m.label for m in scheme.marks]
    with open_workbook(path) as workbook:
        fmt = formats(workbook)
        sheet = workbook.add_worksheet(ENTRY_SHEET)
        lists = _Lists(workbook)
        _entry_header(workbook, sheet, fmt, units, groups=groups, marks=marks)
        _entry_validation(sheet, lists, units=len(units), rows=rows, groups=groups, marks=marks)
        freeze_header(sheet, rows=1, cols=2)
        help_sheet = workbook.add_worksheet(HELP_SHEET)
        abstain = marks[scheme.abstain_index]
        _help(help_sheet, fmt, paper.name, units, groups=groups, marks=marks, abstain=abstain)
        lists.finish()


def _entry_header(
    workbook: Workbook,
    sheet: Worksheet,
    fmt: Formats,
    units: Sequence[PaperUnit],
    *,
    groups: Sequence[str],
    marks: Sequence[str],
) -> None:
    write_row(sheet, 0, [BALLOT_NO, GROUP, *(u.code for u in units)], fmt.header)
    as_text = workbook.add_format({"num_format": "@"})  # 0012 stays 0012
    sheet.set_column(0, 0, 12, as_text)
    sheet.set_column(1, 1, max([10, *(display_width(g) + 4 for g in groups)]))
    mark_width = max(display_width(m) for m in marks) + 4  # room for the drop-down arrow
    for col, unit in enumerate(units, start=2):
        sheet.set_column(col, col, max(mark_width, display_width(unit.code) + 2))
        note = f"{unit.position + 1}. {unit.name}\n类别：{unit.category}"
        sheet.write_comment(0, col, note, {"x_scale": 2, "y_scale": 0.8})


class _Lists:
    """The source of a drop-down: inline when Excel allows, else a range on a hidden sheet."""

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self.columns: list[Sequence[str]] = []

    def source(self, items: Sequence[str]) -> list[str] | str:
        inline = len(",".join(items).encode("utf-16-le")) // 2 <= INLINE_LIST_LIMIT
        if inline and not any("," in i or '"' in i for i in items):
            return list(items)
        self.columns.append(items)
        col = xl_col_to_name(len(self.columns) - 1)
        return f"='{LISTS_SHEET}'!${col}$1:${col}${len(items)}"

    def finish(self) -> None:
        if not self.columns:
            return
        sheet = self.workbook.add_worksheet(LISTS_SHEET)
        for col, items in enumerate(self.columns):
            for row, item in enumerate(items):
                write_cell(sheet, row, col, item)
        sheet.hide()


def _entry_validation(
    sheet: Worksheet,
    lists: _Lists,
    *,
    units: int,
    rows: int,
    groups: Sequence[str],
    marks: Sequence[str],
) -> None:
    sheet.data_validation(
        1, 0, rows, 0,
        {
            "validate": "custom",
            "value": f"=COUNTIF($A$2:$A${rows + 1},A2)<=1",
            "error_title": "票号重复",
            "error_message": "每张测评表只录入一行，票号不能重复。",
        },
    )  # fmt: skip
    if groups:
        sheet.data_validation(
            1, 1, rows, 1,
            {
                "validate": "list",
                "source": lists.source(groups),
                "error_title": "评议代表类别",
                "error_message": "请从下拉列表中选择评议代表类别。",
            },
        )  # fmt: skip
    if units:
        sheet.data_validation(
            1, 2, rows, units + 1,
            {
                "validate": "list",
                "source": lists.source(marks),
                "error_title": "评价",
                "error_message": ("请从下拉列表中选择：" + "、".join(marks))[:200],
            },
        )  # fmt: skip


def _help(
    sheet: Worksheet,
    fmt: Formats,
    name: str,
    units: Sequence[PaperUnit],
    *,
    groups: Sequence[str],
    marks: Sequence[str],
    abstain: str,
) -> None:
    lines = [
        f"{name} 纸质测评表录入说明",
        "",
        f"1. 每张纸质测评表录入一行（“{ENTRY_SHEET}”表），第一行表头不要改动，不要插入或删除列。",
        f"2. {BALLOT_NO} 列填票号，票号不能重复；同一票号再次导入会被拒绝。",
        f"3. {GROUP} 列从下拉列表选择评议代表类别：{'、'.join(groups) or '（无）'}。",
        f"4. 其余每列是一个被评单位（表头为单位编码，列的顺序与测评表序号一致，"
        f"鼠标移到编码上可看到单位名称），从下拉列表选择：{'、'.join(marks)}。",
        f"5. 未填的格视为“{abstain}”；全部未填或全部弃权的测评表为无效票，不计入统计。",
        "6. 不要输入公式；录入完成后保存本文件，在评议活动页面的“导入纸质评议表”处上传。",
        "",
    ]
    for row, text in enumerate(lines):
        write_cell(sheet, row, 0, text, fmt.bold if row == 0 else None)
    header = ["序号", "单位编码", "单位名称", "类别", "录入列"]
    table = [
        [u.position + 1, u.code, u.name, u.category, xl_col_to_name(col)]
        for col, u in enumerate(units, start=2)
    ]
    start = len(lines)
    write_row(sheet, start, header, fmt.header)
    for row, values in enumerate(table, start=start + 1):
        write_row(sheet, row, values, [fmt.integer, fmt.text, fmt.text, fmt.text, fmt.text])
    fit_columns(sheet, [header, *table], minimum=8, maximum=40)
    print_setup(sheet, title=f"{name} 纸质测评表录入说明", header_rows=0)


# ----------------------------------------------------------------------------- the form


def write_ballot_form(path: Path, *, paper: PaperBallot) -> None:
    """Writes the printable A4 paper ballot of a campaign as a PDF (fonts embedded)."""
    font = register_cjk_font()
    scheme = paper.scheme
    form = _Form(
        name=paper.name,
        font=font,
        marks=[m.label for m in scheme.marks],
        abstain=scheme.marks[scheme.abstain_index].label,
        units=paper.units,
        groups=paper.groups,
        criteria=scheme.criteria,
    )
    write_story(path, form.story, title=form.title, font=font)


def _title(name: str) -> str:
    return name if name.endswith("测评表") else f"{name}测评表"


class _Form:
    """The paper ballot's story: title, instructions, ballot number and group, unit tables."""

    NUMBER_WIDTH = 12 * mm
    NAME_WIDTH = 78 * mm
    PADDING = 6  # points above and below a unit's name: room to tick, and to wrap

    def __init__(
        self,
        *,
        name: str,
        font: str,
        marks: Sequence[str],
        abstain: str,
        units: Sequence[PaperUnit],
        groups: Sequence[str],
        criteria: Sequence[Criterion] = (),
    ) -> None:
        self.font, self.marks, self.abstain = font, marks, abstain
        self.units, self.groups, self.criteria = units, groups, criteria
        self.title = _title(name)
        self.style = styles(font)

    def story(self) -> list[Flowable]:
        notes = (
            "说明：1. 请在每个被评单位相应的评价栏内打“√”，每个单位只选一项；"
            f"2. 不填视为{self.abstain}；"
            "3. 本表无记名，请勿填写姓名或作其他标记。"
        )
        story: list[Flowable] = [
            Paragraph(escape(self.title), self.style.title),
            Paragraph(escape(notes), self.style.body),
            *self._criteria(),
            Spacer(1, 3 * mm),
            self._ballot_box(),
        ]
        # Runs of one category in position order, so that the form's order is the template's.
        for _category, members in groupby(self.units, key=lambda u: u.category_id):
            story += [Spacer(1, 4 * mm), self._unit_table(list(members))]
        return story

    def _criteria(self) -> list[Flowable]:
        """评议内容 (seed 001 四): what to judge each unit by, above the tables."""
        if not self.criteria:
            return []
        # A hanging indent keeps each criterion's number and name at the margin.
        hanging = ParagraphStyle(
            "criterion", parent=self.style.small, leftIndent=4 * mm, firstLineIndent=-4 * mm
        )
        lines = [Paragraph("评议内容：", self.style.body)]
        lines += [
            Paragraph(f"{i}. {escape(c.name)}：{escape(c.description)}", hanging)
            for i, c in enumerate(self.criteria, 1)
        ]
        return [Spacer(1, 2 * mm), *lines]

    def _ballot_box(self) -> Table:
        ticks = "　　".join(f"□ {escape(g)}" for g in self.groups)
        data = [
            ["票号（工作人员填写）", "", "评议代表类别", Paragraph(ticks, self.style.cell)],
        ]
        width = A4[0] - 2 * MARGIN
        table = Table(data, colWidths=[40 * mm, 30 * mm, 28 * mm, width - 98 * mm])
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), self.font),
                    ("FONTSIZE", (0, 0), (-1, -1), 10.5),
                    ("BOX", (1, 0), (1, 0), 1, colors.black),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("TOPPADDING", (0, 0), (-1, -1), self.PADDING),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), self.PADDING),
                    ("ALIGN", (0, 0), (0, 0), "RIGHT"),
                    ("ALIGN", (2, 0), (2, 0), "RIGHT"),
                ]
            )
        )
        return table

    def _unit_table(self, units: Sequence[PaperUnit]) -> Table:
        """The category's heading and the column headers, both repeated after a page break."""
        heading = Paragraph(escape(units[0].category), self.style.heading)
        rows = [
            [
                str(u.position + 1),
                Paragraph(escape(u.name), self.style.cell),
                *[""] * len(self.marks),
            ]
            for u in units
        ]
        width = A4[0] - 2 * MARGIN
        mark_width = (width - self.NUMBER_WIDTH - self.NAME_WIDTH) / max(len(self.marks), 1)
        return headed_table(
            heading,
            ["序号", "单位名称", *self.marks],
            rows,
            widths=[self.NUMBER_WIDTH, self.NAME_WIDTH, *[mark_width] * len(self.marks)],
            font=self.font,
            padding=self.PADDING,
            extra=[("ALIGN", (0, 1), (-1, -1), "CENTER"), ("ALIGN", (1, 2), (1, -1), "LEFT")],
        )
