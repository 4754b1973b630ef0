"""The JSON API of 集中整改's satisfaction survey: the same services and selectors as the
stage board. Staff (session login): read the survey and its recorded rates; the office starts
it (a linked P1 campaign, run through the campaigns' and voting's API like any other) and
records its results back (409 while it is open or under the k rule)."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.security import django_auth
from pydantic import Field

from pingyi.accounts.actors import Actor
from pingyi.api_schema import Error, StrictIn, answers
from pingyi.stages import selectors
from pingyi.stages.api import _campaign
from pingyi.stages.models import RectificationSurvey, SurveyScope
from pingyi.stages.survey_services import rectification_survey_record, rectification_survey_start

router = Router(tags=["stages"])

GroupCode = Annotated[str, Field(max_length=60)]  # campaigns.EvaluatorGroup.code


class SurveyStartIn(StrictIn):
    scope: str = Field(SurveyScope.REPORTED.value, max_length=10)
    groups: list[GroupCode] | None = Field(None, max_length=50)


def _out(found: RectificationSurvey | None) -> dict[str, Any]:
    return selectors.survey_to_json(found, selectors.survey_rates(found))


@router.get(
    "/campaigns/{code}/rectification-survey",
    response={200: dict[str, Any], 401: Error, 404: Error},
    auth=django_auth,
    summary="The rectification survey: its campaign and each unit's recorded satisfaction rate",
)
def stages_survey_get(request: HttpRequest, code: str) -> Status[Any]:
    campaign = _campaign(request, code)
    return Status(200, _out(selectors.rectification_survey(campaign)))


@router.post(
    "/campaigns/{code}/rectification-survey",
    response=answers(dict[str, Any], 201),
    auth=django_auth,
    summary="The office starts the rectification survey (a linked P1 campaign, a draft)",
)
def stages_survey_start(request: HttpRequest, code: str, payload: SurveyStartIn) -> Status[Any]:
    campaign = _campaign(request, code)
    found = rectification_survey_start(
        campaign=campaign, scope=payload.scope, groups=payload.groups,
        actor=Actor.of(request.user),
    )  # fmt: skip
    return Status(201, _out(found))


@router.post(
    "/campaigns/{code}/rectification-survey/record",
    response={200: dict[str, Any], 401: Error, 403: Error, 404: Error, 409: Error},
    auth=django_auth,
    summary="The office records the closed survey's satisfaction rates on the stage",
)
def stages_survey_record(request: HttpRequest, code: str) -> Status[Any]:
    campaign = _campaign(request, code)
    found = rectification_survey_record(campaign=campaign, actor=Actor.of(request.user))
    return Status(200, _out(found))
