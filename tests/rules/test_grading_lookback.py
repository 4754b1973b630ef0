"""Seed 003's rules around a decided grade (rules/grading_lookback.py): the look-back's
“成效不显著的不得晋位升级”, the causes that force 较差, the benefits of 好, the references."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pingyi.rules import grading_lookback as rules
from pingyi.rules.errors import RuleError
from pingyi.rules.grading import GRADES

grades = st.sampled_from(GRADES)
plans = st.sampled_from([rules.PLAN_NONE, rules.PLAN_OPEN, rules.PLAN_PASSED, rules.PLAN_FAILED])


def _refusal(**kwargs: object) -> str | None:
    try:
        rules.check_move_up(org="二村党支部", **kwargs)  # type: ignore[arg-type]
    except RuleError as exc:
        return exc.template
    return None


@given(before=grades, after=grades, effective=st.booleans(), plan=plans)
def test_only_an_effective_rectification_moves_a_grade_up(
    before: str, after: str, effective: bool, plan: str
) -> None:
    refused = _refusal(before=before, after=after, effective=effective, plan=plan)
    up = GRADES.index(after) < GRADES.index(before)
    if not up:
        assert refused is None  # down or sideways: the look-back's finding decides
    elif plan == rules.PLAN_OPEN:
        assert refused == rules.E_UP_PLAN_OPEN
    elif plan == rules.PLAN_FAILED:
        assert refused == rules.E_UP_PLAN_FAILED
    else:
        assert (refused is None) == effective


@given(before=grades, after=grades)
def test_a_move_up_is_a_better_rank(before: str, after: str) -> None:
    assert rules.moves_up(before, after) == (rules.rank(after) < rules.rank(before))
    assert not (rules.moves_up(before, after) and rules.moves_up(after, before))


def test_the_refusal_says_the_seeds_rule() -> None:
    with pytest.raises(RuleError) as refused:
        rules.check_move_up(org="二村党支部", before="一般", after="较好", effective=False, plan="")
    assert refused.value.message() == (
        "二村党支部 cannot move up from 一般 to 较好: 成效不显著的不得晋位升级 — record the "
        "look-back's finding that its rectification was effective"
    )


def test_the_causes_are_the_seeds_list() -> None:
    assert list(rules.VIOLATION_CAUSES.values()) == [
        "领导班子成员参与欺行霸市、制假售假、商业贿赂等违法违纪活动",
        "领导班子成员充当“保护伞”",
        "在“三打两建”中态度不坚决",
        "在“三打两建”中责任不落实",
        "在“三打两建”中党员群众不满意",
    ]


@pytest.mark.parametrize(
    ("cause", "reason", "message"),
    [
        ("bribery", "r", "the cause must be one of: crime, umbrella, attitude, responsibility, "
                         "dissatisfied"),
        ("attitude", "  ", "a violation needs its recorded reason (what was found)"),
    ],
)  # fmt: skip
def test_a_cause_is_one_of_the_seeds_with_what_was_found(
    cause: str, reason: str, message: str
) -> None:
    with pytest.raises(RuleError) as refused:
        rules.check_cause(cause, reason)
    assert refused.value.message() == message


def test_a_cause_with_its_finding_passes() -> None:
    rules.check_cause("dissatisfied", "测评不满意率达四成")


@given(
    grade=st.sampled_from([*GRADES, None]),
    points=st.one_of(st.none(), st.fractions(min_value=-5, max_value=15, max_denominator=100)),
    secretary=st.booleans(),
    commendation=st.booleans(),
)
def test_only_a_good_organization_earns_benefits_within_the_bonus(
    grade: str | None, points: Fraction | None, secretary: bool, commendation: bool
) -> None:
    try:
        rules.check_benefit(
            org="二村党支部", grade=grade, points=points, secretary=secretary,
            commendation=commendation,
        )  # fmt: skip
        refused = None
    except RuleError as exc:
        refused = exc.template
    if grade != "好":
        assert refused == rules.E_BENEFIT_GRADE
    elif points is not None and not 0 < points <= rules.MAX_BONUS:
        assert refused == rules.E_BENEFIT_POINTS
    elif points is None and not (secretary or commendation):
        assert refused == rules.E_BENEFIT_NOTHING
    else:
        assert refused is None


def test_a_reference_is_of_a_known_kind_with_text_or_a_file() -> None:
    rules.check_reference("petition", "", has_file=True)
    rules.check_reference("annual", "年度考核优秀", has_file=False)
    with pytest.raises(RuleError) as empty:
        rules.check_reference("annual", " ", has_file=False)
    assert empty.value.message() == "a reference needs its text or a file"
    with pytest.raises(RuleError) as unknown:
        rules.check_reference("police", "x", has_file=False)
    assert unknown.value.message().startswith("the reference must be one of: annual, petition")
    assert rules.REFERENCE_KINDS["public_order"] == "综治部门意见"
    assert rules.REFERENCE_KINDS["family_planning"] == "计生部门意见"
