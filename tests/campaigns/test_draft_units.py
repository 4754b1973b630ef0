"""A draft's units edited and removed on the campaign page, refused once it opens, and a
unit added by hand shown in its category's block on the page, the phone and the paper form."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from pingyi.accounts.actors import Actor
from pingyi.audit.models import AuditEntry
from pingyi.campaigns.models import Campaign, Unit
from pingyi.campaigns.services import campaign_open
from pingyi.voting.services import token_issue
from tests.cast import STAFF, make_campaign
from tests.web.conftest import Cast, client_for

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _codes(campaign: Campaign) -> list[str]:
    return list(
        Unit.objects.filter(campaign=campaign).order_by("position").values_list("code", flat=True)
    )


def test_a_draft_unit_is_renamed_moved_and_removed_on_the_campaign_page(cast: Cast) -> None:
    draft = make_campaign(2027, open_it=False)
    alice = client_for(cast.alice)
    page = alice.get(f"/staff/c/{draft.code}/", **ZH).content.decode()
    assert 'name="name" form="unit-edit-1" value="组织部"' in page and ">删除</button>" in page

    alice.post(
        f"/staff/c/{draft.code}/units/edit",
        {"code": "L1", "name": "市委组织部", "category": "垂直管理部门"},
    )
    moved = Unit.objects.get(campaign=draft, code="L1")
    assert (moved.name, moved.category.code) == ("市委组织部", "vertical")
    assert _codes(draft) == ["L2", "V1", "L1", "F1"]

    response = alice.post(f"/staff/c/{draft.code}/units/remove", {"code": "V1"}, **ZH)
    assert response.status_code == 302
    assert _codes(draft) == ["L2", "L1", "F1"]
    actions = AuditEntry.objects.filter(action__startswith="campaigns.unit.").values_list(
        "action", flat=True
    )
    assert sorted(actions) == ["campaigns.unit.changed", "campaigns.unit.removed"]


def test_units_are_neither_edited_nor_removed_once_the_campaign_opened(cast: Cast) -> None:
    alice = client_for(cast.alice)
    code = cast.campaign.code
    page = alice.get(f"/staff/c/{code}/", **ZH).content.decode()
    assert "unit-edit-1" not in page and "unit-remove-1" not in page

    edit = alice.post(
        f"/staff/c/{code}/units/edit",
        {"code": "L1", "name": "改名", "category": "金融部门"},
        follow=True,
        **ZH,
    )
    assert "被评单位和评议方案不能再更改" in edit.content.decode()
    removed = alice.post(f"/staff/c/{code}/units/remove", {"code": "L1"}, follow=True, **ZH)
    assert "被评单位和评议方案不能再更改" in removed.content.decode()
    unit = Unit.objects.get(campaign=cast.campaign, code="L1")
    assert (unit.name, unit.category.code) == ("组织部", "local")
    assert _codes(cast.campaign) == ["L1", "L2", "V1", "F1"]


def test_a_viewer_cannot_edit_or_remove_a_unit(cast: Cast) -> None:
    draft = make_campaign(2027, open_it=False)
    bob = client_for(cast.bob)
    bob.post(f"/staff/c/{draft.code}/units/remove", {"code": "L1"})
    assert _codes(draft) == ["L1", "L2", "V1", "F1"]


def test_a_unit_added_by_hand_is_printed_and_shown_in_its_category_block(cast: Cast) -> None:
    draft = make_campaign(2027, open_it=False)
    alice = client_for(cast.alice)
    alice.post(
        f"/staff/c/{draft.code}/units",
        {"code": "L9", "name": "审计局", "category": "地方管理部门"},
    )
    page = alice.get(f"/staff/c/{draft.code}/").content.decode()
    assert page.index("审计局") < page.index("国税局")

    form = alice.get(f"/staff/c/{draft.code}/form.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(form.content)).pages)
    assert text.count("地方管理部门") == 1  # one block, not a second one at the end
    assert text.index("宣传部") < text.index("审计局") < text.index("垂直管理部门")

    campaign_open(campaign=draft, actor=Actor.operator(STAFF))
    group = draft.groups.first()
    assert group is not None
    code = token_issue(campaign=draft, group=group, count=1, actor=Actor.operator(STAFF)).codes[0]
    ballot = Client().post("/v/", {"code": code}).content.decode()
    sections = ballot.split('<section class="category">')[1:]
    assert "审计局" in sections[0] and "地方管理部门" in sections[0]
    assert sections[0].index("宣传部") < sections[0].index("审计局")
