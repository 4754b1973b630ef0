"""The registry's JSON API: the same selectors and services as its pages (R17 as there)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.security import django_auth
from pydantic import Field

from pingyi.accounts.actors import AccessDenied, Actor
from pingyi.api_schema import READ_REFUSALS, Error, StrictIn, answers
from pingyi.registry import selectors as sel
from pingyi.registry import services
from pingyi.registry.access import Access, access_for
from pingyi.registry.models import Cleanup, Project
from pingyi.rules.errors import InputError, RuleError

router = Router(tags=["registry"])


class CleanupOut(Schema):
    code: str
    name: str
    organization: str
    round: str
    target: str
    publish_reason: str = Field(description="why the list went out below the target; or empty")


class TallyOut(Schema):
    unit: str
    registered: int
    excluded: int = Field(description="projects out of the clean-up's scope, not counted")
    kept: int
    merged: int
    cancelled: int
    undecided: int
    suspended: int
    flagged: int
    reduction_rate: str = Field(description="exact fraction, e.g. 7/10; empty with no project")
    reduction_percent: str
    target_met: bool | None
    money_saved: str


class StatsOut(Schema):
    target: str
    publish_reason: str
    units: list[TallyOut]
    total: TallyOut


class DocumentOut(Schema):
    id: int
    title: str
    number: str
    issuer: str
    file: str = Field(description="the file's original name; empty without a file")


class ProjectOut(Schema):
    id: int
    name: str
    unit: str
    organizer: str
    exclusion: str = Field(description="why out of scope (staff_assessment, business_rating, "
                           "other) or empty")  # fmt: skip
    exclusion_note: str
    documents: list[DocumentOut]
    suggestion: str
    rules: list[str]
    suggested_merge_into: int | None
    decision: str
    merge_into: int | None
    flags: list[str]


class DecisionIn(StrictIn):
    decision: str = Field(max_length=10, description="keep, merge or cancel")
    reason: str = Field(default="", max_length=4000)
    merge_into: int | None = None
    money_saved: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)


class CleanupAdvanceIn(StrictIn):
    to: str = Field(max_length=20, description="the next round")
    reason: str = Field(
        default="", max_length=4000, description="required to publish below the target"
    )


class BulkDecisionIn(StrictIn):
    projects: list[int] = Field(min_length=1, max_length=5000)
    decision: str = Field(max_length=12, description="keep, merge, cancel or carry_over")
    reason: str = Field(default="", max_length=4000)
    merge_into: int | None = None


class BulkDecisionOut(Schema):
    recorded: int


class ExclusionIn(StrictIn):
    reason: str = Field(
        max_length=20,
        description="staff_assessment, business_rating or other; empty takes it back in scope",
    )
    note: str = Field(default="", max_length=2000)


class DocumentIn(StrictIn):
    title: str = Field(max_length=300)
    number: str = Field(default="", max_length=100)
    issuer: str = Field(max_length=200)


class DeadlineOut(Schema):
    round: str
    due: str
    state: str = Field(description="done, overdue, due (within 7 days) or upcoming")
    waiting: list[str] = Field(description="units that have not filed their self-check tables")


class DeadlinesIn(StrictIn):
    deadlines: dict[Annotated[str, Field(max_length=40)], Annotated[str, Field(max_length=10)]] = (
        Field(description="round → its new deadline (YYYY-MM-DD)")
    )


class Problems(Schema):
    detail: str
    problems: list[str]


class KeptOut(Schema):
    name: str
    organizer: str
    level: str
    cycle: str
    target_group: str
    basis_kind: str
    basis_title: str
    documents: list[str] = Field(description="issuer《title》(number) of each basis document")


def _cleanup(request: HttpRequest, code: str) -> tuple[Cleanup, Access]:
    """The user's clean-up, else 404 (a NUL in the code would be a PostgreSQL error: R23)."""
    if "\x00" in code:
        raise Http404
    cleanup = sel.cleanups_for(request.user).filter(code=code).first()
    if cleanup is None:
        raise Http404
    return cleanup, access_for(Actor.of(request.user), cleanup)


def _project(request: HttpRequest, code: str, pk: int) -> tuple[Cleanup, Access, Project]:
    """The clean-up and one of its projects the user may see, else 404."""
    cleanup, access = _cleanup(request, code)
    project = sel.projects_for(cleanup, access).filter(pk=pk).first()
    if project is None:
        raise Http404
    return cleanup, access, project


def _project_out(row: sel.ProjectRow) -> dict[str, Any]:
    return {
        "id": row.project.pk,
        "name": row.project.name,
        "unit": row.project.unit.code,
        "organizer": row.project.organizer,
        "exclusion": row.project.exclusion,
        "exclusion_note": row.project.exclusion_note,
        "documents": [
            {
                "id": d.pk,
                "title": d.title,
                "number": d.number,
                "issuer": d.issuer,
                "file": d.original_name,
            }
            for d in row.project.documents.all()
        ],
        "suggestion": row.suggestion.decision,
        "rules": list(row.suggestion.rules),
        "suggested_merge_into": row.suggestion.merge_into,
        "decision": row.effective,
        "merge_into": row.decision.merge_into_id if row.decision else None,
        "flags": row.project.flags,
    }


def _cleanup_out(c: Cleanup) -> dict[str, Any]:
    return {
        "code": c.code,
        "name": c.name,
        "organization": c.organization.code,
        "round": c.round,
        "target": c.target,
        "publish_reason": c.publish_reason,
    }


@router.get("/cleanups", response={200: list[CleanupOut], 401: Error}, auth=django_auth)
def registry_cleanups_list(request: HttpRequest) -> Status[Any]:
    cleanups = sel.cleanups_for(request.user).order_by("code")
    return Status(200, [_cleanup_out(c) for c in cleanups])


@router.get(
    "/cleanups/{code}/stats",
    response=answers(StatsOut, refusals=READ_REFUSALS),
    auth=django_auth,
)
def registry_cleanups_stats(request: HttpRequest, code: str) -> Status[Any]:
    cleanup, access = _cleanup(request, code)
    if not access.read_all:
        raise AccessDenied
    figures = sel.stats_figures(cleanup)
    keys = ("target", "publish_reason", "units", "total")
    return Status(200, {key: figures[key] for key in keys})


@router.get(
    "/cleanups/{code}/projects",
    response={200: list[ProjectOut], 400: Error, 401: Error, 404: Error},
    auth=django_auth,
)
def registry_cleanups_projects(request: HttpRequest, code: str) -> Status[Any]:
    cleanup, access = _cleanup(request, code)
    return Status(200, [_project_out(row) for row in sel.project_rows(cleanup, access)])


@router.post(
    "/cleanups/{code}/projects/{pk}/decision",
    response=answers(ProjectOut),
    auth=django_auth,
)
def registry_projects_decide(
    request: HttpRequest, code: str, pk: int, payload: DecisionIn
) -> Status[Any]:
    cleanup, access, project = _project(request, code, pk)
    if not access.may_decide(cleanup, project):
        raise AccessDenied
    target = None
    if payload.merge_into is not None:
        target = cleanup.projects.filter(pk=payload.merge_into).first()
        if target is None:
            detail = _("no project %(id)s in this clean-up") % {"id": payload.merge_into}
            return Status(409, {"detail": detail})
    services.project_decide(
        project=project,
        decision=payload.decision,
        reason=payload.reason,
        merge_into=target,
        money_saved=payload.money_saved,
        actor=Actor.of(request.user),
    )
    project.refresh_from_db()
    return Status(200, _project_out(sel.project_row(cleanup, project)))


@router.post("/cleanups/{code}/advance", response=answers(CleanupOut), auth=django_auth)
def registry_cleanups_advance(
    request: HttpRequest, code: str, payload: CleanupAdvanceIn
) -> Status[Any]:
    cleanup, access = _cleanup(request, code)
    if not access.run:
        raise AccessDenied
    services.cleanup_advance(
        cleanup=cleanup,
        target=payload.to,
        reason=payload.reason,
        actor=Actor.of(request.user),
    )
    return Status(200, _cleanup_out(cleanup))


@router.get("/kept/{code}", response={200: list[KeptOut], 400: Error, 404: Error})
def registry_kept_list(request: HttpRequest, code: str) -> Status[Any]:
    """The published kept list: no sign-in."""
    cleanup = sel.published_cleanups().filter(code=code).first() if "\x00" not in code else None
    if cleanup is None:
        raise Http404
    return Status(
        200,
        [
            {
                "name": p.name,
                "organizer": p.organizer,
                "level": p.level,
                "cycle": p.cycle,
                "target_group": p.target_group,
                "basis_kind": p.basis_kind,
                "basis_title": p.basis_title,
                "documents": [d.citation for d in p.documents.all()],
            }
            for p in sel.kept_projects(cleanup)
        ],
    )


def _project_of(request: HttpRequest, code: str, pk: int) -> tuple[Cleanup, Any]:
    """The user's project of the clean-up that the user may decide, else 404 / 403."""
    cleanup, access, project = _project(request, code, pk)
    if not access.may_decide(cleanup, project):
        raise AccessDenied
    return cleanup, project


@router.get(
    "/cleanups/{code}/deadlines",
    response={200: list[DeadlineOut], 400: Error, 401: Error, 404: Error},
    auth=django_auth,
)
def registry_cleanups_deadlines(
    request: HttpRequest, code: str, today: dt.date | None = None
) -> Status[Any]:
    """Each round's deadline and its state on ``today`` (default: the server's date)."""
    cleanup, _access = _cleanup(request, code)
    return Status(200, sel.deadline_figures(cleanup, today or timezone.localdate()))


@router.put("/cleanups/{code}/deadlines", response=answers(list[DeadlineOut]), auth=django_auth)
def registry_cleanups_deadlines_set(
    request: HttpRequest, code: str, payload: DeadlinesIn
) -> Status[Any]:
    cleanup, access = _cleanup(request, code)
    if not access.run:
        raise AccessDenied
    try:
        changes = {key: dt.date.fromisoformat(day) for key, day in payload.deadlines.items()}
    except ValueError:
        return Status(400, {"detail": _("give each deadline as YYYY-MM-DD")})
    services.schedule_set(cleanup=cleanup, changes=changes, actor=Actor.of(request.user))
    return Status(200, sel.deadline_figures(cleanup, timezone.localdate()))


@router.post(
    "/cleanups/{code}/decisions",
    response={
        200: BulkDecisionOut, 400: Error, 401: Error, 403: Error, 404: Error, 409: Problems
    },
    auth=django_auth,
)  # fmt: skip
def registry_decisions_bulk(
    request: HttpRequest, code: str, payload: BulkDecisionIn
) -> Status[Any]:
    """One decision for many projects of the current round: all recorded or none."""
    cleanup, access = _cleanup(request, code)
    wanted = set(payload.projects)
    projects = list(sel.projects_for(cleanup, access).filter(pk__in=wanted).order_by("id"))
    if len(projects) != len(wanted):
        raise Http404
    if not all(access.may_decide(cleanup, p) for p in projects):
        raise AccessDenied
    target = None
    if payload.merge_into is not None:
        target = cleanup.projects.filter(pk=payload.merge_into).first()
        if target is None:
            detail = _("no project %(id)s in this clean-up") % {"id": payload.merge_into}
            return Status(409, {"detail": detail, "problems": []})
    try:
        done = services.decisions_bulk(
            cleanup=cleanup,
            projects=projects,
            decision=payload.decision,
            reason=payload.reason,
            merge_into=target,
            actor=Actor.of(request.user),
        )
    except InputError as exc:
        lines = exc.messages(_)
        return Status(409, {"detail": lines[0], "problems": lines})
    except RuleError as exc:
        return Status(409, {"detail": exc.message(_), "problems": []})
    return Status(200, {"recorded": len(done)})


@router.post(
    "/cleanups/{code}/projects/{pk}/exclusion",
    response=answers(ProjectOut),
    auth=django_auth,
)
def registry_projects_exclusion(
    request: HttpRequest, code: str, pk: int, payload: ExclusionIn
) -> Status[Any]:
    """Leaves the project out of the clean-up's scope, or (reason "") takes it back in."""
    cleanup, project = _project_of(request, code, pk)
    actor = Actor.of(request.user)
    if payload.reason:
        services.project_exclude(
            project=project, reason=payload.reason, note=payload.note, actor=actor
        )
    else:
        services.project_include(project=project, actor=actor)
    return Status(200, _project_out(sel.project_row(cleanup, project)))


@router.post(
    "/cleanups/{code}/projects/{pk}/documents",
    response=answers(ProjectOut),
    auth=django_auth,
)
def registry_projects_documents_add(
    request: HttpRequest, code: str, pk: int, payload: DocumentIn
) -> Status[Any]:
    """Attaches a basis document (title, number, issuer; the file goes through the page)."""
    cleanup, access, project = _project(request, code, pk)
    if not access.may_register(project.unit):
        raise AccessDenied
    services.basis_document_add(
        project=project,
        title=payload.title,
        number=payload.number,
        issuer=payload.issuer,
        actor=Actor.of(request.user),
    )
    return Status(200, _project_out(sel.project_row(cleanup, project)))
