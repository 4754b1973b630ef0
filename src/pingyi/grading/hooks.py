"""What the apps above grading add to its pages and files (issue 11).

The 公示牌 (grading/board.py) prints each organization's rectification items: the ledger's
items under the round's notice, which rectification (above grading, as its plans follow the
notice) registers from its AppConfig.ready(), as the apps register their jobs with jobs.
grading imports no rectification; without a registered source the board prints the
committee's recorded problems and measures only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pingyi.exports.grading_board import BoardItem
    from pingyi.grading.models import GradingRound

# the round → unit code → the items of its plan(s) under the round's notice
BoardItems = Callable[["GradingRound"], dict[str, Sequence["BoardItem"]]]
BOARD_ITEMS: dict[str, BoardItems] = {}


def board_items_register(name: str, source: BoardItems) -> None:
    """``source`` gives the board's rectification items; registering a name again replaces it."""
    BOARD_ITEMS[name] = source
