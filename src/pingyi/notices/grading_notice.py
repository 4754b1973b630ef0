"""A P2 grading's public notice (公示复核 of seed 003): publication and the grade a review changes.

Where it sits in the round (a documented choice): seed 003 orders the steps 党委研究 →
公示复核 → 审核备案, so a grading is published at the round's decision step, once every
organization has its grade and before any committee files (publication is refused after a
filing; filing is refused while the notice runs, grading.decisions). The grades are copied
into NoticeEntry rows — committee, sector, total, grade, overrides — so the public page reads
a fixed number of rows. A review changes a grade through the grading app's own mechanism
(grading.decisions.grade_change, its GradeChange with the reason), so grading_state and the
report tables say what the notice says; every entry whose grade moved (a general branch's
branches follow it) is recorded in the review.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from pingyi.accounts.actors import Actor
from pingyi.audit.services import audit_head_parts, audit_log
from pingyi.grading.decisions import grade_change
from pingyi.grading.models import Filing, GradingRound, PartyOrg
from pingyi.grading.selectors import RoundGrading, grading_state
from pingyi.notices import access
from pingyi.notices.models import Notice, NoticeEntry, NoticeKind
from pingyi.rules import grading as grading_rules
from pingyi.rules import notice as rules
from pingyi.rules.errors import Listing, RuleError, Term, gettext_noop
from pingyi.rules.scheme import fraction_text

E_STEP = gettext_noop(
    "a grading is published at the committee decision step (after 党委研究, before filing); "
    "the round is at the step: %(step)s"
)
E_PUBLISHED = gettext_noop("the round's result is already published: notice %(code)s")
E_NO_ORGS = gettext_noop("the round has no organization to publish")
E_UNGRADED = gettext_noop(
    "every organization needs its grade before the notice; %(n)s cannot be graded yet: %(codes)s"
)
E_FILED = gettext_noop(
    "committees have filed already (%(names)s): the notice comes before filing (seed 003)"
)
E_GRADE_FIELDS = gettext_noop("a review of a grading changes an organization's grade, nothing else")


def _entries(notice: Notice, state: RoundGrading) -> list[NoticeEntry]:
    rows = []
    for position, org_state in enumerate(state.orgs):
        org, graded = org_state.org, org_state.graded
        if graded is None or org_state.total is None:  # _check_publishable refused it
            raise RuleError(E_UNGRADED, n=1, codes=org.code)
        rate = org_state.survey.rate
        rows.append(
            NoticeEntry(
                notice=notice,
                position=position,
                code=org.code,
                name=org.name,
                group=org.committee.name,
                group_code=f"k{org.committee_id}",
                group_position=org.committee.position,
                sector=org.sector,
                grade=graded.grade,
                overrides=list(graded.overrides),
                score=fraction_text(org_state.total),
                satisfaction_rate=fraction_text(rate) if rate is not None else "",
                valid_ballots=org_state.survey.ballots,
            )
        )
    return rows


def _check_publishable(locked: GradingRound, state: RoundGrading) -> None:
    if locked.status != grading_rules.DECISION:
        raise RuleError(
            E_STEP, step=Term(grading_rules.STEP_WORDS.get(locked.status, locked.status))
        )
    existing = Notice.objects.filter(grading_round=locked).values_list("code", flat=True).first()
    if existing is not None:
        raise RuleError(E_PUBLISHED, code=existing)
    if not state.orgs:
        raise RuleError(E_NO_ORGS)
    filed = Filing.objects.filter(committee__round=locked).select_related("committee")
    if filed:
        raise RuleError(E_FILED, names=Listing(f.committee.name for f in filed))
    ungraded = [s.org.code for s in state.orgs if s.graded is None or s.total is None]
    if ungraded:
        shown = Listing(ungraded[:10] + (["…"] if len(ungraded) > 10 else []))
        raise RuleError(E_UNGRADED, n=len(ungraded), codes=shown)


def _code(grading_round: GradingRound) -> str:
    """The round's code, unless a campaign's notice has it already."""
    code = grading_round.code
    return f"{code}-notice"[:80] if Notice.objects.filter(code=code).exists() else code


def notice_publish_grading(
    *,
    grading_round: GradingRound,
    actor: Actor,
    now: dt.datetime | None = None,
    days: int | None = None,
) -> Notice:
    """decision step → on notice for ``days`` (default 5): every organization's grade by
    committee, on a public page. Refused outside the decision step, after a committee filed,
    while any organization cannot be graded, and a second time (R16)."""
    access.check_run(actor, grading_round.organization)
    moment = now or timezone.now()
    period = days if days is not None else rules.DEFAULT_DAYS
    rules.check_days(period)
    with transaction.atomic():
        locked = GradingRound.objects.select_for_update().get(pk=grading_round.pk)
        state = grading_state(locked)
        _check_publishable(locked, state)
        parts = audit_head_parts()  # before the publication's own entry
        notice = Notice.objects.create(
            organization_id=locked.organization_id,
            kind=NoticeKind.GRADING,
            grading_round=locked,
            code=_code(locked),
            title=locked.name,
            days=period,
            opens_at=moment,
            ends_at=rules.notice_ends(moment, period),
            published_by=actor.name,
            head_at_publication=parts.combined(),
        )
        NoticeEntry.objects.bulk_create(_entries(notice, state), batch_size=500)
        counts = {g: sum(1 for s in state.orgs if s.grade == g) for g in grading_rules.GRADES}
        audit_log(
            actor=actor.name,
            action="notices.notice.published",
            obj=notice,
            data={
                "notice": notice.code,
                "grading_round": locked.code,
                "days": period,
                "ends_at": notice.ends_at.isoformat(),
                "head": notice.head_at_publication,
                "head_parts": parts.as_data(),  # so that verify can find it in the chain
                "counts": counts,
            },
            now=moment,
        )
    return notice


def _change(entry: NoticeEntry, before: str, after: str) -> dict[str, Any]:
    return {"code": entry.code, "name": entry.name, "field": "grade", "before": before,
            "after": after}  # fmt: skip


def grade_review_changes(
    *,
    notice: Notice,
    entry: NoticeEntry,
    grade: str,
    reason: str,
    actor: Actor,
    now: dt.datetime,
) -> list[dict[str, Any]]:
    """Inside review_apply's transaction: the organization's grade becomes ``grade`` through
    grading.decisions.grade_change (its rules apply: a branch follows its general branch, a
    violation stays 较差, a new organization is at most 较好), then every entry is compared
    with the round's grading and the entries that moved are updated. Returns the changes."""
    org = PartyOrg.objects.select_related("round", "committee", "parent").get(
        round_id=notice.grading_round_id, code=entry.code
    )
    grade_change(org=org, grade=grade, reason=reason, actor=actor, now=now, notice_review=True)
    state = grading_state(org.round)
    grades = {s.org.code: s.grade for s in state.orgs}
    changes = []
    for row in notice.entries.order_by("position"):
        after = grades.get(row.code)
        if after and after != row.grade:
            changes.append(_change(row, row.grade, after))
            row.grade, row.reviewed = after, True
            row.save(update_fields=["grade", "reviewed"])
    return changes
