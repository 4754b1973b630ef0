"""Reads for the 公示牌 (exports/grading_board.py) and its download: each organization's grade,
declared achievements, helpers and rectification items — the ledger's items of the round's
notice when a plan exists, else the committee's recorded problems and measures — in a fixed
number of queries whatever the number of organizations."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

from pingyi.exports.grading_board import BoardItem, BoardOrg, write_board_pdf
from pingyi.grading.hooks import BOARD_ITEMS
from pingyi.grading.models import Committee, GradingRound
from pingyi.grading.selectors import OrgState, grading_state


def _items(grading_round: GradingRound) -> dict[str, Sequence[BoardItem]]:
    """unit code → the items of its plan(s) under the round's notice (grading.hooks: the
    ledger's, rectification.board)."""
    found: dict[str, Sequence[BoardItem]] = {}
    for source in BOARD_ITEMS.values():
        found |= source(grading_round)
    return found


def _board_org(state: OrgState, items: Sequence[BoardItem]) -> BoardOrg:
    org = state.org
    follow = getattr(org, "follow_up", None)
    evaluation = getattr(org, "self_evaluation", None)
    if not items and follow is not None and (follow.problems or follow.measures):
        items = [BoardItem(1, follow.problems, follow.measures, "", None, "")]
    return BoardOrg(
        code=org.code,
        name=org.name,
        sector=org.sector,
        committee=org.committee.name,
        grade=state.grade or "",
        achievements=evaluation.achievements if evaluation else "",
        sponsor_leader=follow.sponsor_leader if follow else "",
        liaison=follow.liaison if follow else "",
        items=tuple(items),
    )


def board_orgs(
    grading_round: GradingRound, committees: Collection[int] | None = None
) -> list[BoardOrg]:
    """The board's organizations in the round's order; with ``committees``, theirs only."""
    items = _items(grading_round)
    return [
        _board_org(s, items.get(s.org.code, []))
        for s in grading_state(grading_round).orgs
        if committees is None or s.org.committee_id in committees
    ]


def board_write(path: Path, grading_round: GradingRound, committee: Committee | None = None) -> int:
    """The 公示牌 PDF of one committee, or of the whole round; returns the pages."""
    committees = {committee.pk} if committee is not None else None
    subtitle = grading_round.name + (f" · {committee.name}" if committee else "")
    return write_board_pdf(path, board_orgs(grading_round, committees), subtitle=subtitle)
