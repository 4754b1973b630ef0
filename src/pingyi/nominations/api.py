"""The nominations' JSON API: the same selectors and services as its pages (R17 as there)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.security import django_auth
from pydantic import Field

from pingyi.accounts.actors import AccessDenied, Actor
from pingyi.api_schema import Error, StrictIn, answers
from pingyi.nominations import selectors as sel
from pingyi.nominations import services
from pingyi.nominations.access import Access, access_for
from pingyi.nominations.models import NominatingUnit, NominationRound, Nominee, Opinion
from pingyi.rules import nominations as rules

router = Router(tags=["nominations"])


class RoundOut(Schema):
    code: str
    name: str
    organization: str
    project: str
    phase: str
    quota: int
    grassroots_minimum: str = Field(description="exact fraction, e.g. 7/10")
    notice_start: str
    notice_end: str


class NomineeOut(Schema):
    id: int
    name: str
    workplace: str
    post: str
    rank: str
    grassroots: bool
    leader: bool


class SlateOut(Schema):
    unit: str
    name: str
    levels: list[str] = Field(description="the chain: the unit, each level above, the office")
    status: str = Field(description="draft, submitted, returned or approved")
    waiting_at: str = Field(description="where a submitted list waits: a unit's code, or office")
    quota: int | None
    count: int
    over_quota: int = Field(description="nominees above the quota (0 within it)")
    grassroots: int
    grassroots_share: str = Field(description="exact fraction; empty for an empty list")
    departures: list[str] = Field(description="over_quota, few_grassroots")
    approval_reason: str
    return_reason: str
    nominees: list[NomineeOut]


class RoundDetailOut(RoundOut):
    approved: int
    over_total: bool
    slates: list[SlateOut]


class NomineeIn(StrictIn):
    name: str = Field(max_length=60)
    workplace: str = Field(max_length=200)
    post: str = Field(max_length=120)
    rank: str = Field(max_length=12, description="staff, section, county or bureau")
    grassroots: bool = False
    leader: bool = False
    deeds: str = Field(default="", max_length=4000)


class StepIn(StrictIn):
    step: str = Field(max_length=12, description="submit, recommend, return or approve")
    reason: str = Field(default="", max_length=4000)


class NoticeIn(StrictIn):
    reason: str = Field(default="", max_length=4000, description="needed above the total quota")


class NominationOpinionOut(Schema):
    id: int
    filed_on: str
    nominee: str
    text: str
    contact: str
    status: str = Field(description="received or answered")
    answer: str
    answered_at: str


class NominationAnswerIn(StrictIn):
    answer: str = Field(max_length=4000)


class PublicNomineeOut(Schema):
    name: str
    workplace: str
    post: str
    grassroots: bool
    unit: str


def _round(request: HttpRequest, code: str) -> tuple[NominationRound, Access]:
    if "\x00" in code:
        raise Http404
    round_ = sel.rounds_for(request.user).filter(code=code).first()
    if round_ is None:
        raise Http404
    return round_, access_for(request.user, round_)


def _unit(request: HttpRequest, code: str, unit: str) -> NominatingUnit:
    round_, access = _round(request, code)
    found = round_.units.select_related("parent", "slate").filter(code=unit).first()
    if found is None or "\x00" in unit or not access.may_see(found):
        raise Http404
    return found


def _round_out(r: NominationRound) -> dict[str, Any]:
    return {
        "code": r.code, "name": r.name, "organization": r.organization.code,
        "project": r.project.name, "phase": r.phase, "quota": r.quota,
        "grassroots_minimum": r.grassroots_minimum,
        "notice_start": r.notice_start.isoformat() if r.notice_start else "",
        "notice_end": r.notice_end.isoformat() if r.notice_end else "",
    }  # fmt: skip


def _nominee_out(n: Nominee) -> dict[str, Any]:
    return {"id": n.pk, "name": n.name, "workplace": n.workplace, "post": n.post,
            "rank": n.rank, "grassroots": n.grassroots, "leader": n.leader}  # fmt: skip


def _slate_out(row: sel.SlateRow) -> dict[str, Any]:
    f, slate = row.figures, row.slate
    waiting = ""
    if slate.status == rules.SUBMITTED:
        waiting = slate.waiting_at.code if slate.waiting_at else "office"
    return {
        "unit": row.unit.code, "name": row.unit.name, "levels": row.levels,
        "status": slate.status, "waiting_at": waiting, "quota": f.quota, "count": f.count,
        "over_quota": f.check.over, "grassroots": f.grassroots,
        "grassroots_share": str(f.share) if f.share is not None else "",
        "departures": list(f.departures), "approval_reason": slate.approval_reason,
        "return_reason": slate.return_reason,
        "nominees": [_nominee_out(n) for n in row.nominees],
    }  # fmt: skip


@router.get("/rounds", response={200: list[RoundOut], 401: Error}, auth=django_auth)
def nominations_rounds_list(request: HttpRequest) -> Status[Any]:
    return Status(200, [_round_out(r) for r in sel.rounds_for(request.user).order_by("code")])


@router.get(
    "/rounds/{code}", response={200: RoundDetailOut, 401: Error, 404: Error}, auth=django_auth
)
def nominations_rounds_detail(request: HttpRequest, code: str) -> Status[Any]:
    """The lists the user may see: all for the office, a unit's own and those below it."""
    round_, access = _round(request, code)
    rows = sel.slate_rows(round_, access)
    summary = sel.round_summary(round_, rows)
    body = _round_out(round_) | {
        "approved": summary.approved,
        "over_total": summary.over_total,
        "slates": [_slate_out(row) for row in rows],
    }
    return Status(200, body)


@router.post("/rounds/{code}/units/{unit}/nominees", response=answers(NomineeOut), auth=django_auth)
def nominations_nominees_add(
    request: HttpRequest, code: str, unit: str, payload: NomineeIn
) -> Status[Any]:
    found = _unit(request, code, unit)
    spec = services.NomineeSpec(**payload.dict())
    n = services.nominee_add(unit=found, spec=spec, actor=Actor.of(request.user))
    return Status(200, _nominee_out(n))


@router.post("/rounds/{code}/units/{unit}/steps", response=answers(SlateOut), auth=django_auth)
def nominations_slates_step(
    request: HttpRequest, code: str, unit: str, payload: StepIn
) -> Status[Any]:
    """One step of the list's chain; separation of duties as on the page."""
    found = _unit(request, code, unit)
    actor = Actor.of(request.user)
    if payload.step == rules.SUBMIT:
        services.slate_submit(unit=found, actor=actor)
    elif payload.step == rules.RECOMMEND:
        services.slate_recommend(slate=found.slate, actor=actor)
    elif payload.step == rules.RETURN:
        services.slate_return(slate=found.slate, reason=payload.reason, actor=actor)
    elif payload.step == rules.APPROVE:
        services.slate_approve(slate=found.slate, reason=payload.reason, actor=actor)
    else:
        return Status(400, {"detail": _("unknown step %(step)r") % {"step": payload.step}})
    round_ = found.round
    row = next(r for r in sel.slate_rows(round_) if r.unit.pk == found.pk)
    return Status(200, _slate_out(row))


@router.post("/rounds/{code}/notice", response=answers(RoundOut), auth=django_auth)
def nominations_notice_publish(request: HttpRequest, code: str, payload: NoticeIn) -> Status[Any]:
    round_, access = _round(request, code)
    if not access.run:
        raise AccessDenied
    services.notice_publish(round_=round_, reason=payload.reason, actor=Actor.of(request.user))
    return Status(200, _round_out(round_))


def _opinion_out(o: Opinion) -> dict[str, Any]:
    return {"id": o.pk, "filed_on": o.filed_on.isoformat(), "nominee": o.nominee.name,
            "text": o.text, "contact": o.contact, "status": o.status, "answer": o.answer,
            "answered_at": o.answered_at.isoformat() if o.answered_at else ""}  # fmt: skip


@router.get(
    "/rounds/{code}/opinions",
    response={200: list[NominationOpinionOut], 401: Error, 403: Error, 404: Error},
    auth=django_auth,
)
def nominations_opinions_list(request: HttpRequest, code: str) -> Status[Any]:
    """The opinions filed on the round's notice, with the office's answers: the office only."""
    round_, access = _round(request, code)
    if not access.read_all:
        raise AccessDenied
    return Status(200, [_opinion_out(o) for o in sel.round_opinions(round_)])


@router.post(
    "/rounds/{code}/opinions/{pk}/answer",
    response={200: NominationOpinionOut, 400: Error, 401: Error, 403: Error, 404: Error,
              409: Error},
    auth=django_auth,
)  # fmt: skip
def nominations_opinions_answer(
    request: HttpRequest, code: str, pk: int, payload: NominationAnswerIn
) -> Status[Any]:
    round_, access = _round(request, code)
    if not access.run:
        raise AccessDenied
    opinion = sel.round_opinions(round_).filter(pk=pk).first()
    if opinion is None:
        raise Http404
    found = services.opinion_answer(
        opinion=opinion, answer=payload.answer, actor=Actor.of(request.user)
    )
    found.nominee = opinion.nominee
    return Status(200, _opinion_out(found))


@router.get("/notice/{code}", response={200: list[PublicNomineeOut], 404: Error})
def nominations_notice(request: HttpRequest, code: str) -> Status[Any]:
    """The nominees on notice: no sign-in."""
    round_ = sel.public_rounds().filter(code=code).first() if "\x00" not in code else None
    if round_ is None:
        raise Http404
    return Status(200, [
        {"name": n.name, "workplace": n.workplace, "post": n.post, "grassroots": n.grassroots,
         "unit": n.slate.unit.name}
        for n in sel.nominees_on_notice(round_)
    ])  # fmt: skip
