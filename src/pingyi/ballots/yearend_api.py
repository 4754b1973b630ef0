"""The year-end appraisal's JSON API (seed 001 八.6, 五(二)): the same services and selectors
as its page and `pingyi yearend`. Staff of the campaign's organization read; the office (RUN)
writes (403 for another role, 404 for another organization's campaign, 409 when the rules
refuse). The figures per kind come from campaign_results only, with its k rule (R12)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import django_auth
from pydantic import Field

from pingyi.accounts.actors import Actor
from pingyi.api_schema import Error, StrictIn
from pingyi.ballots.selectors import campaign_results
from pingyi.ballots.services import area_check
from pingyi.ballots.yearend_selectors import campaign_yearend
from pingyi.campaigns import access
from pingyi.campaigns.models import Campaign
from pingyi.campaigns.selectors import campaign_for
from pingyi.campaigns.yearend_services import (
    Supervisor,
    area_add,
    area_remove,
    kind_add,
    kinds_add_seed,
    supervision_record,
)
from pingyi.rules import phases

router = Router(tags=["year-end appraisal"], auth=django_auth)


class YearEndAreaOut(Schema):
    area: str = Field(description="the area's name; empty for batches naming no area")
    batches: int
    imported: int
    invalid: int


class YearEndKindOut(Schema):
    group: str
    kind: str
    hidden: bool = Field(description="fewer than k ballots here or in a complement (R12)")
    ballots: int | None
    share_of_group: float | None
    share_of_all: float | None
    satisfaction_rate: float | None


class YearEndSupervisorOut(Schema):
    name: str
    unit: str


class YearEndOut(Schema):
    campaign: str
    k: int
    areas: list[YearEndAreaOut]
    kinds: list[YearEndKindOut] = Field(description="empty until the campaign is closed")
    supervisors: list[YearEndSupervisorOut]
    notary_office: str
    notary_reference: str
    supervised_on: str = Field(description="ISO date; empty when not recorded")


class YearEndAreaIn(StrictIn):
    code: str = Field(max_length=60)
    name: str = Field(max_length=200)


class YearEndKindIn(StrictIn):
    group: str = Field(max_length=200, description="the evaluator group's code or name")
    code: str = Field(max_length=60)
    name: str = Field(max_length=200)


SupervisorText = Annotated[str, Field(max_length=300)]


class YearEndSupervisionIn(StrictIn):
    supervisors: list[SupervisorText] = Field(
        max_length=50, description="each supervisor as NAME=UNIT (姓名=工作单位)"
    )
    notary_office: str = Field(max_length=200)
    notary_reference: str = Field(max_length=100)
    supervised_on: str = Field(max_length=10, description="the date of the vote, YYYY-MM-DD")


class YearEndJobOut(Schema):
    job: str = Field(description="the import job; follow it at /staff/jobs/<job>")


def _campaign(request: HttpRequest, code: str) -> Campaign:
    return campaign_for(request.user, code)


def _office(request: HttpRequest, code: str) -> tuple[Campaign, Actor]:
    return access.campaign_office(request.user, code)


def _out(campaign: Campaign) -> dict[str, Any]:
    visible = campaign.status in phases.RESULTS_VISIBLE
    kinds = campaign_results(campaign).kinds if visible else []
    data = campaign_yearend(campaign, kinds)

    def number(value: Any) -> float | None:
        return None if value is None else round(float(value), 6)

    return {
        "campaign": campaign.code,
        "k": data.k,
        "areas": [vars(a) for a in data.areas],
        "kinds": [
            {
                "group": k.group,
                "kind": k.kind,
                "hidden": k.hidden,
                "ballots": k.ballots,
                "share_of_group": number(k.share_of_group),
                "share_of_all": number(k.share_of_all),
                "satisfaction_rate": number(k.rate),
            }
            for k in data.kinds
        ],
        "supervisors": [{"name": n, "unit": u} for n, u in data.supervisors],
        "notary_office": data.notary_office,
        "notary_reference": data.notary_reference,
        "supervised_on": data.supervised_on,
    }


@router.get(
    "/campaigns/{code}/yearend",
    response={200: YearEndOut, 401: Error, 404: Error, 409: Error},
    summary="The year-end appraisal: areas, figures per kind (k rule), supervision",
)
def yearend_get(request: HttpRequest, code: str) -> Status[Any]:
    campaign = _campaign(request, code)
    # Fewer than k valid ballots in all: nothing per kind either, a 409 (pingyi.api).
    return Status(200, _out(campaign))


@router.post(
    "/campaigns/{code}/areas",
    response={201: YearEndAreaOut, 400: Error, 401: Error, 403: Error, 404: Error, 409: Error},
    summary="Add an area (片区)",
)
def yearend_area_add(request: HttpRequest, code: str, payload: YearEndAreaIn) -> Status[Any]:
    campaign, actor = _office(request, code)
    area = area_add(
        campaign=campaign,
        code=payload.code,
        name=payload.name,
        actor=actor,
    )
    return Status(201, {"area": area.name, "batches": 0, "imported": 0, "invalid": 0})


@router.delete(
    "/campaigns/{code}/areas/{area}",
    response={204: None, 401: Error, 403: Error, 404: Error, 409: Error},
    summary="Remove an area no batch names",
)
def yearend_area_remove(request: HttpRequest, code: str, area: str) -> Status[Any]:
    campaign, actor = _office(request, code)
    area_remove(campaign=campaign, code=area, actor=actor)
    return Status(204, None)


@router.post(
    "/campaigns/{code}/kinds",
    response={201: YearEndOut, 400: Error, 401: Error, 403: Error, 404: Error, 409: Error},
    summary="Divide an evaluator group with a kind of representatives (a draft only)",
)
def yearend_kind_add(request: HttpRequest, code: str, payload: YearEndKindIn) -> Status[Any]:
    campaign, actor = _office(request, code)
    kind_add(
        campaign=campaign,
        group=payload.group,
        code=payload.code,
        name=payload.name,
        actor=actor,
    )
    return Status(201, _out(campaign))


@router.post(
    "/campaigns/{code}/kinds/seed",
    response={201: YearEndOut, 401: Error, 403: Error, 404: Error, 409: Error},
    summary="Add the four kinds of seed 001 五(二) under the built-in groups",
)
def yearend_kinds_seed(request: HttpRequest, code: str) -> Status[Any]:
    campaign, actor = _office(request, code)
    kinds_add_seed(campaign=campaign, actor=actor)
    return Status(201, _out(campaign))


@router.put(
    "/campaigns/{code}/supervision",
    response={200: YearEndOut, 400: Error, 401: Error, 403: Error, 404: Error, 409: Error},
    summary="Record the on-site supervision and notarization of the vote",
)
def yearend_supervision(
    request: HttpRequest, code: str, payload: YearEndSupervisionIn
) -> Status[Any]:
    campaign, actor = _office(request, code)
    try:
        day = dt.date.fromisoformat(payload.supervised_on)
    except ValueError:
        return Status(400, {"detail": _("%(day)s is not a date") % {"day": payload.supervised_on}})
    people = [text.partition("=") for text in payload.supervisors]
    supervision_record(
        campaign=campaign,
        supervisors=[Supervisor(name, unit) for name, _sep, unit in people],
        notary_office=payload.notary_office,
        notary_reference=payload.notary_reference,
        supervised_on=day,
        actor=actor,
    )
    return Status(200, _out(campaign))


@router.post(
    "/campaigns/{code}/paper",
    response={202: YearEndJobOut, 400: Error, 401: Error, 403: Error, 404: Error, 409: Error},
    summary="Import a paper-ballot file collected in an area: started as a job (R27)",
)
def yearend_paper(
    request: HttpRequest,
    code: str,
    file: File[UploadedFile],
    area: Form[str] = "",
) -> Status[Any]:
    from pingyi.jobs.models import JobKind
    from pingyi.jobs.services import job_enqueue_upload

    campaign, actor = _office(request, code)
    phases.check_accepts_ballots(campaign.status)
    area_check(campaign=campaign, area=area)
    job = job_enqueue_upload(
        chunks=file.chunks(),
        suffix=Path(file.name or "ballots.csv").suffix,
        label=file.name or "ballots",
        kind=JobKind.PAPER_IMPORT,
        organization=campaign.series.organization,
        actor=actor.name,
        subject=f"{campaign.name} · {file.name}",
        params={"campaign": campaign.pk, "area": area.replace("\x00", "")[:200]},
        campaign=campaign,
    )
    return Status(202, {"job": str(job.pk)})
