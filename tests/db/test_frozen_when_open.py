"""R13: a campaign's units, scheme and stages are frozen once it opens."""

from __future__ import annotations

import datetime as dt

import pytest

from pingyi.audit.models import AuditEntry
from pingyi.campaigns.models import Unit
from pingyi.campaigns.services import campaign_stages_set, unit_update
from pingyi.rules.errors import RuleError
from tests.db.conftest import STAFF, make_campaign

pytestmark = pytest.mark.django_db


def test_a_draft_unit_can_be_vetoed_and_the_change_is_audited() -> None:
    campaign = make_campaign(open_it=False)
    unit_update(campaign=campaign, code="L1", veto=True, actor=STAFF)
    assert Unit.objects.get(campaign=campaign, code="L1").veto is True
    entry = AuditEntry.objects.get(action="unit.changed")
    assert entry.data == {
        "unit": "L1",
        "before": {"name": "组织部", "veto": False},
        "after": {"name": "组织部", "veto": True},
    }


def test_units_cannot_change_once_the_campaign_is_open() -> None:
    campaign = make_campaign()
    with pytest.raises(RuleError) as refused:
        unit_update(campaign=campaign, code="L1", veto=True, name="改名", actor=STAFF)
    assert refused.value.message() == (
        "the campaign is open: its units and scheme can no longer change"
    )
    unit = Unit.objects.get(campaign=campaign, code="L1")
    assert (unit.name, unit.veto) == ("组织部", False)


def test_an_unknown_unit_is_named() -> None:
    campaign = make_campaign(open_it=False)
    with pytest.raises(RuleError) as refused:
        unit_update(campaign=campaign, code="Z9", veto=True, actor=STAFF)
    assert refused.value.message() == "the campaign has no unit 'Z9'"


def test_the_six_stages_get_dates_and_a_stage_cannot_end_before_it_starts() -> None:
    campaign = make_campaign(open_it=False)
    day = dt.date(2026, 3, 1)
    stages = {
        kind: (day + dt.timedelta(days=30 * i), day + dt.timedelta(days=30 * i + 29))
        for i, kind in enumerate(
            ["mobilization", "pledges", "self_inspection", "opinions", "rectification", "appraisal"]
        )
    }
    campaign_stages_set(campaign=campaign, stages=stages, actor=STAFF)
    assert [s.kind for s in campaign.stages.all()] == list(stages)
    with pytest.raises(RuleError):
        campaign_stages_set(
            campaign=campaign,
            actor=STAFF,
            stages={"appraisal": (dt.date(2026, 12, 2), dt.date(2026, 12, 1))},
        )
    assert campaign.stages.count() == 6


def test_stages_cannot_change_once_the_campaign_is_open() -> None:
    campaign = make_campaign()
    with pytest.raises(RuleError) as refused:
        campaign_stages_set(campaign=campaign, stages={}, actor=STAFF)
    assert refused.value.message() == (
        "the campaign is open: its stages are set only while it is a draft"
    )


def test_a_unit_added_by_hand_is_audited_and_a_repeated_code_is_refused() -> None:
    from pingyi.campaigns.services import unit_add

    campaign = make_campaign(open_it=False)
    unit_add(
        campaign=campaign, code="F2", name="中行", category="金融部门", veto=False, actor=STAFF
    )
    assert AuditEntry.objects.filter(action="unit.added").count() == 1
    with pytest.raises(RuleError) as refused:
        unit_add(
            campaign=campaign,
            code="F2",
            name="又一个",
            category="金融部门",
            veto=False,
            actor=STAFF,
        )
    assert refused.value.message() == "the campaign already has a unit 'F2'"
    with pytest.raises(RuleError) as unknown:
        unit_add(
            campaign=campaign, code="X1", name="x", category="nowhere", veto=False, actor=STAFF
        )
    assert unknown.value.message() == "the campaign has no category 'nowhere'"


def test_veto_marks_are_set_all_at_once_or_not_at_all() -> None:
    from pingyi.campaigns.services import unit_vetoes_set

    campaign = make_campaign(open_it=False)
    assert unit_vetoes_set(campaign=campaign, vetoed={"L1", "L2"}, actor=STAFF) == 3  # F1 off
    vetoed = Unit.objects.filter(campaign=campaign, veto=True).values_list("code", flat=True)
    assert sorted(vetoed) == ["L1", "L2"]
    opened = make_campaign(2027)
    with pytest.raises(RuleError):
        unit_vetoes_set(campaign=opened, vetoed={"L1"}, actor=STAFF)
    assert list(Unit.objects.filter(campaign=opened, veto=True).values_list("code", flat=True)) == [
        "F1"
    ]
