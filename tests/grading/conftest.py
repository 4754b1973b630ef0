"""A grading round built through the services, as the department would build it.

Two committees: 甲镇党委 (a general branch with its branch, villages, a new enterprise
branch, a village with a violation) and 乙街道党工委 (a community and an organs branch).
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path

import pytest

from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Organization
from pingyi.grading.models import GradingRound, PartyOrg
from pingyi.grading.records import work_summary_file
from pingyi.grading.services import (
    assessment_submit,
    orgs_import,
    round_advance,
    round_create,
    survey_rate_decide,
    survey_rate_enter,
)
from pingyi.rules import grading as rules

DEPT = "alice"
DEPT2 = "dora"  # a second person of the department: approves what alice entered
ORGS = (
    "code,name,sector,committee,parent_code,new,violation\n"
    "G1,第一党总支,农村,甲镇党委,,,\n"
    "B1,第一支部,农村,甲镇党委,G1,,\n"
    "V1,二村党支部,农村,甲镇党委,,,\n"
    "V2,三村党支部,农村,甲镇党委,,,\n"
    "N1,新建企业党支部,非公有制企业,甲镇党委,,是,\n"
    "X1,四村党支部,农村,甲镇党委,,,是\n"
    "S1,社区党委,社区,乙街道党工委,,,\n"
    "O1,街道机关党支部,机关,乙街道党工委,,,\n"
)
# The assessment group's points before the survey's 15 (the seven indicators' other 85).
FULL = {"leader": 20, "ideas": 10, "rules": 15, "venue": 10, "support": 10, "performance": 20}


def op(name: str) -> Actor:
    """The system actor under ``name``: these tests are about the round's rules, not about
    who may (test_parity.py and test_access_matrix.py are), so they act as the operator."""
    return Actor.operator(name)


def office() -> Organization:
    return Organization.objects.get_or_create(code="office", defaults={"name": "组织部"})[0]


def make_round(
    tmp_path: Path, orgs: str = ORGS, scheme: rules.GradingScheme | None = None, year: int = 2026
) -> GradingRound:
    grading_round = round_create(
        organization=office(),
        year=year,
        name=f"{year}年基层党组织分类定级",
        scheme=scheme or rules.GradingScheme(),
        actor=op(DEPT),
    )
    path = tmp_path / f"orgs-{year}.csv"
    path.write_text(orgs, encoding="utf-8")
    orgs_import(grading_round=grading_round, path=path, label="orgs.csv", actor=op(DEPT))
    return grading_round


def advance_to(grading_round: GradingRound, step: str) -> GradingRound:
    while grading_round.status != step:
        round_advance(grading_round=grading_round, actor=op(DEPT))
    return grading_round


def org(grading_round: GradingRound, code: str) -> PartyOrg:
    return PartyOrg.objects.select_related("round", "committee").get(round=grading_round, code=code)


def assess(grading_round: GradingRound, code: str, total: int | str, rate: str = "1") -> None:
    """Scores ``code`` so that its total is ``total`` with the survey rate ``rate`` (entered):
    the points missing from 100 are deducted from 党组织带头人, then 工作业绩, with reasons."""
    survey_points = 15 * Fraction(rate)
    missing = Fraction(85) - (Fraction(total) - survey_points)
    scores = {k: Fraction(v) for k, v in FULL.items()}
    reasons = {}
    for key in ("leader", "performance", "rules", "ideas", "venue", "support"):
        cut = min(missing, scores[key])
        if cut > 0:
            scores[key] -= cut
            reasons[key] = "扣分理由：见考核记录"
            missing -= cut
    target = org(grading_round, code)
    assessment_submit(org=target, scores=scores, reasons=reasons, actor=op("erin"))
    survey_rate_enter(
        org=target, rate=Fraction(rate), ballots=20, reason="纸质测评汇总", actor=op(DEPT)
    )
    survey_rate_decide(org=target, approve=True, actor=op(DEPT2))


def summarize(grading_round: GradingRound) -> None:
    """Every committee's 工作总结, as each files it with its tables (seed 003)."""
    for committee in grading_round.committees.select_related("round"):
        work_summary_file(
            committee=committee,
            text=f"{committee.name}分类定级工作总结：按五个步骤完成定级。",
            actor=Actor.operator("carol"),
        )


def decided(
    tmp_path: Path,
    totals: dict[str, int | str],
    orgs: str = ORGS,
    year: int = 2026,
    summaries: bool = True,
) -> GradingRound:
    """A round at the decision step with every organization assessed at ``totals`` and,
    unless ``summaries`` is false, every committee's work summary written."""
    grading_round = advance_to(make_round(tmp_path, orgs, year=year), rules.ASSESSMENT)
    for code, total in totals.items():
        assess(grading_round, code, total)
    advance_to(grading_round, rules.DECISION)
    if summaries:
        summarize(grading_round)
    return grading_round


NOTICE_OPENS = dt.datetime(2026, 3, 2, 1, tzinfo=dt.UTC)


def noticed(grading_round: GradingRound) -> None:
    """Puts the round's grades on public notice and makes the notice final, as the department
    does between the committees' decision and their filing (P3 comes before filing)."""
    from pingyi.notices.grading_notice import notice_publish_grading
    from pingyi.notices.models import Notice
    from pingyi.notices.services import notice_finalize

    if Notice.objects.filter(grading_round=grading_round).exists():
        return
    notice = notice_publish_grading(
        grading_round=grading_round, actor=Actor.operator(DEPT), now=NOTICE_OPENS
    )
    notice_finalize(
        notice=notice, actor=Actor.operator(DEPT), now=NOTICE_OPENS + dt.timedelta(days=6)
    )


@pytest.fixture
def setup_round(db: None, tmp_path: Path) -> GradingRound:
    return make_round(tmp_path)
