"""The P1 results workbook, written from a real tally and opened back with openpyxl."""

from __future__ import annotations

import dataclasses
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.utils.escape import unescape
from openpyxl.worksheet.worksheet import Worksheet

from pingyi.exports.results_workbook import (
    CONSECUTIVE_LAST_VERTICAL,
    CONSEQUENCES,
    DEFAULT_TITLE,
    FLAG_LABELS,
    NO_GROUP,
    group_rows,
    outcome_rows,
    write_results_workbook,
)
from pingyi.rules.scheme import Scheme, builtin_scheme
from pingyi.rules.tally import FLAG_ORDER, TallyResult, UnitSpec, tally

S, B, D, A = 0, 1, 2, 3  # the built-in scheme's marks: 满意, 基本满意, 不满意, 弃权
HOSTILE = ['=HYPERLINK("http://x")', "+1", "@SUM(A1)", "-2", "\t财政局", "\r审计局"]

# Ten valid ballots; each unit's column, top to bottom.
COLUMNS: dict[str, list[int]] = {
    "L1": [S] * 10,  # mean 2.0
    "L2": [S] * 9 + [B],  # 1.9
    "L3": [S] * 8 + [B] * 2,  # 1.8, vetoed: gives its place to L6
    "L4": [S] * 8 + [B, D],  # 1.7, rate 90 %: not below 90 %
    "L5": [S] * 7 + [B, B, D],  # 1.6
    "L6": [S] * 6 + [B, B, D, D],  # 1.4, rate 80 %: winner and rectify
    "L7": [S, S, B, B] + [D] * 6,  # 0.6: last, and last the year before
    "V1": [S] * 10,
    "V2": [S] * 9 + [B],
    "V3": [S] * 8 + [B] * 2,
    "V4": [S] * 5 + [D] * 5,  # last, and last the year before: vertical
    "F1": [S] * 10,
    "F3": [S] * 5 + [B] * 4 + [A],
}
UNITS = [
    UnitSpec("L1", "市委办公室", "地方管理部门", "local"),
    UnitSpec("L2", HOSTILE[0], "地方管理部门", "local"),
    UnitSpec("L3", HOSTILE[1], "地方", "local", veto=True),
    UnitSpec("L4", HOSTILE[2], "地方", "local"),
    UnitSpec("L5", HOSTILE[3], "地方", "local"),
    UnitSpec("L6", HOSTILE[4], "地方", "local"),
    UnitSpec("L7", HOSTILE[5], "地方", "local"),
    UnitSpec("V1", "国土资源局", "垂直管理部门", "vertical"),
    UnitSpec("V2", "工商局", "垂直管理部门", "vertical"),
    UnitSpec("V3", "国税局", "垂直管理部门", "vertical"),
    UnitSpec("V4", "地税局", "垂直管理部门", "vertical"),
    UnitSpec("F1", "人行", "金融部门", "financial"),
    UnitSpec("F2", "中行", "金融部门", "financial"),  # on no ballot
    UnitSpec("F3", "工行", "金融部门", "financial"),
]
GROUPS: list[str | None] = ["服务对象"] * 6 + ["cadres_and_representatives"] * 3 + [None]


def make_result(
    scheme: Scheme | None = None, groups: Sequence[str | None] | None = None
) -> TallyResult:
    codes = list(COLUMNS)
    valid = np.array([COLUMNS[c] for c in codes], dtype=np.int8).T
    blank = np.full((1, len(codes)), -1, dtype=np.int8)
    return tally(
        units=UNITS,
        marks=np.vstack([valid, blank]),
        columns=[codes.index(u.code) if u.code in COLUMNS else None for u in UNITS],
        scheme=scheme or builtin_scheme(),
        ballot_nos=[f"{i:03}" for i in range(1, 12)],
        groups=[*(GROUPS if groups is None else groups), "服务对象"],
        previous_last=["L7", "V4"],
    )


@pytest.fixture
def workbook(tmp_path: Path) -> openpyxl.Workbook:
    path = tmp_path / "results.xlsx"
    write_results_workbook(path, make_result(), issued=12)
    return openpyxl.load_workbook(path)


def value(cell: Cell | MergedCell) -> object:
    """The cell's value; openpyxl leaves OOXML's escape of a carriage return (_x000D_) as is."""
    return unescape(cell.value) if isinstance(cell.value, str) else cell.value


def rows(sheet: Worksheet) -> list[list[object]]:
    return [[value(c) for c in row] for row in sheet.iter_rows()]


def find_row(sheet: Worksheet, first: object) -> list[object]:
    return next(r for r in rows(sheet) if r[0] == first)


# -------------------------------------------------------------------------- category sheets


def test_sheets_are_the_summary_then_one_per_scheme_category(workbook: openpyxl.Workbook) -> None:
    assert workbook.sheetnames == ["汇总", "地方管理部门", "垂直管理部门", "金融部门"]


def test_category_sheet_lists_units_by_rank_with_counts_scores_and_flags(
    workbook: openpyxl.Workbook,
) -> None:
    sheet = workbook["地方管理部门"]
    table = rows(sheet)
    assert table[0] == [
        "名次", "单位编码", "单位名称", "满意", "基本满意", "不满意", "弃权",
        "有效票", "得分", "平均分", "满意率", "结论",
    ]  # fmt: skip
    assert [r[:3] for r in table[1:]] == [
        [1, "L1", "市委办公室"],
        [2, "L2", HOSTILE[0]],
        [3, "L3", HOSTILE[1]],
        [4, "L4", HOSTILE[2]],
        [5, "L5", HOSTILE[3]],
        [6, "L6", HOSTILE[4]],
        [7, "L7", HOSTILE[5]],
    ]
    assert [r[11] for r in table[1:]] == [
        "优胜单位",
        "优胜单位",
        "一票否决",
        "优胜单位",
        "优胜单位",
        "优胜单位、重点整改单位",
        "末位单位、连续两年末位",
    ]
    assert table[4][3:11] == [8, 1, 1, 0, 10, 17, 1.7, 0.9]


def test_numbers_are_numeric_cells_with_number_formats(workbook: openpyxl.Workbook) -> None:
    sheet = workbook["地方管理部门"]
    row = sheet[5]  # L4
    assert [c.data_type for c in row] == ["n", "s", "s", *["n"] * 8, "s"]
    assert row[10].number_format == "0.00%"
    assert row[9].number_format == "0.0000"


@pytest.mark.parametrize("name", HOSTILE)
def test_formula_like_unit_names_are_stored_as_text(workbook: openpyxl.Workbook, name: str) -> None:
    sheet = workbook["地方管理部门"]
    cell = next(c for c in sheet["C"] if value(c) == name)
    assert cell.data_type == "s"


def test_no_cell_of_the_workbook_holds_a_formula(tmp_path: Path) -> None:
    path = tmp_path / "results.xlsx"
    write_results_workbook(path, make_result(), title="=1+1")
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 4
        assert not [n for n in sheets if b"<f>" in archive.read(n) or b"<f " in archive.read(n)]
    title = openpyxl.load_workbook(path)["汇总"]["A1"]
    assert (title.value, title.data_type) == ("=1+1", "s")


def test_unranked_units_come_last_with_no_rank_and_only_no_ballots(
    workbook: openpyxl.Workbook,
) -> None:
    table = rows(workbook["金融部门"])
    assert [(r[0], r[1], r[7], r[11]) for r in table[1:]] == [
        (1, "F1", 10, "优胜单位"),
        (2, "F3", 10, "优胜单位"),
        (None, "F2", 0, "无有效票"),
    ]
    assert table[3][9:11] == [None, None]  # no mean, no rate


def test_category_sheets_freeze_the_header_filter_and_print_on_a4(
    workbook: openpyxl.Workbook,
) -> None:
    sheet = workbook["垂直管理部门"]
    assert sheet.freeze_panes == "D2"
    assert sheet.auto_filter.ref == "A1:L5"
    assert sheet.page_setup.paperSize == 9
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.print_title_rows == "$1:$1"
    fit = sheet.sheet_properties.pageSetUpPr
    assert fit is not None and fit.fitToPage
    footer = sheet.oddFooter
    assert footer is not None and "&P" in str(footer.center.text)
    assert sheet.column_dimensions["C"].width >= 12  # 国土资源局: five wide characters


def test_rates_show_as_published_when_the_scheme_rounds_them(tmp_path: Path) -> None:
    scheme = dataclasses.replace(builtin_scheme(), rate_percent_decimals=1)
    result = tally(
        units=[UnitSpec("U1", "单位", "地方", "local")],
        marks=np.array([[S], [B], [D]], dtype=np.int8),
        columns=[0],
        scheme=scheme,
    )
    path = tmp_path / "results.xlsx"
    write_results_workbook(path, result)
    cell = openpyxl.load_workbook(path)["地方管理部门"]["K2"]
    assert cell.value == pytest.approx(0.667)  # 2/3 published as 66.7 %
    assert cell.number_format == "0.0%"


# ---------------------------------------------------------------------------- summary sheet


def test_summary_counts_ballots_issued_received_valid_and_invalid(
    workbook: openpyxl.Workbook,
) -> None:
    sheet = workbook["汇总"]
    assert sheet["A1"].value == DEFAULT_TITLE
    assert find_row(sheet, "发放评议表")[1] == 12
    assert find_row(sheet, "收回评议表")[1] == 11
    assert find_row(sheet, "有效票")[1] == 10
    assert find_row(sheet, "无效票")[1] == 1


def test_summary_leaves_out_ballots_issued_when_unknown(tmp_path: Path) -> None:
    path = tmp_path / "results.xlsx"
    write_results_workbook(path, make_result(), title="2024年千人评议机关")
    sheet = openpyxl.load_workbook(path)["汇总"]
    assert sheet["A1"].value == "2024年千人评议机关"
    assert "发放评议表" not in [r[0] for r in rows(sheet)]


def test_summary_sets_the_valid_ballots_by_group_beside_the_targets(
    workbook: openpyxl.Workbook,
) -> None:
    sheet = workbook["汇总"]
    assert find_row(sheet, "服务对象") == ["服务对象", 6, 0.6, 0.6, 0]
    cadres = find_row(sheet, "干部和各界代表")
    assert cadres[:4] == ["干部和各界代表", 3, 0.3, 0.4]
    assert cadres[4] == pytest.approx(-0.1)
    assert find_row(sheet, NO_GROUP)[:3] == [NO_GROUP, 1, 0.1]
    assert find_row(sheet, "合计")[:3] == ["合计", 10, 1]


def test_scheme_groups_with_a_target_show_even_without_ballots() -> None:
    result = make_result(groups=["服务对象"] * 10)
    assert [(g.name, g.ballots, g.target) for g in group_rows(result)] == [
        ("服务对象", 10, builtin_scheme().groups[0].target_share),
        ("干部和各界代表", 0, builtin_scheme().groups[1].target_share),
    ]


def test_summary_lists_each_outcome_by_category_with_its_consequence(
    workbook: openpyxl.Workbook,
) -> None:
    table = rows(workbook["汇总"])
    start = next(i for i, r in enumerate(table) if r[0] == "结论")
    block = table[start + 1 : start + 9]
    assert [r[:3] + r[4:5] for r in block] == [
        ["优胜单位", "地方管理部门", "市委办公室、" + "、".join(HOSTILE[i] for i in (0, 2, 3, 4)),
         CONSEQUENCES["winner"]],
        [None, "垂直管理部门", "国土资源局、工商局、国税局", None],
        [None, "金融部门", "人行、工行", None],
        ["末位单位", "地方管理部门", HOSTILE[5], CONSEQUENCES["last"]],
        [None, "垂直管理部门", "地税局", None],
        ["重点整改单位", "地方管理部门", HOSTILE[4], CONSEQUENCES["rectify"]],
        ["连续两年末位", "地方管理部门", HOSTILE[5], CONSEQUENCES["consecutive_last"]],
        [None, "垂直管理部门", "地税局", CONSECUTIVE_LAST_VERTICAL],
    ]  # fmt: skip
    assert table[start + 9][:3] == ["一票否决", "地方管理部门", HOSTILE[1]]
    merged = {str(r) for r in workbook["汇总"].merged_cells.ranges}
    first = start + 2  # spreadsheet row of the first winner row
    assert f"A{first}:A{first + 2}" in merged  # 优胜单位 spans its three categories
    assert f"E{first}:E{first + 2}" in merged


def test_an_outcome_nobody_has_reads_none() -> None:
    result = make_result()
    for unit in result.units:
        unit.flags = [f for f in unit.flags if f != "rectify"]
    rectify = [r for r in outcome_rows(result) if r.flag == "rectify"]
    assert [(r.category, r.units) for r in rectify] == [("", "无")]


def test_consequences_are_in_chinese_words() -> None:
    assert "通报表彰" in CONSEQUENCES["winner"] and "上浮10%" in CONSEQUENCES["winner"]
    assert "通报批评" in CONSEQUENCES["last"] and "下调10%" in CONSEQUENCES["last"]
    assert "书面整改报告" in CONSEQUENCES["rectify"]
    assert "人大、政协" in CONSEQUENCES["rectify"] and "半年" in CONSEQUENCES["last"]
    assert "引咎辞职" in CONSEQUENCES["consecutive_last"]
    assert "上一级主管部门" in CONSECUTIVE_LAST_VERTICAL and "调离" in CONSECUTIVE_LAST_VERTICAL


def test_every_flag_has_a_chinese_label() -> None:
    assert list(FLAG_LABELS) == list(FLAG_ORDER)
