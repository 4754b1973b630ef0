"""The grade vote's and participant lists' JSON API (session login): the same services as
their pages, which decide whether the actor may (403), the round or organization the user
has no part in being not found (404) and a refusal of the rules a 409 with its reason."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.security import django_auth
from pydantic import Field

from pingyi.accounts.actors import Actor
from pingyi.api_schema import READ_REFUSALS, StrictIn, answers
from pingyi.campaigns.models import Campaign
from pingyi.grading import records, votes
from pingyi.grading.access import Scope, round_scope
from pingyi.grading.models import Benefit, Committee, ParticipantList, PartyOrg
from pingyi.grading.selectors import OrgState, grading_state
from pingyi.rules import grade_vote as vote_rules
from pingyi.rules.errors import RuleError
from pingyi.rules.grading import GRADES
from pingyi.rules.scheme import fraction_text, parse_number
from pingyi.voting.services import tokens_issued

router = Router(tags=["grading"], auth=django_auth)


class VoteIn(StrictIn):
    org: str | None = Field(None, max_length=60)
    committee: str | None = Field(None, max_length=200)


class MembersIn(StrictIn):
    members: int


class ToleranceIn(StrictIn):
    low: str = Field(max_length=20, description='members : non-members, e.g. "2/3"')
    high: str = Field(max_length=20, description='e.g. "3/2"')


class ListIn(StrictIn):
    members: int
    masses: int = 0
    deputies: int = 0
    others: int = 0
    absent: int = 0
    absent_reason: str = Field("", max_length=2000)
    ratio_reason: str = Field("", max_length=2000)
    supervisor: str = Field(max_length=200)


class ReasonIn(StrictIn):
    reason: str = Field(max_length=4000)


def _scope(request: HttpRequest, code: str) -> Scope:
    found = round_scope(request.user, code.replace("\x00", ""))
    if found is None:
        raise Http404
    return found


def _org(scope: Scope, code: str) -> PartyOrg:
    found = (
        PartyOrg.objects.select_related("round", "committee", "parent")
        .filter(round=scope.round, code=code.replace("\x00", ""))
        .first()
    )
    if found is None or not scope.sees_org(found):
        raise Http404
    return found


def _campaign(scope: Scope, code: str) -> Campaign:
    campaign = Campaign.objects.filter(code=code.replace("\x00", "")).first()
    if campaign is None:
        raise Http404
    try:
        covered = votes.list_scope(campaign)
    except RuleError:
        raise Http404 from None
    assessed = set(
        PartyOrg.objects.filter(pk__in=scope.assessed).values_list("committee_id", flat=True)
    )
    if covered.round.pk != scope.round.pk or not (
        scope.department or covered.committees & (scope.committees | assessed)
    ):
        raise Http404
    return campaign


def list_out(campaign: Campaign) -> dict[str, Any]:
    row = ParticipantList.objects.filter(campaign=campaign).first()
    groups = {
        g.code: {"allowed": g.codes_allowed, "issued": tokens_issued(g)}
        for g in campaign.groups.order_by("position")
    }
    body: dict[str, Any] = {"campaign": campaign.code, "status": "", "codes": groups}
    if row is not None:
        body |= {
            "status": row.status,
            **{k: getattr(row, k) for k in vote_rules.KINDS},
            "size": row.size,
            "absent": row.absent,
            "absent_reason": row.absent_reason,
            "ratio_reason": row.ratio_reason,
            "supervisor": row.supervisor,
            "drafted_by": row.drafted_by,
            "approved_by": row.approved_by,
        }
    return body


def vote_out(state: OrgState) -> dict[str, Any]:
    result = state.vote.result
    body: dict[str, Any] = {"org": state.org.code, "status": state.vote.status}
    if result is not None:
        body |= {
            "counts": dict(zip(GRADES, result.counts, strict=True)),
            "abstain": result.abstain,
            "shares": {
                g: fraction_text(s) if s is not None else None for g, s in result.shares.items()
            },
            "top": list(result.top),
        }
    body |= {"grade": state.grade, "departure_reason": state.departure}
    return body


@router.post(
    "/grading/{code}/votes",
    response=answers(dict[str, Any], 201),
    summary="The department creates a grade vote of one organization or one committee",
)
def grading_vote_create(request: HttpRequest, code: str, payload: VoteIn) -> Status[Any]:
    scope = _scope(request, code)
    org = _org(scope, payload.org) if payload.org else None
    committee = scope.round.committees.filter(name=payload.committee).first()
    if payload.committee and committee is None:
        raise Http404
    vote = votes.grade_vote_create(
        grading_round=scope.round, org=org, committee=committee, actor=Actor.of(request.user)
    )
    return Status(201, {"campaign": vote.campaign.code, "name": vote.campaign.name})


@router.put(
    "/grading/{code}/orgs/{org}/members",
    response=answers(dict[str, Any]),
    summary="The department or the committee records an organization's party members",
)
def grading_members_set(
    request: HttpRequest, code: str, org: str, payload: MembersIn
) -> Status[Any]:
    target = _org(_scope(request, code), org)
    votes.org_members_set(org=target, members=payload.members, actor=Actor.of(request.user))
    return Status(200, {"org": target.code, "members": payload.members})


@router.put(
    "/grading/{code}/tolerance",
    response=answers(dict[str, Any]),
    summary="The department sets the members : non-members range a list needs no reason in",
)
def grading_tolerance_set(request: HttpRequest, code: str, payload: ToleranceIn) -> Status[Any]:
    scope = _scope(request, code)
    votes.ratio_tolerance_set(
        grading_round=scope.round,
        low=parse_number(payload.low),
        high=parse_number(payload.high),
        actor=Actor.of(request.user),
    )
    return Status(200, {"low": scope.round.ratio_min, "high": scope.round.ratio_max})


@router.get(
    "/grading/{code}/lists/{campaign}",
    response=answers(dict[str, Any], refusals=READ_REFUSALS),
    summary="A survey's or grade vote's participant list and its codes",
)
def grading_list_get(request: HttpRequest, code: str, campaign: str) -> Status[Any]:
    return Status(200, list_out(_campaign(_scope(request, code), campaign)))


@router.put(
    "/grading/{code}/lists/{campaign}",
    response=answers(dict[str, Any]),
    summary="The committee (or the department) draws up the participant list",
)
def grading_list_draft(
    request: HttpRequest, code: str, campaign: str, payload: ListIn
) -> Status[Any]:
    found = _campaign(_scope(request, code), campaign)
    counts = vote_rules.ParticipantCounts(
        members=payload.members,
        masses=payload.masses,
        deputies=payload.deputies,
        others=payload.others,
        absent=payload.absent,
        absent_reason=payload.absent_reason,
        ratio_reason=payload.ratio_reason,
    )
    votes.participant_list_draft(
        campaign=found,
        counts=counts,
        supervisor=payload.supervisor,
        actor=Actor.of(request.user),
    )
    return Status(200, list_out(found))


@router.post(
    "/grading/{code}/lists/{campaign}/approve",
    response=answers(dict[str, Any]),
    summary="An assessor of the committee (not the drafter) approves the list",
)
def grading_list_approve(request: HttpRequest, code: str, campaign: str) -> Status[Any]:
    found = _campaign(_scope(request, code), campaign)
    votes.participant_list_approve(campaign=found, actor=Actor.of(request.user))
    return Status(200, list_out(found))


@router.post(
    "/grading/{code}/lists/{campaign}/codes",
    response=answers(dict[str, Any], 201),
    summary="The department issues every code the approved list allows (shown once)",
)
def grading_list_codes(request: HttpRequest, code: str, campaign: str) -> Status[Any]:
    found = _campaign(_scope(request, code), campaign)
    issued = votes.participant_codes_issue(campaign=found, actor=Actor.of(request.user))
    return Status(
        201, {"batches": [{"group": b.batch.group.code, "codes": b.codes} for b in issued]}
    )


@router.get(
    "/grading/{code}/orgs/{org}/vote",
    response=answers(dict[str, Any], refusals=READ_REFUSALS),
    summary="An organization's grade vote: counts, exact shares, top grade, the committee's",
)
def grading_vote_get(request: HttpRequest, code: str, org: str) -> Status[Any]:
    scope = _scope(request, code)
    target = _org(scope, org)
    state = grading_state(scope.round)
    committee = state.committee(target.committee_id)
    if not (scope.sees_assessment(target) or committee.status == "approved"):
        raise Http404
    return Status(200, vote_out(state.org(target.code)))


@router.put(
    "/grading/{code}/orgs/{org}/departure",
    response=answers(dict[str, Any]),
    summary="The committee records why its grade departs from the members' vote",
)
def grading_departure(request: HttpRequest, code: str, org: str, payload: ReasonIn) -> Status[Any]:
    scope = _scope(request, code)
    target = _org(scope, org)
    votes.vote_departure_record(org=target, reason=payload.reason, actor=Actor.of(request.user))
    return Status(200, vote_out(grading_state(scope.round).org(target.code)))


# ---------------------------------------------------------------- what is recorded beside


class SummaryIn(StrictIn):
    text: str = Field(max_length=20000)


class ViolationIn(StrictIn):
    cause: str = Field(max_length=20, description="crime, umbrella, attitude, responsibility, …")
    reason: str = Field(max_length=4000)


class BenefitIn(StrictIn):
    points: str | None = Field(None, max_length=20, description='加分, e.g. "2" or "1.5"')
    secretary: bool = False
    commendation: bool = False
    note: str = Field("", max_length=2000)


class ReferenceIn(StrictIn):
    kind: str = Field(max_length=20, description="annual, petition, public_order, …")
    text: str = Field(max_length=8000)


def _committee(scope: Scope, pk: int) -> Committee:
    found = Committee.objects.select_related("round").filter(round=scope.round, pk=pk).first()
    if found is None or not scope.sees_committee(found):
        raise Http404
    return found


def benefit_out(row: Benefit) -> dict[str, Any]:
    return {
        "org": row.org.code,
        "points": fraction_text(Fraction(row.points)) if row.points is not None else None,
        "secretary": row.secretary,
        "commendation": row.commendation,
        "note": row.note,
    }


@router.put(
    "/grading/{code}/committees/{pk}/summary",
    response=answers(dict[str, Any]),
    summary="The committee records its work summary (工作总结), filed with its tables",
)
def grading_summary_file(
    request: HttpRequest, code: str, pk: int, payload: SummaryIn
) -> Status[Any]:
    committee = _committee(_scope(request, code), pk)
    row = records.work_summary_file(
        committee=committee, text=payload.text, actor=Actor.of(request.user)
    )
    return Status(200, {"committee": committee.name, "text": row.text, "file": row.original_name})


@router.put(
    "/grading/{code}/orgs/{org}/violation",
    response=answers(dict[str, Any]),
    summary="The committee records a violation's cause (the organization is 较差)",
)
def grading_violation_record(
    request: HttpRequest, code: str, org: str, payload: ViolationIn
) -> Status[Any]:
    target = _org(_scope(request, code), org)
    done = records.violation_record(
        org=target, cause=payload.cause, reason=payload.reason, actor=Actor.of(request.user)
    )
    return Status(
        200, {"org": done.code, "cause": done.violation_cause, "reason": done.violation_reason}
    )


@router.put(
    "/grading/{code}/orgs/{org}/benefit",
    response=answers(dict[str, Any]),
    summary="What an organization graded 好 was granted (加分, 优先推荐, commendation)",
)
def grading_benefit_record(
    request: HttpRequest, code: str, org: str, payload: BenefitIn
) -> Status[Any]:
    target = _org(_scope(request, code), org)
    points = parse_number(payload.points) if payload.points else None
    if payload.points and points is None:
        return Status(400, {"detail": _("Bonus points: give a number.")})
    row = records.benefit_record(
        org=target,
        points=points,
        secretary=payload.secretary,
        commendation=payload.commendation,
        note=payload.note,
        actor=Actor.of(request.user),
    )
    return Status(200, benefit_out(row))


@router.get(
    "/grading/{code}/benefits",
    response=answers(list[dict[str, Any]], refusals=READ_REFUSALS),
    summary="The benefits of 好 recorded in the round (the organizations the user sees)",
)
def grading_benefits(request: HttpRequest, code: str) -> Status[Any]:
    scope = _scope(request, code)
    rows = Benefit.objects.filter(org__in=scope.visible_orgs()).select_related("org")
    return Status(200, [benefit_out(r) for r in rows.order_by("org__position")])


@router.post(
    "/grading/{code}/orgs/{org}/references",
    response=answers(dict[str, Any], 201),
    summary="A reference of the assessment: the annual assessment, 信访/综治/计生 opinions",
)
def grading_reference_add(
    request: HttpRequest, code: str, org: str, payload: ReferenceIn
) -> Status[Any]:
    target = _org(_scope(request, code), org)
    row = records.reference_add(
        org=target, kind=payload.kind, text=payload.text, actor=Actor.of(request.user)
    )
    return Status(201, {"org": target.code, "kind": row.kind, "text": row.text, "id": row.pk})


@router.get(
    "/grading/{code}/orgs/{org}/references",
    response=answers(list[dict[str, Any]], refusals=READ_REFUSALS),
    summary="An organization's assessment references (the committee, department, assessor)",
)
def grading_references(request: HttpRequest, code: str, org: str) -> Status[Any]:
    scope = _scope(request, code)
    target = _org(scope, org)
    if not scope.sees_assessment(target):
        raise Http404
    return Status(
        200,
        [
            {"id": r.pk, "kind": r.kind, "text": r.text, "file": r.original_name,
             "written_by": r.written_by}
            for r in target.references.all()
        ],
    )  # fmt: skip
