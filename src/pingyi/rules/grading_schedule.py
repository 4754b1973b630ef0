"""The calendar of a grading round and the rectification periods (seed 003), as pure rules.

Seed 003 runs the round in April: 自评申报 4月12日–14日, 组织考核 4月15日–19日, 党委研究
4月20日–22日, 公示复核 4月23日–24日, the committees' report (汇总表, 一览表, 工作总结) by
4月25日, and the look-back (回头看) report with its 附件1、2 by 6月25日. These are the
defaults, moved to the round's year; a round keeps its own dates (GradingRound.schedule).

一般 organizations rectify for "3个月左右", with results before 七一; 较差 ones are 整顿 over
the half year of P4. The committee may depart from either with a recorded reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from pingyi.rules.deadlines import DONE as DONE
from pingyi.rules.deadlines import DUE as DUE
from pingyi.rules.deadlines import OVERDUE as OVERDUE
from pingyi.rules.deadlines import UPCOMING as UPCOMING
from pingyi.rules.deadlines import due_state
from pingyi.rules.errors import RuleError, Term, gettext_noop
from pingyi.rules.grading import FAIR, POOR

SELF_EVALUATION, ASSESSMENT, DECISION, NOTICE, REPORT, LOOKBACK = (
    "self_evaluation",
    "assessment",
    "decision",
    "notice",
    "report",
    "lookback",
)
MILESTONES = (SELF_EVALUATION, ASSESSMENT, DECISION, NOTICE, REPORT, LOOKBACK)
MILESTONE_WORDS = {
    SELF_EVALUATION: gettext_noop("self-evaluation"),
    ASSESSMENT: gettext_noop("assessment"),
    DECISION: gettext_noop("committee decision"),
    NOTICE: gettext_noop("public notice and review"),
    REPORT: gettext_noop("report tables to the department"),
    LOOKBACK: gettext_noop("look-back report"),
}
# (month, day) of the start and the end of each step in seed 003; one day for a report.
DEFAULTS: Mapping[str, tuple[tuple[int, int], tuple[int, int]]] = {
    SELF_EVALUATION: ((4, 12), (4, 14)),
    ASSESSMENT: ((4, 15), (4, 19)),
    DECISION: ((4, 20), (4, 22)),
    NOTICE: ((4, 23), (4, 24)),
    REPORT: ((4, 25), (4, 25)),
    LOOKBACK: ((6, 25), (6, 25)),
}
RECTIFICATION_MONTHS = {FAIR: 3, POOR: 6}  # seed 003: 一般 about three months; P4: half a year
MAX_MONTHS = 24

DUE_WITHIN = 7  # days: a step ending this soon is due

E_SCHEDULE_KEY = gettext_noop("unknown step of the schedule: %(key)s")
E_SCHEDULE_ORDER = gettext_noop(
    "%(step)s: it starts on %(starts)s, after its end %(ends)s or before the step before it ends"
)
E_MONTHS = gettext_noop("a rectification period is from 1 to %(max)s months")
E_MONTHS_REASON = gettext_noop(
    "a rectification period other than the default %(months)s months needs its reason"
)


@dataclass(frozen=True)
class Milestone:
    key: str
    starts: dt.date
    ends: dt.date

    @property
    def word(self) -> str:
        return MILESTONE_WORDS[self.key]


def default_schedule(year: int) -> list[Milestone]:
    """Seed 003's dates in ``year``."""
    return [
        Milestone(key, dt.date(year, *DEFAULTS[key][0]), dt.date(year, *DEFAULTS[key][1]))
        for key in MILESTONES
    ]


def schedule_of(year: int, stored: Mapping[str, object]) -> list[Milestone]:
    """The round's schedule: its own dates (``{key: [starts, ends]}`` in ISO) over the
    defaults of its year."""
    found = []
    for default in default_schedule(year):
        own = stored.get(default.key)  # "done" (the department's marks) is no step
        if isinstance(own, list | tuple) and len(own) == 2:
            found.append(
                Milestone(
                    default.key,
                    dt.date.fromisoformat(str(own[0])),
                    dt.date.fromisoformat(str(own[1])),
                )
            )
        else:
            found.append(default)
    return found


def checked_schedule(
    year: int, stored: Mapping[str, object], changes: Mapping[str, tuple[dt.date, dt.date]]
) -> dict[str, object]:
    """The stored form of the schedule after ``changes``; RuleError when a step is unknown,
    ends before it starts, or starts before the step before it ends."""
    for key in changes:
        if key not in MILESTONES:
            raise RuleError(E_SCHEDULE_KEY, key=key)
    merged = {m.key: (m.starts, m.ends) for m in schedule_of(year, stored)} | dict(changes)
    previous_end: dt.date | None = None
    for key in MILESTONES:
        starts, ends = merged[key]
        if ends < starts or (previous_end is not None and starts < previous_end):
            raise RuleError(
                E_SCHEDULE_ORDER,
                step=Term(MILESTONE_WORDS[key]),
                starts=starts.isoformat(),
                ends=ends.isoformat(),
            )
        previous_end = ends
    kept = {k: v for k, v in stored.items() if k not in MILESTONES}  # the marks of done
    return kept | {
        key: [merged[key][0].isoformat(), merged[key][1].isoformat()] for key in MILESTONES
    }


def milestone_state(milestone: Milestone, *, done: bool, today: dt.date) -> str:
    """done, overdue (its end is past and it is not done), due (ends within a week) or
    upcoming."""
    return due_state(milestone.ends, done=done, today=today, within=DUE_WITHIN)


def rectification_months(grade: str, months: int | None, reason: str) -> int | None:
    """The rectification period of an organization graded ``grade``: the default of its grade
    (None when it has none: 好, 较好), or the committee's ``months`` with its reason."""
    default = RECTIFICATION_MONTHS.get(grade)
    if months is None or default is None:
        return default
    return months


def check_rectification(grade: str | None, months: int | None, reason: str) -> None:
    """The committee's departure from the default period: within range, with its reason."""
    if months is None:
        return
    if not 1 <= months <= MAX_MONTHS:
        raise RuleError(E_MONTHS, max=MAX_MONTHS)
    default = RECTIFICATION_MONTHS.get(grade or "")
    if months != default and not reason.strip():
        raise RuleError(E_MONTHS_REASON, months=default or RECTIFICATION_MONTHS[FAIR])
