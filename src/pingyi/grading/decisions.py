"""Use cases of the committee's decision (党委研究), filing (审核备案) and the department's
review. Each runs in one transaction with its audit entry; a refusal raises RuleError with
one of the message constants below and writes nothing.

The grade itself is never stored: the committee records a *change* with its reason; the
quota check is the selector's (continuous); filing is refused while selectors' blockers
remain (unjustified excess, missing explanation, organization not gradable yet).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from pingyi.accounts.actors import Actor
from pingyi.audit.services import audit_log
from pingyi.grading import access
from pingyi.grading.models import (
    Committee,
    Explanation,
    Filing,
    FilingStatus,
    FollowUp,
    GradeChange,
    GradingRound,
    PartyOrg,
    QuotaJustification,
    Review,
    Verdict,
)
from pingyi.grading.selectors import CommitteeState, OrgState, grading_state
from pingyi.rules import grading as rules
from pingyi.rules import grading_schedule as schedule_rules
from pingyi.rules import notice as notice_rules
from pingyi.rules.errors import Listing, RuleError, Term, gettext_noop

E_NOT_GRADED = gettext_noop("%(org)s cannot be graded yet: %(why)s")
E_GRADE = gettext_noop("the grade must be one of: %(grades)s")
E_REASON = gettext_noop("a change of grade needs its reason")
E_BRANCH = gettext_noop(
    "%(org)s is a branch: it takes the grade of its general branch %(parent)s; change that one"
)
E_VIOLATION = gettext_noop(
    "%(org)s has a violation in its leadership: it is 较差 whatever the committee decides"
)
E_NEW = gettext_noop("%(org)s is newly established: it can be at most 较好")
E_FILED = gettext_noop(
    "the committee %(committee)s has filed its grades (%(status)s): nothing changes unless "
    "the department returns them"
)
E_NO_EXPLANATION_NEEDED = gettext_noop("%(org)s graded %(grade)s needs no explanation")
E_TEXT = gettext_noop("a text is required")
E_NO_EXCESS = gettext_noop("the committee has no such excess to justify now")
E_CANNOT_FILE = gettext_noop("the committee cannot file yet: %(why)s")
E_NOT_FILED = gettext_noop("%(org)s is not filed for review")
E_VERDICT = gettext_noop("the verdict must be one of: %(verdicts)s")
E_RETURN_COMMENT = gettext_noop("returning an organization needs a comment saying what to fix")
E_ON_NOTICE = gettext_noop(
    "the grades are on public notice: a grade changes only through a review (复核) of the notice"
)
E_NOTICE_FINAL = gettext_noop(
    "the grades are final after their public notice: a grade changes only through a "
    "look-back (回头看)"
)
E_FILE_BEFORE_NOTICE = gettext_noop(
    "the grades go on public notice before filing: the department publishes them, and the "
    "committee files once the notice is final"
)
E_FILE_ON_NOTICE = gettext_noop(
    "the grades are on public notice until %(ends)s: the committee files after the notice is final"
)


def _check_no_notice(round_id: int) -> None:
    """Once the round's result is published (P3), the committee no longer changes grades:
    a review of the notice does while it runs, a look-back once it is final."""
    # the notice (notices, above grading) refers to the round: read through its relation
    found = GradingRound.objects.filter(pk=round_id).values_list("notice__status", flat=True)
    status = found.first()
    if status is not None:
        raise RuleError(E_ON_NOTICE if status == notice_rules.ON_NOTICE else E_NOTICE_FINAL)


def _check_notice_over(grading_round: GradingRound) -> None:
    """Filing (审核备案) follows the notice (seed 003: 党委研究 → 公示复核 → 审核备案): refused
    until the round's grades have been on notice and the notice is final, so that no round
    reaches the department unpublished — nor without its rectification plans (P4)."""
    notice = GradingRound.objects.filter(pk=grading_round.pk, notice__isnull=False).values(
        "notice__status", "notice__ends_at"
    )
    found = notice.first()
    if found is None:
        raise RuleError(E_FILE_BEFORE_NOTICE)
    if found["notice__status"] == notice_rules.ON_NOTICE:
        ends = timezone.localtime(found["notice__ends_at"]).strftime("%Y-%m-%d %H:%M")
        raise RuleError(E_FILE_ON_NOTICE, ends=ends)


def check_grades_open(org: PartyOrg) -> None:
    """What may move an organization's grade — a committee's change, an entered survey rate —
    is refused once the round is on notice (only the notice's review changes a grade then)
    and once the organization's committee has filed (until the department returns it)."""
    _check_no_notice(org.round_id)
    _check_open(grading_state(org.round).committee(org.committee_id))


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _state(org: PartyOrg) -> tuple[OrgState, CommitteeState, rules.GradingScheme]:
    """The organization's current state, the round row locked (decisions are serialised)."""
    locked = GradingRound.objects.select_for_update().get(pk=org.round_id)
    rules.check_step(locked.status, (rules.DECISION,))
    state = grading_state(locked)
    committee = state.committee(org.committee_id)
    return state.org(org.code), committee, state.scheme


def _check_open(committee: CommitteeState) -> None:
    if not committee.may_change:
        raise RuleError(
            E_FILED,
            committee=committee.committee.name,
            status=Term(committee.filing.get_status_display() if committee.filing else ""),
        )


def grade_change(
    *,
    org: PartyOrg,
    grade: str,
    reason: str,
    actor: Actor,
    now: dt.datetime | None = None,
    notice_review: bool = False,
) -> GradeChange | None:
    """The committee sets an organization's grade, with its reason (a change back to the
    computed grade withdraws the change). Refused for a branch (it follows its general
    branch), above 较差 under a violation, and to 好 for a new organization; any review of
    the organization is withdrawn: the department sees it again. Once the round is on public
    notice only the notice's review (``notice_review``, notices.services.review_apply) may
    change a grade — the department's, which put the grades on notice."""
    if notice_review:
        access.check_runs(actor, org.round)
    else:
        access.check_decides(actor, org.committee)
    if grade not in rules.GRADES:
        raise RuleError(E_GRADE, grades=Listing(rules.GRADES))
    with transaction.atomic():
        state, committee, _scheme = _state(org)
        if not notice_review:
            _check_no_notice(org.round_id)
        _check_open(committee)
        if state.graded is None:
            why = "; ".join(p.message() for p in state.pending)
            raise RuleError(E_NOT_GRADED, org=org.name, why=why)
        if org.parent_id is not None:
            raise RuleError(E_BRANCH, org=org.name, parent=state.org.parent.code)  # type: ignore[union-attr]
        if org.violation and grade != rules.POOR:
            raise RuleError(E_VIOLATION, org=org.name)
        if org.new and grade == rules.EXCELLENT:
            raise RuleError(E_NEW, org=org.name)
        before = state.grade
        Review.objects.filter(org=org).delete()
        if grade == state.graded.computed:
            GradeChange.objects.filter(org=org).delete()
            change = None
        else:
            if not reason.strip():
                raise RuleError(E_REASON)
            change, _ = GradeChange.objects.update_or_create(
                org=org,
                defaults={
                    "grade": grade,
                    "reason": reason.strip(),
                    "changed_by": actor.name,
                    "changed_at": _now(now),
                },
            )
        audit_log(
            actor=actor.name,
            action="grading.grade.changed" if change else "grading.grade.restored",
            obj=org,
            data={
                "org": org.code,
                "computed": state.graded.computed,
                "from": before,
                "to": grade,
                "reason": reason.strip(),
            },
        )
    return change


def follow_up_set(
    *,
    org: PartyOrg,
    problems: str,
    measures: str,
    sponsor_leader: str,
    liaison: str,
    actor: Actor,
    months: int | None = None,
    months_reason: str = "",
) -> FollowUp:
    """Problems, measures, sponsor leader and liaison of a 一般/较差 organization, and the
    rectification period when the committee departs from its grade's default (一般 about
    three months, seed 003; 较差 half a year) — never without its reason."""
    access.check_decides(actor, org.committee)
    with transaction.atomic():
        org_state, committee, _scheme = _state(org)
        _check_open(committee)
        schedule_rules.check_rectification(org_state.grade, months, months_reason)
        if months == schedule_rules.RECTIFICATION_MONTHS.get(org_state.grade or ""):
            months = None if not months_reason.strip() else months
        values: dict[str, object] = {
            "problems": problems.strip(),
            "measures": measures.strip(),
            "sponsor_leader": sponsor_leader.strip(),
            "liaison": liaison.strip(),
            "rectification_months": months,
            "rectification_reason": months_reason.strip() if months is not None else "",
        }
        follow, _ = FollowUp.objects.update_or_create(org=org, defaults=values)
        audit_log(
            actor=actor.name,
            action="grading.follow_up.set",
            obj=org,
            data={"org": org.code, **values},
        )
    return follow


def explanation_write(
    *, org: PartyOrg, text: str, actor: Actor, now: dt.datetime | None = None
) -> Explanation:
    """The 一览表 explanation of an organization whose sector and grade need one (SPEC P2)."""
    access.check_decides(actor, org.committee)
    if not text.strip():
        raise RuleError(E_TEXT)
    with transaction.atomic():
        state, committee, _scheme = _state(org)
        _check_open(committee)
        if not state.needs_explanation or state.grade is None:
            raise RuleError(E_NO_EXPLANATION_NEEDED, org=org.name, grade=state.grade or "—")
        explanation, _ = Explanation.objects.update_or_create(
            org=org,
            defaults={
                "grade": state.grade,
                "text": text.strip(),
                "written_by": actor.name,
                "written_at": _now(now),
            },
        )
        audit_log(
            actor=actor.name,
            action="grading.explanation.written",
            obj=org,
            data={"org": org.code, "grade": state.grade, "text": text.strip()},
        )
    return explanation


def quota_justify(
    *, committee: Committee, kind: str, text: str, actor: Actor, now: dt.datetime | None = None
) -> QuotaJustification:
    """Records why the committee keeps a quota excess it has now (好 over its limit, or 较差
    far from about 10 %). The grades are not moved: the justification goes with the filing."""
    access.check_decides(actor, committee)
    if not text.strip():
        raise RuleError(E_TEXT)
    with transaction.atomic():
        locked = GradingRound.objects.select_for_update().get(pk=committee.round_id)
        rules.check_step(locked.status, (rules.DECISION,))
        state = grading_state(locked).committee(committee.pk)
        _check_open(state)
        if kind not in state.excesses():
            raise RuleError(E_NO_EXCESS)
        count = state.count
        row, _ = QuotaJustification.objects.update_or_create(
            committee=committee,
            kind=kind,
            defaults={
                "text": text.strip(),
                "counts": count.counts if count else {},
                "written_by": actor.name,
                "written_at": _now(now),
            },
        )
        audit_log(
            actor=actor.name,
            action="grading.quota.justified",
            obj=committee,
            data={
                "committee": committee.name,
                "kind": kind,
                "counts": count.counts if count else {},
                "text": text.strip(),
            },
        )
    return row


def filing_submit(*, committee: Committee, actor: Actor, now: dt.datetime | None = None) -> Filing:
    """The committee files its grades with the department — refused while any organization
    cannot be graded, an excess lacks its justification or an explanation is missing.
    A refiling after a return keeps the approved organizations and withdraws the returns."""
    access.check_decides(actor, committee)
    with transaction.atomic():
        locked = GradingRound.objects.select_for_update().get(pk=committee.round_id)
        rules.check_step(locked.status, (rules.DECISION,))
        grading = grading_state(locked)
        state = grading.committee(committee.pk)
        _check_open(state)
        blockers = state.blockers(grading.scheme)
        if blockers:
            raise RuleError(E_CANNOT_FILE, why="; ".join(b.message() for b in blockers))
        _check_notice_over(locked)
        Review.objects.filter(org__committee=committee, verdict=Verdict.RETURNED).delete()
        filing, created = Filing.objects.get_or_create(
            committee=committee,
            defaults={"status": FilingStatus.FILED, "filed_by": actor.name, "filed_at": _now(now)},
        )
        if not created:
            filing.status, filing.filed_at = FilingStatus.FILED, _now(now)
            filing.filed_by = actor.name
            filing.times += 1
            filing.save()
        _settle(filing)
        counts = state.count.counts if state.count else {}
        audit_log(
            actor=actor.name,
            action="grading.filing.submitted",
            obj=committee,
            data={"committee": committee.name, "times": filing.times, "counts": counts},
        )
    return filing


def _settle(filing: Filing) -> None:
    """The filing's status from its reviews: returned if any organization is, approved when
    every organization is, else filed (under review)."""
    verdicts = list(
        Review.objects.filter(org__committee_id=filing.committee_id).values_list(
            "verdict", flat=True
        )
    )
    orgs = PartyOrg.objects.filter(committee_id=filing.committee_id).count()
    if Verdict.RETURNED in verdicts:
        filing.status = FilingStatus.RETURNED
    elif len(verdicts) == orgs:
        filing.status = FilingStatus.APPROVED
    else:
        filing.status = FilingStatus.FILED
    filing.save(update_fields=["status"])


def review_record(
    *, org: PartyOrg, verdict: str, comment: str, actor: Actor, now: dt.datetime | None = None
) -> Review:
    """The department approves or returns one filed organization (a return with a comment).
    The committee's filing follows: returned as soon as one is, approved when all are."""
    access.check_runs(actor, org.round)
    if verdict not in Verdict.values:
        raise RuleError(E_VERDICT, verdicts=Listing(Verdict.values))
    if verdict == Verdict.RETURNED and not comment.strip():
        raise RuleError(E_RETURN_COMMENT)
    with transaction.atomic():
        locked = GradingRound.objects.select_for_update().get(pk=org.round_id)
        rules.check_step(locked.status, (rules.DECISION,))
        filing = Filing.objects.filter(committee_id=org.committee_id).first()
        if filing is None or filing.status not in (FilingStatus.FILED, FilingStatus.RETURNED):
            raise RuleError(E_NOT_FILED, org=org.name)
        review, _ = Review.objects.update_or_create(
            org=org,
            defaults={
                "verdict": verdict,
                "comment": comment.strip(),
                "reviewed_by": actor.name,
                "reviewed_at": _now(now),
            },
        )
        _settle(filing)
        audit_log(
            actor=actor.name,
            action=f"grading.review.{verdict}",
            obj=org,
            data={"org": org.code, "comment": comment.strip(), "filing": filing.status},
        )
    return review
