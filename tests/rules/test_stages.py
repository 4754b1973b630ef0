"""Where a unit stands in a stage on a day (rules.stages): no database."""

from __future__ import annotations

import datetime as dt

import pytest

from pingyi.rules import stages as rules

START, END = dt.date(2026, 3, 1), dt.date(2026, 4, 30)


@pytest.mark.parametrize(
    ("today", "done", "state"),
    [
        (dt.date(2026, 2, 28), False, rules.NOT_STARTED),
        (START, False, rules.DUE),
        (END, False, rules.DUE),
        (dt.date(2026, 5, 1), False, rules.OVERDUE),
        (dt.date(2026, 2, 1), True, rules.DONE),  # done early is done
        (dt.date(2026, 9, 1), True, rules.DONE),
    ],
)
def test_a_stage_with_work_on_a_day(today: dt.date, done: bool, state: str) -> None:
    assert rules.stage_state(starts=START, ends=END, done=done, today=today) == state


def test_a_stage_without_dates_is_unplanned_until_its_work_is_done() -> None:
    day = dt.date(2026, 3, 5)
    assert rules.stage_state(starts=None, ends=None, done=False, today=day) == rules.UNPLANNED
    assert rules.stage_state(starts=None, ends=None, done=True, today=day) == rules.DONE


@pytest.mark.parametrize(
    ("today", "phase"),
    [(dt.date(2026, 2, 1), rules.NOT_STARTED), (END, rules.UNDER_WAY),
     (dt.date(2026, 5, 1), rules.OVER)],
)  # fmt: skip
def test_a_stage_without_work_shows_where_the_calendar_is(today: dt.date, phase: str) -> None:
    assert rules.phase(starts=START, ends=END, today=today) == phase
