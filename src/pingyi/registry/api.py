"""The registry's JSON API: the same selectors and services as its pages (R17 as there)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.security import django_auth
from pydantic import Field

from pingyi.accounts.actors import AccessDenied
from pingyi.api_schema import StrictIn
from pingyi.registry import selectors as sel
from pingyi.registry import services
from pingyi.registry.models import Cleanup
from pingyi.rules.errors import RuleError

router = Router(tags=["registry"])


class Error(Schema):
    detail: str


class CleanupOut(Schema):
    code: str
    name: str
    organization: str
    round: str
    target: str


class TallyOut(Schema):
    unit: str
    registered: int
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
    units: list[TallyOut]
    total: TallyOut


class ProjectOut(Schema):
    id: int
    name: str
    unit: str
    organizer: str
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


class KeptOut(Schema):
    name: str
    organizer: str
    level: str
    cycle: str
    target_group: str
    basis_kind: str
    basis_title: str


def _cleanup(request: HttpRequest, code: str) -> tuple[Cleanup, sel.Access]:
    """The user's clean-up, else 404 (a NUL in the code would be a PostgreSQL error: R23)."""
    if "\x00" in code:
        raise Http404
    cleanup = sel.cleanups_for(request.user).filter(code=code).first()
    if cleanup is None:
        raise Http404
    return cleanup, sel.access_for(request.user, cleanup)


def _project_out(row: sel.ProjectRow) -> dict[str, Any]:
    return {
        "id": row.project.pk,
        "name": row.project.name,
        "unit": row.project.unit.code,
        "organizer": row.project.organizer,
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
    }


@router.get("/cleanups", response={200: list[CleanupOut], 401: Error}, auth=django_auth)
def registry_cleanups_list(request: HttpRequest) -> Status[Any]:
    cleanups = sel.cleanups_for(request.user).order_by("code")
    return Status(200, [_cleanup_out(c) for c in cleanups])


@router.get(
    "/cleanups/{code}/stats",
    response={200: StatsOut, 400: Error, 401: Error, 403: Error, 404: Error},
    auth=django_auth,
)
def registry_cleanups_stats(request: HttpRequest, code: str) -> Status[Any]:
    cleanup, access = _cleanup(request, code)
    if not access.read_all:
        raise AccessDenied
    figures = sel.stats_figures(cleanup)
    return Status(
        200, {"target": figures["target"], "units": figures["units"], "total": figures["total"]}
    )


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
    response={200: ProjectOut, 400: Error, 401: Error, 403: Error, 404: Error, 409: Error},
    auth=django_auth,
)
def registry_projects_decide(
    request: HttpRequest, code: str, pk: int, payload: DecisionIn
) -> Status[Any]:
    cleanup, access = _cleanup(request, code)
    project = sel.projects_for(cleanup, access).filter(pk=pk).first()
    if project is None:
        raise Http404
    if not access.may_decide(cleanup, project):
        raise AccessDenied
    target = None
    if payload.merge_into is not None:
        target = cleanup.projects.filter(pk=payload.merge_into).first()
        if target is None:
            detail = _("no project %(id)s in this clean-up") % {"id": payload.merge_into}
            return Status(409, {"detail": detail})
    try:
        services.project_decide(
            project=project,
            decision=payload.decision,
            reason=payload.reason,
            merge_into=target,
            money_saved=payload.money_saved,
            actor=request.user.get_username(),
        )
    except RuleError as exc:
        return Status(409, {"detail": exc.message(_)})
    project.refresh_from_db()
    return Status(200, _project_out(sel.project_row(cleanup, project)))


@router.post(
    "/cleanups/{code}/advance",
    response={200: CleanupOut, 400: Error, 401: Error, 403: Error, 404: Error, 409: Error},
    auth=django_auth,
)
def registry_cleanups_advance(
    request: HttpRequest, code: str, payload: CleanupAdvanceIn
) -> Status[Any]:
    cleanup, access = _cleanup(request, code)
    if not access.run:
        raise AccessDenied
    try:
        services.cleanup_advance(
            cleanup=cleanup, target=payload.to, actor=request.user.get_username()
        )
    except RuleError as exc:
        return Status(409, {"detail": exc.message(_)})
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
            }
            for p in sel.kept_projects(cleanup)
        ],
    )
