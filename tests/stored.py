"""The ballots a campaign holds, wherever they are: the ballot table and the mixing pool
(opened with the key, as only the server can). Tests count and read ballots through this, so
that a ballot still waiting in the pool counts as the stored ballot it is (R6)."""

from __future__ import annotations

from dataclasses import dataclass

from pingyi.ballots.models import Ballot, PooledBallot
from pingyi.ballots.sealing import unseal


@dataclass(frozen=True)
class Stored:
    campaign_id: int
    group_id: int | None
    marks: str
    valid: bool
    source: str
    ballot_no: str | None


def stored_ballots(campaign_id: int | None = None) -> list[Stored]:
    table = Ballot.objects.all()
    pool = PooledBallot.objects.all()
    if campaign_id is not None:
        table, pool = table.filter(campaign_id=campaign_id), pool.filter(campaign_id=campaign_id)
    found = [
        Stored(b.campaign_id, b.group_id, b.marks, b.valid, b.source, b.ballot_no) for b in table
    ]
    for pooled in pool:
        content = unseal(
            campaign_id=pooled.campaign_id, pooled_id=pooled.pk, sealed=bytes(pooled.sealed)
        )
        found.append(
            Stored(
                pooled.campaign_id, content.group_id, content.marks, content.valid, "online", None
            )
        )
    return found


def ballot_count(campaign_id: int | None = None) -> int:
    table = Ballot.objects.all()
    pool = PooledBallot.objects.all()
    if campaign_id is not None:
        table, pool = table.filter(campaign_id=campaign_id), pool.filter(campaign_id=campaign_id)
    return table.count() + pool.count()
