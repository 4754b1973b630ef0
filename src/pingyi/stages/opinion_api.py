"""The JSON API of 征求意见 and 集中整改: the same services and selectors as the pages.

Public: sending a form with its code (rate-limited like ballots; one neutral 409 for every
refused code). Staff (session login): the office's list and summaries, sorting, folding,
closing and feedback; the unit's people read their fed-back opinions, its owner answers and
files the rectification report. Opinion ids are given as strings (they are 62-bit).
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.security import django_auth
from pydantic import Field

from pingyi.accounts.actors import Actor
from pingyi.api_schema import Error, StrictIn, answers
from pingyi.campaigns.models import Unit
from pingyi.rules import opinions as rules
from pingyi.rules.errors import RuleError
from pingyi.stages import opinion_selectors as reads
from pingyi.stages.api import ReportIn, _campaign, _unit
from pingyi.stages.models import Opinion, RectificationReport
from pingyi.stages.opinion_services import (
    CodeRefused,
    feedback_save,
    opinion_answer,
    opinion_send,
    opinion_sort,
    opinions_close,
    opinions_fold,
    rectification_report_file,
    rectification_report_receive,
)
from pingyi.web.ratelimit import code_posts_exceeded, code_refused

router = Router(tags=["opinions"])


UnitCode = Annotated[str, Field(max_length=60)]  # campaigns.Unit.code
OpinionText = Annotated[str, Field(max_length=rules.MAX_TEXT)]
OpinionId = Annotated[str, Field(max_length=20)]


class FormIn(StrictIn):
    token: str = Field(max_length=60)
    opinions: dict[UnitCode, OpinionText] = Field(max_length=rules.MAX_ENTRIES)


class SortIn(StrictIn):
    category: str = Field(max_length=40)
    unit: str | None = Field(None, max_length=60)
    wording: str | None = Field(None, max_length=4000)


class FoldIn(StrictIn):
    into: str = Field(max_length=20)
    opinions: list[OpinionId] = Field(max_length=500)
    duplicate: bool = False  # true: they repeat it; false: merged into it
    wording: str | None = Field(None, max_length=4000)


class FeedbackIn(StrictIn):
    summary: str = Field(max_length=8000)
    send: bool = False


class MeasuresIn(StrictIn):
    measures: str = Field(max_length=4000)


def _opinion_out(o: Opinion, office: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": str(o.pk), "unit": o.unit.code, "category": o.category, "text": o.shown,
        "measures": o.measures, "answered_on": o.answered_on,
    }  # fmt: skip
    if office:
        out.update(status=o.status, original=o.text, source=o.source, form_no=o.form_no,
                   kept_as=str(o.kept_as_id) if o.kept_as_id else None)  # fmt: skip
    return out


def _opinion(unit: Unit, pk: str | int) -> Opinion:
    try:
        number = int(pk)
    except ValueError:
        raise Http404 from None
    if not 0 < number < 2**63:
        raise Http404
    found = Opinion.objects.select_related("unit", "campaign").filter(unit=unit, pk=number).first()
    if found is None:
        raise Http404
    return found


@router.post(
    "/opinion-forms",
    response={201: dict[str, Any], 400: Error, 409: Error, 429: Error},
    summary="Send an opinion form with its code: {unit code: opinion}",
)
def stages_opinion_form_send(request: HttpRequest, payload: FormIn) -> Status[Any]:
    if code_posts_exceeded(request, "opinion"):
        return Status(429, {"detail": _("too many attempts; wait a few minutes")})
    try:
        count = opinion_send(code=payload.token, entries=list(payload.opinions.items()))
    except CodeRefused as exc:
        code_refused(request)
        return Status(409, {"detail": exc.message(_)})
    except RuleError as exc:
        return Status(400, {"detail": exc.message(_)})
    return Status(201, {"opinions": count})


@router.get(
    "/campaigns/{code}/opinions",
    response={200: dict[str, Any], 401: Error, 403: Error, 404: Error},
    auth=django_auth,
    summary="The office's view: each unit's counts, feedback and report, and every opinion",
)
def stages_opinions_list(request: HttpRequest, code: str) -> Status[Any]:
    campaign = _campaign(request, code)
    actor = Actor.of(request.user)
    items = reads.summaries(campaign=campaign, actor=actor)
    return Status(
        200,
        {
            "campaign": campaign.code,
            "closed": reads.collection(campaign).closed,
            "units": [
                {"code": s.unit.code, "received": s.received, "kept": s.kept,
                 "answered": s.answered, "to_sort": s.to_sort,
                 "feedback": s.feedback.status if s.feedback else None,
                 "summary": s.feedback.summary if s.feedback else "",
                 "report": s.report.status if s.report else None}
                for s in items
            ],
            "opinions": [_opinion_out(o, True)
                         for o in reads.campaign_opinions(campaign=campaign, actor=actor)],
        },
    )  # fmt: skip


@router.get(
    "/campaigns/{code}/units/{unit}/opinions",
    response={200: dict[str, Any], 401: Error, 403: Error, 404: Error},
    auth=django_auth,
    summary="A unit's opinions: the office always, the unit's people once fed back",
)
def stages_unit_opinions(request: HttpRequest, code: str, unit: str) -> Status[Any]:
    found = _unit(request, code, unit)
    actor = Actor.of(request.user)
    items = reads.unit_opinions(unit=found, actor=actor)
    feedback = reads.unit_feedback(unit=found, actor=actor)
    office = reads._office_reads(actor, found.campaign)
    return Status(
        200,
        {"unit": found.code, "summary": feedback.summary if feedback else "",
         "fed_back": reads.is_fed_back(found),
         "opinions": [_opinion_out(o, office) for o in items]},
    )  # fmt: skip


def _rule(run: Any) -> Status[Any]:
    return Status(200, run())


@router.post(
    "/campaigns/{code}/opinions/close",
    response={200: dict[str, Any], 401: Error, 403: Error, 404: Error},
    auth=django_auth,
    summary="Close the collection: every form left in the mixing pool comes in",
)
def stages_opinions_close(request: HttpRequest, code: str) -> Status[Any]:
    campaign = _campaign(request, code)
    moved = opinions_close(campaign=campaign, actor=Actor.of(request.user))
    return Status(200, {"forms_moved": moved, "closed": True})


@router.post(
    "/campaigns/{code}/units/{unit}/opinions/{pk}/sort",
    response=answers(dict[str, Any]),
    auth=django_auth,
    summary="The office sorts an opinion: category, unit, wording",
)
def stages_opinion_sort(
    request: HttpRequest, code: str, unit: str, pk: str, payload: SortIn
) -> Status[Any]:
    opinion = _opinion(_unit(request, code, unit), pk)
    return _rule(lambda: _opinion_out(opinion_sort(
        opinion=opinion, category=payload.category, unit_code=payload.unit,
        wording=payload.wording, actor=Actor.of(request.user)), True))  # fmt: skip


@router.post(
    "/campaigns/{code}/units/{unit}/opinions/fold",
    response=answers(dict[str, Any]),
    auth=django_auth,
    summary="The office marks duplicates of an opinion or merges opinions into it",
)
def stages_opinions_fold(
    request: HttpRequest, code: str, unit: str, payload: FoldIn
) -> Status[Any]:
    found = _unit(request, code, unit)
    into = _opinion(found, payload.into)
    folded = [_opinion(found, pk) for pk in payload.opinions]
    return _rule(lambda: _opinion_out(opinions_fold(
        opinions=folded, into=into,
        status=rules.DUPLICATE if payload.duplicate else rules.MERGED, wording=payload.wording,
        actor=Actor.of(request.user)), True))  # fmt: skip


@router.put(
    "/campaigns/{code}/units/{unit}/feedback",
    response=answers(dict[str, Any]),
    auth=django_auth,
    summary="The office writes the unit's summary (send: feed it back)",
)
def stages_feedback(request: HttpRequest, code: str, unit: str, payload: FeedbackIn) -> Status[Any]:
    found = _unit(request, code, unit)

    def run() -> dict[str, Any]:
        f = feedback_save(unit=found, summary=payload.summary, send=payload.send,
                          actor=Actor.of(request.user))  # fmt: skip
        return {"unit": found.code, "status": f.status, "fed_back_on": f.fed_back_on}

    return _rule(run)


@router.put(
    "/campaigns/{code}/units/{unit}/opinions/{pk}/answer",
    response=answers(dict[str, Any]),
    auth=django_auth,
    summary="The unit's owner answers a fed-back opinion with its measures",
)
def stages_opinion_answer(
    request: HttpRequest, code: str, unit: str, pk: str, payload: MeasuresIn
) -> Status[Any]:
    opinion = _opinion(_unit(request, code, unit), pk)
    actor = Actor.of(request.user)
    return _rule(
        lambda: _opinion_out(
            opinion_answer(opinion=opinion, measures=payload.measures, actor=actor), False
        )
    )


def _report_out(r: RectificationReport) -> dict[str, Any]:
    return {"unit": r.unit.code, "status": r.status, "text": r.text, "filed_on": r.filed_on,
            "received_on": r.received_on}  # fmt: skip


@router.put(
    "/campaigns/{code}/units/{unit}/rectification-report",
    response=answers(dict[str, Any]),
    auth=django_auth,
    summary="The unit's owner files its rectification report (every opinion answered)",
)
def stages_rectification_report_file(
    request: HttpRequest, code: str, unit: str, payload: ReportIn
) -> Status[Any]:
    found = _unit(request, code, unit)
    return _rule(lambda: _report_out(rectification_report_file(
        unit=found, text=payload.text, actor=Actor.of(request.user))))  # fmt: skip


@router.post(
    "/campaigns/{code}/units/{unit}/rectification-report/receive",
    response={200: dict[str, Any], 401: Error, 403: Error, 404: Error, 409: Error},
    auth=django_auth,
    summary="The office marks the unit's rectification report received",
)
def stages_rectification_report_receive(request: HttpRequest, code: str, unit: str) -> Status[Any]:
    found = _unit(request, code, unit)
    report = RectificationReport.objects.filter(unit=found).select_related("unit").first()
    if report is None:
        raise Http404
    return _rule(lambda: _report_out(rectification_report_receive(
        report=report, actor=Actor.of(request.user))))  # fmt: skip
