"""The pages of the members' grade vote and of the participant lists: the department creates
a vote and sets the round's tolerance; the committee draws a list up; an assessor of the
committee approves it; the department issues its codes (P1's code sheets) — each action a
service that decides itself whether the actor may (grading.access)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pingyi.accounts.actors import Actor
from pingyi.accounts.selectors import public_address
from pingyi.campaigns.models import Campaign
from pingyi.grading import votes
from pingyi.grading.access import Scope
from pingyi.grading.models import Committee, ListStatus, ParticipantList, PartyOrg
from pingyi.grading.views import _target, scope_of
from pingyi.grading.views_work import _committee, _committee_url, _member, _org, _org_url
from pingyi.rules import grade_vote as vote_rules
from pingyi.rules.address import ballot_page
from pingyi.rules.errors import RuleError
from pingyi.rules.scheme import parse_number
from pingyi.voting.services import tokens_issued
from pingyi.web.shared import act, guarded


def _actor(request: HttpRequest) -> Actor:
    return Actor.of(request.user)


def _list_url(scope: Scope, campaign: Campaign) -> str:
    return reverse(
        "grading:participants", kwargs={"code": scope.round.code, "campaign": campaign.code}
    )


def _campaign(scope: Scope, code: str) -> tuple[Campaign, votes.ListScope]:
    """A survey's or grade vote's campaign of the round that the user has a part in: the
    department, the committee(s) it covers, or an assessor of their organizations."""
    campaign = Campaign.objects.filter(code=code).first()
    if campaign is None:
        raise Http404
    try:
        covered = votes.list_scope(campaign)
    except RuleError:
        raise Http404 from None
    if covered.round.pk != scope.round.pk:
        raise Http404
    assessed = set(
        PartyOrg.objects.filter(pk__in=scope.assessed).values_list("committee_id", flat=True)
    )
    if not (scope.department or covered.committees & (scope.committees | assessed)):
        raise Http404
    return campaign, covered


@guarded
@require_POST
def vote_new(request: HttpRequest, code: str) -> HttpResponse:
    scope = scope_of(request, code)
    committee, org = _target(scope, str(request.POST.get("target", "")))
    return act(
        request,
        lambda: votes.grade_vote_create(
            grading_round=scope.round, committee=committee, org=org, actor=_actor(request)
        ),
        _("Grade vote created: draw up its participant list, then issue its codes."),
        scope.round_url,
    )


@guarded
@require_POST
def tolerance_set(request: HttpRequest, code: str) -> HttpResponse:
    scope = scope_of(request, code)
    low = parse_number(str(request.POST.get("low", "")).replace("：", ":").replace(":", "/"))
    high = parse_number(str(request.POST.get("high", "")).replace("：", ":").replace(":", "/"))
    return act(
        request,
        lambda: votes.ratio_tolerance_set(
            grading_round=scope.round, low=low, high=high, actor=_actor(request)
        ),
        _("Tolerance recorded."),
        scope.round_url,
    )


def _list_context(scope: Scope, campaign: Campaign, covered: votes.ListScope) -> dict[str, Any]:
    row: ParticipantList | None = ParticipantList.objects.filter(campaign=campaign).first()
    counts = votes.counts_of(row) if row else None
    low, high = votes.ratio_tolerance(scope.round)
    ratio = vote_rules.members_ratio(counts) if counts else None
    assessed = set(
        PartyOrg.objects.filter(pk__in=scope.assessed).values_list("committee_id", flat=True)
    )
    groups = [
        (g.name, g.codes_allowed, tokens_issued(g)) for g in campaign.groups.order_by("position")
    ]
    return {
        "round": scope.round,
        "scope": scope,
        "campaign": campaign,
        "covered": covered,
        "row": row,
        "kinds": [
            (k, vote_rules.KIND_LABELS[k], counts.count(k) if counts else 0)
            for k in vote_rules.KINDS
        ],
        "ratio": vote_rules.ratio_text(ratio) if ratio is not None else "—",
        "within": counts is not None and vote_rules.ratio_within(counts, low, high),
        "low": vote_rules.ratio_text(low),
        "high": vote_rules.ratio_text(high),
        "members": covered.members,
        "may_draw": (scope.can_run or covered.committees <= scope.committees)
        and not any(issued for _n, _l, issued in groups),
        "may_approve": row is not None
        and row.status == ListStatus.DRAFT
        and bool(covered.committees & assessed),
        "may_issue": scope.can_run and row is not None and row.status == ListStatus.APPROVED,
        "groups": groups,
    }


@guarded
def participants(request: HttpRequest, code: str, campaign: str) -> HttpResponse:
    scope = scope_of(request, code)
    found, covered = _campaign(scope, campaign)
    context = _list_context(scope, found, covered)
    return render(request, "pingyi/grading/participants.html", context)


def _count(request: HttpRequest, key: str) -> int:
    text = str(request.POST.get(key, "")).strip() or "0"
    return int(text) if text.isdigit() else -1


@guarded
@require_POST
def participants_draft(request: HttpRequest, code: str, campaign: str) -> HttpResponse:
    scope = scope_of(request, code)
    found, _covered = _campaign(scope, campaign)
    counts = vote_rules.ParticipantCounts(
        members=_count(request, "members"),
        masses=_count(request, "masses"),
        deputies=_count(request, "deputies"),
        others=_count(request, "others"),
        absent=_count(request, "absent"),
        absent_reason=str(request.POST.get("absent_reason", "")),
        ratio_reason=str(request.POST.get("ratio_reason", "")),
    )
    return act(
        request,
        lambda: votes.participant_list_draft(
            campaign=found,
            counts=counts,
            supervisor=str(request.POST.get("supervisor", "")),
            actor=_actor(request),
        ),
        _("Participant list drawn up: it awaits the assessment group's approval."),
        _list_url(scope, found),
    )


@guarded
@require_POST
def participants_approve(request: HttpRequest, code: str, campaign: str) -> HttpResponse:
    scope = scope_of(request, code)
    found, _covered = _campaign(scope, campaign)
    return act(
        request,
        lambda: votes.participant_list_approve(campaign=found, actor=_actor(request)),
        _("Participant list approved: its codes may be issued."),
        _list_url(scope, found),
    )


@guarded
@require_POST
def participants_codes(request: HttpRequest, code: str, campaign: str) -> HttpResponse:
    """Starts the code sheets of every code the approved list allows; P1's campaign page
    shows the batches and offers their sheets."""
    scope = scope_of(request, code)
    found, _covered = _campaign(scope, campaign)
    address = public_address(found.series.organization)
    base_url = ballot_page(address.url) if address.url else request.build_absolute_uri("/v/")
    try:
        votes.participant_codes_start(campaign=found, base_url=base_url, actor=_actor(request))
    except RuleError as exc:
        messages.error(request, exc.message(_))
        return redirect(_list_url(scope, found))
    messages.success(
        request, _("Codes are being issued: their sheets appear on the campaign page.")
    )
    return redirect(reverse("campaign", kwargs={"code": found.code}))


@guarded
@require_POST
def members_set(request: HttpRequest, code: str, org: str) -> HttpResponse:
    scope = scope_of(request, code)
    target = _org(scope, org)
    return act(
        request,
        lambda: votes.org_members_set(
            org=target, members=_count(request, "members"), actor=_actor(request)
        ),
        _("Number of party members recorded."),
        _org_url(target),
    )


@guarded
@require_POST
def departure(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    scope = scope_of(request, code)
    committee: Committee = _committee(scope, pk)
    target = _member(committee, str(request.POST.get("org", "")))
    return act(
        request,
        lambda: votes.vote_departure_record(
            org=target, reason=str(request.POST.get("reason", "")), actor=_actor(request)
        ),
        _("Reason recorded."),
        _committee_url(committee),
    )
