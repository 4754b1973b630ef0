"""The look-back (回头看, seed 003): re-grading an organization of a final result.

Seed 003's look-back re-examines the graded organizations after the notice; an organization
whose leadership took part in crime or acted as a protective umbrella (or failed in the
campaign it was checked on) "一律调整为较差", and is rectified with a sponsor leader and a
liaison. Here the department records the new grade with its reason — through the round's
GradeChange, so grading_state and the report tables follow — optionally marking the
violation; every organization whose grade fell to 一般 or 较差 (a general branch takes its
branches with it) has its plan re-opened, or a plan made, through the ledger's plan_reopen.
A move up is recorded and audited and leaves the ledger alone — but only when the look-back
found the rectification effective and no plan of the organization is still open or failed
its acceptance (成效不显著的不得晋位升级, rules.grading_lookback.check_move_up).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from pingyi.accounts.actors import Actor
from pingyi.audit.services import audit_log
from pingyi.grading.access import check_runs
from pingyi.grading.decisions import E_BRANCH, E_GRADE, E_NEW, E_VIOLATION
from pingyi.grading.models import GradeChange, GradingRound, PartyOrg
from pingyi.grading.selectors import grading_state
from pingyi.notices.models import Notice, NoticeStatus
from pingyi.rectification.models import Plan, PlanStatus
from pingyi.rectification.models import Verdict as PlanVerdict
from pingyi.rectification.services import plan_for_lookback, plan_reopen
from pingyi.rules import grading as rules
from pingyi.rules import grading_lookback as lookback_rules
from pingyi.rules.errors import Listing, RuleError, gettext_noop

E_REASON = gettext_noop("a look-back needs its reason (what was found)")
E_NOT_FINAL = gettext_noop(
    "a look-back re-grades the organizations of a final result: the round's notice is not final"
)
E_SAME = gettext_noop("%(org)s is graded %(grade)s already: the look-back changes nothing")
WEAK = (rules.FAIR, rules.POOR)


def _plan_state(notice: Notice, unit_code: str) -> str:
    """The organization's rectification plan under the notice, for check_move_up: "" none,
    open (still rectifying), passed or failed (its acceptance)."""
    plan = Plan.objects.filter(notice=notice, unit_code=unit_code).first()
    if plan is None:
        return lookback_rules.PLAN_NONE
    if plan.verdict == PlanVerdict.FAILED:  # a failed acceptance leaves the plan open
        return lookback_rules.PLAN_FAILED
    if plan.status == PlanStatus.OPEN:
        return lookback_rules.PLAN_OPEN
    return lookback_rules.PLAN_PASSED


@dataclass(frozen=True)
class Regraded:
    org: PartyOrg
    before: str
    after: str
    moved: dict[str, tuple[str, str]]  # org code → (before, after), the branches included
    plans: list[int]  # the plans re-opened or made


def _final_notice(grading_round: GradingRound) -> Notice:
    notice = Notice.objects.filter(grading_round=grading_round, status=NoticeStatus.FINAL).first()
    if notice is None:
        raise RuleError(E_NOT_FINAL)
    return notice


def org_regrade(
    *,
    org: PartyOrg,
    grade: str,
    reason: str,
    actor: Actor,
    violation: bool = False,
    cause: str = "",
    effective: bool = False,
    now: dt.datetime | None = None,
) -> Regraded:
    """Re-grades ``org`` after its round's notice is final, with the reason found (audited).
    ``violation`` marks a violation in its leadership, ``cause`` one of the seed's causes
    (rules.grading_lookback.VIOLATION_CAUSES: it marks the violation too, with the reason as
    what was found); the grade must then be 较差. A move up needs ``effective`` (the
    rectification was found effective) and no open or failed plan. Refused for a branch (it
    follows its general branch: re-grade that one), for 好 of a new organization, and when
    nothing would change. The department runs it (grading.access.check_runs)."""
    check_runs(actor, org.round)
    if grade not in rules.GRADES:
        raise RuleError(E_GRADE, grades=Listing(rules.GRADES))
    if not reason.strip():
        raise RuleError(E_REASON)
    if cause:
        lookback_rules.check_cause(cause, reason)
        violation = True
    moment = now or timezone.now()
    with transaction.atomic():
        locked = GradingRound.objects.select_for_update().get(pk=org.round_id)
        notice = _final_notice(locked)
        target = PartyOrg.objects.select_related("parent").get(pk=org.pk)
        if target.parent_id is not None:
            raise RuleError(E_BRANCH, org=target.name, parent=target.parent.code)  # type: ignore[union-attr]
        if (violation or target.violation) and grade != rules.POOR:
            raise RuleError(E_VIOLATION, org=target.name)
        if target.new and grade == rules.EXCELLENT:
            raise RuleError(E_NEW, org=target.name)
        before = {s.org.code: s.grade or "" for s in grading_state(locked).orgs}
        if before[target.code] == grade and (target.violation or not violation) and not cause:
            raise RuleError(E_SAME, org=target.name, grade=grade)
        lookback_rules.check_move_up(
            org=target.name, before=before[target.code], after=grade, effective=effective,
            plan=_plan_state(notice, target.code),
        )  # fmt: skip
        if violation and not target.violation:
            target.violation = True
            target.save(update_fields=["violation"])
        if cause:
            target.violation_cause, target.violation_reason = cause, reason.strip()
            target.save(update_fields=["violation_cause", "violation_reason"])
        GradeChange.objects.update_or_create(
            org=target,
            defaults={"grade": grade, "reason": reason.strip(), "changed_by": actor.name,
                      "changed_at": moment},
        )  # fmt: skip
        state = grading_state(locked)
        after = {s.org.code: (s.grade or "", s.org.name) for s in state.orgs}
        moved = {c: (before[c], a) for c, (a, _n) in after.items() if a != before.get(c)}
        audit_log(
            actor=actor.name,
            action="grading.lookback.regraded",
            obj=target,
            data={"org": target.code, "notice": notice.code, "grade": grade,
                  "violation": violation, "reason": reason.strip(),
                  **({"cause": cause} if cause else {}),
                  **({"effective": True} if effective else {}),
                  "moved": {c: list(v) for c, v in moved.items()}},
            now=moment,
        )  # fmt: skip
        plans = []
        for code, (was, now_grade) in moved.items():
            if now_grade not in WEAK:
                continue
            plan = plan_for_lookback(
                notice=notice, unit_code=code, unit_name=after[code][1], grade=now_grade,
                actor=actor, now=moment,
            )  # fmt: skip
            plan_reopen(plan=plan, reason=reason, actor=actor, grade_before=was,
                        grade_after=now_grade, now=moment)  # fmt: skip
            plans.append(plan.pk)
    return Regraded(
        org=target, before=before[target.code], after=after[target.code][0], moved=moved,
        plans=plans,
    )  # fmt: skip
