"""The nomination pages in zh-hans: a list over its quota and short of grassroots nominees
is flagged where the office reads it, approved with its reason shown in the table; the public
notice takes an opinion the office then reads; nothing is left in English."""

from __future__ import annotations

import re

import pytest

from pingyi.nominations import services as s
from pingyi.nominations.models import Opinion, Slate, UnitMember
from tests.chinese import FIXTURE_WORDS, ZH, english_left
from tests.nominations.conftest import Cast, person
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db
WORDS = FIXTURE_WORDS | {"uma", "cora", "victor", "town", "county", "dept"}


def _page(cast: Cast, who: str, url: str) -> str:
    response = client_for(getattr(cast, who)).get(url, headers=ZH)
    assert response.status_code == 200
    page = response.content.decode()
    assert english_left(page, WORDS) == []
    return page


def _over_quota_at_the_office(cast: Cast) -> Slate:
    for name, grassroots in (("张三", True), ("李局长", False), ("王五", False)):
        s.nominee_add(unit=cast.town, spec=person(name, grassroots=grassroots),
                      actor=cast.actor("uma"))  # fmt: skip
    slate = s.slate_submit(unit=cast.town, actor=cast.actor("uma"))
    s.slate_recommend(slate=slate, actor=cast.actor("cora"))
    return slate


def test_the_office_sees_the_departures_and_the_reason_it_recorded(cast: Cast) -> None:
    slate = _over_quota_at_the_office(cast)
    url = f"/staff/nominations/{cast.round.code}/"
    page = _page(cast, "alice", url)
    row = re.search(r'<tr id="slate-town".*?</tr>', page, re.S)
    assert row is not None
    assert "超名额 1 人" in row.group(0) and "低于最低比例" in row.group(0)
    assert "某某镇 → 某县人社局 → 市人力资源和社会保障局" in row.group(0)
    assert "待上级审核 — 市人力资源和社会保障局" in row.group(0)
    # the office's decision form asks for the reason; without one, it is refused in Chinese
    slate_url = f"/staff/nominations/{cast.round.code}/u/town/"
    assert "批准名单" in _page(cast, "alice", slate_url)
    response = client_for(cast.alice).post(slate_url + "approve", {"reason": ""}, headers=ZH,
                                           follow=True)  # fmt: skip
    assert "该名单超名额、基层一线比例不足：仍要批准须记录理由" in response.content.decode()
    client_for(cast.alice).post(slate_url + "approve", {"reason": "经市委同意"}, headers=ZH)
    page = _page(cast, "alice", url)
    assert "仍予批准：经市委同意" in page
    assert Slate.objects.get(pk=slate.pk).status == "approved"


def test_the_level_above_recommends_and_the_unit_only_reads(cast: Cast) -> None:
    s.nominee_add(unit=cast.town, spec=person("张三"), actor=cast.actor("uma"))
    s.slate_submit(unit=cast.town, actor=cast.actor("uma"))
    url = f"/staff/nominations/{cast.round.code}/u/town/"
    assert 'id="recommend"' in _page(cast, "cora", url)
    uma = _page(cast, "uma", url)
    assert 'id="recommend"' not in uma and 'id="nominee-form"' not in uma
    assert "待上级审核" in uma


def test_the_unit_drafts_its_list_in_chinese_and_the_bar_shows_nominations(cast: Cast) -> None:
    url = f"/staff/nominations/{cast.round.code}/u/town/"
    page = _page(cast, "uma", url)
    assert 'id="nominee-form"' in page and "基层一线人员" in page
    assert ">推荐评选</a>" in page  # the section's link in the staff bar
    client_for(cast.uma).post(url + "nominees", {
        "name": "赵六", "workplace": "某镇卫生院", "post": "医生", "rank": "staff",
        "grassroots": "on"}, headers=ZH)  # fmt: skip
    page = _page(cast, "uma", url)
    assert "赵六" in page and "恰为名额" not in page
    assert ">推荐评选</a>" in _page(cast, "erin", "/staff/nominations/")


def test_the_public_notice_takes_an_opinion_the_office_reads(cast: Cast) -> None:
    s.nominee_add(unit=cast.department, spec=person("孙七"), actor=cast.actor("victor"))
    slate = s.slate_submit(unit=cast.department, actor=cast.actor("victor"))
    s.slate_approve(slate=slate, actor=cast.actor("alice"))
    s.notice_publish(round_=cast.round, actor=cast.actor("alice"))
    url = f"/nominations/{cast.round.code}/"
    response = client_for(None).get(url, headers=ZH)
    page = response.content.decode()
    assert english_left(page, WORDS) == []
    assert "孙七" in page and "推荐单位：市税务局" in page and "公示期自" in page
    nominee = slate.nominees.get()
    response = client_for(None).post(url, {"nominee": nominee.pk, "text": "事迹属实",
                                           "contact": ""}, headers=ZH, follow=True)  # fmt: skip
    assert "意见已提交" in response.content.decode()
    assert Opinion.objects.get().text == "事迹属实"
    office = _page(cast, "bob", f"/staff/nominations/{cast.round.code}/")
    assert "事迹属实" in office and "孙七" in office
    # an empty opinion is refused on the page, in Chinese, nothing stored
    response = client_for(None).post(url, {"nominee": nominee.pk, "text": ""}, headers=ZH)
    assert response.status_code == 400 and Opinion.objects.count() == 1


def test_a_unit_without_an_allotted_quota_shows_the_quota_its_headcount_gives(cast: Cast) -> None:
    """The units table shows what the list is held to — the headcount × the round's ratio
    (150 × 1% = 1) — as the lists table does, not a dash."""
    cast.round.ratio = "1/100"
    cast.round.save(update_fields=["ratio"])
    page = _page(cast, "alice", f"/staff/nominations/{cast.round.code}/")
    units = page[page.index('id="units"') :]
    row = re.search(r"<td>dept</td>.*?</tr>", units, re.S)
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)
    assert cells[3].startswith("1 ") and "职工人数 × 1%" in cells[3]
    assert cells[4] == "150"
    county = re.search(r"<td>county</td>.*?</tr>", units, re.S)
    assert county is not None and re.findall(r"<td[^>]*>(.*?)</td>", county.group(0))[3] == "1"


def test_the_office_adds_a_unit_member_and_the_level_above_recommends_on_the_page(
    cast: Cast,
) -> None:
    """The two doors only the browser flow (tests/browser/test_nominations_flow.py) went
    through, as page posts: the office adds a user to a unit; the level above recommends the
    list it received, which then waits at the office (so they run on PostgreSQL too)."""
    round_url = f"/staff/nominations/{cast.round.code}/"
    added = client_for(cast.alice).post(
        round_url + "members", {"unit": cast.town.pk, "username": "victor"}, follow=True
    )
    assert "The user now nominates for the unit." in added.content.decode()
    assert UnitMember.objects.filter(unit=cast.town, user=cast.victor).exists()
    again = client_for(cast.alice).post(
        round_url + "members", {"unit": cast.town.pk, "username": "victor"}, follow=True
    )
    assert UnitMember.objects.filter(unit=cast.town, user=cast.victor).count() == 1
    assert "The user now nominates for the unit." not in again.content.decode()
    s.nominee_add(unit=cast.town, spec=person("张三"), actor=cast.actor("victor"))
    s.slate_submit(unit=cast.town, actor=cast.actor("victor"))
    slate_url = f"{round_url}u/town/"
    recommended = client_for(cast.cora).post(slate_url + "recommend", follow=True)
    assert "List recommended to the level above." in recommended.content.decode()
    slate = Slate.objects.get(unit=cast.town)
    assert (slate.status, slate.waiting_at) == ("submitted", None)
    refused = client_for(cast.cora).post(slate_url + "recommend", follow=True)
    assert "List recommended to the level above." not in refused.content.decode()
