"""Nominations under a kept commendation project (seed 002), as pure rules.

Seed 002 三(一): "对凡上报表彰奖励的先进集体和个人，必须依据上报文件所明确的事项和名额，采取逐级
推荐、公示、申报、审核和审批的程序". What the rules decide:

- a nominating unit's quota (名额): the number the office allots, or its headcount times the
  round's ratio, rounded down (:func:`unit_quota`, exact with Fraction);
- whether a list is within its quota, exactly at it, or over it (超名额, 超比例): flagged, never
  silently cut (:func:`quota_check`); seed 002 criticized "超比例报送" and took the lists back;
- the share of grassroots nominees (基层一线) against the round's minimum: seed 002 cancelled
  lists "大多报送的是部门领导" and had them "改报了基层一线同志" (:func:`grassroots_share`);
- that a list departing from either default (over quota, too few grassroots nominees) is
  approved only with a recorded reason (:func:`check_approval`);
- the chain of a list (drafted → submitted → recommended level by level → approved, or
  returned) and its separation of duties (:func:`check_step`, :func:`check_separation`);
- the round's deadlines and its notice period on an injected day (:func:`deadline_state`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from pingyi.rules.deadlines import DONE as DONE
from pingyi.rules.deadlines import DUE as DUE
from pingyi.rules.deadlines import OVERDUE as OVERDUE
from pingyi.rules.deadlines import UPCOMING as UPCOMING
from pingyi.rules.deadlines import checked_days, due_state
from pingyi.rules.errors import RuleError, Term, gettext_noop

# --------------------------------------------------------------------------- vocabularies

# The round: nominating (units nominate, levels recommend, the office approves) → on notice
# (公示) → closed (the notice period is over; the list goes on to the commendation).
NOMINATING, NOTICE, CLOSED = "nominating", "notice", "closed"
PHASES = (NOMINATING, NOTICE, CLOSED)

# A unit's list (推荐名单).
DRAFT, SUBMITTED, RETURNED, APPROVED = "draft", "submitted", "returned", "approved"
STATUSES = (DRAFT, SUBMITTED, RETURNED, APPROVED)
STATUS_WORDS = {
    DRAFT: gettext_noop("draft"),
    SUBMITTED: gettext_noop("waiting for the level above"),
    RETURNED: gettext_noop("returned"),
    APPROVED: gettext_noop("approved"),
}

# The steps of a list's chain, as recorded.
SUBMIT, RECOMMEND, RETURN, APPROVE = "submit", "recommend", "return", "approve"
STEPS = (SUBMIT, RECOMMEND, RETURN, APPROVE)
STEP_WORDS = {
    SUBMIT: gettext_noop("nominated and submitted"),
    RECOMMEND: gettext_noop("recommended to the level above"),
    RETURN: gettext_noop("returned"),
    APPROVE: gettext_noop("approved by the office"),
}

STEP_VERBS = {
    SUBMIT: gettext_noop("submit"),
    RECOMMEND: gettext_noop("recommend"),
    RETURN: gettext_noop("return"),
    APPROVE: gettext_noop("approve"),
}

# Why an approval departs from the defaults.
OVER_QUOTA = "over_quota"
FEW_GRASSROOTS = "few_grassroots"
DEPARTURE_WORDS = {
    OVER_QUOTA: gettext_noop("over its quota"),
    FEW_GRASSROOTS: gettext_noop("grassroots share below the minimum"),
}

# In principle (the office may set its own per round): seed 002 wants the lists to lean to
# the grassroots; the round's notice usually names the minimum share. Seven in ten is the
# default an office starts from.
# The ranks of a nominee's post, and the words a filled-in template writes for them.
STAFF, SECTION, COUNTY, BUREAU = "staff", "section", "county", "bureau"
RANKS = (STAFF, SECTION, COUNTY, BUREAU)
RANK_WORDS = {STAFF: "一般干部职工", SECTION: "科级", COUNTY: "县处级", BUREAU: "厅局级及以上"}

DEFAULT_GRASSROOTS = Fraction(7, 10)
DEFAULT_NOTICE_DAYS = 7  # 公示 "不少于5个工作日": a calendar week

E_SHARE = gettext_noop("a share is written 70%%, 0.7 or 7/10, between 0 and 1: %(value)r")
E_QUOTA = gettext_noop("a quota is a whole number of at least 0: %(value)r")
E_RATIO = gettext_noop("a ratio is written 1%%, 0.01 or 1/100, above 0 and at most 1: %(value)r")
E_STEP = gettext_noop("a list that is %(status)s cannot be %(step)s")
E_LOCKED = gettext_noop("a list that is %(status)s is not changed")
E_PHASE = gettext_noop("the round is %(phase)s: nominations take no more changes")
E_REASON = gettext_noop("the list is %(departures)s: approving it anyway needs a recorded reason")
E_RETURN_REASON = gettext_noop("say why the list is returned")
E_OWN_LIST = gettext_noop("%(actor)s nominated or submitted this list and cannot also %(verb)s it")
E_TWO_STEPS = gettext_noop(
    "%(actor)s recorded the step before (%(previous)s) and cannot also %(verb)s the list"
)
E_EMPTY = gettext_noop("the list has no nominee")

PHASE_WORDS = {
    NOMINATING: gettext_noop("nominating"),
    NOTICE: gettext_noop("on public notice"),
    CLOSED: gettext_noop("round closed"),
}


def status_word(status: str) -> Term:
    return Term(STATUS_WORDS.get(status, status))


def step_word(step: str) -> Term:
    return Term(STEP_WORDS.get(step, step))


def _fraction(text: str, message: str, *, zero: bool) -> Fraction:
    raw = text.strip().rstrip("%").strip()
    try:
        value = Fraction(raw)
    except (ValueError, ZeroDivisionError) as exc:
        raise RuleError(message, value=text) from exc
    if text.strip().endswith("%"):
        value /= 100
    low_ok = value >= 0 if zero else value > 0
    if not low_ok or value > 1:
        raise RuleError(message, value=text)
    return value


def parse_share(text: str) -> Fraction:
    """A minimum share as typed ("70%", "0.7", "7/10"); 0 means no minimum."""
    return _fraction(text, E_SHARE, zero=True)


def parse_ratio(text: str) -> Fraction | None:
    """The round's ratio of nominees to headcount ("1%", "1/100"); empty: none."""
    return _fraction(text, E_RATIO, zero=False) if text.strip() else None


def check_quota(value: int) -> int:
    if value < 0:
        raise RuleError(E_QUOTA, value=value)
    return value


# --------------------------------------------------------------------------- quotas


def unit_quota(*, quota: int | None, headcount: int | None, ratio: Fraction | None) -> int | None:
    """The unit's quota: the number allotted to it; else its headcount × the round's ratio,
    rounded down (300 × 1/100 = 3 exactly; 299 × 1/100 = 2); None when neither is known."""
    if quota is not None:
        return quota
    if headcount is None or ratio is None:
        return None
    return math.floor(headcount * ratio)


@dataclass(frozen=True)
class QuotaCheck:
    count: int
    quota: int | None

    @property
    def over(self) -> int:
        """How many nominees above the quota (0 within it or without a quota)."""
        return max(0, self.count - self.quota) if self.quota is not None else 0

    @property
    def at_quota(self) -> bool:
        return self.quota is not None and self.count == self.quota

    @property
    def over_quota(self) -> bool:
        return self.over > 0


def quota_check(count: int, quota: int | None) -> QuotaCheck:
    """Exactly at the quota is within it; one more is over (超名额)."""
    return QuotaCheck(count, quota)


# --------------------------------------------------------------------------- grassroots


def grassroots_share(grassroots: int, total: int) -> Fraction | None:
    """The exact share of grassroots nominees; None for an empty list."""
    return Fraction(grassroots, total) if total else None


def share_met(share: Fraction | None, minimum: Fraction) -> bool | None:
    """At the minimum meets it (7 of 10 meets 70 %); None for an empty list."""
    return None if share is None else share >= minimum


def grassroots_needed(total: int, minimum: Fraction) -> int:
    """The fewest grassroots nominees a list of ``total`` needs: ⌈total × minimum⌉."""
    return math.ceil(total * minimum)


def departures(
    *, count: int, quota: int | None, grassroots: int, minimum: Fraction
) -> tuple[str, ...]:
    """Where a list departs from the defaults, in a fixed order."""
    found = []
    if quota_check(count, quota).over_quota:
        found.append(OVER_QUOTA)
    if share_met(grassroots_share(grassroots, count), minimum) is False:
        found.append(FEW_GRASSROOTS)
    return tuple(found)


def check_approval(found: Sequence[str], reason: str, words: Mapping[str, str]) -> str:
    """The reason as stored; RuleError when the list departs and no reason is given.
    ``words`` are the departures' words in the reader's language."""
    if found and not reason.strip():
        raise RuleError(E_REASON, departures="、".join(words[d] for d in found))
    return reason.strip() if found else ""


# --------------------------------------------------------------------------- the chain

_ALLOWED = {
    SUBMIT: (DRAFT, RETURNED),
    RECOMMEND: (SUBMITTED,),
    RETURN: (SUBMITTED,),
    APPROVE: (SUBMITTED,),
}
_AFTER = {SUBMIT: SUBMITTED, RECOMMEND: SUBMITTED, RETURN: RETURNED, APPROVE: APPROVED}


def check_step(status: str, step: str, *, phase: str, nominees: int) -> str:
    """The list's status after ``step``, or RuleError (with the status and the step in
    words). Recommending keeps it submitted: it then waits at the next level up."""
    if phase != NOMINATING:
        raise RuleError(E_PHASE, phase=Term(PHASE_WORDS[phase]))
    if status not in _ALLOWED[step]:
        raise RuleError(E_STEP, status=status_word(status), step=step_word(step))
    if step == SUBMIT and nominees == 0:
        raise RuleError(E_EMPTY)
    return _AFTER[step]


def check_editable(status: str, *, phase: str) -> None:
    """A list is edited while drafted or returned, in the nominating phase."""
    if phase != NOMINATING:
        raise RuleError(E_PHASE, phase=Term(PHASE_WORDS[phase]))
    if status not in (DRAFT, RETURNED):
        raise RuleError(E_LOCKED, status=status_word(status))


def check_separation(
    *, step: str, drafters: Iterable[str], steps: Sequence[tuple[str, str]], actor: str
) -> None:
    """Separation of duties. ``drafters`` entered a nominee or submitted the list in its
    current pass (since it was last returned); ``steps`` are (step, actor) of that pass,
    oldest first. Nobody who drafted the list recommends, returns or approves it, and nobody
    records the step right after their own."""
    if step == SUBMIT:
        return
    if actor in set(drafters):
        raise RuleError(E_OWN_LIST, actor=actor, verb=Term(STEP_VERBS[step]))
    if steps and steps[-1][1] == actor:
        raise RuleError(
            E_TWO_STEPS, actor=actor, previous=step_word(steps[-1][0]), verb=Term(STEP_VERBS[step])
        )


# --------------------------------------------------------------------------- schedule

# The round's deadlines: the units' lists, the recommendations of the levels above, the
# office's approval. The defaults count from the round's start; the office sets its own.
NOMINATE_BY, RECOMMEND_BY, APPROVE_BY = "nominate", "recommend", "approve"
DEADLINES = (NOMINATE_BY, RECOMMEND_BY, APPROVE_BY)
DEFAULT_DAYS = {NOMINATE_BY: 14, RECOMMEND_BY: 21, APPROVE_BY: 28}
DEADLINE_WORDS = {
    NOMINATE_BY: gettext_noop("units submit their lists"),
    RECOMMEND_BY: gettext_noop("levels above recommend"),
    APPROVE_BY: gettext_noop("office approves and publishes the notice"),
}
DUE_WITHIN = 3  # days

E_DEADLINE_KEY = gettext_noop("unknown deadline: %(key)s")
E_DEADLINE_ORDER = gettext_noop("%(step)s: its deadline %(day)s is before %(before)s")
E_NOTICE_DAYS = gettext_noop("the notice period is 5 to 60 days: %(value)s")


@dataclass(frozen=True)
class Deadline:
    key: str
    due: dt.date

    @property
    def word(self) -> str:
        return DEADLINE_WORDS[self.key]


def deadlines_of(start: dt.date, stored: Mapping[str, object]) -> list[Deadline]:
    """The round's deadlines: its own (ISO dates) over the defaults counted from ``start``."""
    found = []
    for key in DEADLINES:
        own = stored.get(key)
        due = dt.date.fromisoformat(own) if isinstance(own, str) else None
        found.append(Deadline(key, due or start + dt.timedelta(days=DEFAULT_DAYS[key])))
    return found


def checked_deadlines(
    start: dt.date, stored: Mapping[str, object], changes: Mapping[str, dt.date]
) -> dict[str, str]:
    shown = {d.key: d.due for d in deadlines_of(start, stored)}
    return checked_days(
        DEADLINES, shown, changes, unknown=E_DEADLINE_KEY, order=E_DEADLINE_ORDER,
        words=DEADLINE_WORDS,
    )  # fmt: skip


def deadline_state(deadline: Deadline, *, done: bool, today: dt.date) -> str:
    """done; overdue (the day is past); due (within three days, the day itself included);
    upcoming."""
    return due_state(deadline.due, done=done, today=today, within=DUE_WITHIN)


def check_notice_days(days: int) -> int:
    if not 5 <= days <= 60:
        raise RuleError(E_NOTICE_DAYS, value=days)
    return days


def notice_end(start: dt.date, days: int) -> dt.date:
    """The last day of a notice of ``days`` days starting on ``start`` (7 days from the 1st:
    the 7th)."""
    return start + dt.timedelta(days=days - 1)
