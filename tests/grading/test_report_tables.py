"""The report tables of a 40-organization round, built through the services and the CLI and
opened back with openpyxl, checked cell by cell against the hand-computed example below.

甲镇党委: 25 rural organizations R01–R25 (5 好 at 95, 10 较好 at 85, 7 一般 at 70, 3 较差 at 50).
乙街道党工委: 10 communities C01–C10 (2 好 at 92, 5 较好 at 82, 2 一般 at 65, C10 较差 at 55)
and 5 organs O01–O05 (1 好 at 91, 2 较好 at 88, 1 一般 at 75, 1 较差 at 58).
Every rate is entered (100 %) and approved, but C10's: its survey counted 6 of 8 satisfied
(75 %, 11.25 points) and a 100 % entered for it awaits approval, so its total stays 55.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest

from pingyi.accounts.actors import Actor
from pingyi.ballots.services import ballots_import
from pingyi.campaigns.selectors import campaign_scheme
from pingyi.campaigns.services import campaign_close, campaign_open
from pingyi.cli import main
from pingyi.grading import services
from pingyi.grading.models import Committee, GradingRound
from pingyi.inputs.p1_files import read_ballots
from pingyi.rules import grading as rules
from tests.grading.conftest import DEPT, advance_to, assess, make_round, op, org

pytestmark = pytest.mark.django_db

JIA, YI = "甲镇党委", "乙街道党工委"
# code, sector, committee, total, grade — written by hand, not computed
SPEC: list[tuple[str, str, str, int, str]] = (
    [(f"R{n:02}", "农村", JIA, 95, "好") for n in range(1, 6)]
    + [(f"R{n:02}", "农村", JIA, 85, "较好") for n in range(6, 16)]
    + [(f"R{n:02}", "农村", JIA, 70, "一般") for n in range(16, 23)]
    + [(f"R{n:02}", "农村", JIA, 50, "较差") for n in range(23, 26)]
    + [(f"C{n:02}", "社区", YI, 92, "好") for n in range(1, 3)]
    + [(f"C{n:02}", "社区", YI, 82, "较好") for n in range(3, 8)]
    + [(f"C{n:02}", "社区", YI, 65, "一般") for n in range(8, 10)]
    + [("C10", "社区", YI, 55, "较差")]
    + [("O01", "机关", YI, 91, "好")]
    + [(f"O{n:02}", "机关", YI, 88, "较好") for n in range(2, 4)]
    + [("O04", "机关", YI, 75, "一般"), ("O05", "机关", YI, 58, "较差")]
)
ORGS = "code,name,sector,committee,parent_code,new,violation\n" + "".join(
    f"{code},{code}党组织,{sector},{committee},,,\n" for code, sector, committee, _t, _g in SPEC
)
NEEDS = {("农村", "好"), ("农村", "较差"), ("社区", "好"), ("社区", "较差")}
NEEDS |= {("机关", "一般"), ("机关", "较差")}
MONTHS = {"一般": 3, "较差": 6}
C10_MARKS = ["满意", "满意", "基本满意", "满意", "不满意", "满意", "基本满意", "不满意"]


def run(*args: str | Path) -> int:
    try:
        return main([str(a) for a in args])
    except SystemExit as exit_:
        return int(exit_.code or 0)


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINGYI_LANGUAGE", "en")


def _round(tmp_path: Path) -> GradingRound:
    grading_round = advance_to(make_round(tmp_path, ORGS), rules.SELF_EVALUATION)
    c10 = org(grading_round, "C10")
    survey = services.survey_create(grading_round=grading_round, org=c10, actor=op(DEPT))
    campaign_open(campaign=survey.campaign, actor=op(DEPT))
    path = tmp_path / "c10.csv"
    path.write_text(
        "ballot_no,group,C10\n"
        + "".join(f"{n},{'党员' if n % 2 else '群众'},{m}\n" for n, m in enumerate(C10_MARKS, 1)),
        encoding="utf-8",
    )
    rows = read_ballots(path, ["C10"], campaign_scheme(survey.campaign), "c10.csv")
    ballots_import(campaign=survey.campaign, rows=rows, actor=Actor.operator(DEPT))
    campaign_close(campaign=survey.campaign, actor=Actor.operator(DEPT))
    advance_to(grading_round, rules.ASSESSMENT)
    for code, _sector, _committee, total, _grade in SPEC:
        if code != "C10":
            assess(grading_round, code, total)
    # C10: 43.75 of the assessment's 85 (20 + 20 + 1.25 deducted) and the counted 11.25
    scores = {"leader": 0, "ideas": 10, "rules": Fraction(55, 4), "venue": 10, "support": 10}
    services.assessment_submit(
        org=c10,
        scores={k: Fraction(v) for k, v in scores.items()} | {"performance": Fraction(0)},
        reasons=dict.fromkeys(("leader", "rules", "performance"), "见考核记录"),
        actor=op("erin"),
    )
    services.survey_rate_enter(org=c10, rate=Fraction(1), ballots=8, reason="x", actor=op(DEPT))
    return advance_to(grading_round, rules.DECISION)


def _values(path: Path, sheet: str) -> list[list[object]]:
    book = openpyxl.load_workbook(path)
    return [list(r) for r in book[sheet].iter_rows(min_row=3, values_only=True)]


def test_the_forty_organizations_report_tables_cell_by_cell(tmp_path: Path) -> None:
    grading_round = _round(tmp_path)
    code = grading_round.code
    # the committee's texts from the command line
    assert run("grading", "explain", "--round", code, "--org", "R01", "带头人作用突出") == 0
    assert run("grading", "explain", "--round", code, "--org", "O04", "考核排名靠后") == 0
    assert run(
        "grading", "follow-up", "--round", code, "--org", "R23", "--problems", "班子软弱涣散",
        "--measures", "选派第一书记", "--sponsor", "王副书记", "--liaison", "赵干事",
    ) == 0  # fmt: skip
    assert run(
        "grading", "follow-up", "--round", code, "--org", "R16", "--months", "2",
        "--months-reason", "问题单一，两个月可整改到位",
    ) == 0  # fmt: skip
    assert run("grading", "follow-up", "--round", code, "--org", "R17", "--months", "2") == 1

    out = tmp_path / "all.xlsx"
    assert run("grading", "reports", "--round", code, "--out", out) == 0

    assert _values(out, "汇总表") == [
        ["农村", 25, 5, 20, 10, 40, 7, 28, 3, 12],
        ["社区", 10, 2, 20, 5, 50, 2, 20, 1, 10],
        ["机关", 5, 1, 20, 2, 40, 1, 20, 1, 20],
        ["合计", 40, 8, 20, 17, 42.5, 10, 25, 5, 12.5],
    ]
    assert _values(out, "各党(工)委汇总表") == [
        [JIA, "农村", 25, 5, 20, 10, 40, 7, 28, 3, 12],
        [JIA, "小计", 25, 5, 20, 10, 40, 7, 28, 3, 12],
        [YI, "社区", 10, 2, 20, 5, 50, 2, 20, 1, 10],
        [YI, "机关", 5, 1, 20, 2, 40, 1, 20, 1, 20],
        [YI, "小计", 15, 3, 20, 7, 46.7, 3, 20, 2, 13.3],
        ["合计", None, 40, 8, 20, 17, 42.5, 10, 25, 5, 12.5],
    ]

    detail = _values(out, "明细表")
    assert len(detail) == 40
    for n, (row, spec) in enumerate(zip(detail, SPEC, strict=True), 1):
        c, sector, committee, total, grade = spec
        if c == "C10":
            sources = [Fraction(175, 4), 75, 100, "x（待审批，未采用）"]
        else:
            sources = [total - 15, None, 100, "纸质测评汇总（已审批采用）"]
        expected = [
            n,
            c,
            f"{c}党组织",
            sector,
            committee,
            None,
            None,
            *sources,
            total,
            grade,
            grade,
        ]
        assert row == [*expected, None], c
    assert detail[34][7:12] == [43.75, 75, 100, "x（待审批，未采用）", 55]

    overview = _values(out, "一览表")
    assert len(overview) == 40  # every organization, not only those needing an explanation
    texts = {"R01": "带头人作用突出", "O04": "考核排名靠后"}
    for n, (row, spec) in enumerate(zip(overview, SPEC, strict=True), 1):
        c, sector, committee, total, grade = spec
        months: object = MONTHS.get(grade)
        reason = None
        if c == "R16":
            months, reason = 2, "问题单一，两个月可整改到位"
        needs = "是" if (sector, grade) in NEEDS else None
        expected = [n, committee, f"{c}党组织", sector, total, grade, needs, texts.get(c)]
        assert row == [*expected, months, reason], c

    poor = _values(out, "较差状况明细表")
    assert [r[2] for r in poor] == ["R23党组织", "R24党组织", "R25党组织", "C10党组织", "O05党组织"]
    assert poor[0] == [
        1, JIA, "R23党组织", "农村", 50, "班子软弱涣散", "选派第一书记", "王副书记", "赵干事",
        6, None,
    ]  # fmt: skip
    assert poor[3][5:] == [None, None, None, None, 6, None]

    # a committee's own tables: its organizations only
    own = tmp_path / "yi.xlsx"
    assert run("grading", "reports", "--round", code, "--committee", YI, "--out", own) == 0
    assert _values(own, "汇总表") == [
        ["社区", 10, 2, 20, 5, 50, 2, 20, 1, 10],
        ["机关", 5, 1, 20, 2, 40, 1, 20, 1, 20],
        ["合计", 15, 3, 20, 7, 46.7, 3, 20, 2, 13.3],
    ]
    assert [r[2] for r in _values(own, "一览表")] == [f"{c}党组织" for c, *_ in SPEC[25:]]
    assert Committee.objects.filter(round=grading_round).count() == 2


def test_the_cli_approves_a_rate_only_as_another_person(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    grading_round = advance_to(make_round(tmp_path), rules.ASSESSMENT)
    assess(grading_round, "V1", 80)
    services.survey_rate_enter(
        org=org(grading_round, "V1"), rate=Fraction(1, 2), ballots=9, reason="补测", actor=op(DEPT)
    )
    code = grading_round.code
    assert run("grading", "rate", "refuse", "--round", code, "--org", "V1") == 1
    assert "reason for the refusal: a text is required" in capsys.readouterr().err
    assert run("grading", "rate", "approve", "--round", code, "--org", "V1") == 0
    assert "V1: entered rate approved" in capsys.readouterr().out
    assert grading_round.orgs.get(code="V1").survey_entry.status == "approved"
    assert run("grading", "schedule", "--round", code, "--today", "2026-04-20") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split("\t")[:4] == ["self_evaluation", "2026-04-12", "2026-04-14", "done"]
    assert lines[1].split("\t")[:4] == ["assessment", "2026-04-15", "2026-04-19", "overdue"]
