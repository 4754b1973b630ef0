"""The ledger's steps in the use cases of the apps beneath it (registered in
RectificationConfig.ready(); issue 11): a final notice's plans (notices.hooks), and the
ledger's items on a grading round's 公示牌 (grading.hooks). The services are imported when
a step runs, so that starting Pingyi loads none of their dependencies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pingyi.notices.hooks import FinalStep

if TYPE_CHECKING:
    from pingyi.accounts.actors import Actor
    from pingyi.exports.grading_board import BoardItem
    from pingyi.grading.models import GradingRound
    from pingyi.notices.models import Notice


def _plans_create(notice: Notice, actor: Actor, now: dt.datetime) -> object:
    from pingyi.rectification.services import plans_create_for_notice

    return plans_create_for_notice(notice=notice, actor=actor, now=now)


def _units(notice: Notice) -> list[str]:
    from pingyi.rectification.services import units_to_rectify

    return units_to_rectify(notice)


def board_items(grading_round: GradingRound) -> dict[str, Sequence[BoardItem]]:
    from pingyi.rectification.board import board_items

    return board_items(grading_round)


PLANS = FinalStep(run=_plans_create, units=_units)
