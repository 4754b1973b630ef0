"""Query counts of the stages' board, the public page of pledges, a person's units and the
stages API, pinned (issue 11): a campaign of 4 units and one of 24 (their pledges drafted,
submitted or approved and public in turn, every other self-inspection report filed) cost the same
queries to Alice (the office), to Olga (who files for every unit) or to the public."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from pingyi import evidence
from pingyi.accounts.actors import Actor
from pingyi.campaigns.models import Campaign
from pingyi.rules.tally import UnitSpec
from pingyi.stages.services import (
    brief_save,
    inspection_file,
    pledge_approve,
    pledge_save,
    unit_owner_grant,
)
from tests.queries import assert_pinned
from tests.stages.conftest import PDF, Cast, D, dated_campaign
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db


def filled(cast: Cast, count: int, series: str) -> Campaign:
    """A dated campaign of ``count`` units, each filed for by Olga."""
    units = [UnitSpec(f"L{n}", f"单位{n}", "地方管理部门", "local") for n in range(count)]
    campaign = dated_campaign(series=series, units=units)
    office, olga = Actor.of(cast.alice), Actor.of(cast.olga)
    brief_save(campaign=campaign, plan="实施方案", criteria="评议标准", public=True, actor=office)
    for n, unit in enumerate(campaign.units.order_by("position")):
        unit_owner_grant(campaign=campaign, unit_code=unit.code, username="olga", actor=office)
        pledge = pledge_save(unit=unit, text=f"承诺{n}", actor=olga, submit=n % 3 > 0,
                             upload=evidence.Upload("承诺.pdf", PDF))  # fmt: skip
        if n % 3 == 1:
            pledge_approve(pledge=pledge, actor=office)
        if n % 2:
            inspection_file(unit=unit, text="自查情况", actor=olga, today=D(2026, 3, 2))
    return campaign


def who(cast: Cast, name: str) -> User | None:
    return {"alice": cast.alice, "olga": cast.olga, "public": None}[name]


@pytest.mark.parametrize(
    ("url", "name", "pinned"),
    [("/staff/c/{code}/stages/", "alice", 15), ("/c/{code}/", "public", 4),
     ("/api/campaigns/{code}/stage-board", "alice", 5),
     ("/api/public/campaigns/{code}", "public", 4)],
    ids=["board", "public", "api-board", "api-public"],
)  # fmt: skip
def test_a_campaign_of_many_units(cast: Cast, url: str, name: str, pinned: int) -> None:
    few, many = filled(cast, 4, "few"), filled(cast, 24, "many")
    user = who(cast, name)
    client = Client() if user is None else client_for(user)
    assert_pinned(client, url.format(code=few.code), lambda: url.format(code=many.code), pinned)


@pytest.mark.parametrize(
    ("url", "pinned"), [("/staff/units/", 9), ("/staff/", 31)], ids=["units", "home"]
)
def test_the_units_of_a_person(cast: Cast, url: str, pinned: int) -> None:
    """Olga files for every unit: her units, and her landing page's line for each."""
    filled(cast, 2, "few")

    def grow() -> None:
        filled(cast, 18, "many")

    assert_pinned(client_for(cast.olga), url, grow, pinned)


def surveyed(cast: Cast, campaign: Campaign) -> Campaign:
    """The campaign's rectification survey of every unit, closed with 8 ballots, recorded."""
    from pingyi.campaigns.services import campaign_close, campaign_open
    from pingyi.stages.survey_services import (
        rectification_survey_record,
        rectification_survey_start,
    )
    from pingyi.voting.services import ballot_submit, token_issue

    office = Actor.of(cast.alice)
    survey = rectification_survey_start(campaign=campaign, actor=office, scope="all").survey
    campaign_open(campaign=survey, actor=Actor.operator("alice"))
    group = survey.groups.get(code="service_recipients")
    codes = [u.code for u in survey.units.all()]
    for code in token_issue(
        campaign=survey, group=group, count=8, actor=Actor.operator("alice")
    ).codes:
        ballot_submit(code=code, marks=dict.fromkeys(codes, "满意"))
    campaign_close(campaign=survey, actor=Actor.operator("alice"))
    rectification_survey_record(campaign=campaign, actor=office)
    return campaign


@pytest.mark.parametrize(
    ("url", "pinned"),
    [("/staff/c/{code}/stages/", 15), ("/api/campaigns/{code}/rectification-survey", 5),
     ("/staff/c/{code}/stages/u/L1/", 16)],
    ids=["board", "api-survey", "unit"],
)  # fmt: skip
def test_the_rectification_survey_recorded_for_many_units(
    cast: Cast, url: str, pinned: int
) -> None:
    few = surveyed(cast, filled(cast, 4, "few"))
    many = surveyed(cast, filled(cast, 24, "many"))
    client = client_for(cast.alice)
    assert_pinned(client, url.format(code=few.code), lambda: url.format(code=many.code), pinned)
