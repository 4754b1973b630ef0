"""`pingyi grade --xlsx`: the report workbook from files, as a user runs the command."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from tests.conftest import call_pingyi

pytestmark = pytest.mark.own_database

ORGS = (
    "code,name,sector,committee,parent_code,new,violation\n"
    'A1,=HYPERLINK("http://x"),农村,甲镇党委,,,\n'
    "A2,乙村党支部,农村,甲镇党委,,,是\n"
    "A3,丙村党支部,农村,甲镇党委,,,\n"
    "A4,@SUM(A1),农村,甲镇党委,,,\n"
    "A5,区直机关党支部,机关,甲镇党委,,,\n"
    "A6,+1,农村,甲镇党委,,,\n"
    "A7,戊村党支部,农村,甲镇党委,,,\n"
    "A8,己村党支部,农村,甲镇党委,,,\n"
)
SCORES = "code,total\nA1,91\nA2,95\nA3,59.5\nA4,80\nA5,79.99\nA6,60\nA7,85\nA8,70\n"


def grade(tmp_path: Path, scores: str = SCORES) -> tuple[int, str, Path]:
    (tmp_path / "orgs.csv").write_text(ORGS, encoding="utf-8")
    (tmp_path / "scores.csv").write_text(scores, encoding="utf-8")
    out = tmp_path / "report.xlsx"
    done = call_pingyi(
        "grade", "--orgs", tmp_path / "orgs.csv", "--scores", tmp_path / "scores.csv",
        "--json", tmp_path / "out.json", "--xlsx", out,
    )  # fmt: skip
    return done.returncode, done.stderr, out


def test_the_command_writes_the_five_tables_with_exact_cells(tmp_path: Path) -> None:
    code, stderr, out = grade(tmp_path)
    assert code == 0, stderr
    book = openpyxl.load_workbook(out)
    sheet = {
        name: [list(r) for r in book[name].iter_rows(values_only=True)] for name in book.sheetnames
    }
    # 7 rural: 好 1 (A1; A2 has a violation), 较好 2, 一般 2, 较差 2 (A2, A3)
    assert sheet["汇总表"][2] == ["农村", 7, 1, 14.3, 2, 28.6, 2, 28.6, 2, 28.6]
    assert sheet["汇总表"][3] == ["机关", 1, 0, 0, 0, 0, 1, 100, 0, 0]
    assert sheet["汇总表"][4] == ["合计", 8, 1, 12.5, 2, 25, 3, 37.5, 2, 25]
    assert sheet["明细表"][2] == [
        1, "A1", '=HYPERLINK("http://x")', "农村", "甲镇党委", None, None, None, None, None, None,
        91, "好", "好", None,
    ]  # fmt: skip
    assert sheet["明细表"][3][-4:] == [95, "好", "较差", "违纪违法"]
    assert sheet["较差名单"][2:] == [
        [1, "甲镇党委", "乙村党支部", "农村", 95, "领导班子成员涉及违法犯罪或充当“保护伞”"],
        [2, "甲镇党委", "丙村党支部", "农村", 59.5, "得分低于60分"],
    ]
    assert [r[2] for r in sheet["较差状况明细表"][2:]] == ["乙村党支部", "丙村党支部"]
    overview = sheet["一览表"][2:]
    assert len(overview) == 8  # every organization
    assert [(r[2], r[5], r[8]) for r in overview if r[6] == "是"] == [
        ('=HYPERLINK("http://x")', "好", None),
        ("乙村党支部", "较差", 6),
        ("丙村党支部", "较差", 6),
        ("区直机关党支部", "一般", 3),
    ]
    hostile = [
        c for row in book["明细表"].iter_rows() for c in row if c.value in ("+1", "@SUM(A1)")
    ]
    assert len(hostile) == 2 and all(c.data_type == "s" for c in hostile)


def test_bad_input_writes_no_workbook(tmp_path: Path) -> None:
    code, stderr, out = grade(tmp_path, SCORES.replace("A8,70", "A8,101"))
    assert code == 1 and "scores.csv, row 9, column B (total)" in stderr
    assert not out.exists() and not (tmp_path / "out.json").exists()
