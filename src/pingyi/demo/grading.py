"""The grading demo of seed 003: one round of grassroots organizations under three committees,
self-evaluated, assessed and surveyed, waiting at the committees' decision — with its reports.

Deterministic for a seed, so that `make run` shows the same round every time. The round is
built once; a second run finds it and only rewrites the reports.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

from django.utils.translation import gettext as _

from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Organization
from pingyi.exports.grading_pdf import write_grading_pdf
from pingyi.exports.grading_workbook import write_grading_workbook
from pingyi.exports.outputs import write_files
from pingyi.grading.models import GradingRound, PartyOrg
from pingyi.grading.selectors import grading_reports, grading_state, round_scheme
from pingyi.grading.services import (
    assessment_submit,
    orgs_import,
    round_advance,
    round_create,
    self_evaluation_submit,
    survey_rate_decide,
    survey_rate_enter,
)
from pingyi.rules import grading as rules

YEAR = 2026
# (committee, sector, how many, name pattern)
COMMITTEES = (
    ("城关镇党委", "农村", 10, "{}村党支部"),
    ("城关镇党委", "社区", 4, "{}社区党支部"),
    ("经济开发区党工委", "非公有制企业", 8, "{}公司党支部"),
    ("县直机关工委", "机关", 8, "{}局机关党支部"),
    ("县直机关工委", "教育卫生事业单位", 6, "{}学校党支部"),
)
PLACES = "东西南北中新和平安兴旺富强康乐建华明光清河阳山"
# The demo's data is what Chinese users would type: Chinese, not translated.
APPROVER = "组织部复核人"  # approves the rates the demo's actor enters
REASON = "经考核组查阅台账，部分工作缺少记录，按标准扣分"


def _orgs_file(path: Path) -> None:
    """The organizations as the department's Excel export would list them (a CSV here)."""
    lines = ["code,name,sector,committee,parent_code,new,violation"]
    number = 0
    for committee, sector, count, pattern in COMMITTEES:
        for i in range(count):
            number += 1
            name = pattern.format(PLACES[(number * 7 + i) % len(PLACES)] + PLACES[i % 5])
            new = "是" if number % 13 == 0 else ""
            violation = "是" if number == 17 else ""
            lines.append(f"D{number:03d},{name},{sector},{committee},,{new},{violation}")
    # a general branch and its branch, which takes its grade
    lines.append("D101,开发区联合党总支,非公有制企业,经济开发区党工委,,,")
    lines.append("D102,开发区联合第一支部,非公有制企业,经济开发区党工委,D101,,")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _points(indicator: rules.Indicator, rng: random.Random, quality: float) -> Fraction:
    """About ``quality`` of the maximum, give or take, in half points."""
    share = min(1.0, max(0.0, quality + rng.uniform(-0.05, 0.05)))
    return Fraction(round(float(indicator.maximum) * share * 2), 2)


Scores = tuple[dict[str, Fraction], dict[str, str]]


def _self_evaluate(
    org: PartyOrg, scheme: rules.GradingScheme, rng: random.Random, actor: Actor
) -> Scores:
    """The organization's self-evaluation (its own estimate, a little generous); returns what
    the assessment group will find: scores and a reason for every deduction."""
    indicators = scheme.indicators_for(org.sector)
    quality = min(1.0, rng.gauss(0.86, 0.07))  # most 较好, some 好 and 一般, rarely 较差
    weak = quality < 0.8
    assessed = {i.code: _points(i, rng, quality) for i in indicators if not i.survey}
    own = {i.code: min(i.maximum, assessed.get(i.code, i.maximum) + 1) for i in indicators}
    self_evaluation_submit(
        org=org,
        scores=own,
        claimed_grade=rules.EXCELLENT if not weak else rules.GOOD,
        achievements="每月开展主题党日活动，党员档案齐全",
        problems="部分会议记录不完整",
        actor=actor,
    )
    reasons = {i.code: REASON for i in indicators if not i.survey and assessed[i.code] < i.maximum}
    return assessed, reasons


def demo_grading(*, out: Path, seed: int, actor: str, office: Organization) -> Iterator[str]:
    """Builds (or finds) the demo round and writes its report tables into ``out``."""
    grading_round = GradingRound.objects.filter(organization=office, year=YEAR).first()
    if grading_round is None:
        grading_round = _build(out, seed, actor, office)
    state = grading_state(grading_round)
    yield f"== {grading_round.name} ({grading_round.code})"
    counts = dict.fromkeys(rules.GRADES, 0)
    for org in state.orgs:
        if org.grade:
            counts[org.grade] += 1
    yield "  " + "  ".join(f"{g} {n}" for g, n in counts.items())
    for committee in state.committees:
        blockers = committee.blockers(round_scheme(grading_round))
        yield "  " + _(
            "%(committee)s: %(n)s organizations, %(blockers)s to settle before filing"
        ) % {
            "committee": committee.committee.name,
            "n": len(committee.orgs),
            "blockers": len(blockers),
        }
    rows = grading_reports(grading_round)
    scheme, title = round_scheme(grading_round), grading_round.name
    xlsx, pdf = out / f"grading-{YEAR}.xlsx", out / f"grading-{YEAR}.pdf"
    write_files(
        {
            xlsx: lambda tmp: write_grading_workbook(tmp, rows, scheme=scheme, title=title),
            pdf: lambda tmp: write_grading_pdf(tmp, rows, scheme=scheme, title=title),
        }
    )


def _build(out: Path, seed: int, name: str, office: Organization) -> GradingRound:
    """The demo is a task of Pingyi's own: the system actor ``name`` (``demo``), and a second
    one approves the rates it enters."""
    actor, approver = Actor.operator(name), Actor.operator(APPROVER)
    scheme = rules.GradingScheme()
    grading_round = round_create(
        organization=office,
        year=YEAR,
        name=f"{YEAR}年基层党组织分类定级（演示）",
        scheme=scheme,
        actor=actor,
    )
    path = out / f"grading-orgs-{YEAR}.csv"
    _orgs_file(path)
    orgs_import(grading_round=grading_round, path=path, label=path.name, actor=actor)
    round_advance(grading_round=grading_round, actor=actor)  # → self-evaluation
    rng = random.Random(seed)  # noqa: S311 — demo data, reproducible by design
    # a branch is scored too, though it takes its general branch's grade in the end
    orgs = list(PartyOrg.objects.filter(round=grading_round).order_by("code"))
    found = {org.pk: _self_evaluate(org, scheme, rng, actor) for org in orgs}
    round_advance(grading_round=grading_round, actor=actor)  # → assessment
    for org in orgs:
        assessed, reasons = found[org.pk]
        assessment_submit(org=org, scores=assessed, reasons=reasons, actor=actor)
        rate = Fraction(rng.randint(70, 100), 100)
        survey_rate_enter(
            org=org, rate=rate, ballots=rng.randint(20, 60), reason="纸质测评汇总", actor=actor
        )
        # a second person of the department approves it (separation of duties)
        survey_rate_decide(org=org, approve=True, actor=approver)
    round_advance(grading_round=grading_round, actor=actor)  # → the committees' decision
    return grading_round
