"""The office's two actions of the rectification survey on the stage board: start it (a
linked P1 campaign the office then runs on the campaign pages) and record its results back."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pingyi.accounts.actors import Actor
from pingyi.campaigns.models import Campaign
from pingyi.stages.forms import SurveyForm
from pingyi.stages.survey_services import rectification_survey_record, rectification_survey_start
from pingyi.stages.views import _campaign, _office, board_form
from pingyi.web.shared import act, guarded


def survey_groups(campaign: Campaign) -> list[tuple[str, str]]:
    return list(campaign.groups.order_by("position").values_list("code", "name"))


@guarded
@require_POST
def survey_start(request: HttpRequest, code: str) -> HttpResponse:
    campaign = _campaign(request, code)
    _office(request, campaign)
    return board_form(
        request,
        campaign,
        SurveyForm(request.POST, groups=survey_groups(campaign)),
        lambda data: rectification_survey_start(
            campaign=campaign,
            scope=data["scope"],
            groups=data["groups"],
            actor=Actor.of(request.user),
        ),
        lambda found: (
            _("The rectification survey %(code)s is created: issue its codes on its campaign page.")
            % {"code": found.survey.code}
        ),
        invalid=_("Choose the units surveyed and at least one evaluator group."),
    )


@guarded
@require_POST
def survey_record(request: HttpRequest, code: str) -> HttpResponse:
    campaign = _campaign(request, code)
    _office(request, campaign)
    return act(
        request,
        lambda: rectification_survey_record(campaign=campaign, actor=Actor.of(request.user)),
        _("The survey's satisfaction rates are recorded on the stage."),
        redirect("stages:board", code=campaign.code),
    )
