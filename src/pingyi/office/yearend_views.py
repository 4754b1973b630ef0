"""The year-end appraisal page of a campaign (seed 001 八.6, 五): its areas (片区) with the
paper ballots collected in each, the kinds of representatives, and the record of the on-site
supervision and notarization. Each view parses, calls one service or selector, renders."""

from __future__ import annotations

from fractions import Fraction
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pingyi.accounts.selectors import RUN, role_in
from pingyi.ballots.selectors import paper_by_area
from pingyi.campaigns.forms import ISO_DATE
from pingyi.campaigns.models import Campaign, Supervision
from pingyi.campaigns.yearend_services import (
    Supervisor,
    area_add,
    area_remove,
    kind_add,
    kinds_add_seed,
    supervision_record,
)
from pingyi.office.campaign_views import _campaign, _office
from pingyi.rules import phases
from pingyi.rules.errors import RuleError
from pingyi.web.shared import act, act_on_form, guarded

SUPERVISOR_LINES = 6  # rows of the supervisors' form; more by saving and adding again


class AreaForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Code"), max_length=60)
    name = forms.CharField(label=gettext_lazy("Area name"), max_length=200)


class KindForm(forms.Form):
    group = forms.ChoiceField(label=gettext_lazy("Evaluator group"))
    code = forms.CharField(label=gettext_lazy("Code"), max_length=60)
    name = forms.CharField(label=gettext_lazy("Kind of representatives"), max_length=200)

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups = campaign.groups.filter(parent__isnull=True).order_by("position")
        field = cast("forms.ChoiceField", self.fields["group"])
        field.choices = [(g.code, g.name) for g in groups]


class SupervisionForm(forms.Form):
    notary_office = forms.CharField(label=gettext_lazy("Notary office"), max_length=200)
    notary_reference = forms.CharField(
        label=gettext_lazy("Notarial certificate number"), max_length=100
    )
    supervised_on = forms.DateField(
        label=gettext_lazy("Date of the vote"),
        input_formats=[ISO_DATE],
        widget=forms.DateInput(attrs={"type": "date"}, format=ISO_DATE),
    )

    def supervisors(self, data: Any) -> list[Supervisor]:
        names, units = data.getlist("supervisor_name"), data.getlist("supervisor_unit")
        return [
            Supervisor(name[:100], unit[:200]) for name, unit in zip(names, units, strict=False)
        ]

    @staticmethod
    def initial_for(record: Supervision | None) -> dict[str, Any]:
        if record is None:
            return {}
        return {
            "notary_office": record.notary_office,
            "notary_reference": record.notary_reference,
            "supervised_on": record.supervised_on,
        }


@guarded
def yearend(request: HttpRequest, code: str) -> HttpResponse:
    return _page(request, _campaign(request, code))


def _page(
    request: HttpRequest,
    campaign: Campaign,
    *,
    supervision_form: SupervisionForm | None = None,
    typed: list[dict[str, str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The year-end page; after a refused supervision, with what was typed kept (400)."""
    can_run = role_in(request.user, campaign.series.organization) in RUN
    groups = list(campaign.groups.order_by("position"))
    record = Supervision.objects.filter(campaign=campaign).first()
    supervisors = typed if typed is not None else list(record.supervisors) if record else []
    lines = supervisors + [{"name": "", "unit": ""}] * max(SUPERVISOR_LINES - len(supervisors), 1)
    context: dict[str, Any] = {
        "campaign": campaign,
        "can_run": can_run,
        "areas": paper_by_area(campaign),
        "area_codes": list(campaign.areas.order_by("position").values_list("code", "name")),
        "areas_editable": can_run and campaign.status in (phases.DRAFT, phases.OPEN),
        "tree": [
            (g, _share(g.target_share), [k for k in groups if k.parent_id == g.pk])
            for g in groups
            if not g.parent_id
        ],
        "kinds_editable": can_run and campaign.status == phases.DRAFT,
        "area_form": AreaForm(),
        "kind_form": KindForm(campaign=campaign),
        "supervision": record,
        "supervision_editable": can_run and campaign.status != phases.DRAFT,
        "supervision_form": supervision_form
        or SupervisionForm(initial=SupervisionForm.initial_for(record)),
        "supervisor_lines": lines,
    }
    return render(request, "pingyi/staff/yearend.html", context, status=status)


def _share(text: str) -> Fraction | None:
    """A group's target share as stored ("3/5"), for the percent shown."""
    try:
        return Fraction(text) if text else None
    except (ValueError, ZeroDivisionError):
        return None


def _done(request: HttpRequest, campaign: Campaign, run: Any, message: str) -> HttpResponse:
    return act(request, run, message, redirect("campaign-yearend", code=campaign.code))


@guarded
@require_POST
def area_new(request: HttpRequest, code: str) -> HttpResponse:
    campaign, actor = _office(request, code)
    form = AreaForm(request.POST)
    return act_on_form(
        request,
        form,
        lambda data: area_add(campaign=campaign, code=data["code"], name=data["name"], actor=actor),
        _("Area added."),
        redirect("campaign-yearend", code=campaign.code),
        invalid=_("Give the area a code and a name."),
    )


@guarded
@require_POST
def area_delete(request: HttpRequest, code: str) -> HttpResponse:
    campaign, actor = _office(request, code)
    area = request.POST.get("code", "")[:60]
    return _done(
        request,
        campaign,
        lambda: area_remove(campaign=campaign, code=area, actor=actor),
        _("Area removed."),
    )


@guarded
@require_POST
def kind_new(request: HttpRequest, code: str) -> HttpResponse:
    """Adds one kind, or (``seed``) the four kinds of seed 001 五(二)."""
    campaign, actor = _office(request, code)
    if request.POST.get("seed"):
        return _done(
            request,
            campaign,
            lambda: kinds_add_seed(campaign=campaign, actor=actor),
            _("The kinds of representatives of the implementation plan were added."),
        )
    form = KindForm(request.POST, campaign=campaign)
    return act_on_form(
        request,
        form,
        lambda data: kind_add(
            campaign=campaign,
            group=data["group"],
            code=data["code"],
            name=data["name"],
            actor=actor,
        ),
        _("Kind of representatives added."),
        redirect("campaign-yearend", code=campaign.code),
        invalid=_("Choose a group, and give the kind a code and a name."),
    )


@guarded
@require_POST
def supervision_set(request: HttpRequest, code: str) -> HttpResponse:
    campaign, actor = _office(request, code)
    form = SupervisionForm(request.POST)
    names = request.POST.getlist("supervisor_name")
    units = request.POST.getlist("supervisor_unit")
    typed = [
        {"name": name[:100], "unit": unit[:200]}
        for name, unit in zip(names, units, strict=False)
        if name.strip() or unit.strip()
    ]
    if not form.is_valid():
        messages.error(
            request, _("Give the notary office, the certificate number and the date of the vote.")
        )
        return _page(request, campaign, supervision_form=form, typed=typed, status=400)
    data = form.cleaned_data
    try:
        supervision_record(
            campaign=campaign,
            supervisors=form.supervisors(request.POST),
            notary_office=data["notary_office"],
            notary_reference=data["notary_reference"],
            supervised_on=data["supervised_on"],
            actor=actor,
        )
    except RuleError as exc:
        messages.error(request, exc.message(_))
        return _page(request, campaign, supervision_form=form, typed=typed, status=400)
    messages.success(request, _("Supervision and notarization recorded."))
    return redirect("campaign-yearend", code=campaign.code)
