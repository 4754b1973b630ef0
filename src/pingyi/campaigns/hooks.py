"""What the apps above campaigns do when a campaign opens or closes (issue 11).

Opening and closing run in campaigns.services' transaction, the campaign locked; ballots
(its partition at the open; the pool drained, the ballots shuffled and sealed at the close)
and voting (its receipts shuffled at the close) register their steps from their
AppConfig.ready(), as the apps register their jobs with jobs. campaigns imports none of them.
Each step returns what it adds to the transition's audit entry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pingyi.campaigns.models import Campaign

Step = Callable[["Campaign"], dict[str, Any]]
STEPS: dict[str, dict[str, Step]] = {}


def transition_step_register(target: str, name: str, step: Step) -> None:
    """``step`` runs inside every transition to ``target`` (rules.phases), in the order the
    apps register; registering a name again replaces its step."""
    STEPS.setdefault(target, {})[name] = step


def transition_steps_run(campaign: Campaign, target: str) -> dict[str, Any]:
    """Runs the steps of a transition to ``target``; what they return, for the audit entry."""
    data: dict[str, Any] = {}
    for step in STEPS.get(target, {}).values():
        data |= step(campaign)
    return data
