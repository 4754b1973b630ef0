"""Pages and downloads of what is recorded beside the grades (grading/records.py): the
committee's 工作总结 and its file, a violation's cause, the benefits of 好, an assessment's
references and their files, and the 公示牌 (board) as a PDF. Parse, call one service or
selector, answer; access is the services' and access.py's."""

from __future__ import annotations

from fractions import Fraction

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pingyi import evidence
from pingyi.accounts.actors import Actor
from pingyi.grading import access, records
from pingyi.grading.board import board_write
from pingyi.grading.models import Reference, StoredFile
from pingyi.grading.views import require, scope_of
from pingyi.grading.views_work import (
    _committee,
    _committee_url,
    _org,
    _org_url,
    decided,
    posted_member,
)
from pingyi.rules.scheme import parse_number
from pingyi.web.shared import NOSNIFF, act, download, guarded, stored_download, written

PDF = "application/pdf"


def upload_of(request: HttpRequest, name: str = "file") -> evidence.Upload | None:
    file = request.FILES.get(name)
    if not file:
        return None
    return evidence.Upload(name=file.name or "", content=file.read(), size=file.size or 0)


def send_stored(record: StoredFile | None) -> HttpResponse:
    """A stored file as a download (never rendered inline); 404 when there is none."""
    if record is None or not record.stored_name:
        raise Http404
    path = evidence.path_of(record.stored_name)
    return stored_download(path, record.original_name, record.content_type, NOSNIFF)


@guarded
@require_POST
def summary_file(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return decided(
        request, code, pk,
        lambda committee: records.work_summary_file(
            committee=committee,
            text=str(request.POST.get("text", "")),
            upload=upload_of(request),
            actor=Actor.of(request.user),
        ),
        _("Work summary recorded."),
    )  # fmt: skip


@guarded
def summary_download(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    committee = _committee(scope_of(request, code), pk)
    return send_stored(getattr(committee, "work_summary", None))


@guarded
@require_POST
def violation(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return decided(
        request, code, pk,
        lambda committee: records.violation_record(
            org=posted_member(request, committee),
            cause=str(request.POST.get("cause", "")),
            reason=str(request.POST.get("reason", "")),
            actor=Actor.of(request.user),
        ),
        _("Violation recorded: the organization is 较差."),
    )  # fmt: skip


@guarded
def board(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    """The 公示牌 of one committee (its users and the department) or of the round (the
    department)."""
    scope = scope_of(request, code)
    committee = _committee(scope, pk) if pk is not None else None
    require(committee is not None or scope.department)
    content = written(lambda p: board_write(p, scope.round, committee), ".pdf")
    suffix = f"-k{committee.pk}" if committee is not None else ""
    return download(content, f"{scope.round.code}{suffix}-board.pdf", PDF)


@guarded
@require_POST
def benefit(request: HttpRequest, code: str, org: str) -> HttpResponse:
    scope = scope_of(request, code)
    target = _org(scope, org)
    access.check_records(Actor.of(request.user), target)  # 403 before reading the form
    back = str(request.POST.get("next", "")) == "committee"
    to = _committee_url(target.committee) if back else _org_url(target)
    raw = str(request.POST.get("points", "")).strip()
    points: Fraction | None = parse_number(raw) if raw else None
    if raw and points is None:
        messages.error(request, _("Bonus points: give a number."))
        return redirect(to)
    return act(
        request,
        lambda: records.benefit_record(
            org=target,
            points=points,
            secretary=bool(request.POST.get("secretary")),
            commendation=bool(request.POST.get("commendation")),
            note=str(request.POST.get("note", "")),
            actor=Actor.of(request.user),
        ),
        _("Benefits recorded."),
        to,
    )


@guarded
@require_POST
def reference(request: HttpRequest, code: str, org: str) -> HttpResponse:
    scope = scope_of(request, code)
    target = _org(scope, org)
    access.check_references(Actor.of(request.user), target)  # 403 before reading the file
    return act(
        request,
        lambda: records.reference_add(
            org=target,
            kind=str(request.POST.get("kind", "")),
            text=str(request.POST.get("text", "")),
            upload=upload_of(request),
            actor=Actor.of(request.user),
        ),
        _("Reference added."),
        _org_url(target),
    )


@guarded
def reference_download(request: HttpRequest, code: str, org: str, ref: int) -> HttpResponse:
    scope = scope_of(request, code)
    target = _org(scope, org)
    if not scope.sees_assessment(target):
        raise Http404
    return send_stored(Reference.objects.filter(org=target, pk=ref).first())
