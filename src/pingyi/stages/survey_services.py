"""集中整改's satisfaction survey (seed 001 八.5: 再由评议办公室组织对整改情况进行群众满意度调查).

The survey is a small P1 campaign, not a second voting engine: ``rectification_survey_start``
creates it through campaigns.services.campaign_create with a short scheme (the campaign's
marks, points and k; no winners, no last, no rectify flag; the chosen evaluator groups), and
the office runs it on the campaign pages like any other — codes, ballots, paper import,
closing. ``rectification_survey_record`` then reads its figures through the one results
selector (ballots.selectors.campaign_results: the k rule refuses a survey with too few valid
ballots) and records each unit's satisfaction rate on the stage.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from fractions import Fraction

from django.db import transaction
from django.utils import timezone

from pingyi.accounts.actors import Actor
from pingyi.audit.services import audit_log
from pingyi.ballots.selectors import campaign_results
from pingyi.campaigns.models import Campaign
from pingyi.campaigns.selectors import campaign_scheme
from pingyi.campaigns.services import campaign_create
from pingyi.rules import phases
from pingyi.rules.errors import RuleError, gettext_noop
from pingyi.rules.scheme import Scheme, fraction_text
from pingyi.rules.tally import UnitSpec
from pingyi.stages import access
from pingyi.stages.models import (
    RectificationReport,
    RectificationSurvey,
    SurveyRate,
    SurveyScope,
)

E_SURVEY_EXISTS = gettext_noop("the rectification survey of this campaign exists already: %(code)s")
E_IS_SURVEY = gettext_noop("this campaign is itself a rectification survey")
E_NO_REPORTS = gettext_noop(
    "no unit has filed a rectification report yet: survey every unit, or wait for the reports"
)
E_SCOPE = gettext_noop("the units surveyed are those that filed a report, or every unit")
E_NO_GROUPS = gettext_noop("choose at least one evaluator group")
E_UNKNOWN_GROUP = gettext_noop("the campaign has no evaluator group %(code)r")
E_NO_SURVEY = gettext_noop("no rectification survey was started for this campaign")
E_SURVEY_OPEN = gettext_noop(
    "the survey %(code)s is not closed yet: its results are recorded once it is closed"
)
SURVEY_SUFFIX = "-rs"


def survey_scheme(source: Scheme, groups: Sequence[str]) -> Scheme:
    """The short scheme of a rectification survey: the source's marks, points, blank-ballot
    rule and k, its categories without winner places, no last place and no rectification
    flag, no criteria, and only the chosen ``groups`` (their target shares kept when every
    group is surveyed; a subset has no target to compare with)."""
    kept = tuple(g for g in source.groups if g.code in groups)
    if len(kept) != len(source.groups):
        kept = tuple(replace(g, target_share=None) for g in kept)
    return replace(
        source,
        name=f"{source.name}·整改满意度测评",
        name_en=f"{source.name_en}: rectification survey",
        categories=tuple(replace(c, winners=0) for c in source.categories),
        groups=kept,
        criteria=(),
        rectify_below=Fraction(0),
        last_places=0,
    )


def _units(campaign: Campaign, scope: str) -> list[UnitSpec]:
    units = campaign.units.select_related("category").order_by("position")
    if scope == SurveyScope.REPORTED:
        reported = RectificationReport.objects.filter(unit__campaign=campaign).values("unit")
        units = units.filter(pk__in=reported)
    elif scope != SurveyScope.ALL:
        raise RuleError(E_SCOPE)
    return [UnitSpec(u.code, u.name, u.category_label, u.category.code) for u in units]


@transaction.atomic
def rectification_survey_start(
    *, campaign: Campaign, actor: Actor, scope: str = SurveyScope.REPORTED,
    groups: Sequence[str] | None = None, today: dt.date | None = None,
) -> RectificationSurvey:  # fmt: skip
    """Creates the campaign's rectification survey: a draft P1 campaign of the same office,
    year and engine, in a series of its own (``<series>-rs``), whose units are the units that
    filed a rectification report (``scope`` "reported", the default) or every unit ("all"),
    and whose evaluator groups are ``groups`` (codes; None: every group). One per campaign."""
    access.check_office(actor, campaign)
    locked = Campaign.objects.select_for_update().select_related("series__organization")
    source = locked.get(pk=campaign.pk)
    if RectificationSurvey.objects.filter(survey=source).exists():
        raise RuleError(E_IS_SURVEY)
    taken = RectificationSurvey.objects.filter(campaign=source).select_related("survey").first()
    if taken is not None:
        raise RuleError(E_SURVEY_EXISTS, code=taken.survey.code)
    scheme = campaign_scheme(source)
    known = [g.code for g in scheme.groups]
    chosen = known if groups is None else list(dict.fromkeys(groups))
    if not chosen:
        raise RuleError(E_NO_GROUPS)
    for code in chosen:
        if code not in known:
            raise RuleError(E_UNKNOWN_GROUP, code=code[:60])
    units = _units(source, scope)
    if not units:
        raise RuleError(E_NO_REPORTS)
    series = source.series
    survey = campaign_create(
        organization_code=series.organization.code,
        organization_name=series.organization.name,
        series_code=f"{series.code}{SURVEY_SUFFIX}"[:60],
        series_name=f"{series.name}·整改满意度测评"[:200],
        year=source.year,
        name=f"{source.name}·整改满意度测评"[:200],
        scheme=survey_scheme(scheme, chosen),
        units=units,
        code=f"{source.code}{SURVEY_SUFFIX}"[:80],
        actor=actor,
    )
    day = today or timezone.localdate()
    found = RectificationSurvey.objects.create(
        campaign=source, survey=survey, scope=scope, started_on=day, started_by=actor.name
    )
    audit_log(
        actor=actor.name,
        action="stages.rectification_survey.started",
        obj=source,
        data={"survey": survey.code, "scope": scope, "units": [u.code for u in units],
              "groups": chosen, "on": day.isoformat()},
    )  # fmt: skip
    return found


def rectification_survey_record(
    *, campaign: Campaign, actor: Actor, today: dt.date | None = None
) -> RectificationSurvey:
    """Records the closed survey's figures on the stage: each surveyed unit's valid ballots,
    favourable marks and exact satisfaction rate, read through campaign_results (refused
    while the survey is open, and under the k rule: TooFewBallots). Recording again replaces
    the figures (a review may have changed the ballots)."""
    access.check_office(actor, campaign)
    found = RectificationSurvey.objects.select_related("survey").filter(campaign=campaign).first()
    if found is None:
        raise RuleError(E_NO_SURVEY)
    if found.survey.status not in phases.RESULTS_VISIBLE:
        raise RuleError(E_SURVEY_OPEN, code=found.survey.code)
    results = campaign_results(found.survey)
    favourable = [i for i, m in enumerate(results.tally.scheme.marks) if m.favourable]
    units = dict(campaign.units.values_list("code", "pk"))
    day = today or timezone.localdate()
    with transaction.atomic():
        locked = RectificationSurvey.objects.select_for_update().get(pk=found.pk)
        SurveyRate.objects.filter(survey=locked).delete()
        SurveyRate.objects.bulk_create(
            SurveyRate(
                survey=locked, unit_id=units[u.spec.code], valid_ballots=u.valid_ballots,
                favourable=sum(u.counts[i] for i in favourable),
                rate=fraction_text(u.satisfaction_rate) if u.satisfaction_rate is not None else "",
            )
            for u in results.tally.units
            if u.spec.code in units
        )  # fmt: skip
        locked.recorded_on, locked.recorded_by = day, actor.name
        locked.valid_ballots = results.tally.valid_ballots
        locked.save()
        audit_log(
            actor=actor.name,
            action="stages.rectification_survey.recorded",
            obj=campaign,
            data={"survey": found.survey.code, "valid": results.tally.valid_ballots,
                  "units": len(results.tally.units), "on": day.isoformat()},
        )  # fmt: skip
    return locked
