"""The pages where organizations, assessors and committees work: an organization's page
(self-evaluation, then its locked view and its result), the assessor's scoring form, the
committee's decision page and the department's verdicts."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pingyi.grading import decisions, services
from pingyi.grading.access import Scope
from pingyi.grading.forms import AssessmentForm, RateForm, SelfEvaluationForm
from pingyi.grading.models import (
    CAUSE_CHOICES,
    REFERENCE_CHOICES,
    Committee,
    FilingStatus,
    PartyOrg,
    QuotaKind,
)
from pingyi.grading.selectors import OrgState, grading_state, indicators_for, rubric_rows
from pingyi.grading.views import actor, require, scope_of
from pingyi.rules import grading as rules
from pingyi.rules import grading_schedule as schedule_rules
from pingyi.rules.errors import RuleError
from pingyi.web.shared import act, act_on_form, guarded


def _org(scope: Scope, code: str) -> PartyOrg:
    """An organization of the round the user may see; any other is not found."""
    found = (
        PartyOrg.objects.select_related("round", "committee", "parent")
        .filter(round=scope.round, code=code)
        .first()
    )
    if found is None or not scope.sees_org(found):
        raise Http404
    return found


def _committee(scope: Scope, pk: int) -> Committee:
    found = Committee.objects.select_related("round").filter(round=scope.round, pk=pk).first()
    if found is None or not scope.sees_committee(found):
        raise Http404
    return found


def _org_url(org: PartyOrg) -> str:
    return reverse("grading:org", kwargs={"code": org.round.code, "org": org.code})


def org_of(
    request: HttpRequest, code: str, org: str, may: Callable[[Scope, PartyOrg], bool] | None = None
) -> tuple[Scope, PartyOrg]:
    """The round's organization a page names, as this user sees it (another is not found),
    and with ``may`` a user who may take the page's step (403 for others)."""
    scope = scope_of(request, code)
    target = _org(scope, org)
    if may is not None:
        require(may(scope, target))
    return scope, target


def _runs(scope: Scope, _target: PartyOrg) -> bool:
    return scope.can_run


def org_step(
    request: HttpRequest,
    code: str,
    org: str,
    may: Callable[[Scope, PartyOrg], bool],
    run: Callable[[PartyOrg], object],
    done: str,
) -> HttpResponse:
    """A step of an organization's page (``org_of``): ``run`` with the organization, then back
    to its page with the refusal or ``done``."""
    _scope, target = org_of(request, code, org, may)
    return act(request, lambda: run(target), done, _org_url(target))


def _committee_url(committee: Committee) -> str:
    return reverse("grading:committee", kwargs={"code": committee.round.code, "pk": committee.pk})


@guarded
def org_detail(request: HttpRequest, code: str, org: str) -> HttpResponse:
    scope, target = org_of(request, code, org)
    return _org_page(request, scope, target)


def _org_page(
    request: HttpRequest, scope: Scope, target: PartyOrg, form: SelfEvaluationForm | None = None
) -> HttpResponse:
    state = grading_state(scope.round)
    org_state = state.org(target.code)
    committee = state.committee(target.committee_id)
    evaluation = getattr(target, "self_evaluation", None)
    may_self = (
        evaluation is None
        and scope.may_self_evaluate(target)
        and scope.round.status == rules.SELF_EVALUATION
    )
    # The organization's own users see their grade once the department approved it.
    result_visible = scope.sees_assessment(target) or committee.status == FilingStatus.APPROVED
    context: dict[str, Any] = {
        "round": scope.round,
        "scope": scope,
        "org": target,
        "s": org_state,
        "evaluation": evaluation,
        "self_scores": evaluation.scores.select_related("indicator") if evaluation else [],
        "form": form or (SelfEvaluationForm(indicators=org_state.indicators) if may_self else None),
        "sees_assessment": scope.sees_assessment(target),
        "assessment_scores": target.assessment.scores.select_related("indicator")
        if hasattr(target, "assessment") and scope.sees_assessment(target)
        else [],
        "talks": target.talks.all() if scope.sees_assessment(target) else [],
        "may_assess": scope.may_assess(target),
        "result_visible": result_visible,
        "rate_form": RateForm() if scope.can_run else None,
        "review": getattr(target, "review", None),
        "vote_rows": _vote_rows(org_state) if result_visible else [],
        "may_set_members": (scope.can_run or target.committee_id in scope.committees)
        and scope.round.status != rules.CLOSED,
        "references": target.references.all() if scope.sees_assessment(target) else [],
        "may_refer": scope.sees_assessment(target)
        and scope.round.status in (rules.ASSESSMENT, rules.DECISION),
        "reference_kinds": REFERENCE_CHOICES,
        "benefit": getattr(target, "benefit", None) if result_visible else None,
        "may_benefit": (scope.can_run or target.committee_id in scope.committees)
        and org_state.grade == rules.EXCELLENT,
    }
    return render(request, "pingyi/grading/org.html", context, status=400 if form else 200)


def _vote_rows(state: OrgState) -> list[tuple[str, int, Fraction | None]]:
    result = state.vote.result
    if result is None:
        return []
    return [(g, result.count(g), result.share(g)) for g in rules.GRADES]


@guarded
@require_POST
def self_submit(request: HttpRequest, code: str, org: str) -> HttpResponse:
    scope, target = org_of(request, code, org, Scope.may_self_evaluate)
    indicators = indicators_for(target, rubric_rows(scope.round))
    form = SelfEvaluationForm(request.POST, indicators=indicators)
    if not form.is_valid():
        return _org_page(request, scope, target, form)
    data = form.cleaned_data
    try:
        services.self_evaluation_submit(
            org=target,
            scores=form.scores(),
            claimed_grade=data["claimed_grade"],
            achievements=data["achievements"],
            problems=data["problems"],
            actor=actor(request),
        )
    except RuleError as exc:
        form.add_error(None, exc.message(_))
        return _org_page(request, scope, target, form)
    messages.success(request, _("Self-evaluation submitted."))
    return redirect(_org_url(target))


@guarded
def assess(request: HttpRequest, code: str, org: str) -> HttpResponse:
    """The assessor's form: per indicator its sub-items and standards, a score and a reason
    box; every deduction needs its reason (the service refuses otherwise)."""
    scope, target = org_of(request, code, org, Scope.may_assess)
    if hasattr(target, "assessment"):
        return redirect(_org_url(target))
    indicators = [i for i in indicators_for(target, rubric_rows(scope.round)) if not i.survey]
    form = AssessmentForm(request.POST or None, indicators=indicators)
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_submit(
                org=target, scores=form.scores(), reasons=form.reasons(), actor=actor(request)
            )
        except RuleError as exc:
            form.add_error(None, exc.message(_))
        else:
            messages.success(request, _("Assessment submitted."))
            return redirect(_org_url(target))
    context = {"round": scope.round, "org": target, "form": form, "step": scope.round.status}
    status = 400 if request.method == "POST" else 200
    return render(request, "pingyi/grading/assess.html", context, status=status)


@guarded
@require_POST
def talk_add(request: HttpRequest, code: str, org: str) -> HttpResponse:
    return org_step(
        request, code, org, Scope.may_assess,
        lambda target: services.talk_note_add(
            org=target,
            with_whom=str(request.POST.get("with_whom", "")),
            notes=str(request.POST.get("notes", "")),
            actor=actor(request),
        ),
        _("Talk recorded."),
    )  # fmt: skip


@guarded
@require_POST
def rate_enter(request: HttpRequest, code: str, org: str) -> HttpResponse:
    _scope, target = org_of(request, code, org, _runs)
    form = RateForm(request.POST)
    return act_on_form(
        request,
        form,
        lambda data: services.survey_rate_enter(
            org=target,
            rate=form.fraction(),
            ballots=data["ballots"],
            reason=data["reason"],
            actor=actor(request),
        ),
        _("Satisfaction rate entered: it awaits another person of the department's approval."),
        _org_url(target),
        invalid=_("Give a rate from 0 to 100, the valid ballots and a reason."),
    )


@guarded
@require_POST
def rate_decide(request: HttpRequest, code: str, org: str) -> HttpResponse:
    """Another person of the department approves or refuses the entered rate."""
    approve = request.POST.get("decision") == "approve"
    return org_step(
        request, code, org, _runs,
        lambda target: services.survey_rate_decide(
            org=target,
            approve=approve,
            note=str(request.POST.get("note", "")),
            actor=actor(request),
        ),
        _("Entered rate approved.") if approve else _("Entered rate refused."),
    )  # fmt: skip


@guarded
def committee_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    scope = scope_of(request, code)
    committee = _committee(scope, pk)
    state = grading_state(scope.round)
    cstate = state.committee(committee.pk)
    context = {
        "round": scope.round,
        "scope": scope,
        "c": cstate,
        "blockers": [b.message(_) for b in cstate.blockers(state.scheme)],
        "may_decide": scope.may_decide(committee)
        and cstate.may_change
        and scope.round.status == rules.DECISION,
        "grades": rules.GRADES,
        "kinds": QuotaKind,
        "scheme": state.scheme,
        "limit": int(cstate.count.excellent_limit) if cstate.count else 0,
        "fair_months": schedule_rules.RECTIFICATION_MONTHS[rules.FAIR],
        "poor_months": schedule_rules.RECTIFICATION_MONTHS[rules.POOR],
        "causes": CAUSE_CHOICES,
        "may_benefit": scope.may_decide(committee) or scope.can_run,
        "may_summarize": scope.may_decide(committee)
        and cstate.may_change
        and scope.round.status == rules.DECISION,
    }
    return render(request, "pingyi/grading/committee.html", context)


def _decide(request: HttpRequest, code: str, pk: int) -> tuple[Scope, Committee]:
    scope = scope_of(request, code)
    committee = _committee(scope, pk)
    require(scope.may_decide(committee))
    return scope, committee


def _member(committee: Committee, code: str) -> PartyOrg:
    found = committee.orgs.select_related("round", "committee", "parent").filter(code=code).first()
    if found is None:
        raise Http404
    return found


def posted_member(request: HttpRequest, committee: Committee) -> PartyOrg:
    """The committee's organization the form names (``org``); another is not found."""
    return _member(committee, str(request.POST.get("org", "")))


def decided(
    request: HttpRequest, code: str, pk: int, run: Callable[[Committee], object], done: str
) -> HttpResponse:
    """A step of the committee's page, which its members take (403 for others): ``run`` with
    the committee, then back to its page with the refusal or ``done``."""
    _scope, committee = _decide(request, code, pk)
    return act(request, lambda: run(committee), done, _committee_url(committee))


@guarded
@require_POST
def grade_change(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return decided(
        request, code, pk,
        lambda committee: decisions.grade_change(
            org=posted_member(request, committee),
            grade=str(request.POST.get("grade", "")),
            reason=str(request.POST.get("reason", "")),
            actor=actor(request),
        ),
        _("Grade recorded."),
    )  # fmt: skip


@guarded
@require_POST
def justify(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return decided(
        request, code, pk,
        lambda committee: decisions.quota_justify(
            committee=committee,
            kind=str(request.POST.get("kind", "")),
            text=str(request.POST.get("text", "")),
            actor=actor(request),
        ),
        _("Justification recorded."),
    )  # fmt: skip


@guarded
@require_POST
def explain(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return decided(
        request, code, pk,
        lambda committee: decisions.explanation_write(
            org=posted_member(request, committee), text=str(request.POST.get("text", "")),
            actor=actor(request),
        ),
        _("Explanation recorded."),
    )  # fmt: skip


@guarded
@require_POST
def follow_up(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    _scope, committee = _decide(request, code, pk)
    target = _member(committee, str(request.POST.get("org", "")))
    keys = ("problems", "measures", "sponsor", "liaison", "months", "months_reason")
    post = {k: str(request.POST.get(k, "")).strip() for k in keys}
    if post["months"] and not post["months"].isdigit():
        messages.error(request, _("Rectification period: give a whole number of months."))
        return redirect(_committee_url(committee))
    return act(
        request,
        lambda: decisions.follow_up_set(
            org=target,
            problems=post["problems"],
            measures=post["measures"],
            sponsor_leader=post["sponsor"],
            liaison=post["liaison"],
            months=int(post["months"]) if post["months"] else None,
            months_reason=post["months_reason"],
            actor=actor(request),
        ),
        _("Follow-up recorded."),
        _committee_url(committee),
    )


@guarded
@require_POST
def file(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return decided(
        request, code, pk,
        lambda committee: decisions.filing_submit(committee=committee, actor=actor(request)),
        _("Filed with the organization department."),
    )  # fmt: skip


@guarded
@require_POST
def review_record(request: HttpRequest, code: str, org: str) -> HttpResponse:
    scope = scope_of(request, code)
    require(scope.can_run)
    target = _org(scope, org)
    return act(
        request,
        lambda: decisions.review_record(
            org=target,
            verdict=str(request.POST.get("verdict", "")),
            comment=str(request.POST.get("comment", "")),
            actor=actor(request),
        ),
        _("Verdict recorded."),
        reverse("grading:review", kwargs={"code": scope.round.code}),
    )
