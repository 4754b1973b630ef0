"""What closing a campaign does to voting's rows (campaigns.hooks; registered in
VotingConfig.ready()): the receipts are rewritten in random-id order, as the ballots are
(ballots.services.ballots_storage_shuffle, R10), in the same closing transaction."""

from __future__ import annotations

from typing import Any

from pingyi.campaigns.models import Campaign


def receipts_shuffled(campaign: Campaign) -> dict[str, Any]:
    from pingyi.ballots.services import rows_shuffle
    from pingyi.voting.models import Receipt

    rows_shuffle(table=Receipt._meta.db_table, campaign_id=campaign.pk)
    return {}
