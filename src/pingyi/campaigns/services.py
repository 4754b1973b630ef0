"""Use cases that change campaigns. Each takes the actor, decides in campaigns.access whether
the actor may (the page, the API, the CLI, the job and the demo call them alike), and runs in
one transaction with its audit entry, which records the actor's name."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from django.db import transaction

from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Organization
from pingyi.audit.services import audit_log
from pingyi.campaigns import access
from pingyi.campaigns.hooks import transition_steps_run
from pingyi.campaigns.models import (
    Campaign,
    CampaignStage,
    Category,
    EvaluatorGroup,
    Series,
    StageKind,
    Unit,
)
from pingyi.campaigns.selectors import campaign_scheme
from pingyi.inputs.p1_files import read_units
from pingyi.rules import phases
from pingyi.rules.errors import RuleError, gettext_noop
from pingyi.rules.scheme import Criterion, Scheme, fraction_text
from pingyi.rules.tally import UnitSpec

E_CAMPAIGN_EXISTS = gettext_noop("the series %(series)r already has a campaign for %(year)s")
E_CODE_TAKEN = gettext_noop("the campaign code %(code)r is taken")
E_NO_UNIT = gettext_noop("the campaign has no unit %(code)r")
E_STAGE_DATES = gettext_noop("the stage %(stage)s ends before it starts")
E_UNIT_EXISTS = gettext_noop("the campaign already has a unit %(code)r")
E_NO_CATEGORY = gettext_noop("the campaign has no category %(category)r")


def campaign_create_from_file(
    *, units_file: Path, label: str, scheme: Scheme, actor: Actor, **fields: Any
) -> Campaign:
    """The campaign creation of every door (the staff page's job, the CLI): the units file
    read against the scheme (file, row, column, field in every refusal), then campaign_create
    with the door's other ``fields``. The actor is checked before the file is read."""
    access.check_run(actor, Organization.objects.filter(code=fields["organization_code"]).first())
    units = read_units(units_file, scheme, label)
    return campaign_create(scheme=scheme, units=units, actor=actor, **fields)


@transaction.atomic
def campaign_create(
    *,
    organization_code: str,
    organization_name: str,
    series_code: str,
    series_name: str,
    year: int,
    name: str,
    scheme: Scheme,
    units: Sequence[UnitSpec],
    previous_last: Sequence[str] | None = None,
    code: str | None = None,
    actor: Actor,
) -> Campaign:
    """Creates a draft campaign with its categories, units and evaluator groups, for an office
    the actor runs (only the system actor names an office that does not exist yet)."""
    access.check_run(actor, Organization.objects.filter(code=organization_code).first())
    organization, _ = Organization.objects.get_or_create(
        code=organization_code, defaults={"name": organization_name}
    )
    series, _ = Series.objects.get_or_create(
        organization=organization, code=series_code, defaults={"name": series_name}
    )
    if Campaign.objects.filter(series=series, year=year).exists():
        raise RuleError(E_CAMPAIGN_EXISTS, series=series_code, year=year)
    code = code or f"{series_code}-{year}"
    if Campaign.objects.filter(code=code).exists():
        raise RuleError(E_CODE_TAKEN, code=code)
    campaign = Campaign.objects.create(
        series=series,
        code=code,
        year=year,
        name=name,
        scheme=scheme.to_toml_dict(),
        previous_last=sorted(previous_last) if previous_last is not None else None,
    )
    categories = {
        rule.code: Category.objects.create(
            campaign=campaign,
            code=rule.code,
            name=rule.name,
            winner_places=rule.winners,
            position=i,
        )
        for i, rule in enumerate(scheme.categories)
    }
    # In category order (the file's order within a category), as every page and paper lists
    # them: a unit's position is its place on the form, the template and the stored ballots.
    order = {rule.code: i for i, rule in enumerate(scheme.categories)}
    Unit.objects.bulk_create(
        Unit(
            campaign=campaign,
            category=categories[spec.category_code],
            category_label=spec.category,
            code=spec.code,
            name=spec.name,
            veto=spec.veto,
            position=i,
        )
        for i, spec in enumerate(sorted(units, key=lambda s: order[s.category_code]))
    )
    EvaluatorGroup.objects.bulk_create(
        EvaluatorGroup(
            campaign=campaign,
            code=group.code,
            name=group.name,
            target_share=fraction_text(group.target_share)
            if group.target_share is not None
            else "",
            position=i,
        )
        for i, group in enumerate(scheme.groups)
    )
    audit_log(
        actor=actor.name,
        action="campaigns.campaign.created",
        obj=campaign,
        data={"code": code, "year": year, "units": len(units), "scheme": scheme.name},
    )
    return campaign


_TRANSITIONED = {
    phases.OPEN: "campaigns.campaign.opened",
    phases.CLOSED: "campaigns.campaign.closed",
    phases.PUBLISHED: "campaigns.campaign.published",
    phases.FINAL: "campaigns.campaign.finalized",
}


def _transition(campaign: Campaign, target: str, actor: Actor) -> Campaign:
    access.check_campaign(actor, campaign)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        phases.check_transition(locked.status, target)
        before = locked.status
        locked.status = target
        locked.save(update_fields=["status"])
        data: dict[str, Any] = {"from": before, "to": target}
        data |= transition_steps_run(locked, target)  # ballots' and voting's (campaigns.hooks)
        audit_log(actor=actor.name, action=_TRANSITIONED[target], obj=locked, data=data)
    campaign.status = target
    return campaign


def campaign_open(*, campaign: Campaign, actor: Actor) -> Campaign:
    """draft → open: from now on units and scheme are frozen and ballots are accepted."""
    return _transition(campaign, phases.OPEN, actor)


def campaign_close(*, campaign: Campaign, actor: Actor) -> Campaign:
    """open → closed: no more ballots; results become visible."""
    return _transition(campaign, phases.CLOSED, actor)


def campaign_publish(*, campaign: Campaign, actor: Actor) -> Campaign:
    """closed → published. Only notices.services.notice_publish calls it (it opens the notice),
    inside its transaction, with its actor."""
    return _transition(campaign, phases.PUBLISHED, actor)


def campaign_finalize(*, campaign: Campaign, actor: Actor) -> Campaign:
    """published → final. Only notices.services.notice_finalize calls it (period over, every
    objection answered), inside its transaction, with its actor."""
    return _transition(campaign, phases.FINAL, actor)


def _units_in_category_order(campaign: Campaign) -> None:
    """Renumbers a draft's units so that positions run category by category (the scheme's
    order; within a category, the order they had). Only a draft's: its ballots do not exist
    yet, and an open campaign's positions are frozen with its units (R13)."""
    units = list(
        Unit.objects.filter(campaign=campaign)
        .select_related("category")
        .order_by("category__position", "position")
    )
    if all(u.position == i for i, u in enumerate(units)):
        return
    # Two steps, since (campaign, position) is unique at every row's update.
    shift = len(units) + max(u.position for u in units) + 1
    for unit in units:
        unit.position += shift
    Unit.objects.bulk_update(units, ["position"])
    for i, unit in enumerate(units):
        unit.position = i
    Unit.objects.bulk_update(units, ["position"])


def _category(campaign: Campaign, text: str) -> Category:
    rule = campaign_scheme(campaign).category_for(text)
    found = Category.objects.filter(campaign=campaign, code=rule.code).first() if rule else None
    if found is None:
        raise RuleError(E_NO_CATEGORY, category=text)
    return found


def unit_update(
    *,
    campaign: Campaign,
    code: str,
    actor: Actor,
    name: str | None = None,
    category: str | None = None,
    veto: bool | None = None,
) -> Unit:
    """Changes a unit's name, category or veto mark — only in a draft: once open, units are
    frozen (R13). A unit moved to another category takes the last place of its block."""
    access.check_campaign(actor, campaign)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        phases.check_editable(locked.status)
        unit = Unit.objects.select_related("category").filter(campaign=locked, code=code).first()
        if unit is None:
            raise RuleError(E_NO_UNIT, code=code)
        before = {"name": unit.name, "category": unit.category.code, "veto": unit.veto}
        if name is not None:
            unit.name = name
        if veto is not None:
            unit.veto = veto
        moved = False
        if category is not None:
            found = _category(locked, category)
            moved = found.pk != unit.category_id
            if moved:
                last = Unit.objects.filter(campaign=locked).order_by("-position").first()
                unit.position = (last.position + 1) if last else 0
            unit.category, unit.category_label = found, category
        unit.save(update_fields=["name", "veto", "category", "category_label", "position"])
        if moved:
            _units_in_category_order(locked)
        after = {"name": unit.name, "category": unit.category.code, "veto": unit.veto}
        audit_log(
            actor=actor.name,
            action="campaigns.unit.changed",
            obj=locked,
            data={"unit": code, "before": before, "after": after},
        )
    unit.refresh_from_db()
    return unit


def unit_remove(*, campaign: Campaign, code: str, actor: Actor) -> None:
    """Removes a unit entered by mistake — only in a draft (R13); the others close up."""
    access.check_campaign(actor, campaign)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        phases.check_editable(locked.status)
        unit = Unit.objects.select_related("category").filter(campaign=locked, code=code).first()
        if unit is None:
            raise RuleError(E_NO_UNIT, code=code)
        data = {"unit": code, "name": unit.name, "category": unit.category.code, "veto": unit.veto}
        unit.delete()
        _units_in_category_order(locked)
        audit_log(actor=actor.name, action="campaigns.unit.removed", obj=locked, data=data)


def campaign_stages_set(
    *, campaign: Campaign, stages: Mapping[str, tuple[dt.date, dt.date]], actor: Actor
) -> list[CampaignStage]:
    """Sets the dates of the six stages (seed 001) — only in a draft; a stage not given is
    dropped. Once the campaign opens the schedule is read, not changed."""
    access.check_campaign(actor, campaign)
    for kind, (starts, ends) in stages.items():
        if ends < starts:
            raise RuleError(E_STAGE_DATES, stage=StageKind(kind).label)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        phases.check_stages_editable(locked.status)
        locked.stages.exclude(kind__in=list(stages)).delete()
        saved = [
            CampaignStage.objects.update_or_create(
                campaign=locked, kind=kind, defaults={"starts_on": s, "ends_on": e}
            )[0]
            for kind, (s, e) in stages.items()
        ]
        audit_log(
            actor=actor.name,
            action="campaigns.campaign.stages_set",
            obj=locked,
            data={k: [s.isoformat(), e.isoformat()] for k, (s, e) in stages.items()},
        )
    return saved


def unit_add(
    *, campaign: Campaign, code: str, name: str, category: str, veto: bool, actor: Actor
) -> Unit:
    """Enters a unit by hand (beside the units file) — only in a draft (R13); it takes the
    last place of its category's block, so that the form and the phone list it there."""
    access.check_campaign(actor, campaign)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        phases.check_editable(locked.status)
        if Unit.objects.filter(campaign=locked, code=code).exists():
            raise RuleError(E_UNIT_EXISTS, code=code)
        found = _category(locked, category)
        last = Unit.objects.filter(campaign=locked).order_by("-position").first()
        unit = Unit.objects.create(
            campaign=locked,
            category=found,
            category_label=category,
            code=code,
            name=name,
            veto=veto,
            position=(last.position + 1) if last else 0,
        )
        _units_in_category_order(locked)  # at the end of its category's block
        unit.refresh_from_db()
        audit_log(
            actor=actor.name,
            action="campaigns.unit.added",
            obj=locked,
            data={"unit": code, "name": name, "category": found.code, "veto": veto},
        )
    return unit


def campaign_criteria_set(
    *, campaign: Campaign, criteria: Sequence[Criterion], actor: Actor
) -> Campaign:
    """Replaces the criteria of a draft's scheme (seed 001 四), in order; an empty list takes
    them off the ballot. Once open the scheme is frozen (R13), its criteria with it."""
    access.check_campaign(actor, campaign)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        phases.check_editable(locked.status)
        before = campaign_scheme(locked)
        scheme = replace(before, criteria=tuple(criteria))
        locked.scheme = scheme.to_toml_dict()
        campaign_scheme(locked)  # what is stored must read back
        locked.save(update_fields=["scheme"])
        audit_log(
            actor=actor.name,
            action="campaigns.criteria.changed",
            obj=locked,
            data={
                "before": [c.name for c in before.criteria],
                "after": [c.name for c in scheme.criteria],
            },
        )
    return locked


def unit_vetoes_set(*, campaign: Campaign, vetoed: set[str], actor: Actor) -> int:
    """Sets the one-vote veto marks of a draft's units at once: all of them, or none (R13).

    Returns how many units changed; each change is audited as for unit_update.
    """
    access.check_campaign(actor, campaign)
    changed = 0
    with transaction.atomic():
        for unit in Unit.objects.filter(campaign=campaign).order_by("position"):
            if unit.veto != (unit.code in vetoed):
                unit_update(
                    campaign=campaign, code=unit.code, veto=unit.code in vetoed, actor=actor
                )
                changed += 1
    return changed
