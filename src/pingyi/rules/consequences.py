"""P1 results applied (seed 001, 七.(二)): which consequences follow for one unit this year.

Decided from the unit's flags this year (rules.tally FLAG_ORDER), whether its category is
vertically managed, and its earlier years in the series; exact (bonus adjustments are
Fractions of the year-end 目标管理奖), no Django. The clock is a parameter.

- 优胜单位 (winner, never under veto): 通报表彰、授予荣誉奖牌; 目标管理奖 +10 %.
- 末位单位 (last): 通报批评; a written rectification report to 市委、市政府 (due date);
  the unit and its leadership not eligible for 各类先进 and 优秀公务员 this year;
  目标管理奖 −10 %.
- last two years running (this campaign and the series' previous one — SPEC P1
  consecutive_last; the tally's flag, or "last" in the previous year of the history):
  the whole 目标管理奖 forfeited instead of −10 %; for a unit the city manages, the
  recommendation that its head resign or be demoted / removed, which applies only to a head
  at least one year in post (七.7) — a check the office confirms; for a vertically managed
  unit, whose head the city does not appoint, the recommendation to its superior that the
  head be transferred (七.8).
- 重点整改单位 (rectify): the written rectification report to 市委、市政府 (七.3).
- every vertically managed unit with a result: the letter informing its superior (七.8).
- 一票否决 (veto): not eligible as 优胜单位 (七.5) — recorded, and a winner's consequences are
  withheld even if a winner flag came with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

COMMENDATION = "commendation"
BONUS_UP = "bonus_up"
CRITICISM = "criticism"
WRITTEN_REPORT = "written_report"
NO_HONOURS = "no_honours"
BONUS_DOWN = "bonus_down"
BONUS_FORFEIT = "bonus_forfeit"
REMOVAL = "removal"
SUPERIOR_LETTER = "superior_letter"
TRANSFER = "transfer"
VETO_EXCLUDED = "veto_excluded"

KINDS = (
    COMMENDATION,
    BONUS_UP,
    CRITICISM,
    WRITTEN_REPORT,
    NO_HONOURS,
    BONUS_DOWN,
    BONUS_FORFEIT,
    REMOVAL,
    SUPERIOR_LETTER,
    TRANSFER,
    VETO_EXCLUDED,
)
# The seed's words, as an office writes them into its results application (data, not UI).
KIND_TEXT = {
    COMMENDATION: "通报表彰、授予荣誉奖牌",
    BONUS_UP: "机关及下属单位年终目标管理奖上浮10%",
    CRITICISM: "通报批评",
    WRITTEN_REPORT: "向市委、市政府写出书面整改报告",
    NO_HONOURS: "当年度单位和班子成员不能评为各类先进和优秀公务员",
    BONUS_DOWN: "机关及下属单位年终目标管理奖下调10%",
    BONUS_FORFEIT: "全额扣发当年目标管理奖",
    REMOVAL: "责成主要负责人引咎辞职或根据组织考察情况作降职、免职处理",
    SUPERIOR_LETTER: "由市委、市政府将评议结果通报其上一级主管部门",
    TRANSFER: "建议其上一级主管部门将主要领导调离",
    VETO_EXCLUDED: "实行“一票否决”，不得评为优胜单位",
}
# Where the seed says it (七.(二) item).
KIND_CLAUSE = {
    COMMENDATION: "七.(二).1",
    BONUS_UP: "七.(二).1",
    CRITICISM: "七.(二).2",
    WRITTEN_REPORT: "七.(二).2、3",
    NO_HONOURS: "七.(二).2",
    BONUS_DOWN: "七.(二).2",
    BONUS_FORFEIT: "七.(二).2",
    REMOVAL: "七.(二).2、7",
    SUPERIOR_LETTER: "七.(二).8",
    TRANSFER: "七.(二).8",
    VETO_EXCLUDED: "七.(二).5",
}
# The 目标管理奖 change, as a fraction of the bonus.
ADJUSTMENT = {
    BONUS_UP: Fraction(1, 10),
    BONUS_DOWN: Fraction(-1, 10),
    BONUS_FORFEIT: Fraction(-1),
}
# What the office must confirm before the consequence can be marked done (七.7).
CHECKS = {REMOVAL: "主要负责人任现职时间满一年，降（免）职处理按规定程序办理"}
# Consequences that carry a due date (the written report); the others are done when done.
DATED = frozenset({WRITTEN_REPORT})
REPORT_DAYS = 30  # default time for the written report, when the office names no date


@dataclass(frozen=True)
class Year:
    """One earlier campaign of the series, as far as this unit is concerned."""

    year: int
    flags: frozenset[str]


@dataclass(frozen=True)
class Case:
    """A unit of this campaign: its flags now, its category, its earlier years."""

    year: int
    flags: frozenset[str]
    vertical: bool = False
    history: tuple[Year, ...] = ()


@dataclass(frozen=True)
class Consequence:
    kind: str
    adjustment: Fraction | None = None
    check: str = ""
    due: dt.date | None = None

    @property
    def text(self) -> str:
        return KIND_TEXT[self.kind]


def previous_year(case: Case) -> Year | None:
    """The series' previous campaign (the latest earlier one) in the unit's history."""
    earlier = [y for y in case.history if y.year < case.year]
    return max(earlier, key=lambda y: y.year) if earlier else None


def is_consecutive_last(case: Case) -> bool:
    """Last now, and last in the series' previous campaign (or flagged so by the tally,
    which may know the previous year only from an imported list)."""
    if "last" not in case.flags:
        return False
    if "consecutive_last" in case.flags:
        return True
    before = previous_year(case)
    return before is not None and "last" in before.flags


def consequences(case: Case, *, report_due: dt.date | None = None) -> list[Consequence]:
    """The consequences that apply this year, in KINDS order."""
    flags = case.flags
    kinds: set[str] = set()
    if "no_ballots" in flags:
        return []
    if "veto" in flags:
        kinds.add(VETO_EXCLUDED)
    elif "winner" in flags:
        kinds |= {COMMENDATION, BONUS_UP}
    if "last" in flags:
        kinds |= {CRITICISM, WRITTEN_REPORT, NO_HONOURS}
        if is_consecutive_last(case):
            kinds |= {BONUS_FORFEIT, TRANSFER if case.vertical else REMOVAL}
        else:
            kinds.add(BONUS_DOWN)
    if "rectify" in flags:
        kinds.add(WRITTEN_REPORT)
    if case.vertical:
        kinds.add(SUPERIOR_LETTER)
    return [
        Consequence(
            kind=kind,
            adjustment=ADJUSTMENT.get(kind),
            check=CHECKS.get(kind, ""),
            due=report_due if kind in DATED else None,
        )
        for kind in KINDS
        if kind in kinds
    ]


def bonus_adjustment(found: Iterable[Consequence]) -> Fraction:
    """The net change of the unit's 目标管理奖 (0: unchanged, −1: all of it forfeited)."""
    return sum((c.adjustment for c in found if c.adjustment is not None), Fraction(0))


def default_report_due(applied_on: dt.date, days: int = REPORT_DAYS) -> dt.date:
    return applied_on + dt.timedelta(days=days)


def is_overdue(*, due: dt.date | None, done: bool, today: dt.date) -> bool:
    return not done and due is not None and due < today


def history_of(years: Sequence[tuple[int, Iterable[str]]]) -> tuple[Year, ...]:
    return tuple(Year(year, frozenset(flags)) for year, flags in years)
