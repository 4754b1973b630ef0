"""The office's two actions of the rectification survey on the stage board: start it (a
linked P1 campaign the office then runs on the campaign pages) and record its results back."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pingyi.accounts.actors import Actor
from pingyi.campaigns.models import Campaign
from pingyi.rules.errors import RuleError
from pingyi.stages.forms import SurveyForm
from pingyi.stages.survey_services import rectification_survey_record, rectification_survey_start
from pingyi.stages.views import _campaign, _office
from pingyi.web.shared import act, guarded


def survey_groups(campaign: Campaign) -> list[tuple[str, str]]:
    return list(campaign.groups.order_by("position").values_list("code", "name"))


@guarded
@require_POST
def survey_start(request: HttpRequest, code: str) -> HttpResponse:
    campaign = _campaign(request, code)
    _office(request, campaign)
    form = SurveyForm(request.POST, groups=survey_groups(campaign))
    if not form.is_valid():
        messages.error(request, _("Choose the units surveyed and at least one evaluator group."))
        return redirect("stages:board", code=campaign.code)
    try:
        found = rectification_survey_start(
            campaign=campaign,
            scope=form.cleaned_data["scope"],
            groups=form.cleaned_data["groups"],
            actor=Actor.of(request.user),
        )
        messages.success(
            request,
            _("The rectification survey %(code)s is created: issue its codes on its campaign page.")
            % {"code": found.survey.code},
        )
    except RuleError as exc:
        messages.error(request, exc.message(_))
    return redirect("stages:board", code=campaign.code)


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
