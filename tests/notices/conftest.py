"""A closed P1 campaign with known results, ready to go on notice.

Fourteen units in the three categories of seed 001, ten paper ballots. By construction:
local — L1…L5 winners, L6 key rectification (80 %), L7 last; vertical — V1…V3 winners, V4
last; financial — F1 vetoed although best, so F2 and F3 win.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Membership, Organization, Role
from pingyi.ballots.services import ballots_import
from pingyi.campaigns.models import Campaign
from pingyi.campaigns.services import campaign_close, campaign_create, campaign_open
from pingyi.grading.models import GradingRound
from pingyi.notices.models import Notice
from pingyi.notices.services import notice_publish
from pingyi.rules.scheme import Scheme, builtin_scheme
from pingyi.rules.tally import UnitSpec
from tests.ballots.conftest import rows_of

STAFF = "alice"
# The fixtures' setup acts as the system (no account) under the name the audit assertions read.
AS_STAFF = Actor.operator(STAFF)
T0 = dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC)  # publication time in the tests
LABELS = ("满意", "基本满意", "不满意")
CATEGORY = {"L": ("地方管理部门", "local"), "V": ("垂直管理部门", "vertical")}
CATEGORY["F"] = ("金融部门", "financial")
# unit → (satisfied, basically satisfied, dissatisfied) of the ten ballots
PROFILE = {
    "L1": (10, 0, 0), "L2": (9, 1, 0), "L3": (8, 2, 0), "L4": (7, 3, 0), "L5": (6, 4, 0),
    "L6": (5, 3, 2), "L7": (2, 3, 5),
    "V1": (10, 0, 0), "V2": (8, 2, 0), "V3": (6, 4, 0), "V4": (3, 4, 3),
    "F1": (10, 0, 0), "F2": (9, 1, 0), "F3": (5, 5, 0),
}  # fmt: skip
BALLOTS = 10


def profile(count: int) -> dict[str, tuple[int, int, int]]:
    """``count`` units in each of the three categories (F1 vetoed), with spread results."""
    return {
        f"{letter}{n}": (10 - n % 7, n % 7 // 2, n % 7 - n % 7 // 2)
        for letter in "LVF"
        for n in range(1, count + 1)
    }


def unit_specs(codes: list[str]) -> list[UnitSpec]:
    return [
        UnitSpec(
            code,
            f"单位{code}",
            CATEGORY[code[0]][0],
            CATEGORY[code[0]][1],
            veto=code == "F1",
        )
        for code in codes
    ]


def _mark(profile: tuple[int, int, int], ballot: int) -> str:
    satisfied, basic, _dissatisfied = profile
    if ballot < satisfied:
        return LABELS[0]
    return LABELS[1] if ballot < satisfied + basic else LABELS[2]


def closed_campaign(
    folder: Path,
    *,
    profile: dict[str, tuple[int, int, int]] | None = None,
    year: int = 2026,
    series: str = "qianren",
    organization: str = "office",
    ballots: int = BALLOTS,
    scheme: Scheme | None = None,
) -> Campaign:
    """Creates, opens, fills with paper ballots and closes a campaign."""
    profile = profile or PROFILE
    codes = list(profile)
    campaign = campaign_create(
        organization_code=organization,
        organization_name="评议办",
        series_code=series,
        series_name="千人评议机关",
        year=year,
        name=f"{year}年千人评议",
        scheme=scheme or builtin_scheme(),
        units=unit_specs(codes),
        actor=Actor.operator(STAFF),
        code=f"{organization}-{series}-{year}",
    )
    campaign_open(campaign=campaign, actor=Actor.operator(STAFF))
    lines = [",".join(["ballot_no", "group", *codes])]
    for i in range(ballots):
        group = "服务对象" if i % 5 < 3 else "干部和各界代表"
        marks = [_mark(profile[c], i * BALLOTS // ballots) for c in codes]
        lines.append(",".join([f"P{year}-{i + 1}", group, *marks]))
    path = folder / f"ballots-{organization}-{series}-{year}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ballots_import(campaign=campaign, rows=rows_of(campaign, path), actor=Actor.operator(STAFF))
    campaign_close(campaign=campaign, actor=Actor.operator(STAFF))
    return campaign


@pytest.fixture(autouse=True)
def _clear_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def closed(db: None, tmp_path: Path) -> Campaign:
    return closed_campaign(tmp_path)


@pytest.fixture
def notice(closed: Campaign) -> Notice:
    return notice_publish(campaign=closed, actor=AS_STAFF, now=T0)


def staff_user(name: str, organization: Organization, role: str = Role.STAFF) -> User:
    user = User.objects.create_user(name, email=f"{name}@example.org")
    Membership.objects.create(user=user, organization=organization, role=role)
    return user


# ---------------------------------------------------------------- a grading's notice (P2)
# tests.grading.conftest's eight organizations: G1 好 (its branch B1 follows), V1 较好, V2 一般,
# N1 较好 (new, 92 capped), X1 较差 (violation, 90), S1 较差, O1 一般.
GRADING_TOTALS: dict[str, int | str] = {
    "G1": 95, "B1": 70, "V1": 85, "V2": 70, "N1": 92, "X1": 90, "S1": 55, "O1": 65,
}  # fmt: skip


def grading_orgs(count: int, committees: int = 4) -> str:
    """An ORGS file of ``count`` village organizations spread over ``committees``."""
    lines = ["code,name,sector,committee"]
    lines += [f"P{i},第{i}村党支部,农村,第{i % committees}镇党委" for i in range(count)]
    return "\n".join(lines) + "\n"


def decided_grading(
    folder: Path, totals: dict[str, int | str] | None = None, orgs: str | None = None, **kw: Any
) -> GradingRound:
    from tests.grading.conftest import ORGS, decided

    return decided(folder, totals or GRADING_TOTALS, orgs or ORGS, **kw)


def published_grading(folder: Path, now: dt.datetime = T0, **kw: Any) -> Notice:
    """A grading decided at GRADING_TOTALS, published at ``now`` for 5 days."""
    from pingyi.notices.grading_notice import notice_publish_grading

    return notice_publish_grading(
        grading_round=decided_grading(folder, **kw), actor=AS_STAFF, now=now
    )


def large_grading(folder: Path, count: int, committees: int, now: dt.datetime) -> Notice:
    """A grading of ``count`` organizations over ``committees``, published at ``now``. The
    organizations are imported from a file as a department does; their assessments are
    stored in bulk (scoring 3,000 through the service one by one takes half a minute), with
    no survey indicator so that they give every total. Organization P{i} belongs to
    第{i % committees}镇党委 and totals 100 − (7i mod 41)."""
    from dataclasses import replace

    from pingyi.grading.models import Assessment, AssessmentScore, PartyOrg, RubricIndicator
    from pingyi.grading.services import orgs_import, round_create
    from pingyi.notices.grading_notice import notice_publish_grading
    from pingyi.rules import grading as rules
    from tests.grading.conftest import advance_to, office

    indicators = tuple(replace(i, survey=False) for i in rules.SEVEN_INDICATORS)
    grading_round = round_create(
        organization=office(), year=2026, name="2026年基层党组织分类定级",
        scheme=rules.GradingScheme(indicators=indicators), actor=Actor.operator(STAFF),
    )  # fmt: skip
    orgs = folder / "orgs-large.csv"
    orgs.write_text(grading_orgs(count, committees), encoding="utf-8")
    orgs_import(
        grading_round=grading_round, path=orgs, label="orgs.csv", actor=Actor.operator(STAFF)
    )
    advance_to(grading_round, rules.ASSESSMENT)
    rubric = list(RubricIndicator.objects.filter(round=grading_round, sector=""))
    assessments = Assessment.objects.bulk_create(
        Assessment(org=org, submitted_by=STAFF, submitted_at=now)
        for org in PartyOrg.objects.filter(round=grading_round).order_by("position")
    )
    scores = []
    for assessment in assessments:
        cut = (int(assessment.org.code[1:]) * 7) % 41
        for indicator in rubric:
            points = indicator.maximum
            if indicator.code == "leader":
                points -= min(cut, 20)
            elif indicator.code == "performance":
                points -= max(0, cut - 20)
            reason = "扣分" if points < indicator.maximum else ""
            scores.append(AssessmentScore(assessment=assessment, indicator=indicator,
                                          points=points, reason=reason))  # fmt: skip
    AssessmentScore.objects.bulk_create(scores)
    advance_to(grading_round, rules.DECISION)
    return notice_publish_grading(grading_round=grading_round, actor=AS_STAFF, now=now)
