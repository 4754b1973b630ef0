"""集中整改's satisfaction survey: one action makes a linked P1 campaign (the same engine:
codes, ballots, the k rule), whose closed results are recorded back on the stage through
campaign_results — by the service, the board, the API and the CLI, in Chinese."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from typing import Any

import pytest
from django.test import Client

from pingyi.accounts.actors import AccessDenied, Actor
from pingyi.audit.models import AuditEntry
from pingyi.ballots.selectors import TooFewBallots, campaign_results
from pingyi.campaigns.models import Campaign
from pingyi.campaigns.selectors import campaign_scheme
from pingyi.campaigns.services import campaign_close, campaign_open
from pingyi.cli import main
from pingyi.rules.errors import RuleError
from pingyi.stages.models import RectificationReport, RectificationSurvey, SurveyRate
from pingyi.stages.survey_services import (
    E_IS_SURVEY,
    E_NO_GROUPS,
    E_NO_REPORTS,
    E_NO_SURVEY,
    E_SURVEY_EXISTS,
    E_SURVEY_OPEN,
    E_UNKNOWN_GROUP,
    rectification_survey_record,
    rectification_survey_start,
)
from pingyi.voting.services import ballot_submit, token_issue
from tests.chinese import FIXTURE_WORDS, ZH, english_left
from tests.stages.conftest import Cast

pytestmark = pytest.mark.django_db

WORDS = FIXTURE_WORDS | {"paul", "mike"}
DAY = dt.date(2026, 10, 8)


def _report(cast: Cast, *units: Any) -> None:
    for unit in units:
        RectificationReport.objects.create(
            unit=unit, text="整改报告", filed_on=DAY, filed_by="olga"
        )


def _cast_ballots(survey: Campaign, marks: list[dict[str, str]], group: str) -> None:
    issued = token_issue(
        campaign=survey,
        group=survey.groups.get(code=group),
        count=len(marks),
        actor=Actor.operator("alice"),
    )
    for code, ballot in zip(issued.codes, marks, strict=True):
        ballot_submit(code=code, marks=ballot)


def _closed_survey(cast: Cast) -> RectificationSurvey:
    """L1 and L2 reported; 10 ballots: L1 8 favourable of 10, L2 5 of 10."""
    _report(cast, cast.l1, cast.l2)
    found = rectification_survey_start(campaign=cast.campaign, actor=Actor.of(cast.alice))
    campaign_open(campaign=found.survey, actor=Actor.operator("alice"))
    marks = [{"L1": "满意" if n < 6 else ("基本满意" if n < 8 else "不满意"),
              "L2": "满意" if n < 5 else "不满意"} for n in range(10)]  # fmt: skip
    _cast_ballots(found.survey, marks, "service_recipients")
    campaign_close(campaign=found.survey, actor=Actor.operator("alice"))
    return found


def test_starting_the_survey_makes_a_linked_short_campaign_of_the_reporting_units(
    cast: Cast,
) -> None:
    _report(cast, cast.l2)
    found = rectification_survey_start(
        campaign=cast.campaign, actor=Actor.of(cast.alice), groups=["service_recipients"],
        today=DAY,
    )  # fmt: skip
    survey = found.survey
    assert (survey.code, survey.status, survey.year) == (f"{cast.campaign.code}-rs", "draft", 2026)
    assert survey.series.organization_id == cast.campaign.series.organization_id
    assert list(survey.units.values_list("code", flat=True)) == ["L2"]
    assert list(survey.groups.values_list("code", "target_share")) == [("service_recipients", "")]
    source, short = campaign_scheme(cast.campaign), campaign_scheme(survey)
    assert short.marks == source.marks
    assert short.min_subset_ballots == source.min_subset_ballots  # the same k rule
    assert [c.winners for c in short.categories] == [0] * len(source.categories)
    assert (short.last_places, short.rectify_below, short.criteria) == (0, Fraction(0), ())
    assert (found.scope, found.started_on, found.started_by) == ("reported", DAY, "alice")
    entry = AuditEntry.objects.get(action="stages.rectification_survey.started")
    assert entry.data["units"] == ["L2"] and entry.data["groups"] == ["service_recipients"]


def test_every_unit_and_every_group_when_asked_and_only_once(cast: Cast) -> None:
    alice = Actor.of(cast.alice)
    found = rectification_survey_start(campaign=cast.campaign, actor=alice, scope="all")
    assert found.survey.units.count() == cast.campaign.units.count()
    assert found.survey.groups.count() == cast.campaign.groups.count()
    assert found.survey.groups.exclude(target_share="").count() == found.survey.groups.count()
    with pytest.raises(RuleError) as refused:
        rectification_survey_start(campaign=cast.campaign, actor=alice, scope="all")
    assert refused.value.message() == E_SURVEY_EXISTS % {"code": found.survey.code}
    with pytest.raises(RuleError) as refused:  # a survey is not surveyed in turn
        rectification_survey_start(campaign=found.survey, actor=alice, scope="all")
    assert refused.value.message() == E_IS_SURVEY


def test_the_survey_is_refused_without_reports_groups_or_office(cast: Cast) -> None:
    alice = Actor.of(cast.alice)
    with pytest.raises(RuleError) as refused:
        rectification_survey_start(campaign=cast.campaign, actor=alice)
    assert refused.value.message() == E_NO_REPORTS
    _report(cast, cast.l1)
    with pytest.raises(RuleError) as refused:
        rectification_survey_start(campaign=cast.campaign, actor=alice, groups=[])
    assert refused.value.message() == E_NO_GROUPS
    with pytest.raises(RuleError) as refused:
        rectification_survey_start(campaign=cast.campaign, actor=alice, groups=["mps"])
    assert refused.value.message() == E_UNKNOWN_GROUP % {"code": "mps"}
    for user in (cast.bob, cast.olga, cast.charlie, cast.dave):
        with pytest.raises(AccessDenied):
            rectification_survey_start(campaign=cast.campaign, actor=Actor.of(user))
    assert not RectificationSurvey.objects.exists()
    assert not Campaign.objects.filter(code__endswith="-rs").exists()


def test_the_results_are_recorded_through_campaign_results_once_closed(cast: Cast) -> None:
    alice = Actor.of(cast.alice)
    with pytest.raises(RuleError) as refused:
        rectification_survey_record(campaign=cast.campaign, actor=alice)
    assert refused.value.message() == E_NO_SURVEY
    found = _closed_survey(cast)
    results = campaign_results(found.survey)
    recorded = rectification_survey_record(campaign=cast.campaign, actor=alice, today=DAY)
    assert (recorded.recorded_on, recorded.recorded_by, recorded.valid_ballots) == (
        DAY,
        "alice",
        10,
    )
    rates = {r.unit.code: (r.valid_ballots, r.favourable, r.fraction)
             for r in SurveyRate.objects.select_related("unit")}  # fmt: skip
    assert rates == {"L1": (10, 8, Fraction(4, 5)), "L2": (10, 5, Fraction(1, 2))}
    assert {u.spec.code: u.satisfaction_rate for u in results.tally.units} == {
        code: rate for code, (_n, _f, rate) in rates.items()
    }
    # The rates belong to the campaign's own units (the stage's), not the survey's copies.
    assert set(SurveyRate.objects.values_list("unit__campaign", flat=True)) == {cast.campaign.pk}
    rectification_survey_record(campaign=cast.campaign, actor=alice)  # again: replaced
    assert SurveyRate.objects.count() == 2
    with pytest.raises(AccessDenied):
        rectification_survey_record(campaign=cast.campaign, actor=Actor.of(cast.bob))


def test_an_open_survey_or_one_under_k_ballots_records_nothing(cast: Cast) -> None:
    alice = Actor.of(cast.alice)
    _report(cast, cast.l1)
    found = rectification_survey_start(campaign=cast.campaign, actor=alice)
    campaign_open(campaign=found.survey, actor=Actor.operator("alice"))
    with pytest.raises(RuleError) as refused:
        rectification_survey_record(campaign=cast.campaign, actor=alice)
    assert refused.value.message() == E_SURVEY_OPEN % {"code": found.survey.code}
    _cast_ballots(found.survey, [{"L1": "满意"}] * 3, "service_recipients")
    campaign_close(campaign=found.survey, actor=Actor.operator("alice"))
    with pytest.raises(TooFewBallots):  # the k rule of campaign_results
        rectification_survey_record(campaign=cast.campaign, actor=alice)
    found.refresh_from_db()
    assert found.recorded_on is None and not SurveyRate.objects.exists()


def _client(user: Any) -> Client:
    client = Client(headers=ZH)
    client.force_login(user)
    return client


def test_the_board_starts_the_survey_and_shows_its_rates_on_the_board_and_the_unit_page(
    cast: Cast,
) -> None:
    board = f"/staff/c/{cast.campaign.code}/stages/"
    _report(cast, cast.l1, cast.l2)
    alice = _client(cast.alice)
    page = alice.get(board).content.decode()
    assert 'id="survey-form"' in page and "开始整改满意度测评" in page
    assert english_left(page, WORDS) == []
    assert 'id="survey-form"' not in _client(cast.bob).get(board).content.decode()
    assert _client(cast.bob).post(f"{board}survey", {"scope": "all"}).status_code == 403
    response = alice.post(
        f"{board}survey", {"scope": "reported", "groups": ["service_recipients"]}, follow=True
    )
    text = response.content.decode()
    assert "整改满意度测评" in text and 'id="survey-campaign"' in text
    survey = RectificationSurvey.objects.get().survey
    assert list(survey.groups.values_list("code", flat=True)) == ["service_recipients"]
    campaign_open(campaign=survey, actor=Actor.operator("alice"))
    marks = [{"L1": "满意", "L2": "不满意" if n < 3 else "基本满意"} for n in range(9)]
    _cast_ballots(survey, marks, "service_recipients")
    campaign_close(campaign=survey, actor=Actor.operator("alice"))
    text = alice.post(f"{board}survey/record", follow=True).content.decode()
    assert 'id="survey-rates"' in text and "100.00%" in text and "66.67%" in text
    assert english_left(text, WORDS) == []
    unit = _client(cast.mike).get(f"/staff/c/{cast.campaign.code}/stages/u/L1/")
    unit_text = unit.content.decode()
    assert 'id="survey-rate"' in unit_text and "100.00%" in unit_text
    assert english_left(unit_text, WORDS) == []


def test_the_api_and_the_cli_start_record_and_read_the_survey(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"/api/campaigns/{cast.campaign.code}/rectification-survey"
    alice = _client(cast.alice)
    assert alice.get(url).json()["survey"] is None
    refused = alice.post(url, {"scope": "reported"}, content_type="application/json")
    assert (
        refused.status_code == 409
        and refused.json()["detail"] == "还没有单位报送整改报告：请对全部单位测评，或等待报告"
    )
    olga = _client(cast.olga)
    assert olga.post(url, {"scope": "all"}, content_type="application/json").status_code in (
        403,
        404,
    )
    made = alice.post(url, {"scope": "all", "groups": ["service_recipients"]},
                      content_type="application/json")  # fmt: skip
    assert made.status_code == 201, made.content
    assert made.json()["survey"] == f"{cast.campaign.code}-rs"
    assert alice.post(f"{url}/record").status_code == 409  # a draft survey
    survey = RectificationSurvey.objects.get().survey
    campaign_open(campaign=survey, actor=Actor.operator("alice"))
    _cast_ballots(survey, [{"L1": "满意", "L2": "不满意"}] * 8, "service_recipients")
    campaign_close(campaign=survey, actor=Actor.operator("alice"))
    assert main(["stages", "survey", cast.campaign.code, "--record", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    rates = {u["code"]: u["satisfaction_rate"] for u in data["units"]}
    assert rates["L1"] == 1.0 and rates["L2"] == 0.0 and data["valid_ballots"] == 8
    assert alice.get(url).json()["units"] == data["units"]


def test_the_cli_starts_the_survey_for_every_unit(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cast.campaign.code
    assert (
        main(["stages", "survey", code, "--start", "--all", "--group", "service_recipients"]) == 0
    )
    assert f"{code}-rs" in capsys.readouterr().out
    found = RectificationSurvey.objects.get()
    assert found.scope == "all"
    assert found.survey.units.count() == cast.campaign.units.count()


def test_the_survey_campaigns_page_points_back_and_has_no_stages_of_its_own(cast: Cast) -> None:
    """The survey is a campaign only to run its vote: its page says whose rectification it
    surveys and links back to that board, without a stage board, year-end page, stages or
    consequences of its own."""
    found = _closed_survey(cast)
    text = _client(cast.alice).get(f"/staff/c/{found.survey.code}/").content.decode()
    assert f"{cast.campaign.name}的整改满意度测评" in text
    assert f'id="surveyed-link" href="/staff/c/{cast.campaign.code}/stages/"' in text
    for absent in (
        'id="stages-link"',
        'id="yearend-link"',
        'id="consequences-link"',
        "工作阶段</h2>",
    ):
        assert absent not in text
    assert english_left(text, WORDS) == []
    source = _client(cast.alice).get(f"/staff/c/{cast.campaign.code}/").content.decode()
    assert 'id="stages-link"' in source and 'id="surveyed-link"' not in source
