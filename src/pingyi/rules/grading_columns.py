"""P2 grading over columns: :func:`grading.grade_all` and :func:`grading.committee_counts`
for many organizations at once (``pingyi grade`` on a province's files), with the same result.

Totals are integers in millionths (:data:`SCALE`): a decimal score with at most six places is
exact there, so the thresholds 90 / 80 / 60 compare exactly as :func:`grading.grade_of` does
with fractions (89.5 is 较好). Grades are indexes into :data:`grading.GRADES` (0 好 … 3 较差).
The overrides apply in SPEC's order: a violation makes 较差, a new organization is at most
较好, and a branch takes the final grade of the top of its chain of general branches.
tests/rules/test_grading_columns.py checks that this agrees with the per-organization rules.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from pingyi.rules.grading import (
    EXPLAIN,
    GRADES,
    THRESHOLDS,
    CommitteeCount,
    GradingScheme,
    poor_is_far,
)

SCALE = 10**6
EXCELLENT_I, GOOD_I, POOR_I = 0, 1, 3
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


class LoopError(ValueError):
    """A chain of general branches loops (the per-row reader names where)."""


@dataclass(frozen=True)
class ColumnGrades:
    computed: npt.NDArray[np.int8]  # from the total alone
    grade: npt.NDArray[np.int8]  # final
    needs_explanation: Bools


def grade_columns(
    totals: Ints,
    *,
    new: Bools,
    violation: Bools,
    parent: Ints,
    sector: Ints,
    sector_codes: Sequence[str],
) -> ColumnGrades:
    """Grades ``totals`` (millionths). ``parent`` is the row of each organization's general
    branch or -1; ``sector`` indexes ``sector_codes`` (SPEC's English codes, e.g. rural)."""
    computed = np.full(totals.shape, POOR_I, dtype=np.int8)
    for index in range(len(THRESHOLDS) - 1, -1, -1):  # 一般, then 较好, then 好 overwrite
        threshold = THRESHOLDS[index][0] * SCALE
        computed[totals >= int(threshold)] = GRADES.index(THRESHOLDS[index][1])
    own = computed.copy()
    own[violation] = POOR_I
    own[new & (own == EXCELLENT_I)] = GOOD_I
    grade = own[chain_tops(parent)]
    explain = np.array(
        [[g in EXPLAIN.get(code, set()) for g in GRADES] for code in sector_codes] or [[False] * 4],
        dtype=np.bool_,
    )
    return ColumnGrades(computed, grade, explain[sector, grade])


def chain_tops(parent: Ints) -> Ints:
    """Each row's top of its chain of parents (itself when it has none), by pointer jumping:
    log₂(depth) rounds. Raises LoopError when a chain loops."""
    rows = np.arange(parent.shape[0], dtype=np.int64)
    top = np.where(parent < 0, rows, parent)
    for _ in range(64):
        jumped = top[top]
        if np.array_equal(jumped, top):
            break
        top = jumped
    if top.size and (parent[top] >= 0).any():
        raise LoopError("a chain of general branches loops")
    return top


def committee_columns(
    committee: Ints,
    names: Sequence[str],
    grade: npt.NDArray[np.int8],
    sector: Ints,
    sector_codes: Sequence[str],
    scheme: GradingScheme,
) -> list[CommitteeCount]:
    """:func:`grading.committee_counts` over columns: ``committee`` indexes ``names`` (in order
    of first appearance). The 好 limit is summed exactly, organization by organization's
    sector quota, as the per-organization rule does."""
    size, width = len(names), len(sector_codes)
    counts = np.bincount(committee * 4 + grade, minlength=size * 4).reshape(size, 4)
    flat = np.bincount(committee * width + sector, minlength=size * width)
    by_sector = flat.reshape(size, max(width, 1))
    quotas = [scheme.sector_quota.get(code, scheme.excellent_quota) for code in sector_codes]
    # Σ organizations × their sector's quota, exactly: in units of 1 / (the quotas' common
    # denominator), an integer per committee — Python integers (dtype object): never overflow.
    unit = math.lcm(*(q.denominator for q in quotas)) if quotas else 1
    per_org = np.array([q.numerator * (unit // q.denominator) for q in quotas] or [0], dtype=object)
    limits: list[int] = (by_sector * per_org[: by_sector.shape[1]]).sum(axis=1).tolist()
    result = []
    for c, name in enumerate(names):
        row = {g: int(n) for g, n in zip(GRADES, counts[c].tolist(), strict=True)}
        result.append(
            CommitteeCount(
                committee=name,
                orgs=sum(row.values()),
                counts=row,
                excellent_over_quota=row[GRADES[EXCELLENT_I]] * unit > limits[c],
                excellent_limit=Fraction(limits[c], unit),
                poor_far=poor_is_far(row[GRADES[POOR_I]], sum(row.values()), scheme),
                poor_expected=scheme.poor_target * sum(row.values()),
            )
        )
    return result
