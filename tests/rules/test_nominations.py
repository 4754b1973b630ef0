"""Seed 002's nomination rules: quotas (exactly at, over by one), the grassroots share on
exact fractions, departures needing a reason, the chain and its separation of duties, and the
deadlines on an injected day."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from pingyi.rules import nominations as n
from pingyi.rules.errors import RuleError

WORDS = {n.OVER_QUOTA: "超名额", n.FEW_GRASSROOTS: "基层一线比例不足"}


def test_exactly_at_the_quota_is_within_it() -> None:
    check = n.quota_check(5, 5)
    assert (check.over_quota, check.at_quota, check.over) == (False, True, 0)


def test_one_over_the_quota_is_flagged_by_one() -> None:
    check = n.quota_check(6, 5)
    assert (check.over_quota, check.at_quota, check.over) == (True, False, 1)


def test_a_zero_quota_makes_any_nominee_over_and_no_quota_never() -> None:
    assert n.quota_check(1, 0).over == 1
    assert n.quota_check(0, 0).at_quota
    assert not n.quota_check(99, None).over_quota


def test_a_quota_from_headcount_and_ratio_rounds_down_exactly() -> None:
    ratio = n.parse_ratio("1%")
    assert ratio == Fraction(1, 100)
    assert n.unit_quota(quota=None, headcount=300, ratio=ratio) == 3
    assert n.unit_quota(quota=None, headcount=299, ratio=ratio) == 2
    assert n.unit_quota(quota=None, headcount=99, ratio=ratio) == 0
    # a float gives 100 × 0.29 = 28.999…: floored, one place lost
    assert n.unit_quota(quota=None, headcount=100, ratio=Fraction("0.29")) == 29
    assert n.unit_quota(quota=4, headcount=300, ratio=ratio) == 4  # an allotted quota wins
    assert n.unit_quota(quota=None, headcount=None, ratio=ratio) is None


def test_seven_of_ten_meets_seventy_percent_and_two_of_three_does_not() -> None:
    minimum = n.parse_share("70%")
    assert n.share_met(n.grassroots_share(7, 10), minimum) is True
    assert n.share_met(n.grassroots_share(2, 3), minimum) is False  # 66.7 %
    assert n.share_met(n.grassroots_share(69, 99), minimum) is False  # 69.69… %
    assert n.share_met(n.grassroots_share(0, 0), minimum) is None


def test_the_grassroots_needed_are_rounded_up() -> None:
    assert n.grassroots_needed(10, Fraction(7, 10)) == 7
    assert n.grassroots_needed(3, Fraction(7, 10)) == 3  # 2.1 → 3
    assert n.grassroots_needed(0, Fraction(7, 10)) == 0


def test_shares_are_read_as_typed_and_bad_ones_refused() -> None:
    assert n.parse_share("0.7") == n.parse_share("7/10") == Fraction(7, 10)
    assert n.parse_share("0") == 0
    for bad in ("", "abc", "120%", "-1", "1/0"):
        with pytest.raises(RuleError):
            n.parse_share(bad)
    assert n.parse_ratio("") is None
    with pytest.raises(RuleError):
        n.parse_ratio("0")


def test_departures_are_named_in_order() -> None:
    minimum = Fraction(7, 10)
    assert n.departures(count=5, quota=5, grassroots=4, minimum=minimum) == ()
    assert n.departures(count=6, quota=5, grassroots=6, minimum=minimum) == (n.OVER_QUOTA,)
    both = n.departures(count=6, quota=5, grassroots=1, minimum=minimum)
    assert both == (n.OVER_QUOTA, n.FEW_GRASSROOTS)


def test_a_departure_is_approved_only_with_a_reason() -> None:
    with pytest.raises(RuleError) as exc:
        n.check_approval((n.OVER_QUOTA, n.FEW_GRASSROOTS), "  ", WORDS)
    assert exc.value.message() == (
        "the list is 超名额、基层一线比例不足: approving it anyway needs a recorded reason"
    )
    assert n.check_approval((n.OVER_QUOTA,), " 经市委同意 ", WORDS) == "经市委同意"
    assert n.check_approval((), "不需要", WORDS) == ""


def test_the_chain_moves_one_step_at_a_time() -> None:
    assert n.check_step(n.DRAFT, n.SUBMIT, phase=n.NOMINATING, nominees=2) == n.SUBMITTED
    assert n.check_step(n.SUBMITTED, n.RECOMMEND, phase=n.NOMINATING, nominees=2) == n.SUBMITTED
    assert n.check_step(n.SUBMITTED, n.RETURN, phase=n.NOMINATING, nominees=2) == n.RETURNED
    assert n.check_step(n.RETURNED, n.SUBMIT, phase=n.NOMINATING, nominees=2) == n.SUBMITTED
    assert n.check_step(n.SUBMITTED, n.APPROVE, phase=n.NOMINATING, nominees=2) == n.APPROVED
    with pytest.raises(RuleError, match="a list that is draft cannot be approved by the office"):
        n.check_step(n.DRAFT, n.APPROVE, phase=n.NOMINATING, nominees=2)
    with pytest.raises(RuleError, match="the list has no nominee"):
        n.check_step(n.DRAFT, n.SUBMIT, phase=n.NOMINATING, nominees=0)
    with pytest.raises(RuleError, match="on public notice"):
        n.check_step(n.DRAFT, n.SUBMIT, phase=n.NOTICE, nominees=1)


def test_who_drafted_the_list_does_not_recommend_or_approve_it() -> None:
    with pytest.raises(RuleError, match="uma nominated or submitted this list"):
        n.check_separation(step=n.RECOMMEND, drafters={"uma"}, steps=[], actor="uma")
    n.check_separation(step=n.SUBMIT, drafters={"uma"}, steps=[], actor="uma")


def test_nobody_records_the_step_after_their_own() -> None:
    steps = [(n.SUBMIT, "uma"), (n.RECOMMEND, "cora")]
    with pytest.raises(RuleError, match="cora recorded the step before"):
        n.check_separation(step=n.APPROVE, drafters={"uma"}, steps=steps, actor="cora")
    n.check_separation(step=n.APPROVE, drafters={"uma"}, steps=steps, actor="alice")


START = dt.date(2026, 3, 1)


def test_default_deadlines_count_from_the_start_and_own_dates_win() -> None:
    dues = {d.key: d.due for d in n.deadlines_of(START, {})}
    assert dues == {
        n.NOMINATE_BY: dt.date(2026, 3, 15),
        n.RECOMMEND_BY: dt.date(2026, 3, 22),
        n.APPROVE_BY: dt.date(2026, 3, 29),
    }
    own = n.checked_deadlines(START, {}, {n.NOMINATE_BY: dt.date(2026, 3, 10)})
    assert own[n.NOMINATE_BY] == "2026-03-10"
    with pytest.raises(RuleError, match="before 2026-03-22"):
        n.checked_deadlines(START, {}, {n.APPROVE_BY: dt.date(2026, 3, 21)})


def test_deadline_states_on_an_injected_day() -> None:
    due = n.Deadline(n.NOMINATE_BY, dt.date(2026, 3, 15))
    assert n.deadline_state(due, done=False, today=dt.date(2026, 3, 16)) == n.OVERDUE
    assert n.deadline_state(due, done=False, today=dt.date(2026, 3, 15)) == n.DUE
    assert n.deadline_state(due, done=False, today=dt.date(2026, 3, 12)) == n.DUE
    assert n.deadline_state(due, done=False, today=dt.date(2026, 3, 11)) == n.UPCOMING
    assert n.deadline_state(due, done=True, today=dt.date(2026, 4, 1)) == n.DONE


def test_a_seven_day_notice_ends_on_its_seventh_day() -> None:
    assert n.notice_end(dt.date(2026, 4, 1), 7) == dt.date(2026, 4, 7)
    with pytest.raises(RuleError):
        n.check_notice_days(4)
