from __future__ import annotations

import pytest

from pingyi.accounts.actors import Actor
from pingyi.campaigns.models import Campaign
from pingyi.voting.services import IssuedBatch, token_issue
from tests.cast import STAFF, make_campaign


@pytest.fixture
def campaign(db: None) -> Campaign:
    return make_campaign()


@pytest.fixture
def issued(campaign: Campaign) -> IssuedBatch:
    return token_issue(
        campaign=campaign,
        group=campaign.groups.get(code="service_recipients"),
        count=5,
        actor=Actor.operator(STAFF),
    )
