"""The .xlsx templates of the files people upload: units (P1), organizations and scoring
sheets (P2). The paper ballots' template is in exports/paper.py, the registry's in
registry/workbooks.py, and the ledger export is the ledger import's template.

Each template's first sheet is the table itself: row 1 holds the Chinese header that the
reader matches by name (p1_files.UNIT_COLUMNS, p2_files.ORG_COLUMNS, grading/imports.py),
enumerated columns offer their words in a drop-down, and the second sheet says how to fill
it in and upload it. The readers check every cell again: validation is easy to paste past.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pingyi.exports.xlsx import (
    Cell,
    drop_down,
    formats,
    freeze_header,
    open_workbook,
    print_setup,
    write_cell,
    write_row,
)
from pingyi.rules.grading import SECTORS
from pingyi.rules.scheme import Scheme

HELP_SHEET = "填表说明"
YES_NO = ["是", "否"]
ROWS = 500  # rows prepared with drop-downs

# A column: its header, its width, and its drop-down (None: free text).
Column = tuple[str, int, Sequence[str] | None]


def write_template(
    path: Path,
    *,
    sheet_name: str,
    columns: Sequence[Column],
    help_lines: Sequence[str],
    rows: Sequence[Sequence[Cell]] = (),
    numeric: Sequence[int] = (),
    lists: Sequence[tuple[str, Sequence[Sequence[Cell]]]] = (),
) -> None:
    """The table's sheet (header, drop-downs, ``rows`` filled in) and its help sheet. Cells
    are formatted as text (a code typed 0012 stays 0012) but in the ``numeric`` columns.
    ``lists`` are further sheets (name, rows with a header first) of values to copy from."""
    with open_workbook(path) as workbook:
        fmt = formats(workbook)
        as_text = workbook.add_format({"num_format": "@"})
        sheet = workbook.add_worksheet(sheet_name)
        write_row(sheet, 0, [title for title, _, _ in columns], fmt.header)
        for col, (title, width, items) in enumerate(columns):
            sheet.set_column(col, col, width, None if col in numeric else as_text)
            if items:
                drop_down(sheet, col, items, title=title, rows=max(ROWS, len(rows)))
        for n, values in enumerate(rows, start=1):
            write_row(sheet, n, list(values), fmt.text)
        freeze_header(sheet, rows=1, cols=1)
        print_setup(sheet, title=sheet_name, landscape=len(columns) > 6)
        help_sheet = workbook.add_worksheet(HELP_SHEET)
        for row, text in enumerate(help_lines):
            write_cell(help_sheet, row, 0, text, fmt.bold if row == 0 else None)
        help_sheet.set_column(0, 0, 100)
        for name, table in lists:
            extra = workbook.add_worksheet(name)
            for n, values in enumerate(table):
                write_row(extra, n, list(values), fmt.header if n == 0 else fmt.text)
            extra.set_column(0, 0, 16)
            extra.set_column(1, 1, 60)


# ------------------------------------------------------------------------------ P1 units


def write_units_template(path: Path, *, scheme: Scheme) -> None:
    """The units file of a new campaign: 编码, 名称, 类别 (the scheme's), 一票否决."""
    categories = [c.name for c in scheme.categories]
    write_template(
        path,
        sheet_name="被评单位",
        columns=[
            ("编码", 12, None),
            ("名称", 36, None),
            ("类别", 16, categories),
            ("一票否决", 10, YES_NO),
        ],
        help_lines=[
            "被评单位名单 填表说明",
            "",
            "1. 每个被评单位填一行；第一行表头不要改动，不要插入或删除列，不要输入公式。",
            "2. 编码：单位的编码，不能重复（如 L01、V01）；名称：单位全称。",
            f"3. 类别从下拉列表选择：{'、'.join(categories)}。",
            "4. 一票否决：该单位被一票否决时选“是”，否则选“否”或留空。",
            "5. 单位在测评表、手机评议页和报表中按类别分块、按本表顺序排列。",
            "6. 填好后在“新建评议活动”页面上传本文件（也可另存为 CSV，UTF-8 或 GBK 编码均可）；"
            "有错误时整个文件不导入，错误信息列出行、列和应填内容。",
        ],
    )


# ------------------------------------------------------------------- P2 grading round


ORG_TEMPLATE: list[Column] = [
    ("党组织编码", 14, None),
    ("党组织名称", 36, None),
    ("领域", 16, list(SECTORS)),
    ("党(工)委", 24, None),
    ("上级党组织编码", 16, None),
    ("新建", 8, YES_NO),
    ("违纪违法", 10, YES_NO),
]


def write_orgs_template(path: Path, *, round_name: str) -> None:
    """The organizations of a grading round (ORGS of SPEC P2)."""
    write_template(
        path,
        sheet_name="党组织名单",
        columns=ORG_TEMPLATE,
        help_lines=[
            f"{round_name} 党组织名单 填表说明",
            "",
            "1. 每个基层党组织填一行；第一行表头不要改动，不要插入或删除列，不要输入公式。",
            "2. 必填：党组织编码（不能重复）、党组织名称、领域、党(工)委。",
            f"3. 领域从下拉列表选择：{'、'.join(SECTORS)}。",
            "4. 党支部隶属党总支时，在“上级党组织编码”填写党总支的编码。",
            "5. 新建、违纪违法填“是”或“否”（空白视为否）。",
            "6. 填好后在评星定级页面“导入党组织”处上传；重新导入会替换上次导入的名单。",
        ],
    )


def write_scores_template(
    path: Path,
    *,
    round_name: str,
    indicators: Sequence[tuple[str, str]],
    orgs: Sequence[tuple[str, str]],
) -> None:
    """The assessment groups' scoring sheet: each organization still to assess, one column
    per indicator (``(name, maximum)``) and its 扣分理由 column."""
    columns: list[Column] = [("党组织编码", 14, None), ("党组织名称", 30, None)]
    for name, _maximum in indicators:
        columns += [(name, 10, None), (f"{name}扣分理由", 24, None)]
    limits = "、".join(f"{name}（满分 {maximum}）" for name, maximum in indicators)
    write_template(
        path,
        sheet_name="考核评分表",
        columns=columns,
        rows=[[code, name] for code, name in orgs],
        numeric=range(2, len(columns), 2),
        help_lines=[
            f"{round_name} 考核评分表 填表说明",
            "",
            "1. 每个党组织一行，模板已列出尚未评分的党组织；第一行表头不要改动，不要输入公式。",
            f"2. 每项指标填得分，最多两位小数：{limits}。",
            "3. 得分低于满分的，在该指标的“扣分理由”列写明理由。",
            "4. 填好后在评星定级页面“导入考核评分表”处上传；有错误时整个文件不导入。",
        ],
    )


# ------------------------------------------------------------------------------ people


def write_people_template(
    path: Path, *, office: str, roles: Sequence[str], scopes: Sequence[tuple[str, str]]
) -> None:
    """The people an office administrator adds at once: 用户名, 姓名, 角色 (a drop-down of
    ``roles``), 范围; the sheet 范围 lists the scopes the office has (kind, what to write)."""
    write_template(
        path,
        sheet_name="人员",
        columns=[("用户名", 16, None), ("姓名", 14, None), ("角色", 18, roles), ("范围", 48, None)],
        help_lines=[
            f"{office} 人员与权限 填表说明",
            "",
            "1. 每个角色填一行；同一人有几个角色就填几行，用户名和姓名相同。第一行表头不要改动。",
            "2. 用户名：登录用，字母、数字或 @ . + - _，不含空格，不能与已有用户重复。",
            f"3. 角色从下拉列表选择：{'、'.join(roles)}。",
            "4. 范围：管理员、工作人员、查阅人员留空；基层党(工)委用户填党(工)委名称，"
            "基层党组织用户和考核人员填党组织编码，被评单位人员填单位编码；"
            "名称重复时照抄“范围”工作表中的全称。",
            "5. 上传后每人得到一个一次性密码，只显示一次；本人首次登录时必须修改密码。",
            "6. 有错误时整个文件不导入，错误信息列出每个有问题的行、列和应填内容。",
        ],
        lists=[("范围", [("类型", "范围（照抄此列）"), *scopes])],
    )
