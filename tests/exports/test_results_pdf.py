"""The P1 results report (PDF), written from a real tally and read back with pypdf."""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from pypdf import PdfReader

from pingyi.exports.results_pdf import fixed, percent, write_results_pdf
from pingyi.exports.results_workbook import (
    CONSECUTIVE_LAST_VERTICAL,
    CONSEQUENCES,
    category_header,
)
from pingyi.rules.scheme import builtin_scheme
from pingyi.rules.tally import TallyResult, UnitSpec, tally
from tests.exports.test_results_workbook import COLUMNS
from tests.exports.test_results_workbook import UNITS as WORKBOOK_UNITS

S, B, D, A = 0, 1, 2, 3  # the built-in scheme's marks: 满意, 基本满意, 不满意, 弃权
HOSTILE = '<img src="http://example.com/x.png">'

# The workbook's ten valid ballots (COLUMNS); its local units renamed, one of them hostile.
UNITS = [
    UnitSpec("L1", "市委办公室", "地方管理部门", "local"),
    UnitSpec("L2", HOSTILE, "地方管理部门", "local", veto=True),  # its place goes to L6
    UnitSpec("L3", "市发改委", "地方管理部门", "local"),
    UnitSpec("L4", "市财政局", "地方管理部门", "local"),
    UnitSpec("L5", "市教育局", "地方管理部门", "local"),
    UnitSpec("L6", "市住建局", "地方管理部门", "local"),
    UnitSpec("L7", "市审计局", "地方管理部门", "local"),
    *(u for u in WORKBOOK_UNITS if not u.code.startswith("L")),  # their names are plain
]
GROUPS = ["服务对象"] * 6 + ["干部和各界代表"] * 3 + [None]


def make_result() -> TallyResult:
    """Winners 市委办公室 发改委 财政局 教育局 住建局; last 审计局 (and the year before);
    住建局 also rectifies (80 %); 财政局 at 90 % does not."""
    codes = list(COLUMNS)
    valid = np.array([COLUMNS[c] for c in codes], dtype=np.int8).T
    blank = np.full((1, len(codes)), -1, dtype=np.int8)
    return tally(
        units=UNITS,
        marks=np.vstack([valid, blank]),
        columns=[codes.index(u.code) if u.code in COLUMNS else None for u in UNITS],
        scheme=builtin_scheme(),
        groups=[*GROUPS, "服务对象"],
        previous_last=["L7", "V4"],
    )


def write(tmp_path: Path, result: TallyResult, issued: int | None = None) -> tuple[Path, list[str]]:
    path = tmp_path / "results.pdf"
    write_results_pdf(path, result, title="2024年千人评议机关评议结果", issued=issued)
    return path, [page.extract_text() for page in PdfReader(path).pages]


def lines(texts: list[str]) -> list[str]:
    """Every text line of every page; a table cell extracts as a line of its own."""
    return [line.strip() for text in texts for line in text.splitlines()]


def after(found: list[str], first: str, count: int) -> list[str]:
    start = found.index(first)
    return found[start + 1 : start + 1 + count]


@pytest.fixture
def report(tmp_path: Path) -> list[str]:
    return write(tmp_path, make_result(), issued=12)[1]


# ------------------------------------------------------------------------------ summary


def test_report_counts_ballots_issued_received_valid_and_invalid(report: list[str]) -> None:
    found = lines(report)
    assert found[found.index("一、评议票情况") - 1] == "2024年千人评议机关评议结果"
    assert after(found, "发放评议表", 1) == ["12"]
    assert after(found, "收回评议表", 1) == ["11"]
    assert after(found, "有效票", 1) == ["10"]
    assert after(found, "无效票", 2) == ["1", "空白票（全部弃权或未填）不计入统计"]


def test_ballots_issued_are_left_out_when_unknown(tmp_path: Path) -> None:
    _, texts = write(tmp_path, make_result())
    assert "发放评议表" not in "".join(texts)
    assert "收回评议表" in "".join(texts)


def test_report_sets_the_valid_ballots_by_group_beside_the_targets(report: list[str]) -> None:
    found = lines(report)
    assert after(found, "服务对象", 4) == ["6", "60.0%", "60.0%", "0.0%"]
    assert after(found, "干部和各界代表", 4) == ["3", "30.0%", "40.0%", "-10.0%"]
    assert after(found, "未注明类别", 2) == ["1", "10.0%"]
    assert after(found, "合计", 2) == ["10", "100.0%"]


def test_report_lists_each_outcome_with_its_consequence_in_words(report: list[str]) -> None:
    text = "".join(lines(report))
    winners = "优胜单位地方管理部门市委办公室、市发改委、市财政局、市教育局、市住建局"
    assert winners + CONSEQUENCES["winner"] in text
    assert "末位单位地方管理部门市审计局" + CONSEQUENCES["last"] in text
    assert "重点整改单位地方管理部门市住建局" + CONSEQUENCES["rectify"] in text
    assert "连续两年末位地方管理部门市审计局" + CONSEQUENCES["consecutive_last"] in text
    assert "垂直管理部门地税局" + CONSECUTIVE_LAST_VERTICAL in text
    assert "一票否决地方管理部门" + HOSTILE + CONSEQUENCES["veto"] in text
    assert "3. 除末位单位外，满意率低于90%的为重点整改单位。" in text


# --------------------------------------------------------------------------- categories


def test_category_tables_have_the_workbook_columns_less_code_and_score(
    report: list[str],
) -> None:
    found = lines(report)
    expected = [h for h in category_header(make_result()) if h not in ("单位编码", "得分")]
    assert expected == [
        "名次", "单位名称", "满意", "基本满意", "不满意",
        "弃权", "有效票", "平均分", "满意率", "结论",
    ]  # fmt: skip
    start = found.index("四、各类别评议结果")
    assert found[start + 1 : start + 2 + len(expected)] == ["地方管理部门", *expected]
    assert "单位编码" not in found and "得分" not in found


def test_category_rows_are_by_rank_with_counts_mean_rate_and_conclusion(
    report: list[str],
) -> None:
    found = lines(report)
    assert after(found, "市财政局", 8) == [
        "8", "1", "1", "0", "10", "1.7000", "90.00%", "优胜单位",
    ]  # fmt: skip
    assert after(found, "工行", 8) == [
        "5", "4", "0", "1", "10", "1.4500", "90.00%", "优胜单位",
    ]  # fmt: skip
    # The unit on no ballot comes last, with no rank, mean or rate.
    assert found[found.index("中行") - 1] == "优胜单位"  # 工行's row ends; no rank
    assert after(found, "中行", 6) == ["0", "0", "0", "0", "0", "无有效票"]
    table = found[found.index("四、各类别评议结果") :]
    assert [table[table.index(name) - 1] for name in ("市委办公室", "市审计局")] == ["1", "7"]
    # A long name wraps in its cell; the row still follows its rank.
    hostile = table.index("2") + 1
    assert "".join(table[hostile : hostile + 2]) == HOSTILE
    assert table[hostile + 2 : hostile + 10] == [
        "9", "1", "0", "0", "10", "1.9000", "100.00%", "一票否决",
    ]  # fmt: skip


def test_rates_show_as_published_when_the_scheme_rounds_them(tmp_path: Path) -> None:
    scheme = dataclasses.replace(builtin_scheme(), rate_percent_decimals=1)
    result = tally(
        units=[UnitSpec("U1", "单位甲", "地方", "local")],
        marks=np.array([[S], [B], [D]], dtype=np.int8),
        columns=[0],
        scheme=scheme,
    )
    _, texts = write(tmp_path, result)
    found = lines(texts)
    table = found[found.index("四、各类别评议结果") :]
    assert after(table, "单位甲", 8)[5:7] == ["1.0000", "66.7%"]


def test_a_long_category_repeats_its_heading_and_header_on_every_page(tmp_path: Path) -> None:
    units = [UnitSpec(f"X{i:03}", f"测试单位{i}", "地方管理部门", "local") for i in range(80)]
    marks = np.tile(np.array([S, B, D, A], dtype=np.int8), (5, 20))
    result = tally(units=units, marks=marks, columns=list(range(80)), scheme=builtin_scheme())
    _, texts = write(tmp_path, result)

    assert len(texts) >= 3
    for number, text in enumerate(texts[1:], start=2):
        assert "地方管理部门" in text and "名次" in text and "满意率" in text
        assert f"第 {number} 页，共 {len(texts)} 页" in text
    assert all(f"测试单位{i}" in "".join(texts) for i in range(80))


def test_a_tally_without_valid_ballots_still_prints(tmp_path: Path) -> None:
    result = tally(
        units=UNITS[:2],
        marks=np.full((3, 2), -1, dtype=np.int8),
        columns=[0, 1],
        scheme=builtin_scheme(),
    )
    _, texts = write(tmp_path, result)
    found = lines(texts)
    assert after(found, "有效票", 1) == ["0"]
    assert after(found, "无效票", 1) == ["3"]
    assert after(found, "市委办公室", 6) == ["0", "0", "0", "0", "0", "无有效票"]


# ------------------------------------------------------------------------ hostile text


def test_markup_in_a_unit_name_prints_literally_and_nothing_is_loaded(tmp_path: Path) -> None:
    path, texts = write(tmp_path, make_result())

    assert HOSTILE in lines(texts)  # in the outcome table, on one line
    reader = PdfReader(path)
    assert not any(page.images for page in reader.pages)
    data = path.read_bytes()  # object dictionaries are not compressed
    assert b"/Subtype /Image" not in data
    assert b"/URI" not in data and b"/Annots" not in data


def test_markup_and_entities_in_the_title_print_literally(tmp_path: Path) -> None:
    title = f"<b>{HOSTILE}</b> &amp; &#60; {{{{ x }}}}"
    path = tmp_path / "results.pdf"
    write_results_pdf(path, make_result(), title=title)
    first = PdfReader(path).pages[0].extract_text()
    assert title in first.replace("\n", "")


# ---------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (Fraction(1, 8), 2, "0.13"),  # half away from zero, as Excel shows it (round() says 0.12)
        (Fraction(-1, 8), 2, "-0.13"),
        (Fraction(29, 20), 4, "1.4500"),
        (Fraction(2, 3), 4, "0.6667"),
        (Fraction(0), 1, "0.0"),
    ],
)
def test_fixed_rounds_half_away_from_zero(value: Fraction, places: int, shown: str) -> None:
    assert fixed(value, places) == shown


def test_percent_of_nothing_is_blank() -> None:
    assert percent(None, 1) == ""
    assert percent(Fraction(-1, 10), 1) == "-10.0%"
    assert percent(Fraction(9, 10), 2) == "90.00%"
