"""The ledger's JSON API where an office scripts it: the acceptance with its panel, and the
draft items pre-filled from the opinions fed back (pre-fill, save or confirm). The same
services as the plan page; staff (session login): 404 for a plan the user cannot read, 403
for one they may read but not change, 409 for a rule's refusal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.security import django_auth
from pydantic import Field

from pingyi.accounts.actors import AccessDenied, Actor
from pingyi.api_schema import StrictIn, answers
from pingyi.rectification.access import EDITORS
from pingyi.rectification.models import Item, Plan
from pingyi.rectification.prefill import item_draft_save, plan_prefill
from pingyi.rectification.selectors import SUPERVISOR, plan_access, plans_for
from pingyi.rectification.services import plan_accept
from pingyi.rules import ledger as rules

router = Router(tags=["rectification"])


class PanelMemberIn(StrictIn):
    name: str = Field(max_length=100)
    body: str = Field(max_length=10, description="人大, 政协 or 其他 (npc, cppcc, other)")
    role: str = Field(max_length=100)


class AcceptanceIn(StrictIn):
    verdict: str = Field(max_length=10, description="passed or failed")
    note: str = Field("", max_length=4000)
    members: list[PanelMemberIn] = Field(default_factory=list, max_length=rules.MAX_PANEL)


class DraftIn(StrictIn):
    description: str = Field(max_length=4000)
    measures: str = Field("", max_length=4000)
    target: str = Field("", max_length=500)
    owner: str = Field("", max_length=100)
    deadline: str = Field(max_length=10, description="YYYY-MM-DD")
    confirm: bool = False


class LedgerItemOut(Schema):
    id: int
    number: int
    description: str
    measures: str
    target: str
    owner: str
    deadline: dt.date
    status: str
    draft: bool
    from_opinion: bool


def _plan(request: HttpRequest, pk: int, *allowed: str) -> Plan:
    plan = plans_for(request.user).filter(pk=pk).first()
    role = plan_access(request.user, plan) if plan is not None else None
    if plan is None or role is None:
        raise Http404
    if role not in allowed:
        raise AccessDenied
    return plan


def _item_out(item: Item) -> dict[str, Any]:
    return {"id": item.pk, "number": item.number, "description": item.description,
            "measures": item.measures, "target": item.target, "owner": item.owner,
            "deadline": item.deadline, "status": item.status, "draft": item.draft,
            "from_opinion": item.opinion_id is not None}  # fmt: skip


@router.post(
    "/plans/{pk}/acceptance",
    response=answers(dict[str, Any]),
    auth=django_auth,
    summary="The acceptance inspection's verdict with its panel (name, body, role)",
)
def rectification_accept(request: HttpRequest, pk: int, payload: AcceptanceIn) -> Status[Any]:
    plan = _plan(request, pk, SUPERVISOR)
    members = [
        rules.panel_member(m.name, m.body, m.role, line=n)
        for n, m in enumerate(payload.members, start=1)
    ]
    done = plan_accept(
        plan=plan, verdict=payload.verdict, note=payload.note, members=members,
        actor=Actor.of(request.user),
    )  # fmt: skip
    return Status(200, {
        "plan": done.pk, "status": done.status, "verdict": done.verdict,
        "verdict_on": done.verdict_on,
        "panel": [{"name": m.name, "body": m.body, "role": m.role} for m in done.panel.all()],
    })  # fmt: skip


@router.post(
    "/plans/{pk}/prefill",
    response=answers(list[LedgerItemOut]),
    auth=django_auth,
    summary="Draft items from the opinions fed back to the unit and not yet in the plan",
)
def rectification_prefill(request: HttpRequest, pk: int) -> Status[Any]:
    plan = _plan(request, pk, *EDITORS)
    items = plan_prefill(plan=plan, actor=Actor.of(request.user))
    return Status(200, [_item_out(i) for i in items])


@router.put(
    "/ledger-items/{pk}/draft",
    response=answers(LedgerItemOut),
    auth=django_auth,
    summary="Edit a draft item; confirm: it becomes an item of the plan (every field needed)",
)
def rectification_draft(request: HttpRequest, pk: int, payload: DraftIn) -> Status[Any]:
    item = Item.objects.filter(pk=pk).first()
    if item is None:
        raise Http404
    _plan(request, item.plan_id, *EDITORS)
    try:
        deadline = dt.date.fromisoformat(payload.deadline)
    except ValueError:
        return Status(400, {"detail": _("the deadline must be a day written YYYY-MM-DD")})
    saved = item_draft_save(
        item=item, description=payload.description, measures=payload.measures,
        target=payload.target, owner=payload.owner, deadline=deadline,
        confirm=payload.confirm, actor=Actor.of(request.user),
    )  # fmt: skip
    return Status(200, _item_out(saved))
