"""P1 tally: points, valid ballots, ranking and flags (SPEC P1), on in-memory ballot matrices.

Ballots are written as strings, one character a unit column: S 满意, B 基本满意, D 不满意,
A 弃权 and "-" for an empty cell. ``by_unit`` writes the same matrix a column at a time.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pingyi.rules.scheme import Scheme, builtin_scheme, scheme_from_toml
from pingyi.rules.tally import (
    BLANK,
    FLAG_ORDER,
    REASON_BLANK,
    GroupCounts,
    GroupShare,
    InvalidBallot,
    MarkMatrix,
    TallyResult,
    UnitResult,
    UnitSpec,
    group_rates,
    round_fraction,
    tally,
)

BUILTIN = builtin_scheme()
CELL = {"S": 0, "B": 1, "D": 2, "A": 3, "-": BLANK}
# Nine columns with strictly falling means over four ballots: 2, 1.75, 1.5, 1.25, 1, .75, .5, .25, 0
LADDER = ("SSSS", "SSSB", "SSBB", "SBBB", "BBBB", "BBBD", "BBDD", "BDDD", "DDDD")


def matrix(rows: Sequence[str]) -> MarkMatrix:
    """["SB-", "DAS"] → a 2 × 3 matrix of mark indices (BLANK for "-")."""
    width = len(rows[0]) if rows else 0
    assert all(len(r) == width for r in rows), "every ballot string needs the same length"
    return np.array([[CELL[c] for c in row] for row in rows], dtype=np.int8).reshape(
        len(rows), width
    )


def unit(code: str, category: str = "local", veto: bool = False) -> UnitSpec:
    rule = BUILTIN.category_for(category)
    assert rule is not None
    return UnitSpec(
        code=code, name=f"{code} 局", category=category, category_code=rule.code, veto=veto
    )


def run(
    rows: Sequence[str],
    units: Sequence[UnitSpec] | None = None,
    *,
    scheme: Scheme = BUILTIN,
    columns: Sequence[int | None] | None = None,
    ballot_nos: Sequence[str] | None = None,
    groups: Sequence[str | None] | None = None,
    previous_last: Iterable[str] = (),
) -> TallyResult:
    """Tallies ballot strings; by default one local unit U1, U2, … per column, in order."""
    marks = matrix(rows)
    if units is None:
        units = [unit(f"U{i + 1}") for i in range(marks.shape[1])]
    return tally(
        units=units,
        marks=marks,
        columns=list(columns) if columns is not None else list(range(len(units))),
        scheme=scheme,
        ballot_nos=ballot_nos,
        groups=groups,
        previous_last=previous_last,
    )


def by_unit(
    columns: Mapping[str, str],
    *,
    categories: Mapping[str, str] | None = None,
    vetoed: Iterable[str] = (),
    scheme: Scheme = BUILTIN,
    previous_last: Iterable[str] = (),
) -> TallyResult:
    """Tallies marks given per unit: {"U1": "SSB", "U2": "BDD"} is the ballots "SB", "SD", "BD"."""
    codes = list(columns)
    length = {len(v) for v in columns.values()}
    assert len(length) == 1, "every unit needs the same number of ballots"
    rows = ["".join(columns[c][i] for c in codes) for i in range(length.pop())]
    veto = set(vetoed)
    units = [unit(c, (categories or {}).get(c, "local"), veto=c in veto) for c in codes]
    return run(rows, units, scheme=scheme, previous_last=previous_last)


def of(result: TallyResult, code: str) -> UnitResult:
    return next(u for u in result.units if u.spec.code == code)


def flags(result: TallyResult) -> dict[str, list[str]]:
    return {u.spec.code: u.flags for u in result.units}


def ranks(result: TallyResult) -> dict[str, int | None]:
    return {u.spec.code: u.rank for u in result.units}


def codes_with(result: TallyResult, flag: str) -> list[str]:
    return [u.spec.code for u in result.by_flag(flag)]


def ladder(count: int, prefix: str = "U") -> dict[str, str]:
    """``count`` units with falling means: U1 best … U<count> worst (count ≤ 9)."""
    return {f"{prefix}{i + 1}": LADDER[i] for i in range(count)}


def scheme_with(toml: str) -> Scheme:
    return scheme_from_toml(toml, "test.toml")


# --------------------------------------------------------------------------- points and ballots


def test_each_mark_scores_its_points() -> None:
    result = run(["SBDA"])

    assert [u.score for u in result.units] == [2, 1, 0, Fraction(1, 2)]
    assert [u.mean_score for u in result.units] == [2, 1, 0, Fraction(1, 2)]
    assert [u.satisfaction_rate for u in result.units] == [1, 1, 0, 0]
    assert [u.counts for u in result.units] == [
        (1, 0, 0, 0),
        (0, 1, 0, 0),
        (0, 0, 1, 0),
        (0, 0, 0, 1),
    ]


def test_a_blank_cell_counts_as_abstain() -> None:
    result = run(["S-", "SB"])

    u2 = of(result, "U2")
    assert u2.counts == (0, 1, 0, 1)
    assert u2.valid_ballots == 2
    assert u2.score == Fraction(3, 2)
    assert u2.satisfaction_rate == Fraction(1, 2)


def test_a_ballot_with_only_abstain_and_blanks_is_invalid_and_not_counted() -> None:
    result = run(["SB", "--", "AA", "A-"], ballot_nos=["7", "8", "9", "10"])

    assert result.total_ballots == 4
    assert result.valid_ballots == 1
    assert result.invalid == [
        InvalidBallot("8", REASON_BLANK),
        InvalidBallot("9", REASON_BLANK),
        InvalidBallot("10", REASON_BLANK),
    ]
    assert of(result, "U1").valid_ballots == 1
    assert of(result, "U1").counts == (1, 0, 0, 0)
    assert of(result, "U2").counts == (0, 1, 0, 0)


def test_invalid_ballots_are_numbered_by_position_without_ballot_numbers() -> None:
    result = run(["S", "-", "A"])

    assert [b.ballot_no for b in result.invalid] == ["2", "3"]
    assert all(b.reason == "blank" for b in result.invalid)


def test_a_single_opinion_makes_a_ballot_valid() -> None:
    result = run(["AAD-"])

    assert result.valid_ballots == 1
    assert result.invalid == []
    assert [u.counts[3] for u in result.units] == [1, 1, 0, 1]


def test_blank_ballots_count_as_abstentions_when_the_scheme_says_valid() -> None:
    scheme = scheme_with('blank_ballot = "valid"')

    result = run(["SB", "--", "AA", "A-"], scheme=scheme)

    assert result.valid_ballots == 4
    assert result.invalid == []
    u1 = of(result, "U1")
    assert u1.counts == (1, 0, 0, 3)
    assert u1.valid_ballots == 4
    assert u1.score == Fraction(7, 2)
    assert u1.mean_score == Fraction(7, 8)
    assert u1.satisfaction_rate == Fraction(1, 4)


def test_no_ballot_at_all_leaves_every_unit_without_ballots() -> None:
    marks = np.zeros((0, 2), dtype=np.int8)

    result = tally(units=[unit("U1"), unit("U2")], marks=marks, columns=[0, 1], scheme=BUILTIN)

    assert result.total_ballots == 0
    assert result.valid_ballots == 0
    assert flags(result) == {"U1": ["no_ballots"], "U2": ["no_ballots"]}


# --------------------------------------------------------------------------- units without ballots


def test_a_unit_no_ballot_covers_gets_no_rank_and_only_no_ballots() -> None:
    units = [unit("U1"), unit("U2", veto=True), unit("U3")]

    result = run(["SD"], units, columns=[0, None, 1])

    u2 = of(result, "U2")
    assert u2.valid_ballots == 0
    assert u2.counts == (0, 0, 0, 0)
    assert u2.score == 0
    assert u2.mean_score is None
    assert u2.satisfaction_rate is None
    assert u2.rank is None
    assert u2.flags == ["no_ballots"]  # no veto, no rectify
    assert ranks(result) == {"U1": 1, "U2": None, "U3": 2}


def test_when_every_ballot_is_blank_every_unit_has_no_ballots() -> None:
    result = run(["A-", "--"], [unit("U1"), unit("U2", "financial")])

    assert result.valid_ballots == 0
    assert [u.counts for u in result.units] == [(0, 0, 0, 0), (0, 0, 0, 0)]
    assert flags(result) == {"U1": ["no_ballots"], "U2": ["no_ballots"]}


# --------------------------------------------------------------------------- mean and rate


def test_mean_is_score_over_valid_ballots_and_rate_is_favourable_over_valid_ballots() -> None:
    result = by_unit({"U1": "SSBDA", "U2": "SSSSS"})

    u1 = of(result, "U1")
    assert u1.valid_ballots == 5
    assert u1.counts == (2, 1, 1, 1)
    assert u1.score == Fraction(11, 2)
    assert u1.mean_score == Fraction(11, 10)
    assert u1.satisfaction_rate == Fraction(3, 5)


def test_abstentions_leave_count_score_and_rate_when_not_in_the_denominator() -> None:
    scheme = scheme_with("abstain_in_denominator = false")

    result = by_unit({"U1": "SAAD-", "U2": "SSSSS"}, scheme=scheme)

    u1 = of(result, "U1")
    assert u1.counts == (1, 0, 1, 3)  # still reported
    assert u1.valid_ballots == 2
    assert u1.score == 2
    assert u1.mean_score == 1
    assert u1.satisfaction_rate == Fraction(1, 2)


def test_a_unit_with_only_abstentions_out_of_the_denominator_has_no_ballots() -> None:
    scheme = scheme_with("abstain_in_denominator = false")

    result = by_unit({"U1": "A-", "U2": "SB"}, scheme=scheme)

    assert of(result, "U1").flags == ["no_ballots"]
    assert of(result, "U1").rank is None
    assert of(result, "U2").rank == 1


# --------------------------------------------------------------------------- ranking


def test_units_rank_by_mean_score_before_rate() -> None:
    result = by_unit({"U1": "BBB", "U2": "SSD"})

    assert of(result, "U2").mean_score == Fraction(4, 3)
    assert of(result, "U2").satisfaction_rate == Fraction(2, 3)
    assert ranks(result) == {"U1": 2, "U2": 1}


def test_equal_means_rank_by_higher_satisfaction_rate() -> None:
    result = by_unit({"U1": "SD", "U2": "BB"})

    assert of(result, "U1").mean_score == of(result, "U2").mean_score == 1
    assert ranks(result) == {"U1": 2, "U2": 1}


def test_equal_means_and_rates_rank_by_more_satisfied_marks() -> None:
    # U1: 1 满意, 2 不满意, 2 弃权; U2: 1 基本满意, 4 弃权 — both score 3 and rate 1/5.
    result = by_unit({"U1": "SDDAA", "U2": "BAAAA", "F": "SSSSS"}, categories={"F": "financial"})

    u1, u2 = of(result, "U1"), of(result, "U2")
    assert (u1.mean_score, u1.satisfaction_rate) == (u2.mean_score, u2.satisfaction_rate)
    assert ranks(result) == {"U1": 1, "U2": 2, "F": 1}


def test_units_still_tied_share_a_rank_and_the_next_rank_is_skipped() -> None:
    result = by_unit({"U1": "SS", "U2": "SB", "U3": "SB", "U4": "BB", "U5": "BD"})

    assert ranks(result) == {"U1": 1, "U2": 2, "U3": 2, "U4": 4, "U5": 5}


def test_ranks_are_counted_within_each_category() -> None:
    result = by_unit(
        {"L1": "BB", "V1": "SS", "L2": "SS", "F1": "DD", "V2": "BD"},
        categories={"V1": "vertical", "V2": "vertical", "F1": "financial"},
    )

    assert ranks(result) == {"L1": 2, "V1": 1, "L2": 1, "F1": 1, "V2": 2}


# --------------------------------------------------------------------------- winners


def test_winners_are_the_best_five_local_three_vertical_and_two_financial() -> None:
    columns = {**ladder(7, "L"), **ladder(4, "V"), **ladder(3, "F")}
    categories = {c: {"L": "local", "V": "vertical", "F": "financial"}[c[0]] for c in columns}

    result = by_unit(columns, categories=categories)

    assert codes_with(result, "winner") == [
        "L1",
        "L2",
        "L3",
        "L4",
        "L5",
        "V1",
        "V2",
        "V3",
        "F1",
        "F2",
    ]
    assert codes_with(result, "last") == ["L7", "V4", "F3"]


def test_units_tied_with_the_last_winning_place_all_win() -> None:
    result = by_unit({**ladder(4), "U5": "BBBB", "U6": "BBBB", "U7": "DDDD"})

    assert ranks(result)["U5"] == ranks(result)["U6"] == 5
    assert codes_with(result, "winner") == ["U1", "U2", "U3", "U4", "U5", "U6"]
    assert codes_with(result, "last") == ["U7"]


def test_vetoed_unit_gives_its_place_to_the_next() -> None:
    result = by_unit(ladder(7), vetoed=["U2"])

    assert codes_with(result, "winner") == ["U1", "U3", "U4", "U5", "U6"]
    assert of(result, "U2").flags == ["veto"]
    assert of(result, "U2").rank == 2  # the veto bars winning, not ranking
    assert codes_with(result, "last") == ["U7"]


def test_a_vetoed_unit_tied_at_the_cut_does_not_win_but_its_tied_peer_does() -> None:
    columns = {**ladder(4), "U5": "BBBB", "U6": "BBBB", "U7": "DDDD"}

    result = by_unit(columns, vetoed=["U5"])

    assert codes_with(result, "winner") == ["U1", "U2", "U3", "U4", "U6"]
    assert of(result, "U5").flags == ["veto"]


def test_a_vetoed_unit_at_the_bottom_is_last_and_keeps_its_veto_flag() -> None:
    result = by_unit(ladder(7), vetoed=["U7"], previous_last=["U7"])

    assert of(result, "U7").flags == ["last", "consecutive_last", "veto"]
    assert codes_with(result, "winner") == ["U1", "U2", "U3", "U4", "U5"]


def test_when_every_unit_is_vetoed_none_wins() -> None:
    result = by_unit(ladder(3), vetoed=["U1", "U2", "U3"])

    assert flags(result) == {"U1": ["veto"], "U2": ["veto"], "U3": ["veto"]}


def test_a_category_no_larger_than_its_winner_places_has_all_eligible_win_and_none_last() -> None:
    result = by_unit(
        {"F1": "SSSS", "F2": "DDDD", "V1": "SSSS", "V2": "BBBD", "V3": "DDDD"},
        categories={
            "F1": "financial",
            "F2": "financial",
            "V1": "vertical",
            "V2": "vertical",
            "V3": "vertical",
        },
    )

    assert flags(result) == {
        "F1": ["winner"],
        "F2": ["winner", "rectify"],
        "V1": ["winner"],
        "V2": ["winner", "rectify"],
        "V3": ["winner", "rectify"],
    }


def test_units_without_ballots_do_not_count_towards_more_units_than_places() -> None:
    units = [unit("F1", "financial"), unit("F2", "financial"), unit("F3", "financial")]

    result = run(["SD"], units, columns=[0, 1, None])

    assert flags(result) == {"F1": ["winner"], "F2": ["winner", "rectify"], "F3": ["no_ballots"]}


# --------------------------------------------------------------------------- last


def test_last_is_only_where_ranked_units_outnumber_the_winner_places() -> None:
    five = by_unit(ladder(5))
    six = by_unit(ladder(6))

    assert codes_with(five, "last") == []
    assert codes_with(six, "last") == ["U6"]


def test_all_units_tied_at_the_bottom_are_last() -> None:
    result = by_unit({**ladder(5), "U6": "BDDD", "U7": "BDDD", "U8": "BDDD"})

    assert codes_with(result, "last") == ["U6", "U7", "U8"]
    assert {of(result, c).rank for c in ("U6", "U7", "U8")} == {6}


def test_when_all_units_tie_they_all_win_and_none_is_last() -> None:
    result = by_unit({f"U{i}": "SSSB" for i in range(1, 8)})

    assert codes_with(result, "winner") == [f"U{i}" for i in range(1, 8)]
    assert codes_with(result, "last") == []


def test_a_winner_is_never_last_even_when_the_next_unit_up_is_the_bottom() -> None:
    # Six local units, the best under veto: the sixth moves up into the fifth place.
    result = by_unit(ladder(6), vetoed=["U1"])

    assert codes_with(result, "winner") == ["U2", "U3", "U4", "U5", "U6"]
    assert codes_with(result, "last") == []


def test_the_bottom_two_places_are_last_when_the_scheme_says_two() -> None:
    scheme = scheme_with("last_places = 2")

    result = by_unit(ladder(8), scheme=scheme)

    assert codes_with(result, "last") == ["U7", "U8"]


def test_no_unit_is_last_when_the_scheme_sets_no_last_places() -> None:
    scheme = scheme_with("last_places = 0")

    result = by_unit(ladder(8), scheme=scheme)

    assert codes_with(result, "last") == []
    assert codes_with(result, "rectify") == ["U6", "U7", "U8"]


# --------------------------------------------------------------------------- rectify


def test_a_unit_below_ninety_percent_that_is_not_last_must_rectify() -> None:
    result = by_unit(ladder(8))

    assert codes_with(result, "last") == ["U8"]
    assert codes_with(result, "rectify") == ["U6", "U7"]
    assert of(result, "U8").flags == ["last"]


def test_exactly_ninety_percent_is_not_below_ninety_percent() -> None:
    result = by_unit({"U1": "SSSSSSSSSD", "U2": "SSSSSSSSSS"})

    assert of(result, "U1").satisfaction_rate == Fraction(9, 10)
    assert of(result, "U1").flags == ["winner"]


def test_a_hair_below_ninety_percent_must_rectify() -> None:
    marks = np.array([[0]] * 8999 + [[2]] * 1001, dtype=np.int8)

    result = tally(units=[unit("U1")], marks=marks, columns=[0], scheme=BUILTIN)

    assert result.units[0].satisfaction_rate == Fraction(8999, 10000)
    assert result.units[0].flags == ["winner", "rectify"]


def test_a_changed_rectify_threshold_decides_rectify() -> None:
    scheme = scheme_with('rectify_below = "80%"')

    result = by_unit({"U1": "SSSSSSSBDD", "U2": "SSSSSSSSDD", "U3": "SSSSSSSDDD"}, scheme=scheme)

    assert of(result, "U1").satisfaction_rate == Fraction(4, 5)
    assert of(result, "U1").flags == ["winner"]
    assert of(result, "U3").flags == ["winner", "rectify"]


def _rate_column(favourable: int, total: int) -> MarkMatrix:
    return np.array([[0]] * favourable + [[2]] * (total - favourable), dtype=np.int8)


def test_the_published_rate_decides_rectify_when_the_scheme_says_so() -> None:
    published = scheme_with("rate_percent_decimals = 1\ndecide_on_published_rate = true")
    exact = scheme_with("rate_percent_decimals = 1\ndecide_on_published_rate = false")
    marks = _rate_column(8996, 10000)  # 89.96 % is published as 90.0 %

    on_published = tally(units=[unit("U1")], marks=marks, columns=[0], scheme=published)
    on_exact = tally(units=[unit("U1")], marks=marks, columns=[0], scheme=exact)

    assert on_published.units[0].flags == ["winner"]
    assert on_exact.units[0].flags == ["winner", "rectify"]


def test_a_published_rate_rounds_half_up_before_deciding() -> None:
    scheme = scheme_with("rate_percent_decimals = 1\ndecide_on_published_rate = true")

    half = tally(units=[unit("U1")], marks=_rate_column(1799, 2000), columns=[0], scheme=scheme)
    below = tally(units=[unit("U1")], marks=_rate_column(4497, 5000), columns=[0], scheme=scheme)

    assert half.units[0].flags == ["winner"]  # 89.95 % → 90.0 %
    assert below.units[0].flags == ["winner", "rectify"]  # 89.94 % → 89.9 %


def test_round_fraction_rounds_half_away_from_zero_exactly() -> None:
    assert round_fraction(Fraction(8995, 10000), 3) == Fraction(9, 10)
    assert round_fraction(Fraction(8994999, 10000000), 3) == Fraction(899, 1000)
    assert round_fraction(Fraction(-1, 8), 2) == Fraction(-13, 100)
    assert round_fraction(Fraction(2, 3), 6) == Fraction(666667, 1000000)


# --------------------------------------------------------------------------- consecutive last


def test_last_now_and_last_before_is_consecutive_last() -> None:
    result = by_unit(ladder(7), previous_last=["U7", "U1", "GONE"])

    assert of(result, "U7").flags == ["last", "consecutive_last"]
    assert of(result, "U1").flags == ["winner"]


def test_last_before_but_not_now_is_not_consecutive_last() -> None:
    result = by_unit(ladder(7), previous_last=["U6"])

    assert codes_with(result, "consecutive_last") == []
    assert of(result, "U6").flags == ["rectify"]


def test_a_unit_without_ballots_is_never_consecutive_last() -> None:
    units = [*(unit(f"U{i}") for i in range(1, 8)), unit("U8")]

    result = run(["SSSSSSD"], units, columns=[0, 1, 2, 3, 4, 5, 6, None], previous_last=["U8"])

    assert of(result, "U8").flags == ["no_ballots"]
    assert of(result, "U7").flags == ["last"]


# --------------------------------------------------------------------------- flag order


def test_flags_come_in_the_published_order() -> None:
    result = by_unit(
        {**ladder(4), "U5": "BBBD", "U6": "BBDD", "U7": "DDDD"},
        vetoed=["U7", "U6"],
        previous_last=["U7"],
    )

    assert of(result, "U5").flags == ["winner", "rectify"]
    assert of(result, "U6").flags == ["rectify", "veto"]
    assert of(result, "U7").flags == ["last", "consecutive_last", "veto"]
    assert FLAG_ORDER == ("winner", "last", "rectify", "consecutive_last", "veto", "no_ballots")


# --------------------------------------------------------------------------- scheme options


def test_changed_points_change_scores_and_ranks() -> None:
    scheme = scheme_with('[points]\nsatisfied = 3\n"弃权" = 0')

    result = by_unit({"U1": "SDD", "U2": "BBA"}, scheme=scheme)

    assert of(result, "U1").score == 3
    assert of(result, "U2").score == 2
    assert ranks(result) == {"U1": 1, "U2": 2}


def test_changed_winner_places_change_the_winners() -> None:
    scheme = scheme_with('[winners]\nlocal = 2\n"金融部门" = 0')

    result = by_unit(
        {**ladder(4), "F1": "SSSS", "F2": "DDDD"},
        categories={"F1": "financial", "F2": "financial"},
        scheme=scheme,
    )

    assert codes_with(result, "winner") == ["U1", "U2"]
    assert codes_with(result, "last") == ["U4", "F2"]


def test_a_scheme_with_its_own_marks_counts_them() -> None:
    scheme = scheme_with(
        """
        [[marks]]
        code = "good"
        label = "好"
        points = 10
        favourable = true
        [[marks]]
        code = "none"
        label = "无"
        points = 5
        abstain = true
        [[marks]]
        code = "bad"
        label = "差"
        points = 0
        """
    )

    result = run(["SBD", "-BD"], [unit("U1"), unit("U2"), unit("U3", "financial")], scheme=scheme)

    # S, B and D are now the indices of good, none and bad.
    assert of(result, "U1").counts == (1, 1, 0)
    assert of(result, "U1").score == 15
    assert of(result, "U2").counts == (0, 2, 0)
    assert of(result, "U2").satisfaction_rate == 0
    assert of(result, "U3").counts == (0, 0, 2)
    assert result.valid_ballots == 2


# --------------------------------------------------------------------------- groups


def test_mixed_spellings_of_a_group_count_together_under_its_scheme_name() -> None:
    rows = ["S", "S", "S", "S", "S", "A", "S", "S"]
    groups: list[str | None] = [
        "其他",
        "service_recipients",
        "干部和各界代表",
        "服务对象",
        None,
        "服务对象",
        "  SERVICE recipients ",
        "外来",
    ]

    result = run(rows, groups=groups)

    assert result.valid_ballots == 7
    assert result.groups == [
        GroupShare("服务对象", 3, Fraction(3, 7), Fraction(3, 5)),
        GroupShare("干部和各界代表", 1, Fraction(1, 7), Fraction(2, 5)),
        GroupShare("其他", 1, Fraction(1, 7), None),
        GroupShare("外来", 1, Fraction(1, 7), None),
    ]


def test_a_group_written_one_way_keeps_that_spelling() -> None:
    result = run(["S", "S", "S"], groups=["service_recipients", "service_recipients", "外来"])

    assert result.groups == [
        GroupShare("service_recipients", 2, Fraction(2, 3), Fraction(3, 5)),
        GroupShare("干部和各界代表", 0, Fraction(0), Fraction(2, 5)),  # nobody came: shown
        GroupShare("外来", 1, Fraction(1, 3), None),
    ]


def test_no_group_column_gives_no_group_shares() -> None:
    assert run(["S"]).groups == []


def test_a_target_share_changed_by_the_scheme_is_reported() -> None:
    scheme = scheme_with('[target_shares]\n"服务对象" = "70%"\ncadres_and_representatives = 0.3')

    result = run(["S", "S"], groups=["服务对象", "干部和各界代表"], scheme=scheme)

    assert [(g.name, g.target_share) for g in result.groups] == [
        ("服务对象", Fraction(7, 10)),
        ("干部和各界代表", Fraction(3, 10)),
    ]


def test_a_group_is_listed_the_same_whichever_spelling_comes_first() -> None:
    spellings: list[str | None] = ["service_recipients", "服务对象", "其他", "外来"]

    forward = run(["S"] * 4, groups=spellings)
    backward = run(["S"] * 4, groups=spellings[::-1])

    assert forward.groups == backward.groups


# --------------------------------------------------------------------------- properties

CATEGORIES = ("local", "vertical", "financial")
GROUP_SPELLINGS = (
    "服务对象",
    "service_recipients",
    "干部和各界代表",
    "Cadres and representatives",
    "其他",
    "外来",
    None,
)


@dataclass(frozen=True)
class Inputs:
    units: list[UnitSpec]
    marks: MarkMatrix
    columns: list[int | None]
    ballot_nos: list[str]
    groups: list[str | None]
    previous_last: set[str]

    def run(self, order: Sequence[int] | None = None) -> TallyResult:
        rows = list(order) if order is not None else list(range(self.marks.shape[0]))
        return tally(
            units=self.units,
            marks=self.marks[rows],
            columns=self.columns,
            scheme=BUILTIN,
            ballot_nos=[self.ballot_nos[i] for i in rows],
            groups=[self.groups[i] for i in rows],
            previous_last=self.previous_last,
        )

    def shuffled(self, seed: int) -> list[int]:
        order = list(range(self.marks.shape[0]))
        random.Random(seed).shuffle(order)
        return order


@st.composite
def inputs(draw: st.DrawFn) -> Inputs:
    """A few units in the three categories (some vetoed, some on no ballot) and a few ballots."""
    count = draw(st.integers(min_value=1, max_value=9))
    units = [
        unit(f"U{i}", draw(st.sampled_from(CATEGORIES)), veto=draw(st.integers(0, 3)) == 0)
        for i in range(count)
    ]
    columns: list[int | None] = []
    width = 0
    for _ in range(count):
        if draw(st.integers(0, 5)) == 0:
            columns.append(None)
        else:
            columns.append(width)
            width += 1
    height = draw(st.integers(min_value=0, max_value=25))
    row = st.lists(st.sampled_from((0, 1, 2, 3, BLANK)), min_size=width, max_size=width)
    cells = draw(st.lists(row, min_size=height, max_size=height))
    return Inputs(
        units=units,
        marks=np.array(cells, dtype=np.int8).reshape(height, width),
        columns=columns,
        ballot_nos=[f"N{i}" for i in range(height)],
        groups=[draw(st.sampled_from(GROUP_SPELLINGS)) for _ in range(height)],
        previous_last=draw(st.sets(st.sampled_from([u.code for u in units]))),
    )


def unit_view(result: TallyResult) -> list[tuple[object, ...]]:
    return [
        (
            u.spec,
            u.valid_ballots,
            u.counts,
            u.score,
            u.mean_score,
            u.satisfaction_rate,
            u.rank,
            u.flags,
        )
        for u in result.units
    ]


@settings(max_examples=200, deadline=None)
@given(data=inputs(), seed=st.integers(0, 2**32 - 1))
def test_unit_results_do_not_depend_on_the_order_of_the_ballots(data: Inputs, seed: int) -> None:
    before, after = data.run(), data.run(data.shuffled(seed))

    assert unit_view(after) == unit_view(before)
    assert (after.total_ballots, after.valid_ballots) == (
        before.total_ballots,
        before.valid_ballots,
    )
    assert sorted(b.ballot_no for b in after.invalid) == sorted(b.ballot_no for b in before.invalid)


@settings(max_examples=200, deadline=None)
@given(data=inputs(), seed=st.integers(0, 2**32 - 1))
def test_group_shares_do_not_depend_on_the_order_of_the_ballots(data: Inputs, seed: int) -> None:
    assert data.run(data.shuffled(seed)).groups == data.run().groups


@settings(max_examples=200, deadline=None)
@given(data=inputs())
def test_score_is_two_per_satisfied_one_per_basically_satisfied_and_a_half_per_abstain(
    data: Inputs,
) -> None:
    for u in data.run().units:
        s, b, d, a = u.counts
        assert u.score == 2 * s + b + Fraction(a, 2)
        assert u.valid_ballots == s + b + d + a
        if u.valid_ballots:
            assert u.mean_score == u.score / u.valid_ballots
            assert u.satisfaction_rate == Fraction(s + b, u.valid_ballots)


@settings(max_examples=200, deadline=None)
@given(data=inputs())
def test_flags_are_consistent(data: Inputs) -> None:
    for u in data.run().units:
        assert u.flags == sorted(set(u.flags), key=FLAG_ORDER.index)
        assert not {"winner", "last"} <= set(u.flags)
        assert not {"rectify", "last"} <= set(u.flags)
        assert not {"winner", "veto"} <= set(u.flags)
        if "consecutive_last" in u.flags:
            assert "last" in u.flags
            assert u.spec.code in data.previous_last
        if u.rank is None:
            assert u.flags == ["no_ballots"]
            assert u.valid_ballots == 0
            continue
        assert "no_ballots" not in u.flags
        assert ("veto" in u.flags) == u.spec.veto
        assert u.satisfaction_rate is not None
        below = u.satisfaction_rate < Fraction(9, 10)
        assert ("rectify" in u.flags) == ("last" not in u.flags and below)


@settings(max_examples=200, deadline=None)
@given(data=inputs())
def test_ranks_are_competition_ranks_within_each_category(data: Inputs) -> None:
    result = data.run()

    def key(u: UnitResult) -> tuple[Fraction, Fraction, int]:
        assert u.mean_score is not None and u.satisfaction_rate is not None
        return (u.mean_score, u.satisfaction_rate, u.counts[0])

    for category in CATEGORIES:
        ranked = [u for u in result.units if u.spec.category == category and u.rank is not None]
        for u in ranked:
            assert u.rank == 1 + sum(key(v) > key(u) for v in ranked)


@settings(max_examples=200, deadline=None)
@given(data=inputs())
def test_each_category_has_at_least_its_winner_places_of_eligible_units(data: Inputs) -> None:
    result = data.run()

    for rule in BUILTIN.categories:
        members = [u for u in result.units if u.spec.category_code == rule.code]
        ranked = [u for u in members if u.rank is not None]
        eligible = [u for u in ranked if not u.spec.veto]
        winners = [u for u in members if "winner" in u.flags]
        last = [u for u in members if "last" in u.flags]
        assert len(winners) >= min(rule.winners, len(eligible))
        if winners:
            cut = max(u.rank or 0 for u in winners)
            assert all("winner" in u.flags for u in eligible if (u.rank or 0) <= cut)
        if len(ranked) <= rule.winners:
            assert last == []
        if last:
            assert {u.rank for u in last} == {max(u.rank or 0 for u in ranked)}


# --- satisfaction by evaluator group, small groups suppressed -----------------------------


def _counted(rows: Sequence[str], width: int) -> np.ndarray:
    counts = np.zeros((width, len(BUILTIN.marks)), dtype=np.int64)
    for row in rows:
        for column, cell in enumerate(row):
            counts[column, BUILTIN.abstain_index if cell == "-" else CELL[cell]] += 1
    return counts


def _group(name: str, rows: Sequence[str], units: Sequence[UnitSpec]) -> GroupCounts:
    """A group whose ballots all cover every unit given."""
    covering = tuple(
        len(rows) if any(u.category_code == c.code for u in units) else 0
        for c in BUILTIN.categories
    )
    return GroupCounts(name, len(rows), covering, _counted(rows, len(units)))


def test_each_group_gets_its_rate_per_category_when_no_group_is_small() -> None:
    units = [unit("L1"), unit("L2"), unit("V1", "vertical")]
    k = BUILTIN.min_subset_ballots
    many = ["SBD"] * 6 + ["DDS"] * (k - 6)  # local: 6 S + 6 B + (k-6)·2 D of 2k; vertical: ...
    others = ["SSS"] * k
    rates = group_rates(
        units, BUILTIN, [_group("服务对象", many, units), _group("代表", others, units)]
    )
    local, vertical = rates[0].rates[:2]
    assert local == Fraction(12, 2 * k)
    assert vertical == Fraction(k - 6, k)
    assert rates[0].rates[2] is None  # no unit of the third category: no opinion, no rate
    assert rates[1].rates[:2] == (1, 1) and not rates[1].suppressed


def test_a_small_group_hides_the_other_too_when_the_total_would_give_it_back() -> None:
    """541 服务对象 and 3 干部: with the category's result published, the big group's figure
    minus the total is the small group's — so neither is shown (R12)."""
    units = [unit("L1"), unit("V1", "vertical")]
    k = BUILTIN.min_subset_ballots
    rates = group_rates(
        units,
        BUILTIN,
        [_group("服务对象", ["SB"] * 541, units), _group("干部", ["DD"] * (k - 5), units)],
    )
    assert [g.hidden[:2] for g in rates] == [(True, True), (True, True)]
    assert [g.rates[:2] for g in rates] == [(None, None), (None, None)]
    assert rates[0].ballots == 541 and rates[0].suppressed and rates[1].suppressed


def test_with_three_groups_the_smallest_other_is_the_complement() -> None:
    units = [unit("L1")]
    k = BUILTIN.min_subset_ballots
    groups = [
        _group("a", ["S"] * 100, units),
        _group("b", ["B"] * 20, units),
        _group("c", ["D"] * (k - 1), units),
    ]
    a, b, c = group_rates(units, BUILTIN, groups)
    assert (a.rates[0], a.hidden[0]) == (1, False)
    assert (b.rates[0], b.hidden[0]) == (None, True)  # the complement: smaller than a
    assert (c.rates[0], c.hidden[0]) == (None, True)


def test_ballots_without_a_group_count_as_a_hidden_cell_of_the_breakdown() -> None:
    """3 ungrouped ballots and one group of 50: the group's figure and the total give the
    3 back, so the group's figure is hidden too."""
    units = [unit("L1")]
    rates = group_rates(units, BUILTIN, [_group("a", ["S"] * 50, units)], ungrouped=[3, 0, 0])
    assert rates[0].hidden[0] and rates[0].rates[0] is None
    shown = group_rates(units, BUILTIN, [_group("a", ["S"] * 50, units)], ungrouped=[30, 0, 0])
    assert not shown[0].hidden[0] and shown[0].rates[0] == 1


def test_abstentions_follow_the_scheme_in_group_rates_as_in_unit_rates() -> None:
    units = [unit("L1"), unit("V1", "vertical")]
    rows = ["SA"] * 4 + ["AD"] * 3 + ["B-"]  # L1: 4 S, 3 A, 1 B — V1: 4 A, 3 D, 1 blank
    local, vertical, _financial = group_rates(units, BUILTIN, [_group("g", rows, units)])[0].rates
    by_unit = run(rows, units).units
    assert (local, vertical) == (by_unit[0].satisfaction_rate, by_unit[1].satisfaction_rate)
    assert (local, vertical) == (Fraction(5, 8), 0)  # abstentions count in the built-in


def test_a_category_with_no_more_units_than_winner_places_can_make_a_winner_rectify() -> None:
    """Seed 001, read literally: both units of a small category are winners, and the one under
    90 % must also rectify — kept, and named so every page and report can explain it."""
    result = run(["SS", "SD", "SD"])  # U1 100 %, U2 33 %; the local category has 3+ places
    assert [u.spec.code for u in result.winners_to_rectify()] == ["U2"]
    assert {"winner", "rectify"} <= set(result.winners_to_rectify()[0].flags)
