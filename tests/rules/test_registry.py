"""The clean-up rules of seed 000 (P5): suggestions, decisions, rounds, flags and statistics."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from fractions import Fraction

import pytest

from pingyi.rules import registry as r
from pingyi.rules.errors import RuleError


def facts(key: int = 1, **changes: object) -> r.ProjectFacts:
    """A project no rule touches: a provincial approval, no fees, a government organizer."""
    base: dict[str, object] = {
        "key": key,
        "order": key,
        "organizer": f"组织者{key}",
        "organizer_kind": r.GOVERNMENT,
        "level": r.CITY,
        "target_group": "先进集体",
        "self_established": False,
        "basis_kind": r.PROVINCIAL_APPROVAL,
    }
    base.update(changes)
    return r.ProjectFacts(**base)  # type: ignore[arg-type]


def suggest(*projects: r.ProjectFacts) -> dict[object, r.Suggestion]:
    return r.suggest_all(projects)


# ----------------------------------------------------------------- each rule alone


@pytest.mark.parametrize("kind", [r.LAW, r.REGULATION, r.CENTRAL_DOCUMENT, r.PROVINCIAL_APPROVAL])
def test_a_qualifying_basis_keeps_the_project(kind: str) -> None:
    assert suggest(facts(basis_kind=kind))[1] == r.Suggestion(r.KEEP, ())


@pytest.mark.parametrize("kind", [r.LOCAL_DOCUMENT, r.NO_BASIS])
def test_no_basis_in_law_regulation_central_document_or_approval_cancels(kind: str) -> None:
    assert suggest(facts(basis_kind=kind))[1] == r.Suggestion(r.CANCEL, (r.R_NO_BASIS,))


@pytest.mark.parametrize(
    "burden", ["charges_fees", "burdens_money", "burdens_goods", "burdens_labour"]
)
def test_fees_or_making_the_grassroots_pay_cancels(burden: str) -> None:
    assert suggest(facts(**{burden: True}))[1] == r.Suggestion(r.CANCEL, (r.R_FEES_OR_BURDEN,))


def test_improper_spending_cancels() -> None:
    assert suggest(facts(improper_spending=True))[1].rules == (r.R_IMPROPER_SPENDING,)


@pytest.mark.parametrize("kind", sorted(r.NO_SELF_ESTABLISHED))
@pytest.mark.parametrize("level", [r.CITY, r.COUNTY, r.TOWNSHIP])
def test_self_established_by_a_local_committee_congress_cppcc_court_or_procuratorate_cancels(
    kind: str, level: str
) -> None:
    got = suggest(facts(organizer_kind=kind, level=level, self_established=True))[1]
    assert got == r.Suggestion(r.CANCEL, (r.R_SELF_ESTABLISHED,))


@pytest.mark.parametrize(
    "changes",
    [
        {"organizer_kind": r.PARTY_COMMITTEE, "level": r.PROVINCIAL, "self_established": True},
        {"organizer_kind": r.GOVERNMENT, "level": r.CITY, "self_established": True},
        {"organizer_kind": r.MASS_ORGANIZATION, "level": r.COUNTY, "self_established": True},
        {"organizer_kind": r.COURT, "level": r.CITY, "self_established": False},
    ],
)
def test_the_self_established_rule_needs_all_three_conditions(changes: dict[str, object]) -> None:
    assert suggest(facts(**changes))[1] == r.Suggestion(r.KEEP, ())


def test_a_second_project_of_the_same_organizer_and_target_merges_into_the_first() -> None:
    first = facts(1, organizer="市委组织部", target_group="优秀党员")
    second = facts(2, organizer=" 市委 组织部", target_group="优秀党员")
    other_target = facts(3, organizer="市委组织部", target_group="优秀党组织")
    got = suggest(second, first, other_target)
    assert got[1] == r.Suggestion(r.KEEP, ())
    assert got[2] == r.Suggestion(r.MERGE, (r.R_DUPLICATE,), merge_into=1)
    assert got[3] == r.Suggestion(r.KEEP, ())


# ----------------------------------------------------------------- combinations


def test_every_rule_that_fires_is_named_in_order() -> None:
    project = facts(
        basis_kind=r.NO_BASIS,
        charges_fees=True,
        improper_spending=True,
        organizer_kind=r.PEOPLES_CONGRESS,
        level=r.COUNTY,
        self_established=True,
    )
    got = suggest(project)[1]
    assert got.decision == r.CANCEL
    assert got.rules == (
        r.R_NO_BASIS,
        r.R_FEES_OR_BURDEN,
        r.R_IMPROPER_SPENDING,
        r.R_SELF_ESTABLISHED,
    )


def test_a_cancel_rule_wins_over_a_merge_and_the_duplicate_is_still_named() -> None:
    kept = facts(1, organizer="妇联", target_group="三八红旗手")
    twin = facts(2, organizer="妇联", target_group="三八红旗手", burdens_labour=True)
    got = suggest(kept, twin)
    assert got[2] == r.Suggestion(r.CANCEL, (r.R_FEES_OR_BURDEN, r.R_DUPLICATE))


def test_nothing_merges_into_a_project_that_is_to_be_cancelled() -> None:
    cancelled = facts(1, organizer="团委", target_group="青年", basis_kind=r.NO_BASIS)
    later = facts(2, organizer="团委", target_group="青年")
    got = suggest(cancelled, later)
    # The cancelled one names its surviving twin too; the twin is the first survivor: kept.
    assert got[1] == r.Suggestion(r.CANCEL, (r.R_NO_BASIS, r.R_DUPLICATE))
    assert got[2] == r.Suggestion(r.KEEP, ())


def test_three_duplicates_all_merge_into_the_first_registered() -> None:
    got = suggest(*(facts(k, organizer="工会", target_group="劳模") for k in (5, 3, 9)))
    assert got[3].decision == r.KEEP
    assert got[5].merge_into == 3 and got[9].merge_into == 3


# ----------------------------------------------------------------- decisions


KEEP_IT = r.Suggestion(r.KEEP, ())
MERGE_IT = r.Suggestion(r.MERGE, (r.R_DUPLICATE,), merge_into=1)


def test_agreeing_with_the_suggestion_needs_no_reason() -> None:
    assert r.check_decision(project=2, decision=r.KEEP, suggestion=KEEP_IT, reason="") is False


def test_differing_from_the_suggestion_needs_a_reason() -> None:
    with pytest.raises(RuleError) as refused:
        r.check_decision(project=2, decision=r.CANCEL, suggestion=KEEP_IT, reason="  ")
    assert refused.value.message() == (
        "the decision differs from the suggestion (保留): record the reason"
    )
    assert r.check_decision(project=2, decision=r.CANCEL, suggestion=KEEP_IT, reason="过多") is True


def test_merging_into_another_project_than_suggested_differs() -> None:
    with pytest.raises(RuleError, match="record the reason"):
        r.check_decision(project=2, decision=r.MERGE, suggestion=MERGE_IT, reason="", merge_into=7)
    assert (
        r.check_decision(project=2, decision=r.MERGE, suggestion=MERGE_IT, reason="", merge_into=1)
        is False
    )


@pytest.mark.parametrize(
    ("decision", "target", "target_decision", "message"),
    [
        (r.MERGE, None, None, "a merge needs the project it merges into"),
        (r.MERGE, 2, None, "a project cannot merge into itself"),
        (r.KEEP, 1, None, "only a merge names a project to merge into"),
        (
            r.MERGE,
            1,
            r.CANCEL,
            "the project '1' is itself to be merged or cancelled: merge into a kept project",
        ),
        (
            r.MERGE,
            1,
            r.MERGE,
            "the project '1' is itself to be merged or cancelled: merge into a kept project",
        ),
        ("drop", None, None, "unknown decision 'drop'; expected keep, merge or cancel"),
    ],
)
def test_impossible_decisions_are_refused(
    decision: str, target: int | None, target_decision: str | None, message: str
) -> None:
    with pytest.raises(RuleError) as refused:
        r.check_decision(
            project=2,
            decision=decision,
            suggestion=MERGE_IT,
            reason="why",
            merge_into=target,
            target_decision=target_decision,
        )
    assert refused.value.message() == message


def test_publication_refuses_a_merge_into_a_project_that_is_not_kept() -> None:
    names = {1: "甲", 2: "乙", 3: "丙"}
    r.check_merge_targets({1: (r.KEEP, None), 2: (r.MERGE, 1)}, names)
    with pytest.raises(RuleError) as refused:
        r.check_merge_targets({1: (r.CANCEL, None), 2: (r.MERGE, 1), 3: (r.KEEP, None)}, names)
    assert refused.value.message() == (
        "'乙' merges into '甲', which is not kept: correct it before publishing"
    )


def test_the_latest_round_that_decided_a_project_is_its_decision() -> None:
    assert r.effective({}) == ("", None)
    rounds = {r.SELF_CHECK: (r.KEEP, None), r.JOINT_MEETING: (r.CANCEL, None)}
    assert r.effective(rounds) == (r.CANCEL, None)
    rounds[r.HIGHER_ADJUSTMENT] = (r.MERGE, 4)
    assert r.effective(rounds) == (r.MERGE, 4)


# ----------------------------------------------------------------- rounds


def test_the_rounds_follow_seed_000_one_by_one() -> None:
    path = [r.SELF_CHECK, r.INITIAL_AUDIT, r.JOINT_MEETING, r.HIGHER_ADJUSTMENT, r.PUBLISHED]
    for current, target in itertools.pairwise(path):
        r.check_round_transition(current, target, undecided=0)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (r.SELF_CHECK, r.JOINT_MEETING),
        (r.INITIAL_AUDIT, r.PUBLISHED),
        (r.JOINT_MEETING, r.INITIAL_AUDIT),
        (r.PUBLISHED, r.SELF_CHECK),
        (r.HIGHER_ADJUSTMENT, r.HIGHER_ADJUSTMENT),
    ],
)
def test_a_skip_or_a_step_back_is_refused(current: str, target: str) -> None:
    with pytest.raises(RuleError, match="cannot go to"):
        r.check_round_transition(current, target, undecided=0)


def test_a_round_is_left_only_when_every_project_has_its_decision() -> None:
    with pytest.raises(RuleError) as refused:
        r.check_round_transition(r.INITIAL_AUDIT, r.JOINT_MEETING, undecided=3)
    assert refused.value.message() == (
        "3 project(s) have no decision in the initial audit round yet"
    )
    # The higher level adjusts some projects only.
    r.check_round_transition(r.HIGHER_ADJUSTMENT, r.PUBLISHED, undecided=5)


def test_no_decision_once_the_kept_list_is_published() -> None:
    for name in r.DECIDING_ROUNDS:
        r.check_deciding(name)
    with pytest.raises(RuleError, match="no decisions at the published round"):
        r.check_deciding(r.PUBLISHED)


# ----------------------------------------------------------------- flags and suspension

START = dt.date(2009, 2, 15)


def test_a_project_set_up_during_the_clean_up_is_flagged() -> None:
    flags = r.new_project_flags(
        established_on=START, cleanup_started_on=START, current_round=r.SELF_CHECK
    )
    assert flags == [r.F_NEW]
    before = START - dt.timedelta(days=1)
    assert (
        r.new_project_flags(
            established_on=before, cleanup_started_on=START, current_round=r.SELF_CHECK
        )
        == []
    )
    assert r.new_project_flags(
        established_on=None, cleanup_started_on=START, current_round=r.INITIAL_AUDIT
    ) == [r.F_LATE]


def test_projects_without_a_basis_are_suspended_until_the_kept_list_is_published() -> None:
    assert r.is_suspended(r.NO_BASIS, r.JOINT_MEETING)
    assert r.is_suspended(r.LOCAL_DOCUMENT, r.SELF_CHECK)
    assert not r.is_suspended(r.LAW, r.SELF_CHECK)
    assert not r.is_suspended(r.NO_BASIS, r.PUBLISHED)


# ----------------------------------------------------------------- statistics


def outcomes(
    unit: str, kept: int, merged: int, cancelled: int, undecided: int = 0
) -> list[r.ProjectOutcome]:
    plan = [(r.KEEP, kept), (r.MERGE, merged), (r.CANCEL, cancelled), ("", undecided)]
    return [r.ProjectOutcome(unit, d) for d, n in plan for _ in range(n)]


def test_the_reduction_rate_per_unit_and_in_total_is_exact() -> None:
    groups, total = r.tally(outcomes("甲", 1, 1, 1) + outcomes("乙", 2, 0, 5, undecided=1))
    assert list(groups) == ["甲", "乙"]
    assert groups["甲"].reduction_rate == Fraction(2, 3)
    assert groups["甲"].target_met is False
    assert (total.registered, total.kept, total.merged, total.cancelled, total.undecided) == (
        11, 3, 1, 6, 1,
    )  # fmt: skip
    assert total.reduction_rate == Fraction(7, 11)


def test_seventy_percent_exactly_meets_the_target() -> None:
    _, total = r.tally(outcomes("甲", 3, 2, 5))
    assert total.reduction_rate == Fraction(7, 10)
    assert total.target_met is True
    _, short = r.tally(outcomes("甲", 301, 0, 699))
    assert short.target_met is False  # 69.9 %


def test_no_project_gives_no_rate() -> None:
    _, total = r.tally([])
    assert total.reduction_rate is None and total.target_met is None
    assert r.percent_text(None) == "—"


def test_suspended_flagged_and_money_saved_add_up() -> None:
    _, total = r.tally(
        [
            r.ProjectOutcome("甲", r.CANCEL, suspended=True, money_saved=Decimal("400000.50")),
            r.ProjectOutcome("甲", r.CANCEL, suspended=True, flagged=True),
            r.ProjectOutcome("乙", r.KEEP, money_saved=Decimal("0.50")),
        ]
    )
    assert (total.suspended, total.flagged, total.money_saved) == (2, 1, Decimal("400001.00"))


@pytest.mark.parametrize(
    ("rate", "text"),
    [
        (Fraction(2, 3), "66.7%"),
        (Fraction(7, 10), "70.0%"),
        (Fraction(1, 2000), "0.1%"),  # 0.05 % rounds half up
        (Fraction(1, 1), "100.0%"),
        (Fraction(0), "0.0%"),
    ],
)
def test_rates_show_one_decimal_rounded_half_up(rate: Fraction, text: str) -> None:
    assert r.percent_text(rate) == text


@pytest.mark.parametrize(
    ("text", "value"),
    [("70%", Fraction(7, 10)), ("0.7", Fraction(7, 10)), ("7/10", Fraction(7, 10))],
)
def test_a_target_is_typed_as_a_percent_a_decimal_or_a_fraction(text: str, value: Fraction) -> None:
    assert r.parse_target(text) == value


@pytest.mark.parametrize("text", ["0%", "120%", "abc", "1/0", "-5%"])
def test_a_target_outside_0_to_100_percent_is_refused(text: str) -> None:
    with pytest.raises(RuleError, match="is not a share above 0% and at most 100%"):
        r.parse_target(text)
