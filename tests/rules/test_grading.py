"""SPEC P2: grade by total, overrides in order, inheritance, quotas and explanations."""

from __future__ import annotations

from fractions import Fraction

import pytest

from pingyi.rules.grading import GradingScheme, Org, committee_counts, grade_all, grade_of


@pytest.mark.parametrize(
    "total, grade",
    [
        ("100", "好"),
        ("90", "好"),
        ("89.5", "较好"),
        ("80", "较好"),
        ("79.99", "一般"),
        ("60", "一般"),
        ("59.5", "较差"),
        ("0", "较差"),
    ],
)
def test_the_boundaries_are_exact(total: str, grade: str) -> None:
    assert grade_of(Fraction(total)) == grade


def org(code: str, sector: str = "农村", committee: str = "甲镇党委", **kw: object) -> Org:
    return Org(code=code, name=f"{code}支部", sector=sector, committee=committee, **kw)  # type: ignore[arg-type]


def test_a_violation_makes_poor_and_is_named_even_when_already_poor() -> None:
    graded = grade_all(
        [org("A", violation=True), org("B", violation=True)], {"A": Fraction(95), "B": Fraction(50)}
    )
    assert [(g.grade, g.overrides) for g in graded] == [
        ("较差", ["violation"]),
        ("较差", ["violation"]),
    ]


def test_a_new_organization_is_at_most_good() -> None:
    graded = grade_all(
        [org("A", new=True), org("B", new=True)], {"A": Fraction(95), "B": Fraction(70)}
    )
    assert [(g.grade, g.overrides) for g in graded] == [("较好", ["new"]), ("一般", ["new"])]


def test_violation_then_new_in_that_order() -> None:
    [g] = grade_all([org("A", new=True, violation=True)], {"A": Fraction(95)})
    assert (g.grade, g.overrides) == ("较差", ["violation", "new"])


def test_a_branch_takes_its_general_branchs_final_grade_down_the_chain() -> None:
    orgs = [org("G", violation=True), org("B1", parent_code="G"), org("B2", parent_code="B1")]
    graded = grade_all(orgs, {"G": Fraction(99), "B1": Fraction(95), "B2": Fraction(40)})
    assert [(g.grade, g.overrides) for g in graded] == [
        ("较差", ["violation"]),
        ("较差", ["inherited"]),
        ("较差", ["inherited"]),
    ]


def test_explanations_follow_the_sector() -> None:
    orgs = [org("R", "农村"), org("O", "机关"), org("E", "教育卫生事业单位"), org("S", "国有企业")]
    graded = grade_all(
        orgs, {"R": Fraction(95), "O": Fraction(70), "E": Fraction(85), "S": Fraction(10)}
    )
    assert [g.needs_explanation for g in graded] == [True, True, False, False]


def test_the_excellent_quota_counts_every_graded_organization_exactly() -> None:
    orgs = [org(f"A{i}") for i in range(10)] + [org("X", committee="乙镇党委")]
    totals = {f"A{i}": Fraction(95 if i < 2 else 70) for i in range(10)} | {"X": Fraction(95)}
    counts = committee_counts(grade_all(orgs, totals), GradingScheme())
    assert [(c.committee, c.orgs, c.counts["好"], c.excellent_over_quota) for c in counts] == [
        ("甲镇党委", 10, 2, False),  # exactly 20 % is within the quota
        ("乙镇党委", 1, 1, True),
    ]


def test_grades_do_not_depend_on_input_order() -> None:
    orgs = [org("G"), org("B", parent_code="G"), org("C", new=True)]
    totals = {"G": Fraction(85), "B": Fraction(95), "C": Fraction(91)}
    forward = {g.org.code: g.grade for g in grade_all(orgs, totals)}
    backward = {g.org.code: g.grade for g in grade_all(orgs[::-1], totals)}
    assert forward == backward == {"G": "较好", "B": "较好", "C": "较好"}


def test_a_scheme_file_chooses_the_five_goods_and_allows_more_excellent_in_organs() -> None:
    from pingyi.rules.grading import FIVE_GOODS, grading_scheme_from_dict

    scheme = grading_scheme_from_dict(
        {"rubric": "five-goods", "excellent_quota": "20%", "sector_quota": {"机关": "50%"}}, "s"
    )
    assert scheme.indicators == FIVE_GOODS
    orgs = [org(f"O{i}", "机关") for i in range(4)]
    totals = {f"O{i}": Fraction(95 if i < 2 else 70) for i in range(4)}
    [count] = committee_counts(grade_all(orgs, totals), scheme)
    assert (count.counts["好"], count.excellent_over_quota) == (2, False)  # 2 ≤ 4 × 50 %


@pytest.mark.parametrize(
    "data, message",
    [
        ({"rubrik": "five-goods"}, "s, field rubrik: unknown key"),
        ({"rubric": "ten-goods"}, "s, field rubric: unknown rubric 'ten-goods'"),
        ({"excellent_quota": "120%"}, "s, field excellent_quota: must be between 0% and 100%"),
        (
            {"indicators": [{"code": "a", "name": "甲", "maximum": 60}]},
            "s, field indicators: the maxima must add up to 100",
        ),
        ({"sector_quota": {"太空": "30%"}}, "s, field sector_quota.太空: no sector has this name"),
    ],
)
def test_a_bad_grading_scheme_names_the_key(data: dict[str, object], message: str) -> None:
    from pingyi.rules.errors import InputError
    from pingyi.rules.grading import grading_scheme_from_dict

    with pytest.raises(InputError) as refused:
        grading_scheme_from_dict(data, "s")
    assert refused.value.messages()[0].startswith(message)
