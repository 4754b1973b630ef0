"""R12, complementary: no figure, total or difference that is published gives back a cell of
fewer than k ballots. Checked by linear algebra over random breakdowns: a hidden cell can be
computed from the published figures exactly when its indicator lies in their span."""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pingyi.rules.scheme import builtin_scheme
from pingyi.rules.suppression import suppressed_cells
from pingyi.rules.tally import GroupCounts, UnitSpec, group_rates

BUILTIN = builtin_scheme()


def _computable(published: list[list[int]], cell: int, size: int) -> bool:
    """Whether the indicator of ``cell`` is a combination of the ``published`` vectors."""
    if not published:
        return False
    base = np.array(published, dtype=float)
    with_cell = np.vstack([base, np.eye(size)[cell]])
    return bool(np.linalg.matrix_rank(with_cell) == np.linalg.matrix_rank(base))


@st.composite
def breakdowns(draw: st.DrawFn) -> tuple[list[int], list[bool], int]:
    k = draw(st.integers(2, 12))
    groups = draw(st.lists(st.integers(0, 40), min_size=1, max_size=6))
    rest = draw(st.integers(0, 15))  # ballots naming no group: never shown
    # the breakdown of a published total of at least k ballots (a smaller campaign shows
    # nothing at all: TooFewBallots)
    assume(sum(groups) + rest >= k)
    return [*groups, rest], [False] * len(groups) + [True], k


@given(breakdowns())
@settings(max_examples=400, deadline=None)
def test_no_small_cell_can_be_computed_from_what_is_shown(
    case: tuple[list[int], list[bool], int],
) -> None:
    sizes, never, k = case
    hidden = suppressed_cells(sizes, k, never)
    n = len(sizes)
    published = [[1] * n]  # the total: the category's result is published anyway
    for i in range(n):
        if i not in hidden:  # shown, or empty (an empty cell is no secret: it is known)
            published.append(list(np.eye(n, dtype=int)[i]))
    for i, size in enumerate(sizes):
        assert (0 < size < k) <= (i in hidden), "a small cell is shown"
        if i in hidden and 0 < size < k:
            assert not _computable(published, i, n), f"cell {i} of {sizes} (k={k}) comes back"
    small = [i for i in hidden if 0 < sizes[i] < k]
    if small and len(hidden) < sum(1 for s in sizes if s > 0):
        # what can be computed is the hidden cells' sum: a figure of at least k ballots
        assert sum(sizes[i] for i in hidden) >= k


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[list[int]], list[int], int]:
    """Group × category ballot counts (ballots that cover the category) and the ungrouped."""
    k = draw(st.integers(2, 10))
    groups = draw(st.integers(1, 5))
    cells = [[draw(st.integers(0, 30)) for _ in range(3)] for _ in range(groups)]
    ungrouped = [draw(st.integers(0, 12)) for _ in range(3)]
    return cells, ungrouped, k


@given(tables())
@settings(max_examples=200, deadline=None)
def test_the_published_rates_give_no_small_group_back_across_the_whole_table(
    case: tuple[list[list[int]], list[int], int],
) -> None:
    """The group × category table as the results page publishes it: each category's total,
    each shown cell. No hidden small cell is in the span of all of them together."""
    cells, ungrouped, k = case
    units = [
        UnitSpec("L1", "a", "地方管理部门", "local"),
        UnitSpec("V1", "b", "垂直管理部门", "vertical"),
        UnitSpec("F1", "c", "金融部门", "financial"),
    ]
    scheme = dataclasses.replace(BUILTIN, min_subset_ballots=k)
    by_group = []
    for g, row in enumerate(cells):
        counted = np.zeros((3, len(scheme.marks)), dtype=np.int64)
        for c, n in enumerate(row):
            counted[c, 0] = n  # every covering ballot: 满意 on the category's one unit
        by_group.append(GroupCounts(f"g{g}", max(row), tuple(row), counted))
    rates = group_rates(units, scheme, by_group, ungrouped)
    groups = len(cells)
    width = (groups + 1) * 3  # cell (g, c) at g * 3 + c; the ungrouped row last
    published = []
    for c in range(3):
        published.append([1 if i % 3 == c else 0 for i in range(width)])  # category total
        for g in range(groups + 1):
            size = cells[g][c] if g < groups else ungrouped[c]
            shown = g < groups and not rates[g].hidden[c]
            if shown or size == 0:
                published.append(list(np.eye(width, dtype=int)[g * 3 + c]))
    for g in range(groups + 1):
        for c in range(3):
            size = cells[g][c] if g < groups else ungrouped[c]
            total = sum(row[c] for row in cells) + ungrouped[c]
            if 0 < size < k and total >= k:
                if g < groups:
                    assert rates[g].hidden[c] and rates[g].rates[c] is None
                assert not _computable(published, g * 3 + c, width)
