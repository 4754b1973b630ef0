"""The stage pages: the office's board, each unit's page (its owner drafts and files, the
office approves and receives), "my units" of a unit's people, and the campaign's public page.

Who may see a unit's page is stages.access.unit_access (else 404); who may act is decided
again by the service (403 through ``guarded``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pingyi import evidence
from pingyi.accounts.actors import AccessDenied, Actor
from pingyi.campaigns.models import Campaign, StageKind, Unit
from pingyi.campaigns.selectors import campaign_for
from pingyi.rules import opinions as opinion_rules
from pingyi.rules import stages as rules
from pingyi.rules.errors import RuleError
from pingyi.stages import access, selectors
from pingyi.stages import opinion_selectors as opinion_reads
from pingyi.stages.forms import (
    BriefForm,
    InspectionForm,
    OwnerForm,
    PledgeForm,
    ReturnForm,
    SurveyForm,
)
from pingyi.stages.models import Attached, Opinion, Pledge, RectificationReport, SelfInspection
from pingyi.stages.services import (
    brief_save,
    inspection_file,
    inspection_receive,
    pledge_approve,
    pledge_return,
    pledge_save,
    unit_owner_grant,
)
from pingyi.web.shared import NOSNIFF, act, act_on_form, guarded, stored_download


def _campaign(request: HttpRequest, code: str) -> Campaign:
    """A campaign of the user's office (viewers included), else 404 (R17)."""
    return campaign_for(request.user, code)


def _unit(request: HttpRequest, code: str, unit_code: str) -> tuple[Unit, str]:
    """The unit and the user's access to it; 404 for anyone without one."""
    campaign = Campaign.objects.select_related("series").filter(code=code.replace("\x00", ""))
    found = campaign.first()
    unit = selectors.unit_get(found, unit_code) if found is not None else None
    role = access.unit_access(request.user, unit) if unit is not None else None
    if unit is None or role is None:
        raise Http404
    return unit, role


def _only(role: str, *allowed: str) -> None:
    """A role that sees the unit but may not do this: 403 before any form is read."""
    if role not in allowed:
        raise AccessDenied


def _office(request: HttpRequest, campaign: Campaign) -> None:
    if access.office_access(request.user, campaign) != access.OFFICE:
        raise AccessDenied


def _upload(file: UploadedFile[bytes] | None) -> evidence.Upload | None:
    if not file:
        return None
    return evidence.Upload(name=file.name or "", content=file.read(), size=file.size or 0)


def _act(request: HttpRequest, unit: Unit, run: Callable[[], object], done: str) -> HttpResponse:
    return act(request, run, done, redirect("stages:unit", code=unit.campaign.code, unit=unit.code))


def unit_form[T](
    request: HttpRequest,
    unit: Unit,
    form: BaseForm,
    run: Callable[[dict[str, Any]], T],
    done: str | Callable[[T], str],
    invalid: str,
) -> HttpResponse:
    """A unit's step posted with ``form`` (``act_on_form``), back to the unit's page."""
    to = redirect("stages:unit", code=unit.campaign.code, unit=unit.code)
    return act_on_form(request, form, run, done, to, invalid=invalid)


def board_form[T](
    request: HttpRequest,
    campaign: Campaign,
    form: BaseForm,
    run: Callable[[dict[str, Any]], T],
    done: str | Callable[[T], str],
    invalid: str,
) -> HttpResponse:
    """An office's step on the stage board posted with ``form`` (``act_on_form``), back to
    the board."""
    to = redirect("stages:board", code=campaign.code)
    return act_on_form(request, form, run, done, to, invalid=invalid)


@guarded
def board(request: HttpRequest, code: str) -> HttpResponse:
    campaign = _campaign(request, code)
    today = timezone.localdate()
    found = selectors.stage_board(campaign, today=today)
    office = access.office_access(request.user, campaign) == access.OFFICE
    brief = selectors.brief_of(campaign)
    units = [(r.unit.code, f"{r.unit.code} {r.unit.name}") for r in found.rows]
    context = {
        "campaign": campaign,
        "board": found,
        "office": office,
        "brief": brief,
        "brief_form": BriefForm(
            initial={
                "plan": brief.plan if brief else "",
                "criteria": brief.criteria if brief else rules.SEED_CRITERIA,
                "public": brief.public if brief else False,
            }
        ),
        "owner_form": OwnerForm(units=units),
        "submitted": selectors.submitted_pledges(campaign),
        "filed": selectors.filed_reports(campaign),
        "rectified": selectors.filed_rectification_reports(campaign),
        "work": selectors.WORK,
        "counts": [
            (c, {s: found.count(c.kind, s) for s in (rules.DONE, rules.DUE, rules.OVERDUE)})
            for c in found.columns
            if c.work
        ],
        **_survey_context(campaign, office),
    }
    return render(request, "pingyi/stages/board.html", context)


def _survey_context(campaign: Campaign, office: bool) -> dict[str, object]:
    """The rectification survey's part of the board: the linked campaign, its recorded rates
    and, for the office before it starts, the form (two or three queries)."""
    survey = selectors.rectification_survey(campaign)
    form = None
    if office and survey is None:
        groups = list(campaign.groups.order_by("position").values_list("code", "name"))
        form = SurveyForm(groups=groups)
    return {
        "survey": survey,
        "survey_rates": selectors.survey_rates(survey),
        "survey_form": form,
    }


@guarded
@require_POST
def brief(request: HttpRequest, code: str) -> HttpResponse:
    campaign = _campaign(request, code)
    _office(request, campaign)
    return board_form(
        request,
        campaign,
        BriefForm(request.POST),
        lambda data: brief_save(
            campaign=campaign,
            plan=data["plan"],
            criteria=data["criteria"],
            public=data["public"],
            actor=Actor.of(request.user),
        ),
        _("The public page is saved."),
        invalid=_("The plan is at most 20000 characters, the criteria 4000."),
    )


@guarded
@require_POST
def owner(request: HttpRequest, code: str) -> HttpResponse:
    campaign = _campaign(request, code)
    _office(request, campaign)
    units = list(campaign.units.values_list("code", "name"))
    return board_form(
        request,
        campaign,
        OwnerForm(request.POST, units=units),
        lambda data: unit_owner_grant(
            campaign=campaign,
            unit_code=data["unit"],
            username=data["username"],
            role=data["role"],
            actor=Actor.of(request.user),
        ),
        lambda grant: _("%(user)s: %(role)s of %(unit)s.")
        % {"user": grant.user.get_username(), "role": grant.get_role_display(),
           "unit": grant.unit_code},
        invalid=_("Choose the unit and give the person's user name."),
    )  # fmt: skip


@guarded
def unit_page(request: HttpRequest, code: str, unit: str) -> HttpResponse:
    found, role = _unit(request, code, unit)
    pledge: Pledge | None = Pledge.objects.filter(unit=found).first()
    report: SelfInspection | None = SelfInspection.objects.filter(unit=found).first()
    today = timezone.localdate()
    columns = {c.kind: c for c in selectors.stage_columns(found.campaign, today=today)}
    context = {
        "campaign": found.campaign,
        "unit": found,
        "role": role,
        "owner": role == access.OWNER,
        "office": role == access.OFFICE,
        "pledge": pledge,
        "report": report,
        "pledge_stage": columns[StageKind.PLEDGES.value],
        "report_stage": columns[StageKind.SELF_INSPECTION.value],
        "pledge_editable": pledge is None or pledge.status in (rules.DRAFT, rules.RETURNED),
        "report_editable": report is None or report.status == rules.FILED,
        "pledge_form": PledgeForm(initial={"text": pledge.text if pledge else ""}),
        "report_form": InspectionForm(initial={"text": report.text if report else ""}),
        "return_form": ReturnForm(),
        **_opinion_context(found, role, request),
        "opinion_stage": columns[StageKind.OPINIONS.value],
        "rect_stage": columns[StageKind.RECTIFICATION.value],
        "survey_rate": selectors.unit_survey_rate(found),
    }
    return render(request, "pingyi/stages/unit.html", context)


def _opinion_context(unit: Unit, role: str, request: HttpRequest) -> dict[str, object]:
    """What the unit's page shows of 征求意见 and 集中整改: once fed back, the summary and the
    kept opinions with their measures (stages.opinion_selectors decides who reads them)."""
    fed_back = opinion_reads.is_fed_back(unit)
    kept: list[Opinion] = []
    if fed_back:
        items = opinion_reads.unit_opinions(unit=unit, actor=Actor.of(request.user))
        kept = [o for o in items if o.status in opinion_rules.KEPT]
    rect = opinion_reads.report_of(unit)
    return {
        "fed_back": fed_back,
        "feedback": opinion_reads.feedback_of(unit) if fed_back or role == access.OFFICE else None,
        "kept": kept,
        "answered": sum(1 for o in kept if o.measures),
        "rect": rect,
        "rect_editable": rect is None or rect.status == rules.FILED,
    }


@guarded
@require_POST
def pledge(request: HttpRequest, code: str, unit: str) -> HttpResponse:
    found, role = _unit(request, code, unit)
    _only(role, access.OWNER)
    submit = "submit" in request.POST
    return unit_form(
        request,
        found,
        PledgeForm(request.POST, request.FILES),
        lambda data: pledge_save(
            unit=found,
            text=data["text"],
            upload=_upload(data["file"]),
            submit=submit,
            actor=Actor.of(request.user),
        ),
        _("The pledges are submitted to the office.") if submit else _("The draft is saved."),
        invalid=_("Write the pledges (at most 8000 characters)."),
    )


def _pledge_of(unit: Unit) -> Pledge:
    found = Pledge.objects.filter(unit=unit).select_related("unit", "unit__campaign").first()
    if found is None:
        raise Http404
    return found


@guarded
@require_POST
def pledge_approve_view(request: HttpRequest, code: str, unit: str) -> HttpResponse:
    found, role = _unit(request, code, unit)
    _only(role, access.OFFICE)
    return _act(
        request,
        found,
        lambda: pledge_approve(pledge=_pledge_of(found), actor=Actor.of(request.user)),
        _("The pledges are approved and published."),
    )


@guarded
@require_POST
def pledge_return_view(request: HttpRequest, code: str, unit: str) -> HttpResponse:
    found, role = _unit(request, code, unit)
    _only(role, access.OFFICE)
    comment = request.POST.get("comment", "")
    return _act(
        request,
        found,
        lambda: pledge_return(
            pledge=_pledge_of(found), comment=str(comment), actor=Actor.of(request.user)
        ),
        _("The pledges are returned to the unit with your comment."),
    )


@guarded
@require_POST
def inspection(request: HttpRequest, code: str, unit: str) -> HttpResponse:
    found, role = _unit(request, code, unit)
    _only(role, access.OWNER)
    return unit_form(
        request,
        found,
        InspectionForm(request.POST, request.FILES),
        lambda data: inspection_file(
            unit=found,
            text=data["text"],
            upload=_upload(data["file"]),
            actor=Actor.of(request.user),
        ),
        _("The self-inspection report is filed."),
        invalid=_("Write the report (at most 8000 characters)."),
    )


@guarded
@require_POST
def inspection_receive_view(request: HttpRequest, code: str, unit: str) -> HttpResponse:
    found, role = _unit(request, code, unit)
    _only(role, access.OFFICE)
    report = SelfInspection.objects.filter(unit=found).select_related("unit").first()
    if report is None:
        raise Http404
    return _act(
        request,
        found,
        lambda: inspection_receive(report=report, actor=Actor.of(request.user)),
        _("The report is marked received."),
    )


def _send(record: Attached) -> HttpResponse:
    if not record.file_stored_name:
        raise Http404
    path = evidence.path_of(record.file_stored_name)
    return stored_download(path, record.file_name, record.file_type, NOSNIFF)


@guarded
def unit_file(request: HttpRequest, code: str, unit: str, kind: str) -> HttpResponse:
    found, _role = _unit(request, code, unit)
    record: Attached | None = None
    if kind == "pledge":
        record = Pledge.objects.filter(unit=found).first()
    elif kind == "self-inspection":
        record = SelfInspection.objects.filter(unit=found).first()
    elif kind == "rectification":
        record = RectificationReport.objects.filter(unit=found).first()
    if record is None:
        raise Http404
    response = _send(record)
    response["Cache-Control"] = "private, no-store"
    return response


@guarded
def my_units(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    units = list(selectors.units_for(request.user))
    rows = []
    for u in units:
        board = {c.kind: c for c in selectors.stage_columns(u.campaign, today=today)}
        rows.append((u, board[StageKind.PLEDGES.value], board[StageKind.SELF_INSPECTION.value]))
    return render(request, "pingyi/stages/my_units.html", {"rows": rows})


# ----------------------------------------------------------------- public, no sign-in


def public_page(request: HttpRequest, code: str) -> HttpResponse:
    try:
        campaign = selectors.public_campaign(code)
    except RuleError:
        raise Http404 from None
    today = timezone.localdate()
    units = list(campaign.units.select_related("category").order_by("position"))
    pledges = selectors.pledges_by_unit(campaign)
    context = {
        "campaign": campaign,
        "brief": campaign.brief,
        "criteria": campaign.brief.criteria_list(),
        "columns": selectors.stage_columns(campaign, today=today),
        "categories": _by_category(units),
        "pledges": [
            (name, [(u, pledges[u.code]) for u in group if u.code in pledges])
            for name, group in _by_category(units)
            if any(u.code in pledges for u in group)
        ],
    }
    # Not cached by shared caches: the page carries the language switch's CSRF token.
    return render(request, "pingyi/stages/public.html", context)


def _by_category(units: list[Unit]) -> list[tuple[str, list[Unit]]]:
    groups: dict[str, list[Unit]] = {}
    for u in units:
        groups.setdefault(u.category.name, []).append(u)
    return list(groups.items())


def public_file(request: HttpRequest, code: str, unit: str) -> HttpResponse:
    """An approved pledge's file: public like the pledge itself."""
    try:
        campaign = selectors.public_campaign(code)
    except RuleError:
        raise Http404 from None
    found = selectors.pledges_by_unit(campaign).get(unit)
    if found is None:
        raise Http404
    return _send(found)
