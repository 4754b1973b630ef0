"""Figures per kind of representatives (seed 001 五(二)) under the k rule (R12): a kind with
fewer than k ballots shows nothing, no shown figure of its group gives it back as a
difference, and every figure shown is exact."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import assume, given
from hypothesis import strategies as st

from pingyi.rules.kinds import KindCount, kind_figures, kinds_to_merge

SEED_KINDS = {
    "服务对象": ["企业负责人代表", "基层干部代表"],
    "干部和各界代表": ["党政领导", "各界代表"],
}


@st.composite
def campaigns(draw: st.DrawFn) -> tuple[list[KindCount], int, int]:
    """Both groups of the built-in scheme divided in seed 001's kinds, each with its ballots
    naming no kind; marks drawn per cell (favourable ≤ considered)."""
    k = draw(st.integers(2, 12))
    counts: list[KindCount] = []
    for group, kinds in SEED_KINDS.items():
        for kind in [*kinds, ""]:
            ballots = draw(st.integers(0, 40 if kind else 10))
            considered = ballots * draw(st.integers(0, 5))
            favourable = draw(st.integers(0, considered))
            counts.append(KindCount(group, kind, ballots, favourable, considered))
    valid = sum(c.ballots for c in counts)
    assume(valid >= k)  # a campaign with fewer shows nothing at all (TooFewBallots)
    return counts, k, valid


@given(campaigns())
def test_a_kind_is_shown_only_with_k_ballots_and_its_figures_are_exact(
    drawn: tuple[list[KindCount], int, int],
) -> None:
    counts, k, valid = drawn
    figures = kind_figures(counts, k, valid)
    by_name = {(c.group, c.kind): c for c in counts}
    group_total = {g: sum(c.ballots for c in counts if c.group == g) for g in SEED_KINDS}
    assert [(f.group, f.kind) for f in figures] == [
        (c.group, c.kind) for c in counts if c.kind
    ]  # every kind listed, in order, the no-kind cells never
    for figure in figures:
        count = by_name[(figure.group, figure.kind)]
        if count.ballots < k:
            assert figure.hidden
        if figure.hidden:
            assert figure.ballots is figure.rate is figure.share_of_group is None
            continue
        assert figure.ballots == count.ballots >= k
        assert figure.share_of_group == Fraction(count.ballots, group_total[figure.group])
        assert figure.share_of_all == Fraction(count.ballots, valid)
        expected = Fraction(count.favourable, count.considered) if count.considered else None
        assert figure.rate == expected


@given(campaigns())
def test_no_hidden_kind_comes_back_as_a_difference_of_its_group(
    drawn: tuple[list[KindCount], int, int],
) -> None:
    """The group's total is published (its share of the valid ballots): the hidden cells of
    a group, the no-kind cell among them, hold together either nothing small or at least two
    cells and k ballots, so no small one is their difference. A group of fewer than k
    ballots hides every kind (what it shows of itself is the group rule's, tally.group_rates)."""
    counts, k, valid = drawn
    figures = kind_figures(counts, k, valid)
    shown = {(f.group, f.kind) for f in figures if not f.hidden}
    for group in SEED_KINDS:
        cells = [c for c in counts if c.group == group]
        hidden = [c for c in cells if (c.group, c.kind) not in shown]
        small = [c for c in hidden if 0 < c.ballots < k]
        if sum(c.ballots for c in cells) < k:
            assert not any(c.group == group for c in (f for f in figures if not f.hidden))
        elif small:
            with_ballots = [c for c in hidden if c.ballots > 0]
            assert len(with_ballots) >= 2
            assert sum(c.ballots for c in with_ballots) >= k


def test_a_small_kind_hides_the_next_smallest_of_its_group_and_no_other() -> None:
    counts = [
        KindCount("服务对象", "企业负责人代表", 30, 50, 60),
        KindCount("服务对象", "基层干部代表", 3, 6, 6),
        KindCount("服务对象", "", 0, 0, 0),
        KindCount("干部和各界代表", "党政领导", 12, 20, 24),
        KindCount("干部和各界代表", "各界代表", 9, 9, 18),
        KindCount("干部和各界代表", "", 0, 0, 0),
    ]
    figures = kind_figures(counts, 8, 54)
    assert [(f.kind, f.hidden) for f in figures] == [
        ("企业负责人代表", True),  # the complement: 33 − 30 would give the 3 back
        ("基层干部代表", True),
        ("党政领导", False),
        ("各界代表", False),
    ]
    leaders = figures[2]
    assert (leaders.ballots, leaders.share_of_group, leaders.rate) == (
        12,
        Fraction(12, 21),
        Fraction(20, 24),
    )


def test_a_kind_nobody_from_voted_in_reads_as_hidden_not_as_zero() -> None:
    """At close a small kind's ballots move to its group: it must look like an empty one."""
    counts = [
        KindCount("服务对象", "企业负责人代表", 20, 30, 40),
        KindCount("服务对象", "基层干部代表", 0, 0, 0),
        KindCount("服务对象", "", 0, 0, 0),
    ]
    figures = kind_figures(counts, 8, 20)
    assert [(f.kind, f.hidden, f.ballots) for f in figures] == [
        ("企业负责人代表", False, 20),
        ("基层干部代表", True, None),
    ]


@given(
    st.lists(st.integers(0, 30), min_size=1, max_size=5),
    st.integers(0, 12),
    st.integers(2, 12),
)
def test_after_the_close_no_kind_and_no_remainder_of_a_group_is_small(
    sizes: list[int], direct: int, k: int
) -> None:
    """What the close leaves in the ballot table (ballots_small_kinds_merge): each kind none
    or at least k ballots, the group's own ballots none, at least k, or all of the group."""
    merged = kinds_to_merge(sizes, direct, k)
    left = [n for i, n in enumerate(sizes) if i not in merged]
    pool = direct + sum(sizes[i] for i in merged)
    assert all(n == 0 or n >= k for n in left)
    assert pool == 0 or pool >= k or pool == direct + sum(sizes)
    # and the results hide exactly the kinds merged, among those with ballots
    counts = [KindCount("g", f"k{i}", n, 0, 0) for i, n in enumerate(sizes)]
    figures = kind_figures([*counts, KindCount("g", "", direct, 0, 0)], k, sum(sizes) + direct)
    hidden = {i for i, f in enumerate(figures) if f.hidden and sizes[i] > 0}
    assert hidden == {i for i in merged if sizes[i] > 0}
