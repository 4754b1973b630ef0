"""The disclosure JSON API: the same selectors and services as its pages (R17 as there)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.params.functions import Query
from ninja.security import django_auth
from pydantic import Field

from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Organization
from pingyi.api_schema import Error, StrictIn, answers
from pingyi.disclosure import selectors as sel
from pingyi.disclosure import services
from pingyi.disclosure.models import Item, Remark, Supervisor
from pingyi.rules import disclosure as rules
from pingyi.web.ratelimit import client_address, hit

ISO_DAY = r"^\d{4}-\d{2}-\d{2}$"
TRACK_LOOKUPS = 30  # per address and hour, as on the page

router = Router(tags=["disclosure"])


class ItemOut(Schema):
    id: int
    organization: str
    title: str
    area: str
    scope: str
    forms: list[str]
    timeliness: str
    status: str
    versions: int
    public: bool
    phases: list[str] = Field(description="a staged item's phases in order; empty otherwise")
    phase: int | None = Field(description="the number of the phase under way (1 is the first)")


class AdvanceIn(StrictIn):
    to: str = Field(max_length=20, description="the next step of the approval chain")
    note: str = Field(default="", max_length=300)


class DueOut(Schema):
    id: int
    title: str
    timeliness: str
    status: str
    due: dt.date | None
    overdue: bool
    prompt: bool


class CalendarOut(Schema):
    today: dt.date
    disclosure_day: dt.date
    due: list[DueOut]


class LetterTrackIn(StrictIn):
    code: str = Field(max_length=30, description="the tracking code given with the feedback")


class LetterTrackOut(Schema):
    item: str | None = Field(description="the item's title; null for the opinion box")
    text: str
    sent_at: dt.datetime
    answered: bool
    answer: str
    answered_at: dt.datetime | None


class VersionOut(Schema):
    id: int
    title: str
    body: str
    version: int
    published_at: dt.datetime
    forms: list[str]
    phase: str | None = Field(description="the phase this version reports on (staged items)")


class PhaseIn(StrictIn):
    title: str = Field(max_length=200)
    body: str = Field(max_length=20000, description="the next phase's stage report")


class SupervisorOut(Schema):
    id: int
    organization: str
    name: str
    unit: str
    term_start: dt.date
    term_end: dt.date
    account: str | None


class SupervisorIn(StrictIn):
    organization: str = Field(max_length=50)
    name: str = Field(max_length=100)
    unit: str = Field(max_length=200)
    term_start: str = Field(max_length=10, description="YYYY-MM-DD")
    term_end: str = Field(max_length=10, description="YYYY-MM-DD")
    account: str = Field(default="", max_length=150, description="the user who signs in")


class RemarkIn(StrictIn):
    organization: str = Field(max_length=50, description="the organization supervised")
    item: int | None = Field(default=None, description="the item remarked on, if one")
    text: str = Field(max_length=2000)


class RemarkOut(Schema):
    id: int
    organization: str
    supervisor: str
    item: int | None
    text: str
    created_at: dt.datetime
    answered: bool
    answer: str
    answered_at: dt.datetime | None


class RemarkAnswerIn(StrictIn):
    answer: str = Field(max_length=4000)


def _out(item: Item, versions: int | None = None) -> dict[str, Any]:
    """``versions``: the item's count of published versions when the caller has it."""
    return {
        "id": item.pk,
        "organization": item.organization.code,
        "title": item.title,
        "area": item.area,
        "scope": item.scope,
        "forms": item.forms,
        "timeliness": item.timeliness,
        "status": item.status,
        "versions": item.versions.count() if versions is None else versions,
        "public": item.public,
        "phases": [p.name for p in sorted(item.phases.all(), key=lambda p: p.number)],
        "phase": item.phase,
    }


@router.get("/items", response={200: list[ItemOut], 401: Error}, auth=django_auth)
def disclosure_items_list(request: HttpRequest) -> Status[Any]:
    return Status(200, [_out(i, n) for i, n in sel.items_listed(request.user)])


@router.post("/items/{pk}/advance", response=answers(ItemOut), auth=django_auth)
def disclosure_items_advance(request: HttpRequest, pk: int, payload: AdvanceIn) -> Status[Any]:
    item = sel.items_for(request.user).filter(pk=pk).first()
    if item is None:
        raise Http404
    if payload.to not in rules.STATUSES:
        return Status(400, {"detail": _("unknown step %(to)r") % {"to": payload.to}})
    item = services.item_advance(
        item=item, target=payload.to, note=payload.note, actor=Actor.of(request.user)
    )
    return Status(200, _out(item))


@router.get("/calendar", response={200: CalendarOut, 400: Error, 401: Error}, auth=django_auth)
def disclosure_calendar(
    request: HttpRequest, today: str | None = Query(None, pattern=ISO_DAY)
) -> Status[Any]:
    """What is due by the next quarterly disclosure day; ``today`` (YYYY-MM-DD) defaults to
    the local date. A string, not a date: pydantic would take a number for a Unix time."""
    try:
        day_of = dt.date.fromisoformat(today) if today else timezone.localdate()
    except ValueError:
        return Status(400, {"detail": _("today must be a day written YYYY-MM-DD")})
    day, rows = sel.calendar_for(sel.items_for(request.user), day_of)
    due = [
        {
            "id": row.item.pk,
            "title": row.item.title,
            "timeliness": row.item.timeliness,
            "status": row.item.status,
            "due": row.entry.due,
            "overdue": row.entry.overdue,
            "prompt": row.entry.prompt,
        }
        for row in rows
    ]
    return Status(200, {"today": day_of, "disclosure_day": day, "due": due})


@router.get("/public/{org}", response={200: list[VersionOut], 400: Error, 404: Error})
def disclosure_public_items(request: HttpRequest, org: str) -> Status[Any]:
    """The latest published version of every item the caller may read (members: internal too)."""
    if "\x00" in org:
        raise Http404
    organization = get_object_or_404(Organization, code=org)
    out = [
        {
            "id": item.pk,
            "title": version.title,
            "body": version.body,
            "version": version.number,
            "published_at": version.published_at,
            "forms": item.forms,
            "phase": version.phase.name if version.phase else None,
        }
        for item, version in sel.latest_readable(request.user, organization)
    ]
    return Status(200, out)


@router.post(
    "/public/{org}/track", response={200: LetterTrackOut, 400: Error, 404: Error, 429: Error}
)
def disclosure_track(request: HttpRequest, org: str, payload: LetterTrackIn) -> Status[Any]:
    """The feedback (or opinion-box letter) left under a tracking code and its answer, if
    any: no sign-in."""
    if "\x00" in org:
        raise Http404
    organization = get_object_or_404(Organization, code=org)
    if not hit("disclosure-track", client_address(request), limit=TRACK_LOOKUPS, window=3600):
        return Status(429, {"detail": _("Too many attempts")})
    found = sel.tracked_by_code(organization, payload.code)
    if found is None:
        return Status(404, {"detail": _("No feedback has this code. Check it and try again.")})
    return Status(
        200,
        {
            "item": found.item,
            "text": found.text,
            "sent_at": found.created_at,
            "answered": found.answered_at is not None,
            "answer": found.answer,
            "answered_at": found.answered_at,
        },
    )


@router.post("/items/{pk}/next-phase", response=answers(ItemOut), auth=django_auth)
def disclosure_items_next_phase(request: HttpRequest, pk: int, payload: PhaseIn) -> Status[Any]:
    """A staged item opens its next phase with the stage report (back through the chain)."""
    item = sel.items_for(request.user).filter(pk=pk).first()
    if item is None:
        raise Http404
    item = services.phase_next(
        item=item, title=payload.title, body=payload.body, actor=Actor.of(request.user)
    )
    return Status(200, _out(item))


def _supervisor_out(s: Supervisor) -> dict[str, Any]:
    return {
        "id": s.pk,
        "organization": s.organization.code,
        "name": s.name,
        "unit": s.unit,
        "term_start": s.term_start,
        "term_end": s.term_end,
        "account": s.user.get_username() if s.user else None,
    }


@router.get("/supervisors", response={200: list[SupervisorOut], 401: Error}, auth=django_auth)
def disclosure_supervisors_list(request: HttpRequest) -> Status[Any]:
    return Status(200, [_supervisor_out(s) for s in sel.supervisors_for(request.user)])


@router.post("/supervisors", response=answers(SupervisorOut, 201), auth=django_auth)
def disclosure_supervisors_appoint(request: HttpRequest, payload: SupervisorIn) -> Status[Any]:
    """An administrator appoints a supervisor for a term (days written YYYY-MM-DD)."""
    organization = sel.organizations_of(request.user).filter(code=payload.organization).first()
    if organization is None:
        raise Http404
    try:
        start = dt.date.fromisoformat(payload.term_start)
        end = dt.date.fromisoformat(payload.term_end)
    except ValueError:
        return Status(400, {"detail": _("days are written YYYY-MM-DD")})
    user = None
    if payload.account:
        user = get_user_model().objects.filter(username=payload.account, is_active=True).first()
        if user is None:
            return Status(
                400, {"detail": _("No active account %(name)s.") % {"name": payload.account}}
            )
    supervisor = services.supervisor_appoint(
        organization=organization, name=payload.name, unit=payload.unit, term_start=start,
        term_end=end, user=user, actor=Actor.of(request.user),
    )  # fmt: skip
    return Status(201, _supervisor_out(supervisor))


def _remark_out(r: Remark) -> dict[str, Any]:
    return {
        "id": r.pk,
        "organization": r.supervisor.organization.code,
        "supervisor": r.supervisor.name,
        "item": r.item_id,
        "text": r.text,
        "created_at": r.created_at,
        "answered": r.answered_at is not None,
        "answer": r.answer,
        "answered_at": r.answered_at,
    }


@router.get("/remarks", response={200: list[RemarkOut], 401: Error}, auth=django_auth)
def disclosure_remarks_list(request: HttpRequest) -> Status[Any]:
    """The remarks to the caller's organizations, and the caller's own as a supervisor."""
    return Status(200, [_remark_out(r) for r in sel.remarks_seen_by(request.user)])


@router.post("/remarks", response=answers(RemarkOut, 201), auth=django_auth)
def disclosure_remarks_leave(request: HttpRequest, payload: RemarkIn) -> Status[Any]:
    """A serving supervisor leaves a remark (on one item of the organization, or general)."""
    organization = Organization.objects.filter(code=payload.organization).first()
    supervisor = sel.supervisor_of(request.user, organization) if organization else None
    if organization is None or supervisor is None:
        raise Http404
    item = None
    if payload.item is not None:
        item = Item.objects.filter(organization=organization, pk=payload.item).first()
        if item is None:
            raise Http404
    remark = services.remark_leave(
        supervisor=supervisor, item=item, text=payload.text, actor=Actor.of(request.user)
    )
    return Status(201, _remark_out(remark))


@router.post("/remarks/{pk}/answer", response=answers(RemarkOut), auth=django_auth)
def disclosure_remarks_answer(
    request: HttpRequest, pk: int, payload: RemarkAnswerIn
) -> Status[Any]:
    remark = sel.remarks_for(request.user).filter(pk=pk).first()
    if remark is None:
        raise Http404
    remark = services.remark_answer(
        remark=remark, answer=payload.answer, actor=Actor.of(request.user)
    )
    return Status(200, _remark_out(remark))
