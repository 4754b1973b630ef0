"""Small-cell suppression that cannot be undone by subtraction (R12).

A breakdown splits a published total into cells — a category's marks by evaluator group.
A cell of fewer than k ballots is not shown (primary suppression). But with the total and
every other cell shown, the hidden one is their difference; so further cells are hidden too
(complementary suppression) until the hidden cells of the breakdown are at least two and hold
at least k ballots between them: then all that can be computed is their sum, itself a figure
of k ballots or more. A cell that is never published (ballots that name no group) counts as
hidden from the start; an empty cell is no secret and is never chosen as a complement.

Breakdowns here are one level deep under a total that is published anyway (a category's
result), and no figure crosses two breakdowns, so deciding each breakdown on its own is
enough; tests/rules/test_suppression.py checks by linear algebra that no hidden cell can be
computed from what is shown.
"""

from __future__ import annotations

from collections.abc import Sequence


def suppressed_cells(
    sizes: Sequence[int], k: int, unpublished: Sequence[bool] | None = None
) -> frozenset[int]:
    """Indices of the cells of one breakdown not to show (unpublished ones included).

    ``sizes[i]``: ballots in cell i; ``unpublished[i]``: cell i is never shown anyway (it can
    still be computed as a difference, so it needs complements when it is small).
    Complements are the smallest shown cells first (the least information withheld), ties by
    position, so the choice is the same on every page and in every export.
    """
    never = list(unpublished) if unpublished is not None else [False] * len(sizes)
    hidden = {i for i, n in enumerate(sizes) if n > 0 and (n < k or never[i])}
    if not any(0 < sizes[i] < k for i in hidden):
        return frozenset(hidden)  # nothing small: what is hidden may be computed, harmlessly
    candidates = sorted(
        (i for i, n in enumerate(sizes) if n > 0 and i not in hidden),
        key=lambda i: (sizes[i], i),
    )
    while candidates and (len(hidden) < 2 or sum(sizes[i] for i in hidden) < k):
        hidden.add(candidates.pop(0))
    return frozenset(hidden)
