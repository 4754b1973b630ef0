"""P1 ballot appraisal: count the marks, score, rank within categories, flag.

The input is a matrix of mark indices (one row a ballot, one column a unit column) so that a
million paper ballots count in numpy; every decision after counting is taken in Fractions.

Rules (shared/SPEC.md, P1), with the scheme's options:
- a blank cell is the abstain mark; a ballot with nothing but abstain/blank is invalid
  (``blank_ballot = "invalid"``) and is not counted at all;
- n = valid ballots covering the unit (less its abstentions when ``abstain_in_denominator``
  is false); score = Σ points; mean = score / n; rate = favourable marks / n;
- rank per category by mean, then rate, then count of the top mark; ties share a rank
  (1, 2, 2, 4); a unit with n = 0 gets no rank and only the ``no_ballots`` flag;
- winners: the best ``winners`` places of each category, skipping vetoed units, with every
  unit tied at the last winning place; last: the bottom ``last_places`` places, only where the
  category has more ranked units than winner places, never a winner; rectify: not last and
  rate below ``rectify_below``; consecutive_last: last now and in the previous campaign.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from pingyi.rules.scheme import Scheme
from pingyi.rules.suppression import suppressed_cells

BLANK = -1  # a cell left empty: counts as the scheme's abstain mark
NOT_COVERED = -2  # the unit is not on this ballot: not counted for it at all
FLAG_ORDER = ("winner", "last", "rectify", "consecutive_last", "veto", "no_ballots")
REASON_BLANK = "blank"

MarkMatrix = npt.NDArray[np.int8]


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    category: str  # as written in the units file
    category_code: str  # the scheme category it belongs to
    veto: bool = False


@dataclass
class UnitResult:
    spec: UnitSpec
    valid_ballots: int
    counts: tuple[int, ...]  # one per scheme mark, blanks counted as abstain
    score: Fraction
    mean_score: Fraction | None
    satisfaction_rate: Fraction | None
    rank: int | None = None
    flags: list[str] = field(default_factory=list)

    def has(self, flag: str) -> bool:
        return flag in self.flags


@dataclass(frozen=True)
class GroupShare:
    name: str
    ballots: int
    share: Fraction
    target_share: Fraction | None


@dataclass(frozen=True)
class InvalidBallot:
    ballot_no: str
    reason: str


@dataclass
class TallyResult:
    scheme: Scheme
    total_ballots: int
    valid_ballots: int
    invalid: list[InvalidBallot]
    units: list[UnitResult]
    groups: list[GroupShare]

    def by_flag(self, flag: str) -> list[UnitResult]:
        return [u for u in self.units if flag in u.flags]

    def winners_to_rectify(self) -> list[UnitResult]:
        """Units that are both 优胜单位 and 重点整改单位. Seed 001's rules allow it, literally:
        a category with no more units than winner places makes them all winners, and any of
        them under the rectification threshold must rectify too. Kept, and explained wherever
        the result is shown (issue 12)."""
        return [u for u in self.units if "winner" in u.flags and "rectify" in u.flags]


def valid_rows(marks: MarkMatrix, scheme: Scheme) -> npt.NDArray[np.bool_]:
    """A row is valid unless it is blank (every cell abstain or empty) under the scheme."""
    if not scheme.blank_ballot_invalid:
        return np.ones(marks.shape[0], dtype=bool)
    opinion = (marks >= 0) & (marks != scheme.abstain_index)
    return np.asarray(opinion.any(axis=1), dtype=bool)


def count_marks(marks: MarkMatrix, scheme: Scheme) -> npt.NDArray[np.int64]:
    """counts[c, m]: how many rows hold mark m in column c, blanks counted as abstain."""
    columns, kinds = marks.shape[1], len(scheme.marks)
    counts = np.zeros((columns, kinds), dtype=np.int64)
    if marks.shape[0] == 0 or columns == 0:
        return counts
    # One bincount per column over contiguous memory: NOT_COVERED → 0, BLANK → 1, mark m → m+2.
    shifted = np.asfortranarray(marks, dtype=np.int8) - np.int8(NOT_COVERED)
    for column in range(columns):
        found = np.bincount(shifted[:, column], minlength=kinds + 2)
        counts[column] = found[2 : kinds + 2]
        counts[column, scheme.abstain_index] += found[1]
    return counts


def round_fraction(value: Fraction, decimals: int) -> Fraction:
    """Rounds half away from zero (四舍五入), exactly."""
    scale = 10**decimals
    scaled = abs(value) * scale
    rounded = Fraction(int(scaled + Fraction(1, 2)), scale)
    return rounded if value >= 0 else -rounded


def published_rate(rate: Fraction, scheme: Scheme) -> Fraction:
    if scheme.rate_percent_decimals is None:
        return rate
    return round_fraction(rate, scheme.rate_percent_decimals + 2)


def _unit_result(spec: UnitSpec, counts: Sequence[int], scheme: Scheme) -> UnitResult:
    abstain = scheme.abstain_index
    considered = [
        i for i in range(len(scheme.marks)) if scheme.abstain_in_denominator or i != abstain
    ]
    n = sum(counts[i] for i in considered)
    score = sum((scheme.marks[i].points * counts[i] for i in considered), Fraction(0))
    favourable = sum(counts[i] for i in considered if scheme.marks[i].favourable)
    return UnitResult(
        spec=spec,
        valid_ballots=n,
        counts=tuple(int(c) for c in counts),
        score=score,
        mean_score=score / n if n else None,
        satisfaction_rate=Fraction(favourable, n) if n else None,
    )


@dataclass(frozen=True)
class GroupRates:
    """The satisfaction rate one evaluator group gave each category (scheme order).

    ``rates[i]`` is None where the group expressed no opinion on category i, or where its
    figure is suppressed (``hidden[i]``): fewer than ``min_subset_ballots`` ballots of the
    group cover the category, or another group's small figure there could otherwise be
    computed from this one and the category's result (rules.suppression, R12).
    """

    group: str
    ballots: int
    rates: tuple[Fraction | None, ...]
    hidden: tuple[bool, ...]

    @property
    def suppressed(self) -> bool:
        """No figure of this group is shown at all, and that is because of suppression."""
        return any(self.hidden) and all(rate is None for rate in self.rates)


@dataclass(frozen=True)
class GroupCounts:
    """One evaluator group's valid ballots: how many, how many cover each category of the
    scheme, and counted[c, m] of their marks."""

    name: str
    ballots: int
    covering: tuple[int, ...]
    counted: npt.NDArray[np.int64]


def group_rates(
    units: Sequence[UnitSpec],
    scheme: Scheme,
    by_group: Sequence[GroupCounts],
    ungrouped: Sequence[int] = (),
) -> list[GroupRates]:
    """Each category's rate per group, counting every mark the category's units received as
    _unit_result counts one unit's; cells suppressed per category with their complements.

    ``ungrouped[c]``: valid ballots that name no group and cover category c — a cell of the
    category's breakdown that is never shown, and may itself need protecting.
    """
    abstain = scheme.abstain_index
    considered = [
        i for i in range(len(scheme.marks)) if scheme.abstain_in_denominator or i != abstain
    ]
    favourable = [i for i in considered if scheme.marks[i].favourable]
    categories = scheme.categories
    hidden_by_category = []
    for c in range(len(categories)):
        sizes = [g.covering[c] for g in by_group]
        rest = ungrouped[c] if ungrouped else 0
        cells = suppressed_cells(
            [*sizes, rest], scheme.min_subset_ballots, [False] * len(sizes) + [True]
        )
        hidden_by_category.append(cells)
    found: list[GroupRates] = []
    for index, group in enumerate(by_group):
        rates: list[Fraction | None] = []
        hidden: list[bool] = []
        for c, category in enumerate(categories):
            columns = [i for i, u in enumerate(units) if u.category_code == category.code]
            block = group.counted[columns]
            n = int(block[:, considered].sum())
            cut = index in hidden_by_category[c]
            hidden.append(cut)
            rates.append(Fraction(int(block[:, favourable].sum()), n) if n and not cut else None)
        found.append(GroupRates(group.name, group.ballots, tuple(rates), tuple(hidden)))
    return found


def _rank_key(unit: UnitResult, top: int) -> tuple[Fraction, Fraction, int]:
    """Only for units with ballots (mean and rate are then set)."""
    return (unit.mean_score or Fraction(0), unit.satisfaction_rate or Fraction(0), unit.counts[top])


def rank_category(units: list[UnitResult], top: int) -> None:
    """Competition ranking (1, 2, 2, 4) by mean, rate, top-mark count; unranked if n = 0."""
    ranked = sorted(
        (u for u in units if u.valid_ballots), key=lambda u: _rank_key(u, top), reverse=True
    )
    previous: tuple[Fraction, Fraction, int] | None = None
    for position, unit in enumerate(ranked, start=1):
        key = _rank_key(unit, top)
        unit.rank = position if key != previous else ranked[position - 2].rank
        previous = key


def flag_category(
    units: list[UnitResult], winners: int, scheme: Scheme, previous_last: set[str]
) -> None:
    """Sets winner / last / rectify / consecutive_last / veto / no_ballots on one category."""
    ranked = sorted((u for u in units if u.rank is not None), key=lambda u: u.rank or 0)
    eligible = [u for u in ranked if not u.spec.veto]
    winner_ids: set[int] = set()
    if winners > 0 and eligible:
        cut_rank = eligible[min(winners, len(eligible)) - 1].rank or 0
        winner_ids = {id(u) for u in eligible if (u.rank or 0) <= cut_rank}
    last_ids: set[int] = set()
    if scheme.last_places > 0 and len(ranked) > winners:
        bottom_rank = ranked[max(len(ranked) - scheme.last_places, 0)].rank or 0
        last_ids = {id(u) for u in ranked if (u.rank or 0) >= bottom_rank} - winner_ids
    for unit in units:
        rate = unit.satisfaction_rate
        if unit.rank is None or rate is None:
            unit.flags = ["no_ballots"]
            continue
        if scheme.decide_on_published_rate:
            rate = published_rate(rate, scheme)
        flags = {
            "winner": id(unit) in winner_ids,
            "last": id(unit) in last_ids,
            "rectify": id(unit) not in last_ids and rate < scheme.rectify_below,
            "consecutive_last": id(unit) in last_ids and unit.spec.code in previous_last,
            "veto": unit.spec.veto,
        }
        unit.flags = [f for f in FLAG_ORDER if flags.get(f)]


def tally(
    *,
    units: Sequence[UnitSpec],
    marks: MarkMatrix,
    columns: Sequence[int | None],
    scheme: Scheme,
    ballot_nos: Sequence[str] | None = None,
    groups: Sequence[str | None] | GroupColumn | None = None,
    previous_last: Iterable[str] = (),
) -> TallyResult:
    """Counts ``marks`` (rows × columns) for ``units``; ``columns[i]`` is unit i's column.

    ``columns[i] is None`` means no ballot covers unit i. ``groups`` names each row's
    evaluator group (None: not given), or codes them (GroupColumn, for volume).
    ``previous_last`` holds the codes of the units last in the series' previous campaign.
    """
    valid = valid_rows(marks, scheme)
    rejected = np.flatnonzero(~valid)
    invalid = [
        InvalidBallot(ballot_no=(ballot_nos[i] if ballot_nos else str(i + 1)), reason=REASON_BLANK)
        for i in rejected.tolist()
    ]
    # Count everything, then take the few invalid rows back out: no copy of the whole matrix.
    counted = count_marks(marks, scheme) - count_marks(marks[rejected], scheme)
    return decide(
        units=units,
        counted=counted,
        columns=columns,
        scheme=scheme,
        total_ballots=int(marks.shape[0]),
        invalid=invalid,
        groups=group_shares(groups, valid, scheme) if groups is not None else [],
        previous_last=previous_last,
    )


def decide(
    *,
    units: Sequence[UnitSpec],
    counted: npt.NDArray[np.int64],
    columns: Sequence[int | None],
    scheme: Scheme,
    total_ballots: int,
    invalid: list[InvalidBallot],
    groups: list[GroupShare],
    previous_last: Iterable[str] = (),
) -> TallyResult:
    """Everything after counting: per unit n, score, mean, rate; ranks and flags per category.

    ``counted[c, m]``: valid ballots with mark m in column c (blanks counted as abstain).
    """
    empty = [0] * len(scheme.marks)
    results = [
        _unit_result(spec, counted[col].tolist() if col is not None else empty, scheme)
        for spec, col in zip(units, columns, strict=True)
    ]
    last_before = set(previous_last)
    top = scheme.top_index
    for rule in scheme.categories:
        members = [u for u in results if u.spec.category_code == rule.code]
        rank_category(members, top)
        flag_category(members, rule.winners, scheme, last_before)
    return TallyResult(
        scheme=scheme,
        total_ballots=total_ballots,
        valid_ballots=total_ballots - len(invalid),
        invalid=invalid,
        units=results,
        groups=groups,
    )


@dataclass(frozen=True)
class GroupColumn:
    """Each ballot's group as an index into ``names`` (-1: no group)."""

    codes: npt.NDArray[np.int64]
    names: list[str]

    @classmethod
    def of(cls, groups: Sequence[str | None]) -> GroupColumn:
        index: dict[str, int] = {}
        codes = np.fromiter(
            (index.setdefault(g, len(index)) if g else -1 for g in groups),
            dtype=np.int64,
            count=len(groups),
        )
        return cls(codes=codes, names=list(index))


def group_shares(
    groups: Sequence[str | None] | GroupColumn, valid: npt.NDArray[np.bool_], scheme: Scheme
) -> list[GroupShare]:
    """Composition of the valid ballots by evaluator group, beside the scheme's targets.

    Every group of the scheme is listed (a group nobody from came is what the composition
    must show), then the groups on ballots that the scheme does not know, by name. Spellings
    of one scheme group (code, name, alias) count together: under the spelling used when
    there is one, under the scheme's name otherwise. Ballots without a group are not listed
    but count in the denominator. Nothing here depends on the order of the ballots.
    """
    column = groups if isinstance(groups, GroupColumn) else GroupColumn.of(groups)
    size = len(column.names) + 1
    seen = np.bincount(column.codes + 1, minlength=size)[1:]
    counted = np.bincount(column.codes[valid] + 1, minlength=size)[1:]
    present = [
        (name, n)
        for name, on_ballots, n in zip(column.names, seen.tolist(), counted.tolist(), strict=True)
        if on_ballots
    ]
    return shares_of(present, int(valid.sum()), scheme)


def shares_of(present: Sequence[tuple[str, int]], total: int, scheme: Scheme) -> list[GroupShare]:
    """The composition from (group name as written, valid ballots) of every group on ballots."""
    spellings: dict[str, set[str]] = {f"\0{g.code}": set() for g in scheme.groups}
    tallies: dict[str, int] = dict.fromkeys(spellings, 0)
    for name, n in present:
        rule = scheme.group_for(name)
        key = f"\0{rule.code}" if rule else name
        spellings.setdefault(key, set()).add(name)
        tallies[key] = tallies.get(key, 0) + n
    position = {g.code: i for i, g in enumerate(scheme.groups)}

    def order(key: str) -> tuple[int, str]:
        return (position[key[1:]], "") if key.startswith("\0") else (len(position), key)

    shares: list[GroupShare] = []
    for key in sorted(tallies, key=order):
        names = spellings[key]
        rule = scheme.group_for(next(iter(names))) if names else scheme.group_for(key[1:])
        name = next(iter(names)) if len(names) == 1 else (rule.name if rule else key)
        shares.append(
            GroupShare(
                name=name,
                ballots=tallies[key],
                share=Fraction(tallies[key], total) if total else Fraction(0),
                target_share=rule.target_share if rule else None,
            )
        )
    return shares
