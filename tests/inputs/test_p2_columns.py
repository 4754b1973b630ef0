"""The column reader of `pingyi grade` gives what the per-row readers give, or steps aside."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pingyi.exports.grading_files import ColumnsResult, RowsResult
from pingyi.exports.grading_json import grading_to_json
from pingyi.inputs.p2_columns import read_graded_columns
from pingyi.rules.grading import GradingScheme
from tests.conftest import call_pingyi

ORGS = (
    "编码,名称,领域,党委,上级,新建,违纪违法\n"
    "G1,第一党总支,rural,甲镇党委,,否,\n"
    "B1,第一支部,农村,甲镇党委,G1,,\n"
    "B2,第二支部,农村,甲镇党委,B1,YES,\n"  # a chain: takes G1's grade through B1
    "C1,机关党支部,机关,甲镇党委,,是,\n"
    "D1,社区党委,社区,乙街道党工委,,,1\n"
    "E1,学校党支部,教育卫生事业单位,乙街道党工委,,,\n"
)
HEADER = "code,党组织带头人,工作思路,工作制度,活动阵地,保障机制,工作业绩,群众评价\n"
SCORES = (
    HEADER + "E1,12,6,9,6,6,12,9.000001\n"  # another order than ORGS
    "G1,20,10,15,10,10,15,10\n"
    "B1,10,5,5,5,5,5,5\n"
    "B2,20,10,15,10,10,20,15\n"
    "C1,20,10,15,10,10,20,10.5\n"
    "D1,20,10,15,10,10,20,14.99\n"
)


def files(tmp_path: Path, orgs: str = ORGS, scores: str = SCORES) -> tuple[Path, Path]:
    (tmp_path / "orgs.csv").write_text(orgs, encoding="utf-8")
    (tmp_path / "scores.csv").write_text(scores, encoding="utf-8")
    return tmp_path / "orgs.csv", tmp_path / "scores.csv"


def test_columns_and_rows_give_the_same_json_and_report_rows(tmp_path: Path) -> None:
    orgs, scores = files(tmp_path)
    scheme = GradingScheme()
    columns = read_graded_columns(orgs, scores, scheme)
    assert columns is not None
    fast, exact = ColumnsResult(columns), RowsResult.read(orgs, scores, scheme)
    data = json.loads(fast.json_bytes())
    assert data == json.loads(exact.json_bytes()) == grading_to_json(exact.graded, exact.committees)
    assert [(o["code"], o["total"], o["grade"], o["overrides"]) for o in data["orgs"]] == [
        ("G1", 90.0, "好", []),
        ("B1", 40.0, "好", ["inherited"]),
        ("B2", 100.0, "好", ["new", "inherited"]),
        ("C1", 95.5, "较好", ["new"]),
        ("D1", 99.99, "较差", ["violation"]),
        ("E1", 60.000001, "一般", []),
    ]
    assert fast.report_orgs() == exact.report_orgs()
    assert fast.counts() == exact.counts() == {"好": 3, "较好": 1, "一般": 1, "较差": 1}


@pytest.mark.parametrize(
    "orgs, scores",
    [
        (ORGS, SCORES.replace("9.000001", "1/2")),  # a fraction: read exactly, per row
        (ORGS, SCORES.replace("9.000001", "50%")),
        (ORGS, SCORES.replace("9.000001", "9.0000001")),  # seven places
        (ORGS, SCORES.replace("9.000001", "16")),  # above 群众评价's 15
        (ORGS, SCORES.replace("E1,", "Z1,")),  # not an organization
        (ORGS, SCORES.replace("\nB1,", "\nG1,")),  # G1 twice, B1 not scored
        (ORGS.replace("B1,第一支部,农村", "B1,第一支部,太空"), SCORES),
        (ORGS.replace(",G1,,\n", ",Z9,,\n"), SCORES),  # an unknown parent
        (
            ORGS.replace("G1,第一党总支,rural,甲镇党委,,", "G1,第一党总支,rural,甲镇党委,B2,"),
            SCORES,
        ),
        (ORGS.replace("是", "也许"), SCORES),
        (ORGS.replace("E1,学校", "D1,学校"), SCORES),
    ],
)
def test_anything_but_clean_plain_decimals_goes_the_per_row_way(
    tmp_path: Path, orgs: str, scores: str
) -> None:
    assert read_graded_columns(*files(tmp_path, orgs, scores), GradingScheme()) is None


def test_a_fraction_score_is_graded_exactly_by_the_command(tmp_path: Path) -> None:
    orgs, scores = files(tmp_path, scores=SCORES.replace("9.000001", "1/3"))
    done = call_pingyi("grade", "--orgs", orgs, "--scores", scores, "--json", tmp_path / "o.json")
    assert done.returncode == 0, done.stderr
    [e1] = [
        o for o in json.loads((tmp_path / "o.json").read_text("utf-8"))["orgs"] if o["code"] == "E1"
    ]
    assert e1["total"] == 51.333333 and e1["grade"] == "较差"


def test_a_loop_of_general_branches_is_named_by_the_command(tmp_path: Path) -> None:
    looping = ORGS.replace("G1,第一党总支,rural,甲镇党委,,", "G1,第一党总支,rural,甲镇党委,B2,")
    orgs, scores = files(tmp_path, orgs=looping)
    done = call_pingyi("grade", "--orgs", orgs, "--scores", scores, "--json", tmp_path / "o.json")
    assert done.returncode == 1 and "the chain of parents of 'G1' loops" in done.stderr
    assert not (tmp_path / "o.json").exists()
