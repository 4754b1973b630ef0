"""Use cases of the rectification ledger (P4). Each runs in one transaction with its audit
entry (R14); e-mail leaves only after the commit. Each takes the actor and decides in
rectification.access whether the actor may (pages, the API and the CLI call them alike); the
audit entry records the actor's name."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from pingyi import evidence
from pingyi.accounts.actors import Actor
from pingyi.audit.services import audit_log
from pingyi.campaigns.models import Campaign
from pingyi.campaigns.selectors import campaign_scheme
from pingyi.campaigns.services import campaign_create
from pingyi.grading.models import FollowUp
from pingyi.notices.models import Notice
from pingyi.rectification import access
from pingyi.rectification.models import (
    Basis,
    Evidence,
    Item,
    ItemStatus,
    LookBack,
    PanelMember,
    Plan,
    PlanStatus,
    ProgressNote,
    UnitAccess,
    UnitRole,
)
from pingyi.rectification.prefill import check_confirmed, plans_prefill
from pingyi.rules import grading_schedule as schedule_rules
from pingyi.rules import ledger as rules
from pingyi.rules.errors import RuleError, gettext_noop
from pingyi.rules.tally import UnitSpec
from pingyi.rules.text import required_text

E_FIELD = gettext_noop("fill in %(field)s (at most %(max)s characters)")
E_NOTE = gettext_noop("write what was done (1 to 4000 characters)")
E_REASON = gettext_noop("a look-back needs its reason")
E_SURVEY_EXISTS = gettext_noop("a repeat survey was already started: %(code)s")
E_NOT_A_CAMPAIGN = gettext_noop("a repeat survey follows a P1 campaign")
E_DRAFTS_LEFT = gettext_noop(
    "%(n)s draft items are neither confirmed nor discarded: settle them before the acceptance"
)

P1_BASIS = (("last", Basis.LAST), ("rectify", Basis.RECTIFY))
CAMPAIGN_BASIS = (Basis.LAST, Basis.RECTIFY)
P2_BASIS = {"一般": Basis.FAIR, "较差": Basis.POOR}


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _text(value: str, field: str, maximum: int) -> str:
    return required_text(value, maximum, E_FIELD, field=field, max=maximum)


def _basis(flags: Sequence[str], grade: str) -> str | None:
    for flag, basis in P1_BASIS:
        if flag in flags:
            return basis
    return P2_BASIS.get(grade)


def _grading_leaders(notice: Notice) -> dict[str, tuple[str, str]]:
    """org code → (sponsor leader, liaison) the committee recorded in the grading's follow-up
    (grading.FollowUp); empty for a campaign's notice."""
    if notice.grading_round_id is None:
        return {}
    rows = FollowUp.objects.filter(org__round_id=notice.grading_round_id).values_list(
        "org__code", "sponsor_leader", "liaison"
    )
    return {code: (leader[:100], liaison[:100]) for code, leader, liaison in rows}


def _grading_months(notice: Notice) -> dict[str, int]:
    """org code → the rectification months the committee set, departing from the default."""
    if notice.grading_round_id is None:
        return {}
    rows = FollowUp.objects.filter(
        org__round_id=notice.grading_round_id, rectification_months__isnull=False
    ).values_list("org__code", "rectification_months")
    return {code: months for code, months in rows if months is not None}


def units_to_rectify(notice: Notice) -> list[str]:
    """The names of the units (organizations) a final notice will open plans for: the rule of
    plans_create_for_notice, for the confirmation page that says so beforehand."""
    return [
        e.name for e in notice.entries.order_by("position") if _basis(e.flags, e.grade) is not None
    ]


def plans_create_for_notice(*, notice: Notice, actor: Actor, now: dt.datetime) -> list[Plan]:
    """A plan for every last and rectify unit (P1) and 一般 / 较差 organization (P2) of a final
    notice; a grading's plans take the sponsor leader and liaison from its follow-up.
    Runs inside notice_finalize's transaction. A campaign's period is its scheme's
    ``rectification_months`` (default 6: seed 001, half a year); a grading's is its grade's
    (一般 about three months, results before 七一; 较差 half a year: seed 003), or the period the
    committee set with its reason. The notice's actor, who supervises the plans it opens
    (rectification.access)."""
    access.check_supervise_office(actor, notice.organization)
    campaign_months = (
        campaign_scheme(notice.campaign).rectification_months if notice.campaign else None
    )
    own_months = _grading_months(notice)

    def months_of(code: str, grade: str) -> int:
        if campaign_months is not None:
            return campaign_months
        return own_months.get(code) or schedule_rules.RECTIFICATION_MONTHS.get(grade, 6)

    starts = timezone.localtime(now).date()
    series = notice.campaign.series if notice.campaign else None
    leaders = _grading_leaders(notice)
    plans = [
        Plan(
            organization_id=notice.organization_id,
            notice=notice,
            series=series,
            unit_code=entry.code,
            unit_name=entry.name,
            basis=basis,
            period_starts=starts,
            period_ends=rules.add_months(starts, months_of(entry.code, entry.grade)),
            sponsor_leader=leaders.get(entry.code, ("", ""))[0],
            liaison=leaders.get(entry.code, ("", ""))[1],
        )
        for entry in notice.entries.order_by("position")
        if (basis := _basis(entry.flags, entry.grade)) is not None
    ]
    Plan.objects.bulk_create(plans)
    audit_log(
        actor=actor.name,
        action="rectification.plans.created",
        obj=notice,
        data={"notice": notice.code, "units": [p.unit_code for p in plans]},
        now=now,
    )
    if notice.campaign_id is not None and plans:
        plans_prefill(
            plans=list(Plan.objects.filter(notice=notice).select_related("notice")),
            actor=actor,
            now=now,
        )
    return plans


def plan_for_lookback(
    *, notice: Notice, unit_code: str, unit_name: str, grade: str, actor: Actor, now: dt.datetime
) -> Plan:
    """The plan of a final notice's organization that a look-back moved to 一般 or 较差:
    its existing plan (its basis follows the new grade), or a new one from ``now`` for the
    period of its new grade (or the committee's), with the follow-up's sponsor leader and
    liaison. The caller re-opens it through plan_reopen, which records the look-back; runs
    inside the caller's transaction."""
    access.check_supervise_office(actor, notice.organization)
    basis = P2_BASIS[grade]
    plan = Plan.objects.filter(notice=notice, unit_code=unit_code).first()
    if plan is not None:
        if plan.basis != basis:
            Plan.objects.filter(pk=plan.pk).update(basis=basis)
            plan.basis = basis
        return plan
    starts = timezone.localtime(now).date()
    months = _grading_months(notice).get(unit_code) or schedule_rules.RECTIFICATION_MONTHS[grade]
    leader, liaison = _grading_leaders(notice).get(unit_code, ("", ""))
    plan = Plan.objects.create(
        organization_id=notice.organization_id,
        notice=notice,
        unit_code=unit_code,
        unit_name=unit_name,
        basis=basis,
        period_starts=starts,
        period_ends=rules.add_months(starts, months),
        sponsor_leader=leader,
        liaison=liaison,
    )
    audit_log(
        actor=actor.name,
        action="rectification.plans.created",
        obj=notice,
        data={"notice": notice.code, "units": [unit_code], "lookback": True},
        now=now,
    )
    return plan


def _check_open(plan: Plan) -> None:
    if plan.status != PlanStatus.OPEN:
        raise RuleError(rules.E_PLAN_CLOSED)


def item_add(
    *,
    plan: Plan,
    description: str,
    measures: str,
    target: str,
    owner: str,
    deadline: dt.date,
    actor: Actor,
) -> Item:
    """A problem of the unit, with its measures, quantified target, owner and deadline."""
    access.check_edit(actor, plan)
    fields = {
        "description": _text(description, "problem", 4000),
        "measures": _text(measures, "measures", 4000),
        "target": _text(target, "quantified target", 500),
        "owner": _text(owner, "owner", 100),
    }
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        _check_open(locked)
        last = locked.items.order_by("-number").values_list("number", flat=True).first()
        item = Item.objects.create(plan=locked, number=(last or 0) + 1, deadline=deadline, **fields)
        audit_log(
            actor=actor.name,
            action="rectification.item.added",
            obj=item,
            data={"plan": locked.pk, "unit": locked.unit_code, "number": item.number,
                  "deadline": deadline.isoformat()},
        )  # fmt: skip
    return item


def item_update(
    *, item: Item, actor: Actor, owner: str | None = None, deadline: dt.date | None = None
) -> Item:
    """Changes an item's owner or deadline (None: unchanged); before and after are audited."""
    with transaction.atomic():
        locked = Item.objects.select_for_update().select_related("plan").get(pk=item.pk)
        access.check_edit(actor, locked.plan)
        _check_open(locked.plan)
        before = {"owner": locked.owner, "deadline": locked.deadline.isoformat()}
        if owner is not None:
            locked.owner = _text(owner, "owner", 100)
        if deadline is not None:
            locked.deadline = deadline
        locked.save(update_fields=["owner", "deadline"])
        audit_log(
            actor=actor.name,
            action="rectification.item.changed",
            obj=locked,
            data={"before": before,
                  "after": {"owner": locked.owner, "deadline": locked.deadline.isoformat()}},
        )  # fmt: skip
    return locked


def item_progress(
    *,
    item: Item,
    text: str,
    actor: Actor,
    status: str | None = None,
    files: Sequence[evidence.Upload] = (),
    today: dt.date | None = None,
) -> ProgressNote:
    """A dated progress note, optionally moving the item (未开始 → 进行中 → 已完成, 未开始 →
    已完成 in one note, or back from 已完成 to 进行中) and carrying evidence files (checked
    first: a refused file stores nothing). Closing out is not a progress step: see
    item_close_out."""
    access.check_edit(actor, item.plan)
    text = required_text(text, 4000, E_NOTE)
    checked = evidence.check(files)
    day = _today(today)
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = Item.objects.select_for_update().select_related("plan").get(pk=item.pk)
            _check_open(locked.plan)
            check_confirmed(locked)
            before = locked.status
            if status is not None and status != before:
                rules.check_move(before, status)
                locked.status = status
                locked.save(update_fields=["status"])
            note = ProgressNote.objects.create(
                item=locked, on=day, text=text, author=actor.name, status_after=locked.status
            )
            for file in checked:
                stored.append(evidence.store(file))
                Evidence.objects.create(
                    note=note,
                    stored_name=stored[-1],
                    original_name=file.original_name,
                    content_type=file.content_type,
                    size=len(file.content),
                    sha256=file.sha256,
                )
            audit_log(
                actor=actor.name,
                action="rectification.item.progress",
                obj=locked,
                data={"from": before, "to": locked.status, "note": note.pk,
                      "evidence": [f.sha256 for f in checked]},
            )  # fmt: skip
    except BaseException:
        evidence.remove(stored)
        raise
    item.status = locked.status
    return note


def item_close_out(
    *, item: Item, actor: Actor, note: str = "", today: dt.date | None = None
) -> Item:
    """已完成 → 已销号, approved by the supervising office (its admin or staff) alone."""
    day = _today(today)
    with transaction.atomic():
        locked = Item.objects.select_for_update().select_related("plan").get(pk=item.pk)
        access.check_supervise(actor, locked.plan)
        check_confirmed(locked)
        rules.check_move(locked.status, rules.CLOSED_OUT, supervisor=True)
        locked.status = ItemStatus.CLOSED_OUT
        locked.closed_out_on = day
        locked.closed_out_by = actor.name
        locked.save(update_fields=["status", "closed_out_on", "closed_out_by"])
        ProgressNote.objects.create(
            item=locked,
            on=day,
            text=note.strip() or "销号",
            author=locked.closed_out_by,
            status_after=locked.status,
        )
        audit_log(
            actor=locked.closed_out_by,
            action="rectification.item.closed_out",
            obj=locked,
            data={"plan": locked.plan_id, "unit": locked.plan.unit_code},
        )
    item.status = locked.status
    return locked


E_NO_USER = gettext_noop("no account %(name)r: the administrator creates it first")


def unit_access_grant(*, plan: Plan, username: str, role: str, actor: Actor) -> UnitAccess:
    """Gives a person of the plan's unit its owner's (updates the plans) or a member's
    (reads them) access, across the unit's plans of every year — of the same series for a P1
    unit, of the office's gradings for an organization; a second grant changes the role.
    The account must exist: Pingyi does not make people up."""
    access.check_supervise(actor, plan)
    account = get_user_model().objects.filter(username=username.strip()).first()
    if account is None:
        raise RuleError(E_NO_USER, name=username.strip()[:150])
    if role not in UnitRole.values:
        raise RuleError(E_FIELD, field="role", max=10)
    with transaction.atomic():
        granted, _created = UnitAccess.objects.update_or_create(
            user=account,
            organization=plan.organization,
            series=plan.series,
            unit_code=plan.unit_code,
            defaults={"role": role},
        )
        audit_log(
            actor=actor.name,
            action="rectification.unit.access",
            obj=plan,
            data={"user": account.get_username(), "unit": plan.unit_code, "role": role},
        )
    return granted


def plan_leaders_set(*, plan: Plan, sponsor_leader: str, liaison: str, actor: Actor) -> Plan:
    """The sponsor leader (挂点领导) and liaison (联络员) of a fair or poor organization."""
    access.check_supervise(actor, plan)
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        before = {"sponsor_leader": locked.sponsor_leader, "liaison": locked.liaison}
        locked.sponsor_leader = sponsor_leader.strip()[:100]
        locked.liaison = liaison.strip()[:100]
        locked.save(update_fields=["sponsor_leader", "liaison"])
        audit_log(
            actor=actor.name,
            action="rectification.plan.leaders",
            obj=locked,
            data={"before": before,
                  "after": {"sponsor_leader": locked.sponsor_leader, "liaison": locked.liaison}},
        )  # fmt: skip
    return locked


def plan_accept(
    *, plan: Plan, verdict: str, note: str, actor: Actor, members: Sequence[rules.PanelMember] = (),
    today: dt.date | None = None,
) -> Plan:  # fmt: skip
    """The acceptance inspection (验收) after the rectification period: passed closes the
    plan, failed leaves it open (the unit rectifies on, a look-back may follow). ``members``
    is the panel that inspected (name, body, role), recorded with the verdict in place of an
    earlier panel's; a campaign's plan needs members of the People's Congress and the CPPCC
    (rules.ledger.check_panel)."""
    access.check_supervise(actor, plan)
    day = _today(today)
    members = list(members)
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        _check_open(locked)
        rules.check_acceptance(verdict=verdict, period_ends=locked.period_ends, today=day)
        rules.check_panel(members, campaign_plan=locked.basis in CAMPAIGN_BASIS)
        drafts = locked.items.filter(draft=True).count()
        if drafts:
            raise RuleError(E_DRAFTS_LEFT, n=drafts)
        locked.verdict = verdict
        locked.verdict_note = note.strip()[:4000]
        locked.verdict_on = day
        locked.verdict_by = actor.name
        if verdict == rules.PASSED:
            locked.status = PlanStatus.ACCEPTED
        locked.save(update_fields=["verdict", "verdict_note", "verdict_on", "verdict_by", "status"])
        PanelMember.objects.filter(plan=locked).delete()
        PanelMember.objects.bulk_create(
            PanelMember(plan=locked, position=n, name=m.name, body=m.body, role=m.role)
            for n, m in enumerate(members)
        )
        audit_log(
            actor=actor.name,
            action="rectification.plan.accepted",
            obj=locked,
            data={"unit": locked.unit_code, "verdict": verdict,
                  "panel": [[m.name, m.body, m.role] for m in members]},
        )  # fmt: skip
    return locked


def plan_reopen(
    *,
    plan: Plan,
    reason: str,
    actor: Actor,
    grade_before: str = "",
    grade_after: str = "",
    now: dt.datetime | None = None,
) -> LookBack:
    """A look-back (回头看) re-opens a plan with a recorded reason (e.g. a violation found
    later moves the organization to 较差); its acceptance verdict is cleared."""
    access.check_supervise(actor, plan)
    if not reason.strip():
        raise RuleError(E_REASON)
    moment = now or timezone.now()
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        look = LookBack.objects.create(
            plan=locked,
            at=moment,
            reason=reason.strip()[:4000],
            grade_before=grade_before,
            grade_after=grade_after,
            by=actor.name,
        )
        locked.status = PlanStatus.OPEN
        locked.verdict, locked.verdict_note, locked.verdict_on = "", "", None
        locked.save(update_fields=["status", "verdict", "verdict_note", "verdict_on"])
        PanelMember.objects.filter(plan=locked).delete()
        audit_log(
            actor=actor.name,
            action="rectification.plan.reopened",
            obj=locked,
            data={"reason": look.reason, "grade_before": grade_before, "grade_after": grade_after},
            now=moment,
        )
    return look


def plan_survey_start(*, plan: Plan, year: int, actor: Actor) -> Campaign:
    """A repeat satisfaction survey of the plan's one unit: a small P1 campaign (a draft) with
    the original campaign's scheme, linked to the plan."""
    access.check_supervise(actor, plan)
    source = plan.notice.campaign
    if source is None:
        raise RuleError(E_NOT_A_CAMPAIGN)
    if plan.survey_id is not None:
        raise RuleError(E_SURVEY_EXISTS, code=plan.survey.code if plan.survey else "")
    unit = source.units.select_related("category").get(code=plan.unit_code)
    scheme = campaign_scheme(source)
    code = f"{source.code}-re-{plan.pk}"[:80]
    with transaction.atomic():
        campaign = campaign_create(
            organization_code=plan.organization.code,
            organization_name=plan.organization.name,
            series_code=f"resurvey-{plan.pk}",
            series_name=f"{plan.unit_name} 整改满意度测评",
            year=year,
            name=f"{year}年{plan.unit_name}整改满意度测评",
            scheme=scheme,
            units=[
                UnitSpec(
                    code=unit.code,
                    name=unit.name,
                    category=unit.category_label,
                    category_code=unit.category.code,
                )
            ],
            code=code,
            actor=actor,
        )
        Plan.objects.filter(pk=plan.pk).update(survey=campaign)
        audit_log(
            actor=actor.name,
            action="rectification.plan.survey",
            obj=plan,
            data={"campaign": campaign.code},
        )
    plan.survey = campaign
    return campaign
