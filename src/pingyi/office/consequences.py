"""Results applied (seed 001, 七): the office records each unit's consequences and follows them up.

A campaign's result is read as the history reads it: the notice's entries once it went on
notice (reviews applied), else the closed campaign's own count. Which consequences apply is
decided by rules.consequences; applying records them (campaigns.Consequence) in one
transaction with the audit entry, and applying again adds only what is not yet recorded.
It reads the notice and the ballots beside campaigns, so it sits with the office door's
pages (as office/people_services.py does; issue 11).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction

from django.db import transaction
from django.utils import timezone

from pingyi import evidence
from pingyi.accounts.actors import Actor
from pingyi.audit.services import audit_log
from pingyi.ballots.selectors import campaign_results
from pingyi.campaigns import access
from pingyi.campaigns.models import Campaign, Consequence, FollowUpStatus
from pingyi.notices.models import NoticeEntry
from pingyi.rules import consequences as rules
from pingyi.rules import phases
from pingyi.rules.errors import RuleError, gettext_noop
from pingyi.rules.tally import FLAG_ORDER

E_DONE_ALREADY = gettext_noop("this consequence was already marked done")
E_CONDITION = gettext_noop("confirm first: %(condition)s")
E_REPORT_FILE = gettext_noop("attach the written rectification report (PDF, PNG or JPEG)")
E_NOTE = gettext_noop("the note is at most 4000 characters")
E_DUE = gettext_noop("the report's due date cannot be before the day results are applied")


@dataclass(frozen=True)
class UnitOutcome:
    code: str
    name: str
    category: str
    vertical: bool
    flags: frozenset[str]
    position: int


def campaign_outcomes(campaign: Campaign) -> list[UnitOutcome]:
    """Each unit's result in campaign order; RuleError while there is none (R12)."""
    phases.check_results_visible(campaign.status)
    entries = NoticeEntry.objects.filter(notice__campaign=campaign).order_by("position")
    if entries.exists():
        return [
            UnitOutcome(e.code, e.name, e.group, e.vertical, frozenset(e.flags), e.position)
            for e in entries
        ]
    result = campaign_results(campaign).tally
    rules_by_code = {c.code: c for c in result.scheme.categories}
    return [
        UnitOutcome(
            u.spec.code,
            u.spec.name,
            rules_by_code[u.spec.category_code].name,
            rules_by_code[u.spec.category_code].vertical,
            frozenset(u.flags),
            position,
        )
        for position, u in enumerate(result.units)
    ]


def _earlier_flags(campaign: Campaign) -> dict[int, dict[str, frozenset[str]]]:
    """year → unit code → flags, for every earlier campaign of the series (empty where the
    campaign has no result to show)."""
    found: dict[int, dict[str, frozenset[str]]] = {}
    for before in campaign.series.campaigns.filter(year__lt=campaign.year).order_by("year"):
        try:
            found[before.year] = {o.code: o.flags for o in campaign_outcomes(before)}
        except RuleError:
            found[before.year] = {}
    return found


def cases(campaign: Campaign) -> list[tuple[UnitOutcome, rules.Case]]:
    outcomes = campaign_outcomes(campaign)
    earlier = _earlier_flags(campaign)
    return [
        (
            outcome,
            rules.Case(
                year=campaign.year,
                flags=outcome.flags,
                vertical=outcome.vertical,
                history=tuple(
                    rules.Year(year, flags.get(outcome.code, frozenset()))
                    for year, flags in earlier.items()
                ),
            ),
        )
        for outcome in outcomes
    ]


def consequences_apply(
    *,
    campaign: Campaign,
    actor: Actor,
    report_due: dt.date | None = None,
    now: dt.datetime | None = None,
) -> list[Consequence]:
    """Records every consequence that applies and is not yet recorded; returns those created.
    The written report is due on ``report_due`` (default: 30 days after today). The
    campaign's office applies them (campaigns.access)."""
    access.check_campaign(actor, campaign)
    moment = now or timezone.now()
    today = timezone.localtime(moment).date()
    if report_due is not None and report_due < today:
        raise RuleError(E_DUE)
    due = report_due or rules.default_report_due(today)
    found = cases(campaign)
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        recorded = set(
            Consequence.objects.filter(campaign=campaign).values_list("unit_code", "kind")
        )
        created = [
            Consequence(
                campaign=campaign,
                unit_code=outcome.code,
                unit_name=outcome.name,
                category=outcome.category,
                vertical=outcome.vertical,
                flags=[f for f in FLAG_ORDER if f in outcome.flags],
                position=outcome.position,
                kind=c.kind,
                adjustment=str(c.adjustment) if c.adjustment is not None else "",
                condition=c.check,
                due_on=c.due,
                applied_at=moment,
                applied_by=actor.name,
            )
            for outcome, case in found
            for c in rules.consequences(case, report_due=due)
            if (outcome.code, c.kind) not in recorded
        ]
        Consequence.objects.bulk_create(created)
        audit_log(
            actor=actor.name,
            action="campaigns.consequence.applied",
            obj=campaign,
            data={
                "campaign": campaign.code,
                "report_due": due.isoformat(),
                "applied": [[c.unit_code, c.kind] for c in created],
            },
            now=moment,
        )
    return created


def consequence_done(
    *,
    consequence: Consequence,
    actor: Actor,
    note: str = "",
    confirmed: bool = False,
    upload: evidence.Upload | None = None,
    today: dt.date | None = None,
) -> Consequence:
    """Marks the follow-up done: a removal needs its condition confirmed (七.7), a written
    report its file (checked first: a refused file stores nothing). The campaign's office
    follows them up (campaigns.access)."""
    access.check_campaign(actor, consequence.campaign)
    note = note.strip()
    if len(note) > 4000:
        raise RuleError(E_NOTE)
    if consequence.condition and not confirmed:
        raise RuleError(E_CONDITION, condition=consequence.condition)
    checked = evidence.check([upload] if upload is not None else [])
    if consequence.kind == rules.WRITTEN_REPORT and not checked:
        raise RuleError(E_REPORT_FILE)
    day = today or timezone.localdate()
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = Consequence.objects.select_for_update().get(pk=consequence.pk)
            if locked.status == FollowUpStatus.DONE:
                raise RuleError(E_DONE_ALREADY)
            locked.status, locked.done_on, locked.done_by = FollowUpStatus.DONE, day, actor.name
            locked.note, locked.checked = note, bool(locked.condition) and confirmed
            for file in checked:
                stored.append(evidence.store(file))
                locked.file_stored_name, locked.file_name = stored[-1], file.original_name
                locked.file_type, locked.file_size = file.content_type, len(file.content)
                locked.file_sha256 = file.sha256
            locked.save()
            audit_log(
                actor=actor.name,
                action="campaigns.consequence.done",
                obj=locked,
                data={
                    "campaign": locked.campaign.code,
                    "unit": locked.unit_code,
                    "kind": locked.kind,
                    "on": day.isoformat(),
                    "file": locked.file_sha256,
                },
            )
    except BaseException:
        evidence.remove(stored)
        raise
    return locked


# ------------------------------------------------------------------------------- selectors


@dataclass
class Row:
    consequence: Consequence
    overdue: bool


@dataclass
class UnitBlock:
    code: str
    name: str
    category: str
    vertical: bool
    flags: list[str]
    rows: list[Row] = field(default_factory=list)

    @property
    def bonus(self) -> Fraction:
        return sum(
            (Fraction(r.consequence.adjustment) for r in self.rows if r.consequence.adjustment),
            Fraction(0),
        )

    @property
    def overdue(self) -> int:
        return sum(1 for r in self.rows if r.overdue)


def consequence_board(campaign: Campaign, *, today: dt.date) -> list[UnitBlock]:
    """Units × recorded consequences, with each follow-up's state on ``today``."""
    blocks: dict[str, UnitBlock] = {}
    for c in Consequence.objects.filter(campaign=campaign).order_by("position", "id"):
        block = blocks.setdefault(
            c.unit_code, UnitBlock(c.unit_code, c.unit_name, c.category, c.vertical, c.flags)
        )
        overdue = rules.is_overdue(due=c.due_on, done=c.status == FollowUpStatus.DONE, today=today)
        block.rows.append(Row(c, overdue))
    order = {k: i for i, k in enumerate(rules.KINDS)}
    for block in blocks.values():
        block.rows.sort(key=lambda r: order.get(r.consequence.kind, len(order)))
    return list(blocks.values())
