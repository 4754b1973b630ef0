"""The P2 report set: rows of each report, the workbook opened back with openpyxl, the PDF
read back with pypdf, and the web chart."""

from __future__ import annotations

import zipfile
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from pingyi.exports.charts import grading_shares_chart
from pingyi.exports.grading_pdf import cell_text, write_grading_pdf
from pingyi.exports.grading_reports import (
    DetailReport,
    OverviewReport,
    PoorDetailReport,
    PoorListReport,
    QuotaReport,
    ReportOrg,
    SummaryReport,
    report_orgs_from_graded,
    sector_counts,
    share,
    shown_score,
)
from pingyi.exports.grading_workbook import write_grading_workbook
from pingyi.rules.grading import GradingScheme, Org, grade_all

HOSTILE = ['=HYPERLINK("http://x")', "+1", "@SUM(A1)", "-2", "\t甲村"]
IMG = '<img src="http://example.com/x.png">'


def org(code: str, grade: str, **kw: object) -> ReportOrg:
    values: dict[str, object] = {
        "code": code,
        "name": f"{code}党支部",
        "sector": "农村",
        "committee": "甲镇党委",
        "parent_code": None,
        "self_score": None,
        "assessment_score": None,
        "survey_rate": None,
        "total": Fraction(85),
        "computed": grade,
        "grade": grade,
    }
    values.update(kw)
    return ReportOrg(**values)  # type: ignore[arg-type]


# 8 rural organizations (1 好 = 12.5 %, 2 较差), 3 organs (1 一般), 1 community.
ORGS = [
    org("R1", "好", total=Fraction(92), needs_explanation=True, explanation="带头人作用突出"),
    org(
        "R2",
        "较好",
        self_score=Fraction(8525, 100),
        assessment_score=Fraction(84),
        survey_rate=Fraction(7, 8),
        total=Fraction(89996, 1000),
    ),
    org("R3", "较好", total=Fraction(95), computed="好", overrides=("new",)),
    org("R4", "一般"),
    org("R5", "一般"),
    org("R6", "一般"),
    org(
        "R7",
        "较差",
        name=HOSTILE[0],
        total=Fraction(99),
        computed="好",
        overrides=("violation",),
        needs_explanation=True,
        problems="班子成员充当“保护伞”",
        measures="调整班子；选派第一书记",
        sponsor_leader="张三",
        liaison="李四",
    ),
    org("R8", "较差", total=Fraction(119, 2), needs_explanation=True, name=IMG),
    org("O1", "一般", sector="机关", committee="乙街道党工委", needs_explanation=True),
    org("O2", "较好", sector="机关", committee="乙街道党工委", name=HOSTILE[1]),
    org("O3", "较好", sector="机关", committee="乙街道党工委", name=HOSTILE[2]),
    org(
        "C1",
        "较差",
        sector="社区",
        committee="乙街道党工委",
        computed="一般",
        change_reason="党员反映问题突出",
        name=HOSTILE[3],
    ),
]


def rows(report: object) -> list[list[object]]:
    return [list(r) for r in report.rows()]  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- rows


def test_shares_are_percentages_rounded_half_up_from_the_exact_fraction() -> None:
    assert share(1, 8) == Fraction(125, 10)  # 12.5
    assert share(1, 3) == Fraction(333, 10)  # 33.33… → 33.3
    assert share(2, 3) == Fraction(667, 10)  # 66.66… → 66.7
    assert share(1, 16) == Fraction(63, 10)  # 6.25 → 6.3 (half up, not to even)
    assert share(0, 0) is None


def test_a_printed_score_is_cut_never_rounded_up_across_a_threshold() -> None:
    assert shown_score(Fraction(89996, 1000)) == 89.99
    assert shown_score(Fraction(1, 3)) == 0.33
    assert shown_score(Fraction(92)) == 92.0
    assert shown_score(None) is None


def test_summary_counts_and_shares_by_sector_with_a_total_row() -> None:
    report = SummaryReport(ORGS)
    assert report.header == [
        "领域", "党组织数（个）", "好（个）", "好占比（%）", "较好（个）", "较好占比（%）",
        "一般（个）", "一般占比（%）", "较差（个）", "较差占比（%）",
    ]  # fmt: skip
    assert rows(report) == [
        ["农村", 8, 1, Fraction(125, 10), 2, 25, 3, Fraction(375, 10), 2, 25],
        ["社区", 1, 0, 0, 0, 0, 0, 0, 1, 100],
        ["机关", 3, 0, 0, 2, Fraction(667, 10), 1, Fraction(333, 10), 0, 0],
        ["合计", 12, 1, Fraction(83, 10), 4, Fraction(333, 10), 4, Fraction(333, 10), 3, 25],
    ]


def test_detail_lists_every_organization_with_its_sources_and_overrides() -> None:
    detail = rows(DetailReport(ORGS))
    assert len(detail) == len(ORGS)
    assert detail[1] == [
        2, "R2", "R2党支部", "农村", "甲镇党委", None, 85.25, 84.0, Fraction(875, 10), None, "",
        89.99, "较好", "较好", "",
    ]  # fmt: skip
    assert detail[2][-3:] == ["好", "较好", "新建党组织"]
    assert detail[11][-3:] == ["一般", "较差", "党委研究调整：党员反映问题突出"]


def test_poor_list_names_each_poor_organization_and_why() -> None:
    assert rows(PoorListReport(ORGS)) == [
        [1, "甲镇党委", HOSTILE[0], "农村", 99.0, "领导班子成员涉及违法犯罪或充当“保护伞”"],
        [2, "甲镇党委", IMG, "农村", 59.5, "得分低于60分"],
        [3, "乙街道党工委", HOSTILE[3], "社区", 85.0, "党委研究调整：党员反映问题突出"],
    ]


def test_a_branch_is_poor_because_of_its_general_branch() -> None:
    graded = grade_all(
        [
            Org("G", "总支", "农村", "镇党委", violation=True),
            Org("B", "支部", "农村", "镇党委", parent_code="G"),
        ],
        {"G": Fraction(95), "B": Fraction(95)},
    )
    poor = rows(PoorListReport(report_orgs_from_graded(graded)))
    assert [r[-1] for r in poor] == ["领导班子成员涉及违法犯罪或充当“保护伞”", "随党总支定级"]


def test_poor_detail_has_problems_measures_sponsor_and_liaison() -> None:
    first = rows(PoorDetailReport(ORGS))[0]
    assert first == [
        1, "甲镇党委", HOSTILE[0], "农村", 99.0, "班子成员充当“保护伞”", "调整班子；选派第一书记",
        "张三", "李四", None, "",
    ]  # fmt: skip


def test_overview_lists_every_organization_and_marks_those_needing_an_explanation() -> None:
    overview = rows(OverviewReport(ORGS))
    assert [r[0] for r in overview] == list(range(1, len(ORGS) + 1))
    assert [(r[2], r[5], r[6], r[7]) for r in overview if r[6]] == [
        ("R1党支部", "好", "是", "带头人作用突出"),
        (HOSTILE[0], "较差", "是", ""),
        (IMG, "较差", "是", ""),
        ("O1党支部", "一般", "是", ""),
    ]
    assert overview[1][2:8] == ["R2党支部", "农村", 89.99, "较好", "", ""]


def test_quota_reports_the_excess_of_excellent_and_the_poor_share() -> None:
    scheme = GradingScheme(excellent_quota=Fraction(1, 10))
    quota = rows(QuotaReport(ORGS, scheme))
    # 甲镇: 8 organizations, a limit of 0.8 好 (floor 0), 1 好: over
    assert quota[0] == ["甲镇党委", 8, 1, 2, 3, 2, Fraction(125, 10), 0, "是", 25, 10, "是"]
    assert quota[1][0] == "乙街道党工委" and quota[1][8] == ""


def test_the_cli_rows_keep_totals_grades_and_overrides_and_leave_the_rest_empty() -> None:
    graded = grade_all([Org("A", "甲", "机关", "镇党委", new=True)], {"A": Fraction(955, 10)})
    [row] = report_orgs_from_graded(graded)
    assert (row.total, row.computed, row.grade, row.overrides) == (
        Fraction(955, 10),
        "好",
        "较好",
        ("new",),
    )
    assert (row.self_score, row.survey_rate, row.explanation, row.liaison) == (None, None, "", "")


# --------------------------------------------------------------------------- workbook


@pytest.fixture
def book(tmp_path: Path) -> openpyxl.Workbook:
    path = tmp_path / "grading.xlsx"
    write_grading_workbook(path, ORGS)
    return openpyxl.load_workbook(path)


def values(book: openpyxl.Workbook, sheet: str) -> list[list[object]]:
    return [list(r) for r in book[sheet].iter_rows(values_only=True)]


def test_the_workbook_has_the_five_tables_and_the_quotas(book: openpyxl.Workbook) -> None:
    assert book.sheetnames == [
        "汇总表", "明细表", "较差名单", "较差状况明细表", "一览表", "各党(工)委汇总表", "名额",
    ]  # fmt: skip
    titles = [values(book, name)[0][0] for name in book.sheetnames]
    assert titles[:5] == [
        "基层党组织分类定级情况汇总表",
        "基层党组织分类定级情况明细表",
        "较差基层党组织名单",
        "较差基层党组织状况明细表",
        "基层党组织分类定级情况一览表",
    ]


def test_summary_cells_are_numbers_with_shares_like_12_5(book: openpyxl.Workbook) -> None:
    summary = values(book, "汇总表")
    assert summary[2] == ["农村", 8, 1, 12.5, 2, 25, 3, 37.5, 2, 25]
    assert summary[-1] == ["合计", 12, 1, 8.3, 4, 33.3, 4, 33.3, 3, 25]
    assert book["汇总表"]["D3"].number_format == "0.0"


def test_detail_cells_and_empty_sources(book: openpyxl.Workbook) -> None:
    detail = values(book, "明细表")
    assert detail[1][:6] == [
        "序号",
        "党组织编码",
        "党组织名称",
        "领域",
        "所属党(工)委",
        "上级党组织编码",
    ]
    assert detail[3] == [
        2, "R2", "R2党支部", "农村", "甲镇党委", None, 85.25, 84, 87.5, None, None, 89.99, "较好",
        "较好", None,
    ]  # fmt: skip
    assert detail[2][6:9] == [None, None, None]  # not known: left empty
    assert len(detail) == 2 + len(ORGS)


def test_poor_sheets_and_overview(book: openpyxl.Workbook) -> None:
    assert [r[2] for r in values(book, "较差名单")[2:]] == [HOSTILE[0], IMG, HOSTILE[3]]
    assert values(book, "较差状况明细表")[2][5:] == [
        "班子成员充当“保护伞”", "调整班子；选派第一书记", "张三", "李四", None, None,
    ]  # fmt: skip
    assert values(book, "一览表")[2][7] == "带头人作用突出"


def test_formula_like_text_stays_text(book: openpyxl.Workbook, tmp_path: Path) -> None:
    cells = [c for row in book["明细表"].iter_rows() for c in row if c.value in HOSTILE]
    assert {c.value for c in cells} == set(HOSTILE[:4])
    assert all(c.data_type == "s" for c in cells)
    with zipfile.ZipFile(tmp_path / "grading.xlsx") as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and not any(b"<f>" in archive.read(n) for n in sheets)


def test_sheets_stream_and_print_on_a4_with_the_header_repeated(
    book: openpyxl.Workbook, tmp_path: Path
) -> None:
    detail = book["明细表"]
    assert detail.freeze_panes == "A3"
    assert detail.print_title_rows == "$2:$2"
    assert detail.page_setup.paperSize == 9 and detail.page_setup.orientation == "landscape"
    assert book["汇总表"].page_setup.orientation == "portrait"
    assert detail.print_options.gridLines is True
    assert detail.column_dimensions["C"].width >= 10  # 党组织名称, Chinese: two units a character
    with zipfile.ZipFile(tmp_path / "grading.xlsx") as archive:
        # constant_memory writes strings inline, row by row, with no shared-string table
        assert b't="inlineStr"' in archive.read("xl/worksheets/sheet2.xml")
        assert "xl/sharedStrings.xml" not in archive.namelist()


def test_the_cli_workbook_writes_an_empty_report_without_failing(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    write_grading_workbook(path, [])
    book = openpyxl.load_workbook(path)
    assert values(book, "汇总表")[-1] == ["合计", 0, 0, None, 0, None, 0, None, 0, None]
    assert len(values(book, "明细表")) == 2


# --------------------------------------------------------------------------- pdf and chart


def test_pdf_cells_show_as_the_workbook_formats_do() -> None:
    assert cell_text("share", Fraction(125, 10)) == "12.5"
    assert cell_text("share", 25) == "25.0"
    assert cell_text("rate", Fraction(875, 10)) == "87.50"
    assert cell_text("score", 89.99) == "89.99"
    assert cell_text("score", 92.0) == "92"
    assert cell_text("score", None) == ""


def test_the_pdf_prints_every_table_chart_and_hostile_text_literally(tmp_path: Path) -> None:
    path = tmp_path / "grading.pdf"
    pages = write_grading_pdf(path, ORGS, title="2026年分类定级")
    text = "\n".join(p.extract_text() for p in PdfReader(path).pages)
    assert pages == len(PdfReader(path).pages) >= 6
    for title in (
        "基层党组织分类定级情况汇总表",
        "基层党组织分类定级情况明细表",
        "较差基层党组织名单",
        "较差基层党组织状况明细表",
        "基层党组织分类定级情况一览表",
        "各领域等次占比（%）",
    ):
        assert title in text
    assert "12.5" in text and "89.99" in text and "带头人作用突出" in text
    assert "调整班子；选派第一书记" in text and "李四" in text
    assert IMG in text.replace("\n", "") and HOSTILE[0] in text
    assert "各基层党(工)委分类定级情况汇总表" in text
    assert f"第 1 页，共 {pages} 页" in text


def test_a_long_detail_runs_onto_pages_with_its_header_repeated(tmp_path: Path) -> None:
    many = [org(f"X{i:04}", "较好") for i in range(450)]  # two chunks, several pages
    path = tmp_path / "long.pdf"
    write_grading_pdf(path, many)
    texts = [p.extract_text() for p in PdfReader(path).pages]
    detail = [t for t in texts if "X0" in t and "明细表" in t]
    assert len(detail) > 3 and all("党组织编码" in t for t in detail)
    assert "X0449" in "".join(texts) and any("明细表（续）" in t for t in texts)


def test_the_web_chart_shows_each_sector_and_the_total_by_grade() -> None:
    chart = grading_shares_chart(sector_counts(ORGS))
    svg = str(chart.svg)
    assert chart.title == "Grade shares by sector (%)"
    assert svg.count("<rect") == 4 * 4 + 4  # 3 sectors + 合计, four grades each; the legend
    assert "<title>好 12.5%</title>" in svg and ">合计<" in svg and ">农村<" in svg
    assert "<script" not in svg


def test_the_grading_workbook_and_report_are_all_chinese(tmp_path: Path) -> None:
    """Issue 12: the report tables a committee files read in Chinese, headers and labels."""
    from tests.chinese import english_in, pdf_texts, workbook_texts

    book_path, pdf_path = tmp_path / "grading.xlsx", tmp_path / "grading.pdf"
    write_grading_workbook(book_path, ORGS)
    write_grading_pdf(pdf_path, ORGS, title="2026年分类定级")
    texts = workbook_texts(book_path.read_bytes())
    lines = pdf_texts(pdf_path.read_bytes())
    assert any("汇总表" in t for t in texts) and any("定级" in line for line in lines)
    hostile = {"img", "src"}  # ORGS names an organization with markup, to test escaping
    assert english_in(texts, hostile) == [] and english_in(lines, hostile) == []
