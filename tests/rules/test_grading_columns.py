"""Grading over columns agrees with the per-organization rules (grade_all, committee_counts)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pingyi.rules.grading import (
    GRADES,
    SECTORS,
    GradingScheme,
    Org,
    committee_counts,
    grade_all,
)
from pingyi.rules.grading_columns import (
    SCALE,
    LoopError,
    chain_tops,
    committee_columns,
    grade_columns,
)

NAMES = list(SECTORS)
CODES = list(SECTORS.values())


@st.composite
def gradings(draw: st.DrawFn) -> tuple[list[Org], dict[str, Fraction]]:
    n = draw(st.integers(1, 30))
    orgs, totals = [], {}
    for i in range(n):
        parent = draw(st.one_of(st.none(), st.integers(0, i - 1))) if i else None
        orgs.append(
            Org(
                code=f"O{i}",
                name=f"组织{i}",
                sector=draw(st.sampled_from(NAMES)),
                committee=draw(st.sampled_from(["甲", "乙", "丙"])),
                parent_code=None if parent is None else f"O{parent}",
                new=draw(st.booleans()),
                violation=draw(st.booleans()),
            )
        )
        # hundredths, with the thresholds and their neighbours often
        cents = draw(
            st.one_of(
                st.integers(0, 10_000), st.sampled_from([5950, 5999, 6000, 7999, 8000, 8950, 9000])
            )
        )
        totals[f"O{i}"] = Fraction(cents, 100)
    return orgs, totals


def by_columns(
    orgs: list[Org], totals: dict[str, Fraction], scheme: GradingScheme
) -> tuple[list[tuple[str, str, bool]], list[object]]:
    rows = {o.code: i for i, o in enumerate(orgs)}
    sector = np.array([NAMES.index(o.sector) for o in orgs], dtype=np.int64)
    grades = grade_columns(
        np.array([int(totals[o.code] * SCALE) for o in orgs], dtype=np.int64),
        new=np.array([o.new for o in orgs]),
        violation=np.array([o.violation for o in orgs]),
        parent=np.array([rows[o.parent_code] if o.parent_code else -1 for o in orgs]),
        sector=sector,
        sector_codes=CODES,
    )
    names = list(dict.fromkeys(o.committee for o in orgs))
    committees = committee_columns(
        np.array([names.index(o.committee) for o in orgs], dtype=np.int64),
        names,
        grades.grade,
        sector,
        CODES,
        scheme,
    )
    graded = [
        (GRADES[c], GRADES[g], bool(e))
        for c, g, e in zip(grades.computed, grades.grade, grades.needs_explanation, strict=True)
    ]
    return graded, list(committees)


@settings(max_examples=150, deadline=None)
@given(gradings(), st.sampled_from([Fraction(1, 5), Fraction(1, 3), Fraction(0)]))
def test_columns_grade_as_the_rules_do(
    grading: tuple[list[Org], dict[str, Fraction]], quota: Fraction
) -> None:
    orgs, totals = grading
    scheme = GradingScheme(excellent_quota=quota, sector_quota={"organs": Fraction(3, 10)})
    expected = grade_all(orgs, totals)
    graded, committees = by_columns(orgs, totals, scheme)
    assert graded == [(g.computed, g.grade, g.needs_explanation) for g in expected]
    assert committees == committee_counts(expected, scheme)


def test_the_thresholds_are_exact_in_millionths() -> None:
    orgs = [Org(f"O{i}", "x", "农村", "甲") for i in range(5)]
    totals = dict(
        zip(
            [o.code for o in orgs],
            map(Fraction, ["90", "89.999999", "80", "59.5", "60"]),
            strict=True,
        )
    )
    graded, _ = by_columns(orgs, totals, GradingScheme())
    assert [g[0] for g in graded] == ["好", "较好", "较好", "较差", "一般"]


def test_a_chain_of_branches_takes_the_top_grade_and_a_loop_is_refused() -> None:
    assert chain_tops(np.array([-1, 0, 1, 2])).tolist() == [0, 0, 0, 0]
    with pytest.raises(LoopError):
        chain_tops(np.array([1, 0, -1]))
