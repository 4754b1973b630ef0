"""Reads of the stages for the board, the unit pages, the public page, the API and the CLI.

The board is computed on ``today`` (passed in: the pages pass the local date, the tests a
fixed one): a stage with work — 服务承诺, 自查自纠 — gives each unit done, due, overdue or
not started (rules.stages); the four others show their dates and where the calendar is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q, QuerySet

from pingyi.accounts.selectors import AnyUser
from pingyi.campaigns.models import Campaign, CampaignStage, StageKind, Unit
from pingyi.rectification.models import UnitAccess
from pingyi.rules import stages as rules
from pingyi.rules.errors import RuleError, gettext_noop
from pingyi.stages.models import (
    Brief,
    FeedbackStatus,
    OpinionFeedback,
    Pledge,
    RectificationReport,
    RectificationSurvey,
    SelfInspection,
    SurveyRate,
)

E_NOT_PUBLIC = gettext_noop("no public page for campaign %(code)r")

WORK = (
    StageKind.PLEDGES,
    StageKind.SELF_INSPECTION,
    StageKind.OPINIONS,  # done: the office fed the unit's opinions back
    StageKind.RECTIFICATION,  # done: every opinion answered, the report received
)


@dataclass(frozen=True)
class Column:
    kind: str
    label: str
    starts: dt.date | None
    ends: dt.date | None
    work: bool  # the stage has per-unit work in Pingyi
    phase: str  # where the calendar is: not_started, under_way, over, unplanned


@dataclass(frozen=True)
class Cell:
    kind: str
    state: str | None  # rules.stages state for a stage with work, else None
    status: str  # the filing's own status ("submitted", "filed", …), "" if none


@dataclass(frozen=True)
class Row:
    unit: Unit
    cells: list[Cell]


@dataclass(frozen=True)
class Board:
    campaign: Campaign
    today: dt.date
    columns: list[Column]
    rows: list[Row]

    def count(self, kind: str, state: str) -> int:
        return sum(1 for r in self.rows for c in r.cells if c.kind == kind and c.state == state)


def stage_columns(campaign: Campaign, *, today: dt.date) -> list[Column]:
    dates: dict[str, CampaignStage] = {s.kind: s for s in campaign.stages.all()}
    columns = []
    for kind in StageKind:
        stage = dates.get(kind.value)
        starts, ends = (stage.starts_on, stage.ends_on) if stage else (None, None)
        columns.append(
            Column(
                kind.value, str(kind.label), starts, ends, kind in WORK,
                rules.phase(starts=starts, ends=ends, today=today),
            )
        )  # fmt: skip
    return columns


def stage_board(campaign: Campaign, *, today: dt.date) -> Board:
    """Units × the six stages on ``today``; three queries whatever the number of units."""
    columns = stage_columns(campaign, today=today)
    units = list(
        campaign.units.select_related(
            "pledge", "self_inspection", "opinion_feedback", "rectification_report"
        ).order_by("position")
    )
    rows = []
    for unit in units:
        pledge: Pledge | None = getattr(unit, "pledge", None)
        report: SelfInspection | None = getattr(unit, "self_inspection", None)
        feedback: OpinionFeedback | None = getattr(unit, "opinion_feedback", None)
        rectified: RectificationReport | None = getattr(unit, "rectification_report", None)
        done = {
            StageKind.PLEDGES.value: (
                pledge is not None and pledge.status == rules.APPROVED,
                pledge.status if pledge else "",
            ),
            StageKind.SELF_INSPECTION.value: (
                report is not None and report.status == rules.RECEIVED,
                report.status if report else "",
            ),
            StageKind.OPINIONS.value: (
                feedback is not None and feedback.status == FeedbackStatus.FED_BACK,
                feedback.status if feedback else "",
            ),
            StageKind.RECTIFICATION.value: (
                rectified is not None and rectified.status == rules.RECEIVED,
                rectified.status if rectified else "",
            ),
        }
        cells = []
        for column in columns:
            if not column.work:
                cells.append(Cell(column.kind, None, ""))
                continue
            finished, status = done[column.kind]
            state = rules.stage_state(
                starts=column.starts, ends=column.ends, done=finished, today=today
            )
            cells.append(Cell(column.kind, state, status))
        rows.append(Row(unit, cells))
    return Board(campaign, today, columns, rows)


def board_to_json(board: Board) -> dict[str, object]:
    """What the API and the CLI give of a board (the page shows the same)."""
    return {
        "campaign": board.campaign.code,
        "today": board.today.isoformat(),
        "stages": [
            {"kind": c.kind, "starts": c.starts.isoformat() if c.starts else None,
             "ends": c.ends.isoformat() if c.ends else None, "work": c.work, "phase": c.phase}
            for c in board.columns
        ],
        "units": [
            {"code": r.unit.code, "name": r.unit.name,
             "cells": {c.kind: {"state": c.state, "status": c.status}
                       for c in r.cells if c.state is not None}}
            for r in board.rows
        ],
    }  # fmt: skip


def brief_of(campaign: Campaign) -> Brief | None:
    return Brief.objects.filter(campaign=campaign).first()


def public_campaign(code: str) -> Campaign:
    """The campaign whose public page the office made public; RuleError for any other."""
    campaign = (
        Campaign.objects.select_related("series", "series__organization", "brief")
        .filter(code=code.replace("\x00", ""), brief__public=True)
        .first()
    )
    if campaign is None:
        raise RuleError(E_NOT_PUBLIC, code=code[:80])
    return campaign


def approved_pledges(campaign: Campaign) -> list[Pledge]:
    """The published pledges in unit order: what the public sees."""
    return list(
        Pledge.objects.filter(unit__campaign=campaign, status=rules.APPROVED)
        .select_related("unit")
        .order_by("unit__position")
    )


def published_pledge_count(campaign_id: int) -> int:
    """How many approved pledges the public can read: 0 while the public page is not public.
    One query written out: every reader of a campaign's public notice asks (the ORM's
    compiling would cost more than the count)."""
    pledge, unit, brief = Pledge._meta, Unit._meta, Brief._meta
    sql = (
        f"SELECT COUNT(*) FROM {pledge.db_table} p"  # noqa: S608 - names from the models
        f" JOIN {unit.db_table} u ON u.{unit.pk.column} = p.{pledge.get_field('unit').column}"
        f" JOIN {brief.db_table} b ON b.{brief.get_field('campaign').column}"
        f" = u.{unit.get_field('campaign').column}"
        f" WHERE u.{unit.get_field('campaign').column} = %s"
        f" AND b.{brief.get_field('public').column} = %s"
        f" AND p.{pledge.get_field('status').column} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [campaign_id, True, rules.APPROVED])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def pledges_by_unit(campaign: Campaign) -> dict[str, Pledge]:
    """Unit code → its approved pledge, for the results page beside each unit."""
    return {p.unit.code: p for p in approved_pledges(campaign)}


def submitted_pledges(campaign: Campaign) -> QuerySet[Pledge]:
    return Pledge.objects.filter(unit__campaign=campaign, status=rules.SUBMITTED).select_related(
        "unit"
    )


def filed_reports(campaign: Campaign) -> QuerySet[SelfInspection]:
    return SelfInspection.objects.filter(
        unit__campaign=campaign, status=rules.FILED
    ).select_related("unit")


def filings_awaiting_office(campaigns: QuerySet[Campaign]) -> list[tuple[Campaign, int]]:
    """Each of ``campaigns`` with its submitted pledges, filed self-inspection reports and
    filed rectification reports (what awaits the office on its stage board), counted in one
    query for them all."""
    counted = campaigns.annotate(
        pledges_waiting=Count(
            "units__pledge", filter=Q(units__pledge__status=rules.SUBMITTED), distinct=True
        ),
        reports_waiting=Count(
            "units__self_inspection",
            filter=Q(units__self_inspection__status=rules.FILED),
            distinct=True,
        ),
        rectified_waiting=Count(
            "units__rectification_report",
            filter=Q(units__rectification_report__status=rules.FILED),
            distinct=True,
        ),
    ).order_by("-year", "code")
    return [(c, c.pledges_waiting + c.reports_waiting + c.rectified_waiting) for c in counted]


def units_for(user: AnyUser) -> QuerySet[Unit]:
    """The units of every campaign where the user is the unit's owner or member."""
    if not user.is_authenticated:
        return Unit.objects.none()
    grants = UnitAccess.objects.filter(user_id=user.pk, series__isnull=False).values_list(
        "series_id", "unit_code"
    )
    query = Q(pk__in=[])
    for series_id, unit_code in grants:
        query |= Q(campaign__series_id=series_id, code=unit_code)
    return (
        Unit.objects.filter(query)
        .select_related("campaign", "campaign__series", "pledge", "self_inspection")
        .prefetch_related("campaign__stages")  # each unit's stage dates: one query for all
        .order_by("-campaign__year", "campaign__code", "position")
    )


def unit_get(campaign: Campaign, code: str) -> Unit | None:
    return (
        campaign.units.select_related("campaign", "campaign__series", "category")
        .filter(code=code.replace("\x00", ""))
        .first()
    )


def filed_rectification_reports(campaign: Campaign) -> QuerySet[RectificationReport]:
    return RectificationReport.objects.filter(
        unit__campaign=campaign, status=rules.FILED
    ).select_related("unit")


# ------------------------------------------------------------ 集中整改's satisfaction survey


def rectification_survey(campaign: Campaign) -> RectificationSurvey | None:
    """The campaign's rectification survey with its campaign (one query), or None."""
    return RectificationSurvey.objects.select_related("survey").filter(campaign=campaign).first()


def survey_rates(found: RectificationSurvey | None) -> list[SurveyRate]:
    """The recorded figures, in unit order, each with its unit (one query; none: [])."""
    if found is None or found.recorded_on is None:
        return []
    return list(found.rates.select_related("unit").order_by("unit__position"))


def unit_survey_rate(unit: Unit) -> SurveyRate | None:
    """The unit's recorded satisfaction with its rectification (one query), or None."""
    return (
        SurveyRate.objects.filter(unit=unit, survey__recorded_on__isnull=False)
        .select_related("survey", "survey__survey")
        .first()
    )


def survey_to_json(found: RectificationSurvey | None, rates: list[SurveyRate]) -> dict[str, object]:
    """What the API and the CLI give of the survey (the board shows the same)."""
    if found is None:
        return {"survey": None, "status": None, "scope": None, "recorded_on": None,
                "valid_ballots": None, "units": []}  # fmt: skip
    return {
        "survey": found.survey.code,
        "status": found.survey.status,
        "scope": found.scope,
        "recorded_on": found.recorded_on.isoformat() if found.recorded_on else None,
        "valid_ballots": found.valid_ballots,
        "units": [
            {"code": r.unit.code, "name": r.unit.name, "valid_ballots": r.valid_ballots,
             "favourable": r.favourable,
             "satisfaction_rate": round(float(r.fraction), 6) if r.fraction is not None else None}
            for r in rates
        ],
    }  # fmt: skip
