"""The criteria of a campaign's scheme (seed 001 四): kept with the campaign, changed only in a
draft, frozen once it opens (R13)."""

from __future__ import annotations

import pytest

from pingyi.accounts.actors import Actor
from pingyi.audit.models import AuditEntry
from pingyi.campaigns.models import Campaign
from pingyi.campaigns.selectors import campaign_scheme
from pingyi.campaigns.services import campaign_criteria_set
from pingyi.rules.errors import RuleError
from pingyi.rules.scheme import Criterion
from tests.cast import STAFF, make_campaign

pytestmark = pytest.mark.django_db

SEED = ["比依法行政", "比行政效能", "比工作实绩", "比工作机制"]


def test_a_new_campaign_keeps_the_four_criteria_of_its_scheme() -> None:
    campaign = make_campaign()
    stored = Campaign.objects.get(pk=campaign.pk)
    assert [c.name for c in campaign_scheme(stored).criteria] == SEED


def test_a_draft_changes_its_criteria_in_order_and_the_change_is_audited() -> None:
    campaign = make_campaign(open_it=False)
    mine = [Criterion("比服务态度", "看窗口服务热情不热情。"), Criterion("比依法行政", "看执法。")]
    campaign_criteria_set(campaign=campaign, criteria=mine, actor=Actor.operator(STAFF))
    stored = campaign_scheme(Campaign.objects.get(pk=campaign.pk))
    assert list(stored.criteria) == mine
    entry = AuditEntry.objects.get(action="campaigns.criteria.changed")
    assert entry.data == {"before": SEED, "after": ["比服务态度", "比依法行政"]}


def test_the_criteria_are_frozen_once_the_campaign_is_open() -> None:
    campaign = make_campaign()
    before = Campaign.objects.get(pk=campaign.pk).scheme
    with pytest.raises(RuleError):
        campaign_criteria_set(campaign=campaign, criteria=[], actor=Actor.operator(STAFF))
    assert Campaign.objects.get(pk=campaign.pk).scheme == before
    assert not AuditEntry.objects.filter(action="campaigns.criteria.changed").exists()
