"""What the apps above notices do when a notice becomes final, and add to its public page
(issue 11).

A final notice opens the rectification plans of its weak units (SPEC P4): rectification
registers the step that makes them, run inside notice_finalize's transaction, with the names
of the units it makes them for, which the confirmation page says beforehand. A campaign's
public notice shows how many service pledges (服务承诺) the public can read: stages registers
that count. Both register from their AppConfig.ready(), as the apps register their jobs with
jobs; notices imports neither.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pingyi.accounts.actors import Actor
    from pingyi.notices.models import Notice


@dataclass(frozen=True)
class FinalStep:
    run: Callable[[Notice, Actor, dt.datetime], object]  # the notice, who finalizes it, when
    units: Callable[[Notice], list[str]]  # the names of the units ``run`` will act on


FINAL_STEPS: dict[str, FinalStep] = {}
PLEDGE_COUNTS: dict[str, Callable[[int], int]] = {}


def final_step_register(name: str, step: FinalStep) -> None:
    """``step`` runs when a notice becomes final; registering a name again replaces it."""
    FINAL_STEPS[name] = step


def final_steps_run(notice: Notice, actor: Actor, now: dt.datetime) -> None:
    for step in FINAL_STEPS.values():
        step.run(notice, actor, now)


def units_to_rectify(notice: Notice) -> list[str]:
    """The names of the units (organizations) finalizing ``notice`` opens plans for."""
    return [name for step in FINAL_STEPS.values() for name in step.units(notice)]


def pledge_count_register(name: str, count: Callable[[int], int]) -> None:
    """``count`` gives, for a campaign's id, how many pledges the public can read."""
    PLEDGE_COUNTS[name] = count


def published_pledge_count(campaign_id: int) -> int:
    return sum(count(campaign_id) for count in PLEDGE_COUNTS.values())
