"""R13: a campaign's units, scheme and stages are frozen once it opens."""

from __future__ import annotations

import datetime as dt

import pytest

from pingyi.accounts.actors import Actor
from pingyi.audit.models import AuditEntry
from pingyi.campaigns.models import Campaign, Unit
from pingyi.campaigns.services import campaign_stages_set, unit_add, unit_remove, unit_update
from pingyi.rules.errors import RuleError
from tests.cast import STAFF, UNITS, make_campaign

pytestmark = pytest.mark.django_db


def test_a_draft_unit_can_be_vetoed_and_the_change_is_audited() -> None:
    campaign = make_campaign(open_it=False)
    unit_update(campaign=campaign, code="L1", veto=True, actor=Actor.operator(STAFF))
    assert Unit.objects.get(campaign=campaign, code="L1").veto is True
    entry = AuditEntry.objects.get(action="campaigns.unit.changed")
    assert entry.data == {
        "unit": "L1",
        "before": {"name": "组织部", "category": "local", "veto": False},
        "after": {"name": "组织部", "category": "local", "veto": True},
    }


def _order(campaign: Campaign) -> list[tuple[int, str, str]]:
    units = Unit.objects.filter(campaign=campaign).select_related("category")
    return [(u.position, u.code, u.category.code) for u in units.order_by("position")]


def test_a_draft_unit_moved_to_another_category_closes_its_block() -> None:
    campaign = make_campaign(open_it=False)
    unit_update(
        campaign=campaign,
        code="L1",
        name="市委组织部",
        category="金融部门",
        actor=Actor.operator(STAFF),
    )
    assert _order(campaign) == [
        (0, "L2", "local"),
        (1, "V1", "vertical"),
        (2, "F1", "financial"),
        (3, "L1", "financial"),
    ]
    entry = AuditEntry.objects.get(action="campaigns.unit.changed")
    assert entry.data["before"] == {"name": "组织部", "category": "local", "veto": False}
    assert entry.data["after"] == {"name": "市委组织部", "category": "financial", "veto": False}


def test_a_draft_unit_is_removed_the_others_close_up_and_it_is_audited() -> None:
    campaign = make_campaign(open_it=False)
    unit_remove(campaign=campaign, code="L2", actor=Actor.operator(STAFF))
    assert _order(campaign) == [(0, "L1", "local"), (1, "V1", "vertical"), (2, "F1", "financial")]
    entry = AuditEntry.objects.get(action="campaigns.unit.removed")
    assert entry.data == {"unit": "L2", "name": "宣传部", "category": "local", "veto": False}


def test_a_unit_cannot_be_removed_once_the_campaign_is_open() -> None:
    campaign = make_campaign()
    with pytest.raises(RuleError) as refused:
        unit_remove(campaign=campaign, code="L2", actor=Actor.operator(STAFF))
    assert refused.value.message() == (
        "the campaign is open: its units and scheme can no longer change"
    )
    assert Unit.objects.filter(campaign=campaign).count() == 4


def test_a_unit_added_by_hand_takes_the_last_place_of_its_category() -> None:
    campaign = make_campaign(open_it=False)
    unit_add(
        campaign=campaign,
        code="L9",
        name="审计局",
        category="地方",
        veto=False,
        actor=Actor.operator(STAFF),
    )
    assert [code for _, code, _ in _order(campaign)] == ["L1", "L2", "L9", "V1", "F1"]


def test_units_from_a_file_are_stored_in_category_order() -> None:
    mixed = [UNITS[2], UNITS[0], UNITS[3], UNITS[1]]  # V1, L1, F1, L2
    campaign = make_campaign(units=mixed, open_it=False)
    assert [code for _, code, _ in _order(campaign)] == ["L1", "L2", "V1", "F1"]


def test_units_cannot_change_once_the_campaign_is_open() -> None:
    campaign = make_campaign()
    with pytest.raises(RuleError) as refused:
        unit_update(
            campaign=campaign, code="L1", veto=True, name="改名", actor=Actor.operator(STAFF)
        )
    assert refused.value.message() == (
        "the campaign is open: its units and scheme can no longer change"
    )
    unit = Unit.objects.get(campaign=campaign, code="L1")
    assert (unit.name, unit.veto) == ("组织部", False)


def test_an_unknown_unit_is_named() -> None:
    campaign = make_campaign(open_it=False)
    with pytest.raises(RuleError) as refused:
        unit_update(campaign=campaign, code="Z9", veto=True, actor=Actor.operator(STAFF))
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
    campaign_stages_set(campaign=campaign, stages=stages, actor=Actor.operator(STAFF))
    assert [s.kind for s in campaign.stages.all()] == list(stages)
    with pytest.raises(RuleError):
        campaign_stages_set(
            campaign=campaign,
            actor=Actor.operator(STAFF),
            stages={"appraisal": (dt.date(2026, 12, 2), dt.date(2026, 12, 1))},
        )
    assert campaign.stages.count() == 6


def test_stages_cannot_change_once_the_campaign_is_open() -> None:
    campaign = make_campaign()
    with pytest.raises(RuleError) as refused:
        campaign_stages_set(campaign=campaign, stages={}, actor=Actor.operator(STAFF))
    assert refused.value.message() == (
        "the campaign is open: its stages are set only while it is a draft"
    )


def test_a_unit_added_by_hand_is_audited_and_a_repeated_code_is_refused() -> None:
    from pingyi.campaigns.services import unit_add

    campaign = make_campaign(open_it=False)
    unit_add(
        campaign=campaign,
        code="F2",
        name="中行",
        category="金融部门",
        veto=False,
        actor=Actor.operator(STAFF),
    )
    assert AuditEntry.objects.filter(action="campaigns.unit.added").count() == 1
    with pytest.raises(RuleError) as refused:
        unit_add(
            campaign=campaign,
            code="F2",
            name="又一个",
            category="金融部门",
            veto=False,
            actor=Actor.operator(STAFF),
        )
    assert refused.value.message() == "the campaign already has a unit 'F2'"
    with pytest.raises(RuleError) as unknown:
        unit_add(
            campaign=campaign,
            code="X1",
            name="x",
            category="nowhere",
            veto=False,
            actor=Actor.operator(STAFF),
        )
    assert unknown.value.message() == "the campaign has no category 'nowhere'"


def test_veto_marks_are_set_all_at_once_or_not_at_all() -> None:
    from pingyi.campaigns.services import unit_vetoes_set

    campaign = make_campaign(open_it=False)
    assert (
        unit_vetoes_set(campaign=campaign, vetoed={"L1", "L2"}, actor=Actor.operator(STAFF)) == 3
    )  # F1 off
    vetoed = Unit.objects.filter(campaign=campaign, veto=True).values_list("code", flat=True)
    assert sorted(vetoed) == ["L1", "L2"]
    opened = make_campaign(2027)
    with pytest.raises(RuleError):
        unit_vetoes_set(campaign=opened, vetoed={"L1"}, actor=Actor.operator(STAFF))
    assert list(Unit.objects.filter(campaign=opened, veto=True).values_list("code", flat=True)) == [
        "F1"
    ]
