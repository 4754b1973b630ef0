"""`pingyi grade` as SPEC's contract says: run as a user runs it (a subprocess) first, then in
this process (call_pingyi)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import call_pingyi, run_pingyi

pytestmark = pytest.mark.own_database

ORGS = (
    "code,name,sector,committee,parent_code,new,violation\n"
    "G1,第一党总支,农村,甲镇党委,,,\n"
    "B1,第一支部,农村,甲镇党委,G1,,\n"
    "C1,机关党支部,机关,甲镇党委,,是,\n"
    "D1,社区党委,社区,乙街道党工委,,,1\n"
)
SCORES = "code,total\nG1,92\nB1,70\nC1,95.5\nD1,99\n"


def test_grade_writes_the_contract_json(tmp_path: Path) -> None:
    (tmp_path / "orgs.csv").write_text(ORGS, encoding="utf-8")
    (tmp_path / "scores.csv").write_text(SCORES, encoding="utf-8")
    done = run_pingyi(
        "grade",
        "--orgs",
        tmp_path / "orgs.csv",
        "--scores",
        tmp_path / "scores.csv",
        "--json",
        tmp_path / "out.json",
        "--xlsx",
        tmp_path / "out.xlsx",
    )
    assert done.returncode == 0, done.stderr
    data = json.loads((tmp_path / "out.json").read_text("utf-8"))
    assert set(data) == {"orgs", "committees"}
    assert [
        (o["code"], o["total"], o["grade"], o["overrides"], o["needs_explanation"])
        for o in data["orgs"]
    ] == [
        ("G1", 92.0, "好", [], True),
        ("B1", 70.0, "好", ["inherited"], True),
        ("C1", 95.5, "较好", ["new"], False),
        ("D1", 99.0, "较差", ["violation"], True),
    ]
    assert data["committees"] == [
        {
            "committee": "甲镇党委",
            "orgs": 3,
            "counts": {"好": 2, "较好": 1, "一般": 0, "较差": 0},
            "excellent_over_quota": True,
        },
        {
            "committee": "乙街道党工委",
            "orgs": 1,
            "counts": {"好": 0, "较好": 0, "一般": 0, "较差": 1},
            "excellent_over_quota": False,
        },
    ]
    assert (tmp_path / "out.xlsx").exists()


def test_indicator_columns_are_summed_and_a_score_above_its_maximum_is_refused(
    tmp_path: Path,
) -> None:
    (tmp_path / "orgs.csv").write_text("code,name,sector,committee\nA,甲,社区,镇党委\n", "utf-8")
    header = "code,党组织带头人,工作思路,工作制度,活动阵地,保障机制,工作业绩,群众评价\n"
    (tmp_path / "ok.csv").write_text(header + "A,18,9,14,9,9,18,12.5\n", "utf-8")
    done = call_pingyi(
        "grade",
        "--orgs",
        tmp_path / "orgs.csv",
        "--scores",
        tmp_path / "ok.csv",
        "--json",
        tmp_path / "out.json",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "out.json").read_text("utf-8"))["orgs"][0]["total"] == 89.5
    (tmp_path / "bad.csv").write_text(header + "A,21,9,14,9,9,18,12.5\n", "utf-8")
    done = call_pingyi(
        "grade",
        "--orgs",
        tmp_path / "orgs.csv",
        "--scores",
        tmp_path / "bad.csv",
        "--json",
        tmp_path / "bad.json",
    )
    assert done.returncode == 1 and "bad.csv, row 2, column B (党组织带头人)" in done.stderr
    assert not (tmp_path / "bad.json").exists() and "Traceback" not in done.stderr


def test_unknown_sector_unknown_parent_and_duplicate_code_are_refused(tmp_path: Path) -> None:
    (tmp_path / "orgs.csv").write_text(
        "code,name,sector,committee,parent_code\nA,甲,太空,镇党委,\nB,乙,农村,镇党委,Z\n"
        "B,丙,农村,镇党委,\n",
        "utf-8",
    )
    (tmp_path / "scores.csv").write_text("code,total\nA,90\nB,80\n", "utf-8")
    done = call_pingyi(
        "grade",
        "--orgs",
        tmp_path / "orgs.csv",
        "--scores",
        tmp_path / "scores.csv",
        "--json",
        tmp_path / "out.json",
    )
    assert done.returncode == 1
    assert "orgs.csv, row 2, column C (sector): sector '太空' is unknown" in done.stderr
    assert "orgs.csv, row 4, column A (code): organization code 'B' repeats row 3" in done.stderr
    assert not (tmp_path / "out.json").exists()


def test_the_workbook_has_the_report_tables(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    (tmp_path / "orgs.csv").write_text(ORGS, encoding="utf-8")
    (tmp_path / "scores.csv").write_text(SCORES, encoding="utf-8")
    done = call_pingyi(
        "grade",
        "--orgs",
        tmp_path / "orgs.csv",
        "--scores",
        tmp_path / "scores.csv",
        "--json",
        tmp_path / "o.json",
        "--xlsx",
        tmp_path / "o.xlsx",
    )
    assert done.returncode == 0, done.stderr
    book = load_workbook(tmp_path / "o.xlsx")
    assert book.sheetnames == [
        "汇总表", "明细表", "较差名单", "较差状况明细表", "一览表", "各党(工)委汇总表", "名额",
    ]  # fmt: skip
    summary = [[c.value for c in row] for row in book["汇总表"].iter_rows(min_row=2)]
    assert summary[0][:3] == ["领域", "党组织数（个）", "好（个）"]
    assert summary[-1] == ["合计", 4, 2, 50, 1, 25, 0, 0, 1, 25]
    detail = [[c.value for c in row] for row in book["明细表"].iter_rows(min_row=3)]
    assert detail[1][1:6] == ["B1", "第一支部", "农村", "甲镇党委", "G1"]
    assert detail[1][8:] == [None, None, None, 70, "一般", "好", "随党总支定级"]
    quotas = [[c.value for c in row] for row in book["名额"].iter_rows(min_row=3)]
    assert quotas[0][8] == "是"
