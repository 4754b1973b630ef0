"""The year-end appraisal of seed 001 (八.6 年终评议阶段, 五 评议代表): the areas (片区) ballots
are collected in, the kinds of representatives under the evaluator groups, and the record of
the on-site supervision and notarization. Each use case runs in one transaction with its
audit entry; the staff page, the API and the CLI call these same functions, with the actor
that campaigns.access admits or refuses (the campaign's office)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from pingyi.accounts.actors import Actor
from pingyi.audit.services import audit_log
from pingyi.campaigns import access
from pingyi.campaigns.models import Area, Campaign, EvaluatorGroup, Supervision
from pingyi.rules import phases
from pingyi.rules.errors import RuleError, Term, gettext_noop

E_AREA_EXISTS = gettext_noop("the campaign already has an area %(area)r")
E_AREA_UNKNOWN = gettext_noop("the campaign has no area %(area)r")
E_AREA_USED = gettext_noop(
    "the area %(area)s already holds imported ballots: it can no longer be removed"
)
E_AREA_CLOSED = gettext_noop("the campaign is %(current)s: areas are set only before it closes")
E_BLANK = gettext_noop("give %(what)s")
E_KIND_EXISTS = gettext_noop("the campaign already has a group or kind with the code %(code)r")
E_KIND_GROUP = gettext_noop("the campaign has no evaluator group %(group)r to divide")
E_KIND_CODES = gettext_noop(
    "codes were already issued for the group %(group)s itself: it can no longer be divided"
)
E_SUPERVISORS = gettext_noop("name at least one supervisor, each with a unit")
E_SUPERVISION_DRAFT = gettext_noop(
    "the campaign is %(current)s: the supervision of the vote is recorded once it opens"
)

# Seed 001 五(二) 评议代表分布, and the group each belongs to under 五(一): enterprises and
# grassroots cadres deal with the departments as their service recipients (60 %); leaders
# and representatives of all sectors are the 40 %. The office may divide differently.
SEED_KINDS: tuple[tuple[str, str, str], ...] = (
    ("service_recipients", "enterprise_heads", "企业负责人代表"),
    ("service_recipients", "grassroots_cadres", "基层干部代表"),
    ("cadres_and_representatives", "party_government_leaders", "党政领导"),
    ("cadres_and_representatives", "sector_representatives", "各界代表"),
)


def _required(value: str, what: str) -> str:
    text = value.strip()
    if not text:
        raise RuleError(E_BLANK, what=what)
    return text


# ----------------------------------------------------------------------------------- areas


def area_add(*, campaign: Campaign, code: str, name: str, actor: Actor) -> Area:
    """Adds a 片区 at the end of the campaign's list, until the campaign closes (batches are
    imported while it is open)."""
    access.check_campaign(actor, campaign)
    code = _required(code, gettext_noop("the area's code"))
    name = _required(name, gettext_noop("the area's name"))
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status not in (phases.DRAFT, phases.OPEN):
            raise RuleError(E_AREA_CLOSED, current=Term(phases.PHASE_WORDS[locked.status]))
        if Area.objects.filter(campaign=locked, code=code).exists():
            raise RuleError(E_AREA_EXISTS, area=code)
        last = Area.objects.filter(campaign=locked).order_by("-position").first()
        area = Area.objects.create(
            campaign=locked, code=code, name=name, position=(last.position + 1) if last else 0
        )
        audit_log(
            actor=actor.name,
            action="campaigns.area.added",
            obj=locked,
            data={"area": code, "name": name},
        )
    return area


def area_remove(*, campaign: Campaign, code: str, actor: Actor) -> None:
    """Removes an area no batch names yet."""
    access.check_campaign(actor, campaign)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status not in (phases.DRAFT, phases.OPEN):
            raise RuleError(E_AREA_CLOSED, current=Term(phases.PHASE_WORDS[locked.status]))
        area = Area.objects.filter(campaign=locked, code=code).first()
        if area is None:
            raise RuleError(E_AREA_UNKNOWN, area=code)
        if area.batches.exists():
            raise RuleError(E_AREA_USED, area=area.name)
        area.delete()
        audit_log(
            actor=actor.name, action="campaigns.area.removed", obj=locked, data={"area": code}
        )


# ----------------------------------------------------------------------------------- kinds


def kind_add(
    *, campaign: Campaign, group: str, code: str, name: str, actor: Actor
) -> EvaluatorGroup:
    """Divides an evaluator group (by code or name) with a kind of representative, while the
    campaign is a draft (R13: who may vote is frozen once it opens). Once the group has a
    kind, its codes are issued per kind (voting.services.check_codes_allowed)."""
    access.check_campaign(actor, campaign)
    code = _required(code, gettext_noop("the kind's code"))
    name = _required(name, gettext_noop("the kind's name"))
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        phases.check_editable(locked.status)
        groups = EvaluatorGroup.objects.filter(campaign=locked)
        parent = groups.filter(parent__isnull=True, code=group).first() or (
            groups.filter(parent__isnull=True, name=group).first()
        )
        if parent is None:
            raise RuleError(E_KIND_GROUP, group=group)
        if groups.filter(code=code).exists():
            raise RuleError(E_KIND_EXISTS, code=code)
        if parent.tokens.exists():
            raise RuleError(E_KIND_CODES, group=parent.name)
        last = groups.order_by("-position").first()
        kind = EvaluatorGroup.objects.create(
            campaign=locked,
            parent=parent,
            code=code,
            name=name,
            position=(last.position + 1) if last else 0,
        )
        audit_log(
            actor=actor.name,
            action="campaigns.kind.added",
            obj=locked,
            data={"group": parent.code, "kind": code, "name": name},
        )
    return kind


def kinds_add_seed(*, campaign: Campaign, actor: Actor) -> list[EvaluatorGroup]:
    """The four kinds of seed 001 五(二) under the built-in groups; kinds already there (by
    code) are kept, so running it twice adds nothing."""
    access.check_campaign(actor, campaign)
    with transaction.atomic():
        present = set(campaign.groups.values_list("code", flat=True))
        return [
            kind_add(campaign=campaign, group=group, code=code, name=name, actor=actor)
            for group, code, name in SEED_KINDS
            if code not in present
        ]


# ----------------------------------------------------------------------------- supervision


def _clean(text: str) -> str:
    return text.replace("\x00", "").strip()


@dataclass(frozen=True)
class Supervisor:
    name: str
    unit: str


def supervision_record(
    *,
    campaign: Campaign,
    supervisors: Sequence[Supervisor],
    notary_office: str,
    notary_reference: str,
    supervised_on: dt.date,
    actor: Actor,
    now: dt.datetime | None = None,
) -> Supervision:
    """Records (or corrects) who supervised the year-end vote on site and its notarization
    (seed 001 八.6). Recorded from the opening on; a correction keeps the earlier record in
    the audit entry."""
    access.check_campaign(actor, campaign)
    # kept as JSON, which the text check before saving does not see: no NUL (R23)
    people = [Supervisor(_clean(p.name)[:100], _clean(p.unit)[:200]) for p in supervisors]
    people = [p for p in people if p.name or p.unit]
    if not people or any(not p.name or not p.unit for p in people):
        raise RuleError(E_SUPERVISORS)
    office = _required(notary_office, gettext_noop("the notary office"))
    reference = _required(notary_reference, gettext_noop("the notarial certificate number"))
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status == phases.DRAFT:
            raise RuleError(E_SUPERVISION_DRAFT, current=Term(phases.PHASE_WORDS[locked.status]))
        before = Supervision.objects.filter(campaign=locked).first()
        data: dict[str, Any] = {
            "supervisors": [{"name": p.name, "unit": p.unit} for p in people],
            "notary_office": office,
            "notary_reference": reference,
            "supervised_on": supervised_on.isoformat(),
        }
        record, _created = Supervision.objects.update_or_create(
            campaign=locked,
            defaults={
                "supervisors": data["supervisors"],
                "notary_office": office,
                "notary_reference": reference,
                "supervised_on": supervised_on,
                "recorded_at": now or timezone.now(),
                "recorded_by": actor.name,
            },
        )
        if before is not None:
            data["before"] = {
                "supervisors": before.supervisors,
                "notary_office": before.notary_office,
                "notary_reference": before.notary_reference,
                "supervised_on": before.supervised_on.isoformat(),
            }
        audit_log(actor=actor.name, action="campaigns.supervision.recorded", obj=locked, data=data)
    return record
