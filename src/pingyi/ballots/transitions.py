"""What opening and closing a campaign do to its ballots (campaigns.hooks; registered in
BallotsConfig.ready()): the services are imported when a campaign opens or closes, so that
starting Pingyi loads none of their dependencies."""

from __future__ import annotations

from typing import Any

from pingyi.campaigns.models import Campaign


def ballots_opened(campaign: Campaign) -> dict[str, Any]:
    from pingyi.ballots.services import ballots_open

    ballots_open(campaign=campaign)
    return {}


def ballots_closed(campaign: Campaign) -> dict[str, Any]:
    """The pool drained, the ballots shuffled and sealed: the seal's count and digest (and the
    small kinds merged into their groups, R9, R12) go into the closing audit entry."""
    from pingyi.ballots.services import ballots_close

    sealed = ballots_close(campaign=campaign)
    data: dict[str, Any] = {"ballots": sealed.ballots, "ballots_digest": sealed.digest}
    if sealed.kinds_merged:
        data["kinds_merged"] = sealed.kinds_merged
    return data
