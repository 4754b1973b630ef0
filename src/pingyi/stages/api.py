"""The stages' JSON API: the same selectors and services as their pages.

Public, no login: a public campaign page with its approved pledges. Staff (session login):
the stage board on a day (``today``, default the local date), a unit's pledge and report;
the unit's owner drafts, submits and files, the office approves, returns and receives
(403 for a role that may not, 404 for a campaign or unit the user has nothing to do with).
Attachments are sent through the pages (multipart), not here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.params.functions import Query
from ninja.security import django_auth
from pydantic import Field

from pingyi.accounts.actors import Actor
from pingyi.api_schema import Error, StrictIn, answers
from pingyi.campaigns.models import Campaign, Unit
from pingyi.campaigns.selectors import campaign_for
from pingyi.rules.errors import RuleError
from pingyi.stages import access, selectors
from pingyi.stages.models import Pledge, SelfInspection
from pingyi.stages.services import (
    inspection_file,
    inspection_receive,
    pledge_approve,
    pledge_return,
    pledge_save,
)

ISO_DAY = r"^\d{4}-\d{2}-\d{2}$"

router = Router(tags=["stages"])


class PledgeIn(StrictIn):
    text: str = Field(max_length=8000)
    submit: bool = False


class ReturnIn(StrictIn):
    comment: str = Field(max_length=4000)


class ReportIn(StrictIn):
    text: str = Field(max_length=8000)


class FilingOut(Schema):
    unit: str
    status: str
    text: str
    comment: str = ""
    file_name: str
    file_sha256: str


def _pledge_out(p: Pledge) -> dict[str, Any]:
    return {"unit": p.unit.code, "status": p.status, "text": p.text, "comment": p.comment,
            "file_name": p.file_name, "file_sha256": p.file_sha256}  # fmt: skip


def _report_out(r: SelfInspection) -> dict[str, Any]:
    return {"unit": r.unit.code, "status": r.status, "text": r.text, "file_name": r.file_name,
            "file_sha256": r.file_sha256}  # fmt: skip


def _campaign(request: HttpRequest, code: str) -> Campaign:
    return campaign_for(request.user, code)


def _unit(request: HttpRequest, code: str, unit: str) -> Unit:
    campaign = Campaign.objects.select_related("series").filter(code=code.replace("\x00", ""))
    found = campaign.first()
    result = selectors.unit_get(found, unit) if found is not None else None
    if result is None or access.unit_access(request.user, result) is None:
        raise Http404
    return result


@router.get(
    "/public/campaigns/{code}",
    response={200: dict[str, Any], 404: Error},
    summary="A campaign's public page: plan, criteria, units, stages, approved pledges",
)
def stages_public(request: HttpRequest, code: str) -> Status[Any]:
    try:
        campaign = selectors.public_campaign(code)
    except RuleError:
        raise Http404 from None
    today = timezone.localdate()
    pledges = selectors.pledges_by_unit(campaign)
    return Status(
        200,
        {
            "code": campaign.code,
            "name": campaign.name,
            "year": campaign.year,
            "plan": campaign.brief.plan,
            "criteria": [{"name": n, "description": d} for n, d in campaign.brief.criteria_list()],
            "stages": [
                {"kind": c.kind, "starts": c.starts, "ends": c.ends, "phase": c.phase}
                for c in selectors.stage_columns(campaign, today=today)
            ],
            "units": [
                {"code": u.code, "name": u.name, "category": u.category.name,
                 "pledge": pledges[u.code].text if u.code in pledges else None}
                for u in campaign.units.select_related("category").order_by("position")
            ],
        },
    )  # fmt: skip


@router.get(
    "/campaigns/{code}/stage-board",
    response={200: dict[str, Any], 400: Error, 401: Error, 404: Error},
    auth=django_auth,
    summary="Units × the six stages on a day: done, due, overdue, not started",
)
def stages_board(
    request: HttpRequest, code: str, today: str | None = Query(None, pattern=ISO_DAY)
) -> Status[Any]:
    campaign = _campaign(request, code)
    try:
        day = dt.date.fromisoformat(today) if today else timezone.localdate()
    except ValueError:
        return Status(400, {"detail": _("today must be a day written YYYY-MM-DD")})
    return Status(200, selectors.board_to_json(selectors.stage_board(campaign, today=day)))


@router.put(
    "/campaigns/{code}/units/{unit}/pledge",
    response=answers(FilingOut),
    auth=django_auth,
    summary="The unit's owner drafts its pledges (submit: send them to the office)",
)
def stages_pledge_save(
    request: HttpRequest, code: str, unit: str, payload: PledgeIn
) -> Status[Any]:
    found = _unit(request, code, unit)
    pledge = pledge_save(
        unit=found, text=payload.text, submit=payload.submit, actor=Actor.of(request.user)
    )
    return Status(200, _pledge_out(pledge))


def _decide(request: HttpRequest, code: str, unit: str, comment: str | None) -> Status[Any]:
    found = _unit(request, code, unit)
    pledge = Pledge.objects.filter(unit=found).select_related("unit").first()
    if pledge is None:
        raise Http404
    actor = Actor.of(request.user)
    if comment is None:
        pledge = pledge_approve(pledge=pledge, actor=actor)
    else:
        pledge = pledge_return(pledge=pledge, comment=comment, actor=actor)
    return Status(200, _pledge_out(pledge))


@router.post(
    "/campaigns/{code}/units/{unit}/pledge/approve",
    response={200: FilingOut, 401: Error, 403: Error, 404: Error, 409: Error},
    auth=django_auth,
    summary="The office approves the submitted pledges (they go public)",
)
def stages_pledge_approve(request: HttpRequest, code: str, unit: str) -> Status[Any]:
    return _decide(request, code, unit, None)


@router.post(
    "/campaigns/{code}/units/{unit}/pledge/return",
    response=answers(FilingOut),
    auth=django_auth,
    summary="The office returns the submitted pledges with what to revise",
)
def stages_pledge_return(
    request: HttpRequest, code: str, unit: str, payload: ReturnIn
) -> Status[Any]:
    return _decide(request, code, unit, payload.comment)


@router.put(
    "/campaigns/{code}/units/{unit}/self-inspection",
    response=answers(FilingOut),
    auth=django_auth,
    summary="The unit's owner files its self-inspection report",
)
def stages_report_file(
    request: HttpRequest, code: str, unit: str, payload: ReportIn
) -> Status[Any]:
    found = _unit(request, code, unit)
    report = inspection_file(unit=found, text=payload.text, actor=Actor.of(request.user))
    return Status(200, _report_out(report))


@router.post(
    "/campaigns/{code}/units/{unit}/self-inspection/receive",
    response={200: FilingOut, 401: Error, 403: Error, 404: Error, 409: Error},
    auth=django_auth,
    summary="The office marks the unit's self-inspection report received",
)
def stages_report_receive(request: HttpRequest, code: str, unit: str) -> Status[Any]:
    found = _unit(request, code, unit)
    report = SelfInspection.objects.filter(unit=found).select_related("unit").first()
    if report is None:
        raise Http404
    report = inspection_receive(report=report, actor=Actor.of(request.user))
    return Status(200, _report_out(report))
