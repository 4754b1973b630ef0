"""Use cases of the notice (P3). Each runs in one transaction with its audit entry (R14).

The order of a result's life: notice_publish (closed → published; the notice opens; a
grading: grading_notice.notice_publish_grading) →
objection_file (anyone, inside the period) → objection_assign / objection_note /
objection_answer (staff) → review_apply (staff, changes the result, audited) →
notice_finalize (published → final, only after the period with every objection answered;
the rectification plans are made in the same transaction). Each one that the office does
takes the actor and decides in notices.access whether the actor may (pages, the API and the
CLI call them alike); the audit entry records the actor's name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Membership
from pingyi.audit.services import audit_head_parts, audit_log
from pingyi.ballots.selectors import campaign_previous_last, campaign_results
from pingyi.campaigns.models import Campaign
from pingyi.campaigns.selectors import campaign_scheme
from pingyi.campaigns.services import campaign_finalize, campaign_publish
from pingyi.notices import access
from pingyi.notices.grading_notice import E_GRADE_FIELDS, grade_review_changes
from pingyi.notices.hooks import final_steps_run
from pingyi.notices.models import (
    Notice,
    NoticeEntry,
    NoticeKind,
    NoticeStatus,
    Objection,
    ObjectionNote,
    ObjectionStatus,
    Review,
)
from pingyi.notices.selectors import TRACKING_LENGTH, entry_results
from pingyi.rules import notice as rules
from pingyi.rules import phases
from pingyi.rules.errors import RuleError, gettext_noop
from pingyi.rules.scheme import fraction_text
from pingyi.rules.tally import TallyResult
from pingyi.rules.text import required_text
from pingyi.voting import codes
from pingyi.voting.models import Receipt
from pingyi.voting.selectors import collection_status

MAX_TEXT = 4000
MAX_CONTACT = 200

E_NO_ENTRY = gettext_noop("the notice has no unit %(code)r")
E_TEXT = gettext_noop("say what is wrong (1 to %(max)s characters)")
E_CONTACT = gettext_noop("a contact is at most %(max)s characters")
E_ANSWER = gettext_noop("write the answer (1 to %(max)s characters)")
E_NOTE = gettext_noop("write the note (1 to %(max)s characters)")
E_ASSIGNEE = gettext_noop("the assignee must be staff of the organizing office")
E_OTHER_NOTICE = gettext_noop("the objection belongs to another notice")
E_VETO_P1 = gettext_noop("a one-vote veto belongs to an appraisal campaign's units")
E_GRADE_P2 = gettext_noop("a grade belongs to a grading's organizations")


def _revised(notice_id: int) -> None:
    """The public page changes: its cached copy (keyed on the revision) is not served again."""
    Notice.objects.filter(pk=notice_id).update(revision=F("revision") + 1)


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment)


def _fraction_text(value: Any) -> str:
    return "" if value is None else fraction_text(value)


def _entries(notice: Notice, result: TallyResult) -> list[NoticeEntry]:
    position = {c.code: i for i, c in enumerate(result.scheme.categories)}
    rules_by_code = {c.code: c for c in result.scheme.categories}
    return [
        NoticeEntry(
            notice=notice,
            position=i,
            code=u.spec.code,
            name=u.spec.name,
            group=rules_by_code[u.spec.category_code].name,
            group_code=u.spec.category_code,
            group_position=position[u.spec.category_code],
            rank=u.rank,
            flags=list(u.flags),
            veto=u.spec.veto,
            vertical=rules_by_code[u.spec.category_code].vertical,
            valid_ballots=u.valid_ballots,
            counts=list(u.counts),
            score=fraction_text(u.score),
            mean_score=_fraction_text(u.mean_score),
            satisfaction_rate=_fraction_text(u.satisfaction_rate),
        )
        for i, u in enumerate(result.units)
    ]


def notice_publish(
    *, campaign: Campaign, actor: Actor, now: dt.datetime | None = None, days: int | None = None
) -> Notice:
    """closed → published: the result goes on public notice for ``days`` (the scheme's
    ``notice_days``, default 5). Refused for a campaign that is not closed (R16) and for a
    result with fewer valid ballots than the scheme's anonymity threshold (R12)."""
    access.check_run(actor, campaign.series.organization)
    moment = _now(now)
    scheme = campaign_scheme(campaign)
    period = days if days is not None else scheme.notice_days
    rules.check_days(period)
    phases.check_transition(campaign.status, phases.PUBLISHED)  # the clear message first
    result = campaign_results(campaign).tally  # refuses under k valid ballots (R12)
    before = campaign.status
    try:
        with transaction.atomic():
            campaign_publish(campaign=campaign, actor=actor)  # locks it; refuses a skip
            notice = _notice_create(campaign, result, actor=actor.name, moment=moment, days=period)
    except BaseException:
        campaign.status = before  # the transaction rolled back: so does the object
        raise
    return notice


def _notice_create(
    campaign: Campaign, result: TallyResult, *, actor: str, moment: dt.datetime, days: int
) -> Notice:
    """The notice with its entries and the counts that reconcile (R15), inside publishing's
    transaction; the audit chain's head is taken before the publication's own entry."""
    collection = collection_status(campaign)
    parts = audit_head_parts()
    notice = Notice.objects.create(
        organization=campaign.series.organization,
        kind=NoticeKind.CAMPAIGN,
        campaign=campaign,
        code=campaign.code,
        title=campaign.name,
        days=days,
        opens_at=moment,
        ends_at=rules.notice_ends(moment, days),
        published_by=actor,
        head_at_publication=parts.combined(),
        tokens_issued=collection.tokens_issued,
        tokens_withdrawn=collection.tokens_withdrawn,
        tokens_used=collection.tokens_used,
        paper_ballots=collection.paper,
        ballots_counted=result.total_ballots,
        valid_ballots=result.valid_ballots,
        receipts=Receipt.objects.filter(campaign=campaign).count(),
        previous_last=sorted(campaign_previous_last(campaign)),
    )
    NoticeEntry.objects.bulk_create(_entries(notice, result))
    audit_log(
        actor=actor,
        action="notices.notice.published",
        obj=notice,
        data={
            "notice": notice.code,
            "campaign": campaign.code,
            "days": days,
            "ends_at": notice.ends_at.isoformat(),
            "head": notice.head_at_publication,
            "head_parts": parts.as_data(),  # so that verify can find it in the chain
        },
        now=moment,
    )
    return notice


@dataclass(frozen=True)
class Filed:
    objection: Objection
    tracking_code: str  # shown once to the filer; only its hash is stored


def objection_file(
    *,
    notice: Notice,
    entry_code: str,
    text: str,
    contact: str = "",
    now: dt.datetime | None = None,
) -> Filed:
    """Anyone files an objection to one unit while the notice runs (R16); no login."""
    moment = _now(now)
    text, contact = required_text(text, MAX_TEXT, E_TEXT, max=MAX_TEXT), contact.strip()
    if len(contact) > MAX_CONTACT:
        raise RuleError(E_CONTACT, max=MAX_CONTACT)
    code = codes.new_code(TRACKING_LENGTH)
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        rules.check_objection_window(
            status=locked.status,
            opens_at=_local(locked.opens_at),
            ends_at=_local(locked.ends_at),
            now=moment,
        )
        entry = NoticeEntry.objects.filter(notice=locked, code=entry_code).first()
        if entry is None:
            raise RuleError(E_NO_ENTRY, code=entry_code[:60])
        objection = Objection.objects.create(
            notice=locked,
            entry=entry,
            text=text,
            contact=contact,
            digest=codes.digest(code),
            filed_at=moment,
        )
        # Neither the text nor the contact: the chain's hash is published with the notice.
        audit_log(
            actor="public",
            action="notices.objection.filed",
            obj=objection,
            data={"notice": locked.code, "unit": entry.code},
            now=moment,
        )
    return Filed(objection=objection, tracking_code=codes.grouped(code))


def _locked(objection: Objection) -> Objection:
    locked = Objection.objects.select_for_update().select_related("notice", "entry")
    found = locked.get(pk=objection.pk)
    rules.check_notice_open(found.notice.status)
    return found


def objection_assign(
    *,
    objection: Objection,
    assignee: AbstractBaseUser,
    actor: Actor,
    now: dt.datetime | None = None,
) -> Objection:
    """Gives the objection to a staff member of the office to investigate."""
    access.check_run(actor, objection.notice.organization)
    with transaction.atomic():
        found = _locked(objection)
        if not Membership.objects.filter(
            user_id=assignee.pk, organization_id=found.notice.organization_id
        ).exists():
            raise RuleError(E_ASSIGNEE)
        rules.check_objection_move(found.status, rules.ASSIGNED)
        found.status = ObjectionStatus.ASSIGNED
        found.assignee_id = assignee.pk
        found.save(update_fields=["status", "assignee"])
        audit_log(
            actor=actor.name,
            action="notices.objection.assigned",
            obj=found,
            data={"to": assignee.get_username()},
            now=now,
        )
    return found


def objection_note(
    *, objection: Objection, text: str, actor: Actor, now: dt.datetime | None = None
) -> ObjectionNote:
    """An investigation note (staff only); allowed until the notice is final."""
    access.check_run(actor, objection.notice.organization)
    text = required_text(text, MAX_TEXT, E_NOTE, max=MAX_TEXT)
    moment = _now(now)
    with transaction.atomic():
        found = _locked(objection)
        note = ObjectionNote.objects.create(
            objection=found, author=actor.name, at=moment, text=text
        )
        audit_log(
            actor=actor.name,
            action="notices.objection.noted",
            obj=found,
            data={"note": note.pk},
            now=moment,
        )
    return note


def objection_answer(
    *, objection: Objection, answer: str, actor: Actor, now: dt.datetime | None = None
) -> Objection:
    """The public answer; once given it does not change (the filer reads it by tracking code)."""
    access.check_run(actor, objection.notice.organization)
    answer = required_text(answer, MAX_TEXT, E_ANSWER, max=MAX_TEXT)
    moment = _now(now)
    with transaction.atomic():
        found = _locked(objection)
        rules.check_objection_move(found.status, rules.ANSWERED)
        found.status = ObjectionStatus.ANSWERED
        found.answer = answer
        found.answered_at = moment
        found.answered_by = actor.name
        found.save(update_fields=["status", "answer", "answered_at", "answered_by"])
        _revised(found.notice_id)
        audit_log(
            actor=actor.name,
            action="notices.objection.answered",
            obj=found,
            data={"notice": found.notice.code, "unit": found.entry.code},
            now=moment,
        )
    return found


def _change(entry: NoticeEntry, field: str, before: Any, after: Any) -> dict[str, Any]:
    return {
        "code": entry.code,
        "name": entry.name,
        "field": field,
        "before": before,
        "after": after,
    }


def _veto_changes(notice: Notice, entry: NoticeEntry, veto: bool) -> list[dict[str, Any]]:
    """Sets the veto and re-decides the category's flags; the changes it made, entry by entry."""
    entries = list(notice.entries.filter(group_code=entry.group_code).order_by("position"))
    units = entry_results(entries)
    if notice.campaign is None:
        raise RuleError(E_VETO_P1)
    scheme = campaign_scheme(notice.campaign)
    after = rules.reflag_with_veto(
        units, code=entry.code, veto=veto, scheme=scheme, previous_last=notice.previous_last
    )
    changes = [_change(entry, "veto", entry.veto, veto)]
    for row, unit in zip(entries, after, strict=True):
        touched = row.code == entry.code
        if touched:
            row.veto = veto
        if unit.flags != row.flags:
            changes.append(_change(row, "flags", row.flags, unit.flags))
            row.flags = unit.flags
            touched = True
        if touched:
            row.reviewed = True
            row.save(update_fields=["veto", "flags", "reviewed"])
    return changes


def review_apply(
    *,
    notice: Notice,
    entry_code: str,
    reason: str,
    approved_by: str,
    actor: Actor,
    objection: Objection | None = None,
    veto: bool | None = None,
    rank: int | None = None,
    flags: list[str] | None = None,
    grade: str | None = None,
    now: dt.datetime | None = None,
) -> Review:
    """A review (复核) changes one unit's result while the notice runs: its one-vote veto
    (the category's flags are decided again), its rank, or its flags (set as given, after a
    veto change) for a campaign; an organization's grade for a grading (through the grading
    app's grade change, see grading_notice). None leaves a field as it is. Refused without a
    reason and an approver, and when nothing would change. Every change is recorded with
    before and after."""
    access.check_run(actor, notice.organization)
    moment = _now(now)
    with transaction.atomic():
        locked = (
            Notice.objects.select_for_update(of=("self",))
            .select_related("campaign")
            .get(pk=notice.pk)
        )
        rules.check_review(status=locked.status, reason=reason, approved_by=approved_by)
        entry = NoticeEntry.objects.filter(notice=locked, code=entry_code).first()
        if entry is None:
            raise RuleError(E_NO_ENTRY, code=entry_code[:60])
        if objection is not None and objection.notice_id != locked.pk:
            raise RuleError(E_OTHER_NOTICE)
        changes: list[dict[str, Any]] = []
        if locked.kind == NoticeKind.GRADING:
            if veto is not None or rank is not None or flags is not None:
                raise RuleError(E_GRADE_FIELDS)
            if grade is not None and grade != entry.grade:
                changes += grade_review_changes(
                    notice=locked, entry=entry, grade=grade, reason=reason.strip(),
                    actor=actor, now=moment,
                )  # fmt: skip
                entry.refresh_from_db()
        elif grade is not None:
            raise RuleError(E_GRADE_P2)
        if veto is not None and veto != entry.veto:
            changes += _veto_changes(locked, entry, veto)
            entry.refresh_from_db()
        if rank is not None and rules.clean_rank(rank) != entry.rank:
            changes.append(_change(entry, "rank", entry.rank, rank))
            entry.rank = rank
        if flags is not None:
            wanted = rules.clean_flags(flags)
            if wanted != entry.flags:
                changes.append(_change(entry, "flags", entry.flags, wanted))
                entry.flags = wanted
        if not changes:
            raise RuleError(rules.E_REVIEW_NOTHING)
        entry.reviewed = True
        entry.save(update_fields=["rank", "flags", "reviewed"])
        _revised(locked.pk)
        review = Review.objects.create(
            notice=locked,
            entry=entry,
            objection=objection,
            changes=changes,
            reason=reason.strip(),
            approved_by=approved_by.strip(),
            recorded_by=actor.name,
            at=moment,
        )
        audit_log(
            actor=actor.name,
            action="notices.review.applied",
            obj=review,
            data={
                "notice": locked.code,
                "unit": entry.code,
                "objection": objection.pk if objection else None,
                "changes": changes,
                "reason": review.reason,
                "approved_by": review.approved_by,
            },
            now=moment,
        )
    return review


def notice_finalize(*, notice: Notice, actor: Actor, now: dt.datetime | None = None) -> Notice:
    """published → final: only once the period is over and every objection is answered (R16).

    The rectification plans of the final result are made in the same transaction (the
    ledger's step, notices.hooks)."""
    access.check_run(actor, notice.organization)
    moment = _now(now)
    with transaction.atomic():
        locked = (
            Notice.objects.select_for_update(of=("self",))
            .select_related("campaign")
            .get(pk=notice.pk)
        )
        unanswered = locked.objections.exclude(status=ObjectionStatus.ANSWERED).count()
        rules.check_finalize(
            status=locked.status,
            ends_at=_local(locked.ends_at),
            unanswered=unanswered,
            now=moment,
        )
        if locked.campaign is not None:
            campaign_finalize(campaign=locked.campaign, actor=actor)
        locked.status = NoticeStatus.FINAL
        locked.finalized_at = moment
        locked.finalized_by = actor.name
        locked.save(update_fields=["status", "finalized_at", "finalized_by"])
        _revised(locked.pk)
        audit_log(
            actor=actor.name,
            action="notices.notice.final",
            obj=locked,
            data={"notice": locked.code, "reviews": locked.reviews.count()},
            now=moment,
        )
        final_steps_run(locked, actor, moment)  # the ledger follows (notices.hooks)
    notice.status, notice.finalized_at, notice.finalized_by = locked.status, moment, actor.name
    return notice
