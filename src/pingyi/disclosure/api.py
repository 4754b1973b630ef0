"""The disclosure JSON API: the same selectors and services as its pages (R17 as there)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.params.functions import Query
from ninja.security import django_auth
from pydantic import Field

from pingyi.accounts.actors import Actor
from pingyi.api_schema import StrictIn
from pingyi.campaigns.models import Organization
from pingyi.disclosure import selectors as sel
from pingyi.disclosure import services
from pingyi.disclosure.models import Item
from pingyi.rules import disclosure as rules
from pingyi.rules.errors import RuleError
from pingyi.web.ratelimit import client_address, hit

ISO_DAY = r"^\d{4}-\d{2}-\d{2}$"
TRACK_LOOKUPS = 30  # per address and hour, as on the page

router = Router(tags=["disclosure"])


class Error(Schema):
    detail: str


class ItemOut(Schema):
    id: int
    organization: str
    title: str
    area: str
    scope: str
    form: str
    timeliness: str
    status: str
    versions: int
    public: bool


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


class TrackIn(StrictIn):
    code: str = Field(max_length=30, description="the tracking code given with the feedback")


class TrackOut(Schema):
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


def _out(item: Item, versions: int | None = None) -> dict[str, Any]:
    """``versions``: the item's count of published versions when the caller has it."""
    return {
        "id": item.pk,
        "organization": item.organization.code,
        "title": item.title,
        "area": item.area,
        "scope": item.scope,
        "form": item.form,
        "timeliness": item.timeliness,
        "status": item.status,
        "versions": item.versions.count() if versions is None else versions,
        "public": item.public,
    }


@router.get("/items", response={200: list[ItemOut], 401: Error}, auth=django_auth)
def disclosure_items_list(request: HttpRequest) -> Status[Any]:
    return Status(200, [_out(i, n) for i, n in sel.items_listed(request.user)])


@router.post(
    "/items/{pk}/advance",
    response={200: ItemOut, 400: Error, 401: Error, 403: Error, 404: Error, 409: Error},
    auth=django_auth,
)
def disclosure_items_advance(request: HttpRequest, pk: int, payload: AdvanceIn) -> Status[Any]:
    item = sel.items_for(request.user).filter(pk=pk).first()
    if item is None:
        raise Http404
    if payload.to not in rules.STATUSES:
        return Status(400, {"detail": _("unknown step %(to)r") % {"to": payload.to}})
    try:
        item = services.item_advance(
            item=item, target=payload.to, note=payload.note, actor=Actor.of(request.user)
        )
    except RuleError as exc:
        return Status(409, {"detail": exc.message(_)})
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
        }
        for item, version in sel.latest_readable(request.user, organization)
    ]
    return Status(200, out)


@router.post("/public/{org}/track", response={200: TrackOut, 400: Error, 404: Error, 429: Error})
def disclosure_track(request: HttpRequest, org: str, payload: TrackIn) -> Status[Any]:
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
