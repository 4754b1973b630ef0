"""Seed 000's deadlines (rules.registry_schedule), its scope exclusions, its codes and the
reduction target at publication (rules.registry): plain Python, the clock passed in."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from pingyi.rules import registry as r
from pingyi.rules import registry_schedule as s
from pingyi.rules.errors import RuleError

D = dt.date


def test_the_defaults_are_seed_000s_dates_in_the_clean_ups_year() -> None:
    assert [(d.key, d.due) for d in s.default_deadlines(2009)] == [
        (r.SELF_CHECK, D(2009, 2, 28)),  # 自查统计表、登记表 "于2月28日前"
        (r.INITIAL_AUDIT, D(2009, 3, 6)),  # "3月6日前" the initial audit opinion
        (r.JOINT_MEETING, D(2009, 3, 31)),  # "3月份" the second plenary
        (r.HIGHER_ADJUSTMENT, D(2009, 3, 31)),  # "3月底" the adjustment
        (r.PUBLISHED, D(2009, 5, 31)),  # "5月" notified and published
    ]


def test_a_leap_year_keeps_the_28th_of_february() -> None:
    assert s.default_deadlines(2028)[0].due == D(2028, 2, 28)


def test_the_offices_own_dates_replace_the_defaults() -> None:
    stored = s.checked_deadlines(2009, {}, {r.SELF_CHECK: D(2009, 3, 2)})
    assert stored[r.SELF_CHECK] == "2009-03-02" and stored[r.INITIAL_AUDIT] == "2009-03-06"
    assert s.deadlines_of(2009, stored)[0].due == D(2009, 3, 2)


def test_a_deadline_before_the_one_of_the_round_before_is_refused() -> None:
    with pytest.raises(RuleError) as refused:
        s.checked_deadlines(2009, {}, {r.INITIAL_AUDIT: D(2009, 2, 20)})
    assert refused.value.message() == (
        "initial audit opinion: its deadline 2009-02-20 is before the deadline of the round "
        "before it (2009-02-28)"
    )
    with pytest.raises(RuleError, match="unknown round of the schedule: someday"):
        s.checked_deadlines(2009, {}, {"someday": D(2009, 2, 20)})


@pytest.mark.parametrize(
    ("today", "current", "state"),
    [
        (D(2009, 2, 15), r.SELF_CHECK, s.UPCOMING),  # 13 days ahead
        (D(2009, 2, 21), r.SELF_CHECK, s.DUE),  # a week ahead
        (D(2009, 2, 28), r.SELF_CHECK, s.DUE),  # the day itself
        (D(2009, 3, 1), r.SELF_CHECK, s.OVERDUE),
        (D(2009, 3, 1), r.INITIAL_AUDIT, s.DONE),  # the clean-up moved past the self-check
        (D(2010, 1, 1), r.PUBLISHED, s.DONE),
    ],
)
def test_the_self_check_deadline_on_an_injected_clock(
    today: dt.date, current: str, state: str
) -> None:
    deadline = s.default_deadlines(2009)[0]
    assert s.deadline_state(deadline, current_round=current, today=today) == state


def test_the_publication_is_overdue_after_may_until_the_list_is_published() -> None:
    published = s.default_deadlines(2009)[-1]
    june = D(2009, 6, 1)
    assert s.deadline_state(published, current_round=r.HIGHER_ADJUSTMENT, today=june) == s.OVERDUE
    assert s.deadline_state(published, current_round=r.PUBLISHED, today=june) == s.DONE


def test_a_unit_has_filed_when_every_project_has_its_proposal() -> None:
    assert s.unit_filed(registered=3, in_scope=3, decided=3)
    assert not s.unit_filed(registered=3, in_scope=3, decided=2)
    assert s.unit_filed(registered=3, in_scope=2, decided=2)  # one out of scope
    assert s.unit_filed(registered=1, in_scope=0, decided=0)  # all out of scope
    assert not s.unit_filed(registered=0, in_scope=0, decided=0)  # nothing registered


@pytest.mark.parametrize("code", ["省委-01", "市委组织部", "qingli-2009", "镇_3"])
def test_a_code_may_be_chinese(code: str) -> None:
    assert r.check_code(f" {code} ") == code


@pytest.mark.parametrize("code", ["", "a b", "a/b", "省委 01", "x" * 61, "a\x00b"])
def test_a_code_that_would_break_an_address_is_refused(code: str) -> None:
    with pytest.raises(RuleError, match="use letters \\(Chinese too\\), digits, - or _"):
        r.check_code(code)


def test_the_seeds_exclusions_and_other_needs_its_note() -> None:
    r.check_exclusion(r.X_STAFF_ASSESSMENT, "")
    r.check_exclusion(r.X_BUSINESS_RATING, "")
    with pytest.raises(RuleError, match="say why the project is out"):
        r.check_exclusion(r.X_OTHER, " ")
    with pytest.raises(RuleError, match="unknown reason for leaving a project out"):
        r.check_exclusion("bored", "")


def test_publishing_below_the_target_needs_a_reason() -> None:
    two_thirds, target = Fraction(2, 3), Fraction(7, 10)
    with pytest.raises(RuleError) as refused:
        r.check_publication(two_thirds, target, "")
    assert refused.value.message() == (
        "the reduction rate 66.7% is below the target 70.0%: record the reason to publish"
    )
    assert r.check_publication(two_thirds, target, "上级同意") is True
    assert r.check_publication(Fraction(7, 10), target, "") is False  # exactly the target
    assert r.check_publication(None, target, "") is False  # nothing registered


def test_a_project_out_of_scope_is_counted_apart_from_the_rate() -> None:
    outcomes = [
        r.ProjectOutcome("u", r.KEEP),
        r.ProjectOutcome("u", r.CANCEL),
        r.ProjectOutcome("u", r.CANCEL),
        r.ProjectOutcome("u", "", excluded=True),
    ]
    _groups, total = r.tally(outcomes)
    assert (total.registered, total.excluded, total.undecided) == (3, 1, 0)
    assert total.reduction_rate == Fraction(2, 3)
