"""The ledger's items on a grading round's 公示牌 (grading/board.py; registered with
grading.hooks in RectificationConfig.ready()): the items of each organization's plan(s)
under the round's notice, in one query. Registered at start, it loads the PDF code only when
called."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pingyi.grading.models import GradingRound
from pingyi.rectification.models import Item, ItemStatus

if TYPE_CHECKING:
    from pingyi.exports.grading_board import BoardItem


def board_items(grading_round: GradingRound) -> dict[str, Sequence[BoardItem]]:
    """unit code → the items of its plan(s) under the round's notice."""
    from pingyi.exports.grading_board import BoardItem  # the PDF's, loaded with the board

    labels = dict(ItemStatus.choices)
    found: dict[str, list[BoardItem]] = defaultdict(list)
    rows = (
        Item.objects.filter(plan__notice__grading_round=grading_round)
        .select_related("plan")
        .order_by("plan__unit_code", "number")
    )
    for item in rows:
        found[item.plan.unit_code].append(
            BoardItem(
                number=item.number,
                problem=item.description,
                measures=item.measures,
                owner=item.owner,
                deadline=item.deadline,
                status=str(labels.get(item.status, item.status)),
            )
        )
    return dict(found)
