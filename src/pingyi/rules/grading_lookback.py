"""Seed 003's rules around a grade once decided: why it is forced to 较差, what 好 earns,
what the assessment group weighs beside the rubric, and when a look-back (回头看) may move a
grade up. Plain Python, no Django.

- 一律调整为“较差”: an organization is 较差 when its leadership took part in 欺行霸市、制假售假、
  商业贿赂 or acted as a “保护伞”, or when in “三打两建” its attitude was not firm, its
  responsibility not carried out, or its members and the masses are not satisfied
  (第三篇 二(一)). VIOLATION_CAUSES holds those causes in the seed's words.
- 好 earns 加分 in the annual appraisal, and its secretary 优先推荐 when towns recruit; the
  year's commendation is recommended from the 好 (第一篇 四 1). Only a 好 gets them.
- The assessment weighs the annual assessment and the opinions of 信访、综治、计生 (第一篇 三 2).
- “三打两建”工作成效不显著的不得晋位升级 (第三篇 二(二)3): a look-back moves a grade up only
  when the rectification was found effective — and never past a rectification plan still
  open or one whose acceptance failed.
"""

from __future__ import annotations

from fractions import Fraction

from pingyi.rules.errors import Listing, RuleError, gettext_noop
from pingyi.rules.grading import EXCELLENT, GRADES

# cause code → the seed's wording (printed in the tables as written: a document's words)
VIOLATION_CAUSES: dict[str, str] = {
    "crime": "领导班子成员参与欺行霸市、制假售假、商业贿赂等违法违纪活动",
    "umbrella": "领导班子成员充当“保护伞”",
    "attitude": "在“三打两建”中态度不坚决",
    "responsibility": "在“三打两建”中责任不落实",
    "dissatisfied": "在“三打两建”中党员群众不满意",
}

# reference kind → the seed's wording (第一篇 三 2: 年度考核情况，信访、综治、计生等有关部门的意见)
REFERENCE_KINDS: dict[str, str] = {
    "annual": "年度考核情况",
    "petition": "信访部门意见",
    "public_order": "综治部门意见",
    "family_planning": "计生部门意见",
    "other": "其他有关部门意见",
}

# The benefits of 好 (第一篇 四 1), in the seed's words.
BENEFIT_POINTS = "年度综合考评加分"
BENEFIT_SECRETARY = "书记考录乡镇事业编工作人员时优先推荐"
BENEFIT_COMMENDATION = "推荐参加创先争优活动专项表彰"

E_CAUSE = gettext_noop("the cause must be one of: %(causes)s")
E_CAUSE_REASON = gettext_noop("a violation needs its recorded reason (what was found)")
E_BENEFIT_GRADE = gettext_noop(
    "%(org)s is graded %(grade)s: only an organization graded 好 has the benefits of 好"
)
E_BENEFIT_POINTS = gettext_noop("the bonus points must be more than 0 and at most %(max)s")
E_BENEFIT_NOTHING = gettext_noop("record at least one benefit granted")
E_REFERENCE_KIND = gettext_noop("the reference must be one of: %(kinds)s")
E_REFERENCE_EMPTY = gettext_noop("a reference needs its text or a file")
E_UP_NOT_EFFECTIVE = gettext_noop(
    "%(org)s cannot move up from %(before)s to %(after)s: 成效不显著的不得晋位升级 — record the "
    "look-back's finding that its rectification was effective"
)
E_UP_PLAN_OPEN = gettext_noop(
    "%(org)s cannot move up from %(before)s to %(after)s: its rectification plan is not "
    "accepted yet"
)
E_UP_PLAN_FAILED = gettext_noop(
    "%(org)s cannot move up from %(before)s to %(after)s: its rectification failed its "
    "acceptance inspection"
)

MAX_BONUS = Fraction(10)  # the largest 加分 a scheme of the annual appraisal gives at once
PLAN_NONE, PLAN_OPEN, PLAN_PASSED, PLAN_FAILED = "", "open", "passed", "failed"


def check_cause(cause: str, reason: str) -> None:
    if cause not in VIOLATION_CAUSES:
        raise RuleError(E_CAUSE, causes=Listing(VIOLATION_CAUSES))
    if not reason.strip():
        raise RuleError(E_CAUSE_REASON)


def check_benefit(
    *, org: str, grade: str | None, points: Fraction | None, secretary: bool, commendation: bool
) -> None:
    """Only a 好 earns the benefits; bonus points, when given, within (0, MAX_BONUS]."""
    if grade != EXCELLENT:
        raise RuleError(E_BENEFIT_GRADE, org=org, grade=grade or "—")
    if points is not None and not 0 < points <= MAX_BONUS:
        raise RuleError(E_BENEFIT_POINTS, max=str(MAX_BONUS))
    if points is None and not secretary and not commendation:
        raise RuleError(E_BENEFIT_NOTHING)


def check_reference(kind: str, text: str, has_file: bool) -> None:
    if kind not in REFERENCE_KINDS:
        raise RuleError(E_REFERENCE_KIND, kinds=Listing(REFERENCE_KINDS))
    if not text.strip() and not has_file:
        raise RuleError(E_REFERENCE_EMPTY)


def rank(grade: str) -> int:
    """0 for 好 … 3 for 较差: a lower rank is a better grade."""
    return GRADES.index(grade)


def moves_up(before: str, after: str) -> bool:
    return rank(after) < rank(before)


def check_move_up(*, org: str, before: str, after: str, effective: bool, plan: str) -> None:
    """A look-back's move from ``before`` to ``after``: a move down or sideways is always
    allowed; a move up (晋位升级) needs the rectification found effective (``effective``) and
    ``plan`` — the organization's rectification plan: "" none, open, passed, failed — not
    open and not failed."""
    if not moves_up(before, after):
        return
    params = {"org": org, "before": before, "after": after}
    if plan == PLAN_OPEN:
        raise RuleError(E_UP_PLAN_OPEN, **params)
    if plan == PLAN_FAILED:
        raise RuleError(E_UP_PLAN_FAILED, **params)
    if not effective:
        raise RuleError(E_UP_NOT_EFFECTIVE, **params)
