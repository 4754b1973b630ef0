"""Seed 001 七: the consequences of a year's result, over hypothesis-generated series histories.

A history is a run of campaigns of one series, a year each; in each the unit is absent, has no
ballots, or has the flags a tally could give it (never winner and last; rectify only when not
last; veto never a winner; consecutive_last exactly when last now and in the previous campaign).
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from pingyi.rules import consequences as rules
from pingyi.rules.consequences import Case, Year, consequences

DUE = dt.date(2027, 2, 1)


@st.composite
def year_flags(draw: st.DrawFn) -> frozenset[str]:
    """One year's flags as a tally gives them (before consecutive_last is decided)."""
    kind = draw(st.sampled_from(["absent", "no_ballots", "ranked"]))
    if kind == "absent":
        return frozenset()
    if kind == "no_ballots":
        return frozenset({"no_ballots"})
    veto = draw(st.booleans())
    place = draw(st.sampled_from(["winner", "last", "middle"]))
    if veto and place == "winner":
        place = "middle"
    flags = {place} if place != "middle" else set()
    if place != "last" and draw(st.booleans()):
        flags.add("rectify")
    if veto:
        flags.add("veto")
    return frozenset(flags)


@st.composite
def series(draw: st.DrawFn) -> list[Year]:
    """Consecutive campaigns of a series with consecutive_last set as the tally sets it."""
    start = draw(st.integers(2015, 2030))
    raw = draw(st.lists(year_flags(), min_size=1, max_size=6))
    years: list[Year] = []
    for offset, flags in enumerate(raw):
        if "last" in flags and years and "last" in years[-1].flags:
            flags = flags | {"consecutive_last"}
        years.append(Year(start + offset, flags))
    return years


def case_of(years: list[Year], vertical: bool, *, keep_flag: bool = True) -> Case:
    now = years[-1]
    flags = now.flags if keep_flag else now.flags - {"consecutive_last"}
    return Case(year=now.year, flags=flags, vertical=vertical, history=tuple(years[:-1]))


def kinds(case: Case) -> set[str]:
    return {c.kind for c in consequences(case, report_due=DUE)}


@given(series(), st.booleans())
def test_the_bonus_moves_once_by_the_seeds_figures(years: list[Year], vertical: bool) -> None:
    case = case_of(years, vertical)
    now = years[-1].flags
    twice = "last" in now and len(years) > 1 and "last" in years[-2].flags
    expected = Fraction(0)
    if "winner" in now and "veto" not in now:
        expected = Fraction(1, 10)
    if "last" in now:
        expected = Fraction(-1) if twice else Fraction(-1, 10)
    found = consequences(case, report_due=DUE)
    assert rules.bonus_adjustment(found) == expected
    assert sum(1 for c in found if c.adjustment is not None) == (expected != 0)


@given(series(), st.booleans())
def test_consecutive_last_follows_the_series_not_only_the_flag(
    years: list[Year], vertical: bool
) -> None:
    """Without the tally's consecutive_last flag (an import that lost it) the history decides
    the same; a unit absent from the previous campaign was not last in it."""
    with_flag = kinds(case_of(years, vertical))
    assert kinds(case_of(years, vertical, keep_flag=False)) == with_flag
    twice = len(years) > 1 and "last" in years[-1].flags and "last" in years[-2].flags
    assert (rules.BONUS_FORFEIT in with_flag) == twice
    assert (rules.REMOVAL in with_flag) == (twice and not vertical)
    assert (rules.TRANSFER in with_flag) == (twice and vertical)
    assert not (twice and rules.BONUS_DOWN in with_flag)


@given(series())
def test_an_older_last_year_with_a_gap_is_not_consecutive(years: list[Year]) -> None:
    """Last now and two campaigns ago, but not in between: no forfeiture, no removal."""
    start = years[0].year
    history = (Year(start, frozenset({"last"})), Year(start + 1, frozenset()))
    case = Case(year=start + 2, flags=frozenset({"last"}), history=history)
    found = kinds(case)
    assert rules.BONUS_DOWN in found
    assert rules.REMOVAL not in found and rules.BONUS_FORFEIT not in found


@given(series(), st.booleans())
def test_last_and_rectify_units_write_a_dated_report(years: list[Year], vertical: bool) -> None:
    now = years[-1].flags
    found = {c.kind: c for c in consequences(case_of(years, vertical), report_due=DUE)}
    writes = bool({"last", "rectify"} & now)
    assert (rules.WRITTEN_REPORT in found) == writes
    if writes:
        assert found[rules.WRITTEN_REPORT].due == DUE
    assert all(c.due is None for k, c in found.items() if k != rules.WRITTEN_REPORT)
    last_only = {rules.CRITICISM, rules.NO_HONOURS}
    assert (last_only <= set(found)) == ("last" in now)
    assert not (last_only & set(found)) or "last" in now


@given(series(), st.booleans())
def test_vertical_units_have_their_superior_informed(years: list[Year], vertical: bool) -> None:
    """Every vertical unit with a result; a unit without ballots gets no consequence."""
    found = kinds(case_of(years, vertical))
    if "no_ballots" in years[-1].flags:
        assert found == set()
        return
    assert (rules.SUPERIOR_LETTER in found) == vertical


@given(series(), st.booleans())
def test_a_vetoed_unit_is_never_commended(years: list[Year], vertical: bool) -> None:
    now = years[-1].flags
    found = kinds(case_of(years, vertical))
    assert (rules.VETO_EXCLUDED in found) == ("veto" in now and "no_ballots" not in now)
    if "veto" in now:
        assert not {rules.COMMENDATION, rules.BONUS_UP} & found
    # a winner flag arriving with a veto (an inconsistent import) still commends nobody
    forced = Case(year=2026, flags=frozenset({"winner", "veto"}), vertical=vertical)
    assert not {rules.COMMENDATION, rules.BONUS_UP} & kinds(forced)


@given(series(), st.booleans())
def test_only_removal_asks_for_the_one_year_in_post_check(
    years: list[Year], vertical: bool
) -> None:
    for found in consequences(case_of(years, vertical), report_due=DUE):
        assert bool(found.check) == (found.kind == rules.REMOVAL)
        assert found.text == rules.KIND_TEXT[found.kind]


def test_the_seeds_words_and_figures() -> None:
    assert rules.KIND_TEXT[rules.BONUS_UP].endswith("上浮10%")
    assert rules.KIND_TEXT[rules.BONUS_DOWN].endswith("下调10%")
    assert {
        rules.BONUS_UP: Fraction(1, 10),
        rules.BONUS_DOWN: Fraction(-1, 10),
        rules.BONUS_FORFEIT: Fraction(-1),
    } == rules.ADJUSTMENT
    assert "任现职时间满一年" in rules.CHECKS[rules.REMOVAL]


def test_overdue_on_the_injected_day() -> None:
    assert not rules.is_overdue(due=DUE, done=False, today=DUE)
    assert rules.is_overdue(due=DUE, done=False, today=DUE + dt.timedelta(days=1))
    assert not rules.is_overdue(due=DUE, done=True, today=DUE + dt.timedelta(days=1))
    assert not rules.is_overdue(due=None, done=False, today=DUE)
