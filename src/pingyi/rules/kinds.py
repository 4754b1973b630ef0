"""Figures per kind of representative (seed 001 五(二)), under the k rule (R12).

Each evaluator group (服务对象 60 %, 干部和各界代表 40 %) may be split into kinds (党政领导,
企业负责人代表, 各界代表, 基层干部代表). A kind's figures are its valid ballots, its share of
its group and of all valid ballots, and its satisfaction rate over every mark it gave. The
group's own total is published (the composition), so the kinds of one group are one breakdown:
a kind with fewer than k ballots is hidden, and so are complements enough that no hidden kind
comes back as a difference (rules.suppression). Ballots of the group that name no kind are a
cell that is never shown but may need protecting all the same.

A kind with no ballot is hidden too: at close the ballots of a kind with fewer than k are
moved to its group (ballots.services.ballots_small_kinds_merge), and such a kind must read
the same as one nobody from voted in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from pingyi.rules.suppression import suppressed_cells


@dataclass(frozen=True)
class KindCount:
    """What was counted for one kind (``kind`` empty: the group's ballots naming no kind)."""

    group: str
    kind: str
    ballots: int  # valid ballots
    favourable: int  # favourable marks over every unit
    considered: int  # marks in the rate's denominator over every unit


@dataclass(frozen=True)
class KindFigure:
    """One kind as it may be shown; every figure is None when ``hidden``."""

    group: str
    kind: str
    hidden: bool
    ballots: int | None
    share_of_group: Fraction | None
    share_of_all: Fraction | None
    rate: Fraction | None


def kind_figures(counts: Sequence[KindCount], k: int, valid_ballots: int) -> list[KindFigure]:
    """The kinds of ``counts`` (the no-kind cells left out), in the order given."""
    groups: dict[str, list[int]] = {}
    for index, count in enumerate(counts):
        groups.setdefault(count.group, []).append(index)
    hidden: set[int] = set()
    totals: dict[str, int] = {}
    for group, members in groups.items():
        sizes = [counts[i].ballots for i in members]
        unpublished = [counts[i].kind == "" for i in members]
        cut = suppressed_cells(sizes, k, unpublished)
        hidden.update(members[i] for i in cut)
        totals[group] = sum(sizes)
    figures: list[KindFigure] = []
    for index, count in enumerate(counts):
        if count.kind == "":
            continue
        if index in hidden or count.ballots == 0:
            figures.append(KindFigure(count.group, count.kind, True, None, None, None, None))
            continue
        total = totals[count.group]
        figures.append(
            KindFigure(
                group=count.group,
                kind=count.kind,
                hidden=False,
                ballots=count.ballots,
                share_of_group=Fraction(count.ballots, total) if total else None,
                share_of_all=Fraction(count.ballots, valid_ballots) if valid_ballots else None,
                rate=Fraction(count.favourable, count.considered) if count.considered else None,
            )
        )
    return figures


def kinds_to_merge(sizes: Sequence[int], direct: int, k: int) -> frozenset[int]:
    """Which kinds of one group (``sizes``: their ballots, in order) the close moves to the
    group, whose own ballots number ``direct``: those the results would hide, by the same
    rule (rules.suppression). Afterwards the group's own ballots are none, at least k, or
    every ballot of the group (a group of fewer than k), so that no copy of the database
    sets a small kind — or a small remainder — apart (R9, R12)."""
    cells = suppressed_cells([*sizes, direct], k, [False] * len(sizes) + [True])
    return frozenset(i for i in cells if i < len(sizes))
