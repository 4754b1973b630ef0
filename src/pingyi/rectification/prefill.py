"""A campaign's rectification plan starts from what the unit was told (seed 001 八.5:
各部门根据反馈意见集中时间开展整改): the opinions the office fed back to the unit in
征求意见, with the measures the unit answered them with, become the plan's first items —
drafts, each linked to its opinion, that the unit's owner or the office completes
(quantified target, owner, deadline) and confirms, or discards; a draft takes no progress
until it is confirmed.

plans_create_for_notice pre-fills every new plan of a campaign in its own transaction;
``plan_prefill`` does it again for a plan opened before the opinions were fed back (an opinion
already behind an item of the plan is not taken twice). The opinions are stages', which sits
above the ledger: it registers their read (rectification.hooks, StagesConfig.ready()).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from pingyi.accounts.actors import Actor
from pingyi.audit.services import audit_log
from pingyi.rectification import access
from pingyi.rectification.hooks import fed_back_opinions
from pingyi.rectification.models import Item, Plan
from pingyi.rules import ledger as rules
from pingyi.rules.errors import RuleError, Term, gettext_noop

E_NOT_DRAFT = gettext_noop("item %(number)s is confirmed already: it changes through its progress")
E_DRAFT_FIELD = gettext_noop("item %(number)s: fill in %(field)s (at most %(max)s characters)")
E_CONFIRM_FIRST = gettext_noop("item %(number)s is a draft: confirm it before reporting progress")
E_NO_OPINIONS = gettext_noop(
    "no opinion was fed back to %(unit)s in this campaign, or every one is in the plan already"
)

PREFILLED = "rectification.plan.prefilled"
PROBLEM, MEASURES = gettext_noop("problem"), gettext_noop("measures")
TARGET, OWNER = gettext_noop("quantified target"), gettext_noop("owner")


def _drafts(plan: Plan, opinions: list[Any], first: int) -> list[Item]:
    return [
        Item(
            plan=plan, number=first + n, description=o.shown[:4000], measures=o.measures[:4000],
            target="", owner="", deadline=plan.period_ends, opinion=o, draft=True,
        )
        for n, o in enumerate(opinions)
    ]  # fmt: skip


def plans_prefill(*, plans: Sequence[Plan], actor: Actor, now: dt.datetime) -> int:
    """Drafts for every fed-back opinion of each new plan; inside the caller's transaction
    (plans_create_for_notice), whose actor supervises the plans (asked again here). Returns
    how many items were drafted."""
    access.check_supervise_plans(actor, plans)
    opinions = fed_back_opinions(plans)
    items = [i for p in plans for i in _drafts(p, opinions[p.pk], 1)]
    Item.objects.bulk_create(items)
    for plan in plans:
        if opinions[plan.pk]:
            audit_log(
                actor=actor.name,
                action=PREFILLED,
                obj=plan,
                data={"unit": plan.unit_code, "items": len(opinions[plan.pk])},
                now=now,
            )
    return len(items)


def plan_prefill(*, plan: Plan, actor: Actor) -> list[Item]:
    """Drafts the plan's items from the fed-back opinions not yet behind one of its items."""
    access.check_edit(actor, plan)
    with transaction.atomic():
        locked = Plan.objects.select_for_update().select_related("notice").get(pk=plan.pk)
        if locked.status != "open":
            raise RuleError(rules.E_PLAN_CLOSED)
        taken = set(locked.items.exclude(opinion=None).values_list("opinion_id", flat=True))
        fresh = [o for o in fed_back_opinions([locked])[locked.pk] if o.pk not in taken]
        if not fresh:
            raise RuleError(E_NO_OPINIONS, unit=locked.unit_name)
        last = locked.items.order_by("-number").values_list("number", flat=True).first()
        items = Item.objects.bulk_create(_drafts(locked, fresh, (last or 0) + 1))
        audit_log(
            actor=actor.name,
            action=PREFILLED,
            obj=locked,
            data={"unit": locked.unit_code, "items": len(items)},
        )
    return items


def _field(item: Item, value: str, field: str, maximum: int) -> str:
    text = value.strip()
    if not 1 <= len(text) <= maximum:
        raise RuleError(E_DRAFT_FIELD, number=item.number, field=Term(field), max=maximum)
    return text


def item_draft_save(
    *, item: Item, description: str, measures: str, target: str, owner: str,
    deadline: dt.date, actor: Actor, confirm: bool = False,
) -> Item:  # fmt: skip
    """Edits a draft item (the problem as fed back may be reworded); ``confirm`` makes it an
    item of the plan like any other, which needs every field filled in."""
    with transaction.atomic():
        locked = Item.objects.select_for_update().select_related("plan").get(pk=item.pk)
        access.check_edit(actor, locked.plan)
        if locked.plan.status != "open":
            raise RuleError(rules.E_PLAN_CLOSED)
        if not locked.draft:
            raise RuleError(E_NOT_DRAFT, number=locked.number)
        locked.description = _field(locked, description, PROBLEM, 4000)
        locked.measures, locked.target = measures.strip()[:4000], target.strip()[:500]
        locked.owner, locked.deadline = owner.strip()[:100], deadline
        if confirm:
            _field(locked, locked.measures, MEASURES, 4000)
            _field(locked, locked.target, TARGET, 500)
            _field(locked, locked.owner, OWNER, 100)
            locked.draft = False
        locked.save()
        audit_log(
            actor=actor.name,
            action="rectification.item.confirmed" if confirm else "rectification.item.drafted",
            obj=locked,
            data={"plan": locked.plan_id, "unit": locked.plan.unit_code,
                  "number": locked.number, "deadline": deadline.isoformat()},
        )  # fmt: skip
    return locked


def item_discard(*, item: Item, actor: Actor) -> None:
    """Removes a draft item (the opinion names no problem this plan takes on)."""
    with transaction.atomic():
        locked = Item.objects.select_for_update().select_related("plan").get(pk=item.pk)
        access.check_edit(actor, locked.plan)
        if locked.plan.status != "open":
            raise RuleError(rules.E_PLAN_CLOSED)
        if not locked.draft:
            raise RuleError(E_NOT_DRAFT, number=locked.number)
        audit_log(
            actor=actor.name,
            action="rectification.item.discarded",
            obj=locked.plan,
            data={"unit": locked.plan.unit_code, "number": locked.number},
        )
        locked.delete()


def check_confirmed(item: Item) -> None:
    """Progress and close-out take confirmed items only."""
    if item.draft:
        raise RuleError(E_CONFIRM_FIRST, number=item.number)
