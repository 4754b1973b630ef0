"""Reads of the ledger, and who may see or change a plan (R17).

Access to a plan, strongest first: "supervisor" (admin or staff of the office that runs it:
edits, approves close-outs, inspects), "reader" (a viewer of that office), "owner" (the
unit's owner: adds items and progress), "member" (reads the unit's plans). Anyone else —
another office included — does not find the plan at all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from pingyi.accounts.models import Membership
from pingyi.accounts.selectors import READ, RUN, AnyUser, organizations_for
from pingyi.rectification.models import Item, Plan, PlanStatus, UnitAccess, UnitRole
from pingyi.rules import ledger as rules

SUPERVISOR, READER, OWNER, MEMBER = "supervisor", "reader", "owner", "member"


def _unit_filter(user: AnyUser, roles: tuple[str, ...]) -> Q:
    grants = UnitAccess.objects.filter(user_id=user.pk or 0, role__in=roles).values_list(
        "organization_id", "series_id", "unit_code"
    )
    query = Q(pk__in=[])
    for organization_id, series_id, unit_code in grants:
        query |= Q(organization_id=organization_id, series_id=series_id, unit_code=unit_code)
    return query


def plans_for(user: AnyUser) -> QuerySet[Plan]:
    """Every plan the user may read: their offices' plans and their units' plans."""
    if not user.is_authenticated:
        return Plan.objects.none()
    query = Q(organization__in=organizations_for(user, READ)) | _unit_filter(
        user, (UnitRole.OWNER, UnitRole.MEMBER)
    )
    return Plan.objects.select_related("organization", "notice", "series").filter(query)


def owned_plans(user: AnyUser) -> QuerySet[Plan]:
    """The plans of the units ``user`` owns (updates), for their to-do list."""
    if not user.is_authenticated:
        return Plan.objects.none()
    return Plan.objects.filter(_unit_filter(user, (UnitRole.OWNER,)))


def plan_access(user: AnyUser, plan: Plan) -> str | None:
    if not user.is_authenticated:
        return None
    membership = Membership.objects.filter(user_id=user.pk, organization=plan.organization_id)
    role = membership.values_list("role", flat=True).first()
    if role in RUN:
        return SUPERVISOR
    unit = UnitAccess.objects.filter(
        user_id=user.pk,
        organization=plan.organization_id,
        series=plan.series_id,
        unit_code=plan.unit_code,
    ).values_list("role", flat=True)
    unit_role = unit.first()
    if unit_role == UnitRole.OWNER:
        return OWNER
    if role in READ:
        return READER
    if unit_role == UnitRole.MEMBER:
        return MEMBER
    return None


def plan_list(user: AnyUser, *, today: dt.date) -> QuerySet[Plan]:
    """The user's plans with how many items each has, and how many are overdue."""
    open_items = ~Q(items__status__in=list(rules.FINISHED))
    return (
        plans_for(user)
        .annotate(
            item_count=Count("items", distinct=True),
            overdue=Count("items", filter=open_items & Q(items__deadline__lt=today), distinct=True),
        )
        .order_by("status", "-period_starts", "unit_code")
    )


@dataclass(frozen=True)
class ItemView:
    item: Item
    overdue: bool
    due_soon: bool


def plan_items(plan: Plan, *, today: dt.date) -> list[ItemView]:
    items = plan.items.prefetch_related("notes__evidence").order_by("number")
    return [
        ItemView(
            item=i,
            overdue=rules.is_overdue(deadline=i.deadline, status=i.status, today=today),
            due_soon=rules.is_due_soon(deadline=i.deadline, status=i.status, today=today),
        )
        for i in items
    ]


def open_plans() -> QuerySet[Plan]:
    return Plan.objects.filter(status=PlanStatus.OPEN)


def supervised_items(user: AnyUser) -> QuerySet[Item]:
    """Items of the plans of the offices where ``user`` is admin or staff."""
    return Item.objects.select_related("plan").filter(
        plan__organization__in=organizations_for(user, RUN)
    )


def ledger_rows(user: AnyUser) -> QuerySet[Item]:
    """Every item the user may read at office level, for the ledger export."""
    return (
        Item.objects.select_related("plan")
        .filter(plan__organization__in=organizations_for(user, READ))
        .order_by("plan__unit_code", "plan__period_starts", "number")
    )
