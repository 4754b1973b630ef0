"""SPEC P2 beyond tests/rules/test_grading.py: rubrics with sub-items and sector rubrics,
scores and deduction reasons, survey points, 较差 "far from about 10 %", the committee's
changes under the overrides, the round's steps — and two properties: grading never depends
on input order, and a total is the sum of its indicators."""

from __future__ import annotations

import tempfile
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pingyi.inputs.p2_files import read_scores
from pingyi.rules import grading as rules
from pingyi.rules.errors import InputError, RuleError
from pingyi.rules.grading import GradingScheme, Org


def test_built_in_sub_items_add_up_to_their_indicator() -> None:
    for rubric in rules.RUBRICS.values():
        assert sum(i.maximum for i in rubric) == 100
        assert [i.survey for i in rubric].count(True) == 1
        for indicator in rubric:
            assert indicator.items and sum(s.points for s in indicator.items) == indicator.maximum
            assert all(s.standard for s in indicator.items)


def test_a_scheme_survives_its_round_trip_through_json() -> None:
    scheme = rules.grading_scheme_from_dict(
        {
            "rubric": "five-goods",
            "sector_quota": {"机关": "30%"},
            "sector_rubrics": {"农村": "seven-indicators"},
            "poor_tolerance": "3%",
            "min_survey_ballots": 12,
        },
        "s",
    )
    assert rules.grading_scheme_from_dict(rules.grading_scheme_to_dict(scheme), "j") == scheme
    assert scheme.indicators_for("农村") == rules.SEVEN_INDICATORS
    assert scheme.indicators_for("机关") == rules.FIVE_GOODS


def test_a_custom_rubric_carries_sub_items_and_standards() -> None:
    data = {
        "indicators": [
            {
                "code": "work",
                "name": "工作",
                "maximum": 60,
                "items": [
                    {"name": "制度", "points": 30, "standard": "缺一项扣5分"},
                    {"name": "业绩", "points": 30},
                ],
            },
            {"code": "mass", "name": "群众评价", "maximum": 40, "survey": True},
        ]
    }
    scheme = rules.grading_scheme_from_dict(data, "s")
    assert scheme.indicators[0].items[0] == rules.SubItem("制度", Fraction(30), "缺一项扣5分")
    assert scheme.indicators[1].survey


@pytest.mark.parametrize(
    "indicators, message",
    [
        (
            [
                {"code": "a", "name": "甲", "maximum": 60, "items": [{"name": "x", "points": 50}]},
                {"code": "b", "name": "乙", "maximum": 40},
            ],
            "s, field indicators[1].items: the points of the sub-items must add up to the maximum",
        ),
        (
            [
                {"code": "a", "name": "甲", "maximum": 60, "survey": True},
                {"code": "b", "name": "乙", "maximum": 40, "survey": True},
            ],
            "s, field indicators: at most one indicator may come from the survey",
        ),
        (
            [
                {"code": "a", "name": "甲", "maximum": 60},
                {"code": "a", "name": "乙", "maximum": 40},
            ],
            "s, field indicators: indicator codes must all differ",
        ),
    ],
)
def test_a_bad_custom_rubric_names_its_key(indicators: list[object], message: str) -> None:
    with pytest.raises(InputError) as refused:
        rules.grading_scheme_from_dict({"indicators": indicators}, "s")
    assert refused.value.messages() == [message]


def test_a_bad_survey_minimum_and_sector_rubric_are_named() -> None:
    with pytest.raises(InputError) as refused:
        rules.grading_scheme_from_dict(
            {"min_survey_ballots": 0, "sector_rubrics": {"机关": "ten-goods"}}, "s"
        )
    assert refused.value.messages() == [
        "s, field sector_rubrics.机关: unknown rubric 'ten-goods'; expected one of: "
        "seven-indicators, five-goods",
        "s, field min_survey_ballots: must be a whole number of at least 1",
    ]


SCORES = {i.code: i.maximum for i in rules.SEVEN_INDICATORS if not i.survey}


def test_scores_are_checked_against_each_maximum_and_deductions_need_reasons() -> None:
    scores = SCORES | {"leader": Fraction(18), "ideas": Fraction(11)}
    problems = rules.score_problems(rules.SEVEN_INDICATORS, scores, {"leader": ""})
    assert [p.message() for p in problems] == [
        "党组织带头人: 2 points deducted need a written reason",
        "工作思路: 11 is not a score from 0 to 10",
    ]
    assert rules.score_problems(rules.SEVEN_INDICATORS, SCORES, {}) == []
    missing = rules.score_problems(rules.SEVEN_INDICATORS, SCORES, survey_scored=True)
    assert [p.message() for p in missing] == ["群众评价: a score is required"]


def test_survey_points_are_the_maximum_times_the_rate_exactly() -> None:
    assert rules.survey_points(Fraction(15), Fraction(7, 9)) == Fraction(35, 3)
    assert rules.survey_points(Fraction(15), Fraction(1)) == 15


@pytest.mark.parametrize(
    "poor, orgs, far",
    [
        (0, 5, False),  # half an organization short is not far
        (1, 10, False),
        (2, 20, False),
        (1, 20, False),  # 5 % is within 5 points of 10 %
        (0, 20, True),  # 0 % is 10 points and two organizations off
        (0, 10, True),
        (3, 10, True),
        (2, 10, True),  # 20 %: ten points and one whole organization off
        (0, 0, False),
    ],
)
def test_poor_is_far_from_about_ten_percent(poor: int, orgs: int, far: bool) -> None:
    assert rules.poor_is_far(poor, orgs, GradingScheme()) is far


def org(code: str, **kw: object) -> Org:
    return Org(code=code, name=code, sector="农村", committee="甲", **kw)  # type: ignore[arg-type]


def test_a_committee_change_replaces_the_computed_grade_and_the_overrides_still_apply() -> None:
    orgs = [org("A"), org("V", violation=True), org("N", new=True), org("B", parent_code="A")]
    totals = dict.fromkeys("AVNB", Fraction(70))
    graded = rules.grade_all(orgs, totals, {"A": "好", "V": "好", "N": "好"})
    assert [(g.computed, g.grade, g.changed) for g in graded] == [
        ("一般", "好", True),
        ("一般", "较差", True),
        ("一般", "较好", True),
        ("一般", "好", False),
    ]


def test_the_round_steps_go_one_way() -> None:
    assert [rules.next_step(s) for s in rules.ROUND_STEPS[:-1]] == list(rules.ROUND_STEPS[1:])
    with pytest.raises(RuleError) as refused:
        rules.next_step(rules.CLOSED)
    assert refused.value.message() == "the round is closed: it has no next step"
    with pytest.raises(RuleError) as refused:
        rules.check_step(rules.SETUP, (rules.DECISION,))
    assert refused.value.message() == "not allowed while the round is at the step: setup"


SECTOR_NAMES = list(rules.SECTORS)


@st.composite
def forests(draw: st.DrawFn) -> tuple[list[Org], dict[str, Fraction], dict[str, str]]:
    """Organizations in committees, some under earlier ones (general branches), with totals
    on the 0.5 grid, random flags and a few committee changes."""
    n = draw(st.integers(1, 25))
    orgs: list[Org] = []
    for i in range(n):
        parent = draw(st.none() | st.integers(0, i - 1)) if i else None
        orgs.append(
            Org(
                code=f"O{i}",
                name=f"O{i}",
                sector=draw(st.sampled_from(SECTOR_NAMES)),
                committee=draw(st.sampled_from(["甲", "乙", "丙"])),
                parent_code=f"O{parent}" if parent is not None else None,
                new=draw(st.booleans()),
                violation=draw(st.booleans()),
            )
        )
    totals = {o.code: Fraction(draw(st.integers(0, 200)), 2) for o in orgs}
    changed = draw(st.lists(st.sampled_from([o.code for o in orgs]), max_size=3))
    changes = {c: draw(st.sampled_from(rules.GRADES)) for c in changed}
    return orgs, totals, changes


@settings(max_examples=200, deadline=None)
@given(forests(), st.randoms(use_true_random=False))
def test_grading_never_depends_on_input_order(
    forest: tuple[list[Org], dict[str, Fraction], dict[str, str]], random: st.Random
) -> None:
    orgs, totals, changes = forest
    shuffled = orgs[:]
    random.shuffle(shuffled)

    def outcome(order: list[Org]) -> dict[str, tuple[str, list[str], bool]]:
        return {
            g.org.code: (g.grade, g.overrides, g.needs_explanation)
            for g in rules.grade_all(order, totals, changes)
        }

    assert outcome(shuffled) == outcome(orgs)
    scheme = GradingScheme()
    counts = {c.committee: c for c in rules.committee_counts(rules.grade_all(orgs, totals), scheme)}
    again = {
        c.committee: c for c in rules.committee_counts(rules.grade_all(shuffled, totals), scheme)
    }
    assert counts == again


scores_grid = st.integers(0, 40).map(lambda n: Fraction(n, 2))  # 0 to 20 in halves


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries({i.code: scores_grid for i in rules.SEVEN_INDICATORS}),
        min_size=1,
        max_size=6,
    )
)
def test_a_total_is_the_sum_of_its_indicators(rows: list[dict[str, Fraction]]) -> None:
    maxima = {i.code: i.maximum for i in rules.SEVEN_INDICATORS}
    rows = [{k: min(v, maxima[k]) for k, v in row.items()} for row in rows]
    orgs = [org(f"O{n}") for n in range(len(rows))]
    header = "code," + ",".join(i.code for i in rules.SEVEN_INDICATORS)
    lines = [
        f"O{n}," + ",".join(str(float(row[i.code])) for i in rules.SEVEN_INDICATORS)
        for n, row in enumerate(rows)
    ]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scores.csv"
        path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
        totals = read_scores(path, orgs, GradingScheme(), "scores.csv")
    for n, row in enumerate(rows):
        assert totals[f"O{n}"] == rules.total_of(row) == sum(row.values())
