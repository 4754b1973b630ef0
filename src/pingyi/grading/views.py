"""The department's grading pages: rounds, import, roles, surveys, overview and review.
Each view: parse, call one service or selector, render. Pages of organizations and
committees are in views_work.py; access is decided in access.py (R17)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pingyi.accounts.actors import AccessDenied, Actor
from pingyi.accounts.selectors import RUN, organizations_for, organizations_run
from pingyi.exports import charts
from pingyi.exports.grading_reports import sector_counts
from pingyi.grading import access, services
from pingyi.grading.access import Scope, round_scope, rounds_for
from pingyi.grading.forms import FileForm, RoundForm
from pingyi.grading.models import (
    Committee,
    GradingRole,
    GradingRoleKind,
    GradingRound,
    PartyOrg,
    RoundStatus,
)
from pingyi.grading.selectors import (
    grading_reports,
    grading_state,
    references_by_org,
    round_schedule,
    scoring_sheet,
)
from pingyi.jobs.models import JobKind
from pingyi.jobs.services import job_enqueue, job_enqueue_upload
from pingyi.rules import grading as rules
from pingyi.rules import grading_schedule as schedule_rules
from pingyi.rules.errors import RuleError
from pingyi.voting.selectors import collection_status
from pingyi.web.shared import (
    XLSX,
    act,
    confirmation,
    create_page,
    download,
    guarded,
    uploaded,
    written,
)


def scope_of(request: HttpRequest, code: str) -> Scope:
    """The round as this user may see it; a round they have no part in is not found."""
    scope = round_scope(request.user, code)
    if scope is None:
        raise Http404
    return scope


def require(allowed: bool) -> None:
    if not allowed:
        raise AccessDenied


def actor(request: HttpRequest) -> Actor:
    """Who asks the services: the services decide whether they may (grading.access)."""
    return Actor.of(request.user)


@guarded
def home(request: HttpRequest) -> HttpResponse:
    rounds = rounds_for(request.user).order_by("-year", "code")
    can_create = organizations_for(request.user, RUN).exists()
    return render(request, "pingyi/grading/home.html", {"rounds": rounds, "can_create": can_create})


def _scheme_of(form: RoundForm) -> rules.GradingScheme:
    upload = form.cleaned_data["scheme"]
    if not upload:
        return rules.GradingScheme(indicators=rules.RUBRICS[form.cleaned_data["rubric"]])
    with uploaded(upload) as path:
        return rules.grading_scheme_from_file(path)


@guarded
def round_new(request: HttpRequest) -> HttpResponse:
    organizations = organizations_run(request.user)
    form = RoundForm(request.POST or None, request.FILES or None, organizations=organizations)
    return create_page(
        request,
        form,
        lambda data: services.round_create(
            organization=data["organization"],
            year=data["year"],
            name=data["name"],
            scheme=_scheme_of(form),
            actor=actor(request),
        ),
        done=_("Round created. Import its organizations."),
        to=lambda created: reverse("grading:round", kwargs={"code": created.code}),
        template="pingyi/grading/round_new.html",
    )


@guarded
def round_detail(request: HttpRequest, code: str) -> HttpResponse:
    scope = scope_of(request, code)
    state = grading_state(scope.round)
    visible = set(scope.visible_orgs().values_list("pk", flat=True))
    surveys = [
        (survey, collection_status(survey.campaign))
        for survey in scope.round.surveys.select_related("campaign", "org", "committee")
    ]
    context: dict[str, Any] = {
        "round": scope.round,
        "scope": scope,
        "state": state,
        "orgs": [s for s in state.orgs if s.org.pk in visible],
        "committees": [c for c in state.committees if scope.sees_committee(c.committee)],
        "surveys": surveys if scope.department else [],
        "votes": [
            (vote, getattr(vote.campaign, "participant_list", None))
            for vote in scope.round.votes.select_related(
                "campaign", "campaign__participant_list", "org", "committee"
            )
        ]
        if scope.department or scope.committees
        else [],
        "roles": GradingRole.objects.filter(round=scope.round).select_related(
            "user", "committee", "org"
        )
        if scope.department
        else [],
        "import_form": FileForm(),
        "kinds": GradingRoleKind.choices,
        "steps": RoundStatus.choices,
        "show_scores": scope.department or bool(scope.committees),
        "schedule": round_schedule(scope.round, timezone.localdate())
        if scope.department or scope.committees
        else [],
    }
    if scope.department or scope.committees:
        context["reports"] = _reports_or_reason(scope.round, _report_committees(scope))
    return render(request, "pingyi/grading/round.html", context)


@guarded
@require_POST
def schedule_set(request: HttpRequest, code: str) -> HttpResponse:
    """The department's own dates for the round's steps (403 before reading the dates)."""
    scope = scope_of(request, code)
    access.check_runs(actor(request), scope.round)
    changes = {}
    for key in schedule_rules.MILESTONES:
        try:
            starts = dt.date.fromisoformat(str(request.POST.get(f"{key}_starts", "")))
            ends = dt.date.fromisoformat(str(request.POST.get(f"{key}_ends", "")))
        except ValueError:
            word = _(schedule_rules.MILESTONE_WORDS[key])
            messages.error(request, _("%(step)s: give both dates as YYYY-MM-DD.") % {"step": word})
            return redirect(scope.round_url)
        changes[key] = (starts, ends)
    return act(
        request,
        lambda: services.schedule_set(
            grading_round=scope.round, changes=changes, actor=actor(request)
        ),
        _("Schedule saved."),
        scope.round_url,
    )


@guarded
@require_POST
def schedule_done(request: HttpRequest, code: str) -> HttpResponse:
    scope = scope_of(request, code)
    return act(
        request,
        lambda: services.schedule_mark_done(
            grading_round=scope.round, key=str(request.POST.get("key", "")), actor=actor(request)
        ),
        _("Recorded as done."),
        scope.round_url,
    )


def _reports_or_reason(
    grading_round: GradingRound, committees: frozenset[int] | None = None
) -> dict[str, Any]:
    """The chart of grade shares by sector, or why the reports cannot be built yet."""
    try:
        rows = grading_reports(grading_round, committees)
    except RuleError as exc:
        return {"reason": exc.message(_)}
    return {"chart": charts.grading_shares_chart(sector_counts(rows))}


REPORT_FORMATS = ("xlsx", "pdf")


def _report_committees(scope: Scope) -> frozenset[int] | None:
    """Whose organizations the reports hold: the department's, all (None); a committee
    user's, its own committees' only — the 汇总表 and 一览表 it files (seed 003)."""
    return None if scope.department else scope.committees


@guarded
def reports_download(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """The report set (汇总表, 明细表, 较差名单, 较差状况明细表, 一览表) as .xlsx or PDF, built by
    a job (R27) whose page offers the download; refused here at once while not every
    organization has a grade."""
    scope = scope_of(request, code)
    require(scope.department or bool(scope.committees))
    if fmt not in REPORT_FORMATS:
        raise Http404
    committees = _report_committees(scope)
    try:
        grading_reports(scope.round, committees)
    except RuleError as exc:
        messages.error(request, exc.message(_))
        return redirect("grading:round", code=scope.round.code)
    params: dict[str, Any] = {
        "round": scope.round.pk,
        "round_code": scope.round.code,
        "format": fmt,
    }
    subject = f"{scope.round.name} · {fmt}"
    if committees is not None:
        params["committees"] = sorted(committees)
        names = Committee.objects.filter(pk__in=committees).order_by("position")
        subject = f"{scope.round.name} · {'、'.join(c.name for c in names)} · {fmt}"
    job = job_enqueue(
        kind=JobKind.GRADING_REPORT,
        organization=scope.round.organization,
        actor=actor(request).name,
        subject=subject[:300],
        params=params,
    )
    return redirect("jobs:detail", job_id=job.pk)


def _what_opens(grading_round: GradingRound) -> list[str]:
    """What moving the round on closes and opens, step by step (seed 003)."""
    status = grading_round.status
    if status == rules.CLOSED:
        return []
    target = rules.next_step(status)
    labels = dict(RoundStatus.choices)
    lines = [
        _("The round leaves “%(current)s” and enters “%(next)s”; it cannot go back.")
        % {"current": labels[status], "next": labels[target]}
    ]
    if target == rules.SELF_EVALUATION:
        lines.append(
            _(
                "The list of its %(orgs)s party organizations is fixed, and their "
                "self-evaluations open."
            )
            % {"orgs": grading_round.orgs.count()}
        )
    elif target == rules.ASSESSMENT:
        lines.append(_("Self-evaluations close; the assessors' scores, talks and ratings open."))
    elif target == rules.DECISION:
        lines.append(
            _(
                "Assessment closes; the committees decide the grades, which can then go on "
                "public notice and be filed."
            )
        )
    else:
        lines.append(_("The round closes: the approved filings are final and nothing changes."))
    return lines


@guarded
@require_http_methods(["GET", "POST"])
def round_advance(request: HttpRequest, code: str) -> HttpResponse:
    """GET: the confirmation page, with what the next step opens; POST: the step."""
    scope = scope_of(request, code)
    access.check_runs(actor(request), scope.round)
    if request.method == "GET":
        return confirmation(
            request,
            title=_("Move to the next step: %(name)s") % {"name": scope.round.name},
            consequences=_what_opens(scope.round),
            button=_("Move to the next step"),
            back=scope.round_url,
        )
    return act(
        request,
        lambda: services.round_advance(grading_round=scope.round, actor=actor(request)),
        _("The round moved to its next step."),
        scope.round_url,
    )


def _import(request: HttpRequest, code: str, label: str) -> HttpResponse:
    """An uploaded file handed to the job that runs one import service of the round
    (``label``: "orgs" or "scores"); the job's page shows what was imported or refused.
    The job runs the service as the person who started it; asked here too, so that a person
    it refuses is answered 403 at once and their file is never kept."""
    scope = scope_of(request, code)
    access.check_runs(actor(request), scope.round)
    form = FileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return redirect(scope.round_url)
    upload = form.cleaned_data["file"]
    job = job_enqueue_upload(
        chunks=upload.chunks(),
        suffix=Path(upload.name or label).suffix or ".csv",
        label=upload.name or label,
        kind=JobKind.GRADING_IMPORT,
        organization=scope.round.organization,
        actor=actor(request).name,
        subject=f"{scope.round.name} · {upload.name}",
        params={"round": scope.round.pk, "round_code": scope.round.code, "what": label},
    )
    return redirect("jobs:detail", job_id=job.pk)


@guarded
def orgs_template(request: HttpRequest, code: str) -> HttpResponse:
    from pingyi.exports.input_templates import write_orgs_template

    scope = scope_of(request, code)
    require(scope.can_run)
    name = scope.round.name
    content = written(lambda p: write_orgs_template(p, round_name=name), ".xlsx")
    return download(content, f"{scope.round.code}-orgs-template.xlsx", XLSX)


@guarded
def scores_template(request: HttpRequest, code: str) -> HttpResponse:
    from pingyi.exports.input_templates import write_scores_template

    scope = scope_of(request, code)
    require(scope.can_run)
    sheet = scoring_sheet(scope.round)
    content = written(
        lambda p: write_scores_template(
            p, round_name=scope.round.name, indicators=sheet.indicators, orgs=sheet.orgs
        ),
        ".xlsx",
    )
    return download(content, f"{scope.round.code}-scores-template.xlsx", XLSX)


@guarded
@require_POST
def orgs_upload(request: HttpRequest, code: str) -> HttpResponse:
    return _import(request, code, "orgs")


@guarded
@require_POST
def assessments_upload(request: HttpRequest, code: str) -> HttpResponse:
    """The assessment groups' scoring sheets, all at once (paper sheets typed in)."""
    return _import(request, code, "scores")


def _target(scope: Scope, value: str) -> tuple[Committee | None, PartyOrg | None]:
    """A posted "k<pk>" (committee) or "o<pk>" (organization) of this round."""
    kind, number = value[:1], value[1:]
    if not number.isdigit():
        return None, None
    if kind == "k":
        return Committee.objects.filter(round=scope.round, pk=int(number)).first(), None
    return None, PartyOrg.objects.filter(round=scope.round, pk=int(number)).first()


@guarded
@require_POST
def role_new(request: HttpRequest, code: str) -> HttpResponse:
    scope = scope_of(request, code)
    committee, org = _target(scope, str(request.POST.get("target", "")))
    return act(
        request,
        lambda: services.role_assign(
            grading_round=scope.round,
            username=str(request.POST.get("username", "")).strip(),
            kind=str(request.POST.get("kind", "")),
            committee=committee,
            org=org,
            actor=actor(request),
        ),
        _("Role assigned."),
        scope.round_url,
    )


@guarded
@require_POST
def survey_new(request: HttpRequest, code: str) -> HttpResponse:
    scope = scope_of(request, code)
    committee, org = _target(scope, str(request.POST.get("target", "")))
    return act(
        request,
        lambda: services.survey_create(
            grading_round=scope.round, committee=committee, org=org, actor=actor(request)
        ),
        _("Survey created as a draft campaign: issue tokens or import paper ballots there."),
        scope.round_url,
    )


@guarded
def review(request: HttpRequest, code: str) -> HttpResponse:
    """The department's review of filed committees: 好 and 较差 first (SPEC P2)."""
    scope = scope_of(request, code)
    require(scope.department)
    state = grading_state(scope.round)
    first = {rules.EXCELLENT: 0, rules.POOR: 0}
    references = references_by_org(scope.round)
    filed = [
        (
            c,
            [
                (s, references.get(s.org.pk, []))
                for s in sorted(c.orgs, key=lambda s: (first.get(s.grade or "", 1), s.org.position))
            ],
        )
        for c in state.committees
        if c.filing is not None
    ]
    return render(
        request,
        "pingyi/grading/review.html",
        {"round": scope.round, "scope": scope, "filed": filed, "first": set(first)},
    )
