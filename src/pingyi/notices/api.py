"""The notice's JSON API (P3): the same services and selectors as its pages.

Public, no login: read a notice, file an objection (rate-limited), read an answer by tracking
code. Staff (session login): publish, list objections, answer, review, make final. Another
office's notice is not found (404); a viewer who may not act gets 403 (R17).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.conf import settings
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.security import django_auth
from pydantic import Field

from pingyi.accounts.actors import AccessDenied, Actor
from pingyi.accounts.selectors import READ, RUN, role_in
from pingyi.api_schema import Error, StatusOut, StrictIn, answers
from pingyi.campaigns.selectors import campaign_for
from pingyi.grading.access import round_scope
from pingyi.notices import access
from pingyi.notices.grading_notice import notice_publish_grading
from pingyi.notices.models import Notice
from pingyi.notices.selectors import (
    notice_entries,
    notice_public_get,
    notices_for,
    objection_by_tracking,
    objection_get,
    objection_list,
)
from pingyi.notices.services import (
    notice_finalize,
    notice_publish,
    objection_answer,
    objection_file,
    review_apply,
)
from pingyi.notices.views import OBJECTION_WINDOW, TRACK_WINDOW
from pingyi.web.ratelimit import client_address, hit, limited, record
from pingyi.web.settings_access import limits

router = Router(tags=["notices"])


class EntryOut(Schema):
    code: str
    name: str
    category: str
    rank: int | None
    flags: list[str]
    grade: str
    valid_ballots: int | None
    counts: list[int]
    satisfaction_rate: str = Field(description="exact, as a fraction such as 9/10")
    reviewed: bool


class NoticeOut(Schema):
    code: str
    title: str
    status: str
    opens_at: dt.datetime
    ends_at: dt.datetime
    tokens_issued: int | None
    tokens_withdrawn: int | None
    tokens_used: int | None
    paper_ballots: int | None
    ballots_counted: int | None
    reconciles: bool | None
    audit_head_at_publication: str
    entries: list[EntryOut]


class ObjectionIn(StrictIn):
    unit: str = Field(max_length=60)
    text: str = Field(max_length=4000)
    contact: str = Field(default="", max_length=200)


class FiledOut(Schema):
    tracking_code: str


class TrackIn(StrictIn):
    code: str = Field(max_length=30)


class TrackOut(Schema):
    notice: str
    unit: str
    status: str
    answer: str
    answered_at: dt.datetime | None
    reviewed: bool


class PublishIn(StrictIn):
    days: int | None = Field(default=None, ge=1, le=60)


class ObjectionOut(Schema):
    id: int
    unit: str
    text: str
    contact: str
    status: str
    filed_at: dt.datetime
    answer: str


class AnswerIn(StrictIn):
    answer: str = Field(max_length=4000)


class ReviewIn(StrictIn):
    unit: str = Field(max_length=60)
    reason: str = Field(max_length=4000)
    approved_by: str = Field(max_length=200)
    veto: bool | None = None
    rank: int | None = Field(default=None, ge=1)
    flags: list[Annotated[str, Field(max_length=30)]] | None = Field(default=None, max_length=10)
    grade: str | None = Field(
        default=None, max_length=20, description="a grading's notice: the new grade"
    )
    objection: int | None = None


class ReviewOut(Schema):
    id: int
    changes: list[dict[str, Any]]


def _public(code: str) -> Notice:
    notice = notice_public_get(code)
    if notice is None:
        raise Http404
    return notice


def _staff(request: HttpRequest, code: str, roles: tuple[str, ...] = READ) -> Notice:
    notice = notices_for(request.user).filter(code=code).first() if "\x00" not in code else None
    if notice is None:
        raise Http404
    if role_in(request.user, notice.organization) not in roles:
        raise AccessDenied
    return notice


@router.get("/notices/{code}", response={200: NoticeOut, 404: Error}, summary="A public notice")
def notices_read(request: HttpRequest, code: str) -> Status[Any]:
    notice = _public(code)
    entries = [
        {
            "code": e.code, "name": e.name, "category": e.group, "rank": e.rank,
            "flags": e.flags, "grade": e.grade, "valid_ballots": e.valid_ballots,
            "counts": e.counts, "satisfaction_rate": e.satisfaction_rate, "reviewed": e.reviewed,
        }
        for e in notice_entries(notice)
    ]  # fmt: skip
    return Status(
        200,
        {
            "code": notice.code, "title": notice.title, "status": notice.status,
            "opens_at": notice.opens_at, "ends_at": notice.ends_at,
            "tokens_issued": notice.tokens_issued, "tokens_withdrawn": notice.tokens_withdrawn,
            "tokens_used": notice.tokens_used,
            "paper_ballots": notice.paper_ballots, "ballots_counted": notice.ballots_counted,
            "reconciles": notice.reconciles,
            "audit_head_at_publication": notice.head_at_publication, "entries": entries,
        },
    )  # fmt: skip


@router.post(
    "/notices/{code}/objections",
    response={201: FiledOut, 400: Error, 404: Error, 409: Error, 429: Error},
    summary="File an objection (no login); the tracking code is returned once",
)
def notices_objection_file(request: HttpRequest, code: str, payload: ObjectionIn) -> Status[Any]:
    notice = _public(code)
    limit = int(settings.PINGYI_OBJECTION_POSTS)
    if not hit("objection", client_address(request), limit=limit, window=OBJECTION_WINDOW):
        return Status(429, {"detail": _("too many attempts; wait a few minutes")})
    filed = objection_file(
        notice=notice, entry_code=payload.unit, text=payload.text, contact=payload.contact
    )
    return Status(201, {"tracking_code": filed.tracking_code})


@router.post(
    "/objections/track",
    response={200: TrackOut, 400: Error, 404: Error, 429: Error},
    summary="Read an objection's status and answer by its tracking code",
)
def notices_objection_track(request: HttpRequest, payload: TrackIn) -> Status[Any]:
    address = client_address(request)
    if limited("track-fail", address, limit=limits().token_failures, window=TRACK_WINDOW):
        return Status(429, {"detail": _("too many attempts; wait a few minutes")})
    objection = objection_by_tracking(payload.code)
    if objection is None:
        record("track-fail", address, window=TRACK_WINDOW)
        raise Http404
    return Status(
        200,
        {
            "notice": objection.notice.code, "unit": objection.entry.code,
            "status": objection.status, "answer": objection.answer,
            "answered_at": objection.answered_at, "reviewed": objection.reviews.exists(),
        },
    )  # fmt: skip


@router.post(
    "/notices/publish/{campaign}",
    response=answers(StatusOut, 201),
    auth=django_auth,
    summary="Put a closed campaign's result on public notice",
)
def notices_publish(request: HttpRequest, campaign: str, payload: PublishIn) -> Status[Any]:
    found = campaign_for(request.user, campaign)
    if not access.may_run(Actor.of(request.user), found.series.organization):
        raise AccessDenied
    notice = notice_publish(campaign=found, actor=Actor.of(request.user), days=payload.days)
    return Status(201, {"code": notice.code, "status": notice.status})


@router.post(
    "/notices/publish-grading/{grading}",
    response=answers(StatusOut, 201),
    auth=django_auth,
    summary="Put a grading round's grades on public notice (after the committees' decision)",
)
def notices_publish_grading(request: HttpRequest, grading: str, payload: PublishIn) -> Status[Any]:
    scope = round_scope(request.user, grading) if "\x00" not in grading else None
    if scope is None:
        raise Http404
    if not scope.can_run:
        raise AccessDenied
    notice = notice_publish_grading(
        grading_round=scope.round, actor=Actor.of(request.user), days=payload.days
    )
    return Status(201, {"code": notice.code, "status": notice.status})


@router.post(
    "/notices/{code}/finalize",
    response=answers(StatusOut),
    auth=django_auth,
    summary="Make the result final (period over, every objection answered)",
)
def notices_finalize(request: HttpRequest, code: str) -> Status[Any]:
    notice = _staff(request, code, RUN)
    notice_finalize(notice=notice, actor=Actor.of(request.user))
    return Status(200, {"code": notice.code, "status": notice.status})


@router.get(
    "/notices/{code}/objections",
    response={200: list[ObjectionOut], 401: Error, 404: Error},
    auth=django_auth,
)
def notices_objections(request: HttpRequest, code: str) -> Status[Any]:
    notice = _staff(request, code)
    return Status(
        200,
        [
            {"id": o.pk, "unit": o.entry.code, "text": o.text, "contact": o.contact,
             "status": o.status, "filed_at": o.filed_at, "answer": o.answer}
            for o in objection_list(notice)
        ],
    )  # fmt: skip


@router.post(
    "/notices/{code}/objections/{pk}/answer",
    response=answers(StatusOut),
    auth=django_auth,
)
def notices_objection_answer(
    request: HttpRequest, code: str, pk: int, payload: AnswerIn
) -> Status[Any]:
    objection = objection_get(_staff(request, code, RUN), pk)
    if objection is None:
        raise Http404
    objection_answer(objection=objection, answer=payload.answer, actor=Actor.of(request.user))
    return Status(200, {"code": str(objection.pk), "status": objection.status})


@router.post(
    "/notices/{code}/reviews",
    response=answers(ReviewOut, 201),
    auth=django_auth,
    summary="Change the result through a review (复核), recorded and audited",
)
def notices_review(request: HttpRequest, code: str, payload: ReviewIn) -> Status[Any]:
    notice = _staff(request, code, RUN)
    objection = objection_get(notice, payload.objection) if payload.objection else None
    if payload.objection and objection is None:
        raise Http404
    review = review_apply(
        notice=notice, entry_code=payload.unit, reason=payload.reason,
        approved_by=payload.approved_by, veto=payload.veto, rank=payload.rank,
        flags=payload.flags, grade=payload.grade, objection=objection,
        actor=Actor.of(request.user),
    )  # fmt: skip
    return Status(201, {"id": review.pk, "changes": review.changes})
