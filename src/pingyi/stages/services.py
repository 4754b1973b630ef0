"""Use cases of the stages (seed 001 八): each checks who asks (stages.access), runs in one
transaction with its audit entry, and stores a file only once everything else is accepted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from pingyi import evidence
from pingyi.accounts.actors import Actor
from pingyi.audit.services import audit_log
from pingyi.campaigns.models import Campaign, CampaignStage, StageKind, Unit
from pingyi.rectification.models import UnitAccess, UnitRole
from pingyi.rules import stages as rules
from pingyi.rules.errors import RuleError, gettext_noop
from pingyi.rules.text import required_text
from pingyi.stages import access
from pingyi.stages.models import Attached, Brief, Pledge, RectificationReport, SelfInspection

E_PLEDGE_TEXT = gettext_noop("write the pledges (1 to 8000 characters)")
E_REPORT_TEXT = gettext_noop("write the self-inspection report (1 to 8000 characters)")
E_COMMENT = gettext_noop("say what to revise (1 to 4000 characters)")
E_PLAN = gettext_noop("the plan is at most 20000 characters, the criteria at most 4000")
E_NO_PLEDGE = gettext_noop("no pledge has been drafted for this unit")
E_NOT_STARTED = gettext_noop("the self-inspection stage starts on %(day)s")
E_NO_UNIT = gettext_noop("no unit %(code)r in this campaign")
E_NO_USER = gettext_noop("no account %(name)r: the administrator creates it first")
E_ROLE = gettext_noop("a unit role is owner or member")


def _today(now: dt.datetime) -> dt.date:
    return timezone.localtime(now).date()


def _attach(record: Attached, upload: evidence.Upload | None, stored: list[str]) -> None:
    """Stores the checked file (its name into ``stored`` for removal if the transaction
    fails) and records it on ``record``; no upload keeps the file already there."""
    for file in evidence.check([upload] if upload is not None else []):
        stored.append(evidence.store(file))
        record.file_stored_name, record.file_name = stored[-1], file.original_name
        record.file_type, record.file_size = file.content_type, len(file.content)
        record.file_sha256 = file.sha256


# A unit's report of a stage, filed and then received: its self-inspection (自查自纠) or its
# rectification report (集中整改, stages.opinion_services).


def report_file[Report: (SelfInspection, RectificationReport)](
    model: type[Report], *, unit: Unit, text: str, upload: evidence.Upload | None,
    actor: Actor, day: dt.date, check: Callable[[Report | None], None], action: str,
) -> Report:  # fmt: skip
    """Files (or files again) the unit's report of ``model`` once ``check`` accepts the one
    there: under the unit's lock, with its audit entry ``action``; a stored file is removed
    again if anything fails."""
    stored: list[str] = []
    try:
        with transaction.atomic():
            Unit.objects.select_for_update().filter(pk=unit.pk).first()
            report = model.objects.filter(unit=unit).first()
            check(report)
            report = report or model(unit=unit)
            report.text, report.status = text, rules.FILED
            report.filed_on, report.filed_by = day, actor.name
            _attach(report, upload, stored)
            report.save()
            audit_log(
                actor=actor.name,
                action=action,
                obj=report,
                data={"campaign": unit.campaign.code, "unit": unit.code, "on": day.isoformat(),
                      "chars": len(text), "file": report.file_sha256},
            )  # fmt: skip
    except BaseException:
        evidence.remove(stored)
        raise
    return report


def report_receive[Report: (SelfInspection, RectificationReport)](
    model: type[Report], *, report: Report, actor: Actor, day: dt.date,
    check: Callable[[str | None], None], action: str,
) -> Report:  # fmt: skip
    """The office marks the unit's filed report received, once ``check`` accepts its status."""
    with transaction.atomic():
        locked = model.objects.select_for_update().select_related("unit").get(pk=report.pk)
        check(locked.status)
        locked.status, locked.received_on, locked.received_by = rules.RECEIVED, day, actor.name
        locked.save()
        audit_log(
            actor=actor.name,
            action=action,
            obj=locked,
            data={"campaign": locked.unit.campaign.code, "unit": locked.unit.code,
                  "on": day.isoformat()},
        )  # fmt: skip
    return locked


def brief_save(
    *, campaign: Campaign, plan: str, criteria: str, public: bool, actor: Actor,
    now: dt.datetime | None = None,
) -> Brief:  # fmt: skip
    """The public page's plan and criteria, and whether the page is public (宣传发动)."""
    access.check_office(actor, campaign)
    plan, criteria = plan.strip(), criteria.strip()
    if len(plan) > 20000 or len(criteria) > 4000:
        raise RuleError(E_PLAN)
    moment = now or timezone.now()
    with transaction.atomic():
        brief, _created = Brief.objects.update_or_create(
            campaign=campaign,
            defaults={"plan": plan, "criteria": criteria, "public": public,
                      "updated_at": moment, "updated_by": actor.name},
        )  # fmt: skip
        audit_log(
            actor=actor.name,
            action="stages.brief.saved",
            obj=brief,
            data={"campaign": campaign.code, "public": public, "plan_chars": len(plan),
                  "criteria": len(brief.criteria_list())},
            now=moment,
        )  # fmt: skip
    return brief


def unit_owner_grant(
    *, campaign: Campaign, unit_code: str, username: str, actor: Actor,
    role: str = UnitRole.OWNER,
) -> UnitAccess:  # fmt: skip
    """Names the person who files for a unit (owner) or reads its filings (member). The grant
    is the series' (rectification.UnitAccess): it holds for the unit's plans and for the
    stages of every year; a second grant changes the role."""
    access.check_office(actor, campaign)
    if not campaign.units.filter(code=unit_code).exists():
        raise RuleError(E_NO_UNIT, code=unit_code[:60])
    account = get_user_model().objects.filter(username=username.strip()).first()
    if account is None:
        raise RuleError(E_NO_USER, name=username.strip()[:150])
    if role not in UnitRole.values:
        raise RuleError(E_ROLE)
    with transaction.atomic():
        grant, _created = UnitAccess.objects.update_or_create(
            user=account,
            organization_id=campaign.series.organization_id,
            series=campaign.series,
            unit_code=unit_code,
            defaults={"role": role},
        )
        audit_log(
            actor=actor.name,
            action="stages.unit.owner_granted",
            obj=grant,
            data={"campaign": campaign.code, "unit": unit_code,
                  "user": account.get_username(), "role": role},
        )  # fmt: skip
    return grant


def pledge_save(
    *, unit: Unit, text: str, actor: Actor, upload: evidence.Upload | None = None,
    submit: bool = False, now: dt.datetime | None = None,
) -> Pledge:  # fmt: skip
    """Drafts (or redrafts, after a return) the unit's pledges, and submits them to the
    office when ``submit``. An approved or submitted pledge is not changed."""
    access.check_owner(actor, unit)
    text = required_text(text, 8000, E_PLEDGE_TEXT)
    evidence.check([upload] if upload is not None else [])  # refused before anything moves
    moment = now or timezone.now()
    stored: list[str] = []
    try:
        with transaction.atomic():
            Unit.objects.select_for_update().filter(pk=unit.pk).first()
            pledge = Pledge.objects.filter(unit=unit).first()
            rules.check_pledge_editable(pledge.status if pledge else None)
            pledge = pledge or Pledge(unit=unit)
            pledge.text, pledge.updated_at, pledge.updated_by = text, moment, actor.name
            pledge.status = rules.SUBMITTED if submit else rules.DRAFT
            pledge.submitted_on = _today(moment) if submit else None
            _attach(pledge, upload, stored)
            pledge.save()
            audit_log(
                actor=actor.name,
                action="stages.pledge.submitted" if submit else "stages.pledge.saved",
                obj=pledge,
                data={"campaign": unit.campaign.code, "unit": unit.code,
                      "chars": len(text), "file": pledge.file_sha256},
                now=moment,
            )  # fmt: skip
    except BaseException:
        evidence.remove(stored)
        raise
    return pledge


def pledge_submit(*, unit: Unit, actor: Actor, now: dt.datetime | None = None) -> Pledge:
    """Sends the drafted pledges to the office as they stand."""
    access.check_owner(actor, unit)
    moment = now or timezone.now()
    with transaction.atomic():
        pledge = Pledge.objects.select_for_update().filter(unit=unit).first()
        if pledge is None:
            raise RuleError(E_NO_PLEDGE)
        rules.check_pledge_editable(pledge.status)
        pledge.status, pledge.submitted_on = rules.SUBMITTED, _today(moment)
        pledge.updated_at, pledge.updated_by = moment, actor.name
        pledge.save()
        audit_log(
            actor=actor.name,
            action="stages.pledge.submitted",
            obj=pledge,
            data={"campaign": unit.campaign.code, "unit": unit.code, "file": pledge.file_sha256},
            now=moment,
        )
    return pledge


def _decide(
    pledge: Pledge, *, status: str, comment: str, actor: Actor, today: dt.date | None
) -> Pledge:
    access.check_office(actor, pledge.unit.campaign)
    day = today or timezone.localdate()
    with transaction.atomic():
        locked = Pledge.objects.select_for_update().select_related("unit").get(pk=pledge.pk)
        rules.check_pledge_decidable(locked.status)
        locked.status, locked.comment = status, comment
        locked.decided_on, locked.decided_by = day, actor.name
        locked.save()
        audit_log(
            actor=actor.name,
            action=f"stages.pledge.{status}",
            obj=locked,
            data={"campaign": locked.unit.campaign.code, "unit": locked.unit.code,
                  "on": day.isoformat(), "comment": comment},
        )  # fmt: skip
    return locked


def pledge_approve(*, pledge: Pledge, actor: Actor, today: dt.date | None = None) -> Pledge:
    """The office approves the submitted pledges: they go on the public page."""
    return _decide(pledge, status=rules.APPROVED, comment="", actor=actor, today=today)


def pledge_return(
    *, pledge: Pledge, comment: str, actor: Actor, today: dt.date | None = None
) -> Pledge:
    """The office returns the submitted pledges with what to revise; the owner redrafts."""
    comment = required_text(comment, 4000, E_COMMENT)
    return _decide(pledge, status=rules.RETURNED, comment=comment, actor=actor, today=today)


def _stage(campaign: Campaign, kind: str) -> CampaignStage | None:
    return campaign.stages.filter(kind=kind).first()


def inspection_file(
    *, unit: Unit, text: str, actor: Actor, upload: evidence.Upload | None = None,
    today: dt.date | None = None,
) -> SelfInspection:  # fmt: skip
    """Files (or files again, until the office receives it) the unit's self-inspection
    report. Not before the stage starts; after its end it is filed late (the board shows
    the unit overdue until the office receives it)."""
    access.check_owner(actor, unit)
    text = required_text(text, 8000, E_REPORT_TEXT)
    evidence.check([upload] if upload is not None else [])
    day = today or timezone.localdate()
    stage = _stage(unit.campaign, StageKind.SELF_INSPECTION)
    if stage is not None and day < stage.starts_on:
        raise RuleError(E_NOT_STARTED, day=stage.starts_on.isoformat())
    return report_file(
        SelfInspection, unit=unit, text=text, upload=upload, actor=actor, day=day,
        check=lambda found: rules.check_report_editable(found.status if found else None),
        action="stages.self_inspection.filed",
    )  # fmt: skip


def inspection_receive(
    *, report: SelfInspection, actor: Actor, today: dt.date | None = None
) -> SelfInspection:
    """The office marks the filed report received: the unit's 自查自纠 is done."""
    access.check_office(actor, report.unit.campaign)
    day = today or timezone.localdate()
    return report_receive(
        SelfInspection, report=report, actor=actor, day=day,
        check=rules.check_report_receivable, action="stages.self_inspection.received",
    )  # fmt: skip
