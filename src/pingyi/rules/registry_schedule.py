"""The deadlines of a clean-up's rounds (seed 000 三、实施步骤), as pure rules.

Seed 000 runs the clean-up from February to the end of June 2009:

- 自查自纠: the units file their 自查统计表, 自查登记表 and basis documents "于2月28日前";
- 审核上报: the office's initial audit opinion "3月6日前"; the joint meeting's second plenary
  "3月份"; the adjustment after the higher level's feedback "3月底";
- 建章立制: "5月 … 向各地区各部门进行通报，并对保留的项目以适当方式进行公示".

These are the defaults, in the clean-up's year; the office may set its own date for each
round (Cleanup.schedule, ``{round: "YYYY-MM-DD"}``). A round's deadline is the day by which
the clean-up must have moved past it (the published round: by which the list is published).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from pingyi.rules.deadlines import DONE as DONE
from pingyi.rules.deadlines import DUE as DUE
from pingyi.rules.deadlines import OVERDUE as OVERDUE
from pingyi.rules.deadlines import UPCOMING as UPCOMING
from pingyi.rules.deadlines import checked_days, due_state
from pingyi.rules.errors import gettext_noop
from pingyi.rules.registry import (
    HIGHER_ADJUSTMENT,
    INITIAL_AUDIT,
    JOINT_MEETING,
    PUBLISHED,
    ROUNDS,
    SELF_CHECK,
)

# (month, day) of each round's deadline in seed 000; day 0 is the month's last day.
DEFAULTS: Mapping[str, tuple[int, int]] = {
    SELF_CHECK: (2, 28),  # "于2月28日前报市联席会议办公室"
    INITIAL_AUDIT: (3, 6),  # "3月6日前 … 提出 … 初步审核意见"
    JOINT_MEETING: (3, 0),  # "3月份召开联席会议第二次全体会议"
    HIGHER_ADJUSTMENT: (3, 0),  # "3月底 … 对我市保留项目再进行调整"
    PUBLISHED: (5, 0),  # "5月 … 进行通报，并对保留的项目 … 进行公示"
}
DEADLINE_WORDS = {
    SELF_CHECK: gettext_noop("self-check tables filed"),
    INITIAL_AUDIT: gettext_noop("initial audit opinion"),
    JOINT_MEETING: gettext_noop("joint meeting's opinion"),
    HIGHER_ADJUSTMENT: gettext_noop("adjustment after the higher level's feedback"),
    PUBLISHED: gettext_noop("kept list notified and published"),
}

STATES = (DONE, OVERDUE, DUE, UPCOMING)
DUE_WITHIN = 7  # days: a deadline this close is due

E_DEADLINE_KEY = gettext_noop("unknown round of the schedule: %(key)s")
E_DEADLINE_ORDER = gettext_noop(
    "%(step)s: its deadline %(day)s is before the deadline of the round before it (%(before)s)"
)


@dataclass(frozen=True)
class Deadline:
    key: str  # the round
    due: dt.date

    @property
    def word(self) -> str:
        return DEADLINE_WORDS[self.key]


def _day(year: int, month: int, day: int) -> dt.date:
    if day == 0:
        day = calendar.monthrange(year, month)[1]
    elif month == 2 and day > 28:
        day = min(day, calendar.monthrange(year, 2)[1])
    return dt.date(year, month, day)


def default_deadlines(year: int) -> list[Deadline]:
    """Seed 000's deadlines in ``year``."""
    return [Deadline(key, _day(year, *DEFAULTS[key])) for key in ROUNDS]


def deadlines_of(year: int, stored: Mapping[str, object]) -> list[Deadline]:
    """The clean-up's deadlines: its own (ISO dates by round) over the defaults of its year."""
    found = []
    for default in default_deadlines(year):
        own = stored.get(default.key)
        found.append(Deadline(default.key, dt.date.fromisoformat(own)) if isinstance(own, str)
                     else default)  # fmt: skip
    return found


def checked_deadlines(
    year: int, stored: Mapping[str, object], changes: Mapping[str, dt.date]
) -> dict[str, str]:
    """The stored form after ``changes``; RuleError for an unknown round or a deadline before
    the one of the round before it (two rounds may share a day: seed 000's March)."""
    shown = {d.key: d.due for d in deadlines_of(year, stored)}
    return checked_days(
        ROUNDS, shown, changes, unknown=E_DEADLINE_KEY, order=E_DEADLINE_ORDER,
        words=DEADLINE_WORDS,
    )  # fmt: skip


def deadline_state(deadline: Deadline, *, current_round: str, today: dt.date) -> str:
    """done (the clean-up moved past the round, or published), overdue (the day is past),
    due (within a week, the day itself included) or upcoming."""
    past = ROUNDS.index(current_round) > ROUNDS.index(deadline.key)
    done = past or current_round == PUBLISHED
    return due_state(deadline.due, done=done, today=today, within=DUE_WITHIN)


def unit_filed(*, registered: int, in_scope: int, decided: int) -> bool:
    """A registering unit has filed its self-check tables when it registered its projects and
    proposed a decision on every one in scope (a unit with nothing registered has filed
    nothing; one whose every project is out of scope has filed)."""
    return registered > 0 and decided >= in_scope
