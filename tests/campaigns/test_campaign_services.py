from __future__ import annotations

import pytest

from pingyi.accounts.actors import Actor
from pingyi.audit.models import AuditEntry
from pingyi.campaigns.models import Campaign, CampaignStatus
from pingyi.campaigns.selectors import campaign_scheme, campaign_unit_specs
from pingyi.campaigns.services import campaign_close, campaign_create, campaign_open
from pingyi.rules.errors import RuleError
from pingyi.rules.scheme import builtin_scheme
from tests.cast import STAFF, UNITS, make_campaign

pytestmark = pytest.mark.django_db


def test_a_new_campaign_is_a_draft_with_its_roster_and_an_audit_entry() -> None:
    campaign = make_campaign(open_it=False)
    assert campaign.status == CampaignStatus.DRAFT
    assert campaign_unit_specs(campaign) == UNITS
    assert [g.name for g in campaign.groups.all()] == ["服务对象", "干部和各界代表"]
    assert [(c.code, c.winner_places) for c in campaign.categories.all()] == [
        ("local", 5),
        ("vertical", 3),
        ("financial", 2),
    ]
    assert campaign_scheme(campaign) == builtin_scheme()
    entry = AuditEntry.objects.get(action="campaigns.campaign.created")
    assert (entry.actor, entry.object_id, entry.data["units"]) == (STAFF, str(campaign.pk), 4)


def test_the_phases_go_draft_open_closed_and_each_step_is_audited() -> None:
    campaign = make_campaign(open_it=False)
    campaign_open(campaign=campaign, actor=Actor.operator(STAFF))
    campaign_close(campaign=campaign, actor=Actor.operator(STAFF))
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.CLOSED
    assert list(AuditEntry.objects.values_list("action", flat=True)) == [
        "campaigns.campaign.created",
        "campaigns.campaign.opened",
        "campaigns.campaign.closed",
    ]


def test_a_phase_cannot_be_skipped_or_repeated() -> None:
    campaign = make_campaign(open_it=False)
    with pytest.raises(RuleError) as refused:
        campaign_close(campaign=campaign, actor=Actor.operator(STAFF))
    assert refused.value.message() == "a campaign that is a draft cannot become closed"
    campaign_open(campaign=campaign, actor=Actor.operator(STAFF))
    with pytest.raises(RuleError):
        campaign_open(campaign=campaign, actor=Actor.operator(STAFF))
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.OPEN
    assert AuditEntry.objects.filter(action="campaigns.campaign.opened").count() == 1


def test_a_series_has_one_campaign_a_year() -> None:
    make_campaign(2026)
    with pytest.raises(RuleError) as refused:
        campaign_create(
            organization_code="office",
            organization_name="评议办",
            series_code="qianren",
            series_name="千人评议机关",
            year=2026,
            name="again",
            scheme=builtin_scheme(),
            units=UNITS,
            actor=Actor.operator(STAFF),
        )
    assert "already has a campaign for 2026" in refused.value.message()
    assert Campaign.objects.count() == 1
