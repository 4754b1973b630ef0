"""The participant list's rules and the grade vote's result (rules.grade_vote), exact."""

from __future__ import annotations

from fractions import Fraction

import pytest

from pingyi.rules import grade_vote as r
from pingyi.rules.errors import RuleError


def templates(problems: list[RuleError]) -> list[str]:
    return [p.template for p in problems]


def test_exactly_one_to_one_with_every_member_passes() -> None:
    counts = r.ParticipantCounts(members=10, masses=6, deputies=2, others=2)
    assert r.members_ratio(counts) == 1
    assert r.list_problems(counts, 10) == []
    assert counts.size == 20


@pytest.mark.parametrize(
    ("members", "non_members", "inside"),
    [
        (2, 3, True),  # the lower bound 2:3 itself
        (3, 2, True),  # the upper bound 3:2 itself
        (20, 31, False),  # just below 2:3
        (31, 20, False),  # just above 3:2
    ],
)
def test_tolerance_bounds_are_inclusive(members: int, non_members: int, inside: bool) -> None:
    counts = r.ParticipantCounts(members=members, masses=non_members)
    assert r.ratio_within(counts, r.DEFAULT_RATIO_MIN, r.DEFAULT_RATIO_MAX) is inside
    problems = r.list_problems(counts, members)
    assert templates(problems) == ([] if inside else [r.E_RATIO])
    with_reason = r.ParticipantCounts(
        members=members, masses=non_members, ratio_reason="村民代表多在外务工"
    )
    assert r.list_problems(with_reason, members) == []


def test_a_round_may_set_another_tolerance() -> None:
    counts = r.ParticipantCounts(members=4, masses=5)  # 4:5 = 0.8
    assert r.list_problems(counts, 4, low=Fraction(9, 10), high=Fraction(11, 10))
    assert r.list_problems(counts, 4, low=Fraction(4, 5), high=Fraction(5, 4)) == []
    with pytest.raises(RuleError):
        r.check_tolerance(Fraction(11, 10), Fraction(3, 2))  # low above 1:1
    with pytest.raises(RuleError):
        r.check_tolerance(Fraction(0), Fraction(3, 2))


def test_one_member_missing_needs_the_number_absent_and_why() -> None:
    missing = r.ParticipantCounts(members=9, masses=10)
    assert templates(r.list_problems(missing, 10)) == [r.E_MEMBERS_MISSING]
    no_reason = r.ParticipantCounts(members=9, masses=10, absent=1)
    assert templates(r.list_problems(no_reason, 10)) == [r.E_MEMBERS_MISSING]
    wrong_count = r.ParticipantCounts(members=9, masses=10, absent=2, absent_reason="病假")
    assert templates(r.list_problems(wrong_count, 10)) == [r.E_MEMBERS_MISSING]
    explained = r.ParticipantCounts(members=9, masses=10, absent=1, absent_reason="住院治疗")
    assert r.list_problems(explained, 10) == []


def test_more_members_than_the_organization_has_or_unknown_count() -> None:
    assert templates(r.list_problems(r.ParticipantCounts(members=11, masses=11), 10)) == [
        r.E_TOO_MANY_MEMBERS
    ]
    assert templates(r.list_problems(r.ParticipantCounts(members=5, masses=5), None)) == [
        r.E_MEMBERS_UNKNOWN
    ]
    assert templates(r.list_problems(r.ParticipantCounts(members=5), 5)) == [r.E_NO_NON_MEMBERS]
    absent_but_full = r.ParticipantCounts(members=5, masses=5, absent=1, absent_reason="病")
    assert templates(r.list_problems(absent_but_full, 5)) == [r.E_ABSENT_WITHOUT_MISSING]


def test_vote_result_top_shares_and_ties() -> None:
    result = r.vote_result([7, 2, 1, 0], abstain=2)
    assert (result.votes, result.ballots) == (10, 12)
    assert result.grade == "好" and result.top == ("好",)
    assert result.share("好") == Fraction(7, 10)
    assert result.shares == {
        "好": Fraction(7, 10), "较好": Fraction(1, 5), "一般": Fraction(1, 10), "较差": Fraction(0)
    }  # fmt: skip
    assert not r.departs(result, "好") and r.departs(result, "较好")
    tied = r.vote_result([4, 4, 1, 0])
    assert tied.grade is None and tied.top_text == "好/较好"
    assert tied.agrees("较好") and not r.departs(tied, "好") and r.departs(tied, "一般")
    empty = r.vote_result([0, 0, 0, 0], abstain=3)
    assert empty.top == () and empty.share("好") is None and not r.departs(empty, "较差")
    assert not r.departs(None, "好")


def test_the_ballots_never_outnumber_the_approved_list() -> None:
    r.check_ballot_cap(participants=5, online=1, paper=3, new=1)  # exactly 5
    r.check_ballot_cap(participants=5, online=5, paper=0, new=0)  # nothing added
    with pytest.raises(RuleError) as over:
        r.check_ballot_cap(participants=5, online=1, paper=3, new=2)
    assert over.value.template == r.E_PAPER_OVER_LIST
    assert (over.value.params["total"], over.value.params["left"]) == (6, 1)
    with pytest.raises(RuleError) as full:  # online alone past the list: nothing more fits
        r.check_ballot_cap(participants=2, online=3, paper=0, new=1)
    assert full.value.params["left"] == 0
