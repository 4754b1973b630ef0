"""The year-end appraisal in a real Chromium, in Chinese: the clerk adds an area, records the
on-site supervision and notarization, closes the vote and reads the results per area and per
kind of representatives — a small kind hidden. Screenshots in test-artifacts/yearend."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User

from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Membership, Role
from pingyi.ballots.services import ballots_import_file
from pingyi.campaigns.services import campaign_open
from pingyi.campaigns.yearend_services import area_add, kinds_add_seed
from tests.browser.conftest import Traffic, chromium, post_ok
from tests.cast import make_campaign
from tests.chinese import english_left
from tests.live import live_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
PASSWORD = "clerk-password-2026"


def test_the_year_end_pages_in_chinese(tmp_path: Path, artifacts: Path) -> None:
    campaign = make_campaign(2027, open_it=False)
    kinds_add_seed(campaign=campaign, actor=Actor.operator("clerk"))
    area_add(campaign=campaign, code="east", name="东片区", actor=Actor.operator("clerk"))
    campaign_open(campaign=campaign, actor=Actor.operator("clerk"))
    rows = [f"{n},企业负责人代表,满意,基本满意,满意,不满意" for n in range(1, 13)]
    rows += [f"{n},党政领导,不满意,满意,满意,满意" for n in range(13, 16)]
    path = tmp_path / "east.csv"
    path.write_text("\n".join(["ballot_no,group,L1,L2,V1,F1", *rows]), encoding="utf-8")
    ballots_import_file(
        campaign=campaign, path=path, label="east.csv", actor=Actor.operator("clerk"), area="east"
    )
    clerk = User.objects.create_user("clerk", password=PASSWORD)
    Membership.objects.create(
        user=clerk, organization=campaign.series.organization, role=Role.STAFF
    )
    shots = artifacts / "yearend"
    shots.mkdir(exist_ok=True)
    with live_server(tmp_path, workers=1) as server, chromium() as browser:
        log = server.home / "server.log"
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(20_000)
        traffic = Traffic.of(context)
        page = context.new_page()
        page.goto(f"{server.url}/accounts/login/")
        page.fill("#id_username", "clerk")
        page.fill("#id_password", PASSWORD)
        post_ok(page, "main form button[type=submit]", log)
        page.goto(f"{server.url}/staff/c/{campaign.code}/yearend")
        page.fill("#area-form #id_code", "west")
        page.fill("#area-form #id_name", "西片区")
        post_ok(page, "#area-form button[type=submit]", log)
        assert "已添加片区。" in page.inner_text("body")
        names = page.locator("input[name=supervisor_name]")
        units = page.locator("input[name=supervisor_unit]")
        names.nth(0).fill("王明")
        units.nth(0).fill("市评议办")
        names.nth(1).fill("李华")
        units.nth(1).fill("市公证处")
        page.fill("#id_notary_office", "市公证处")
        page.fill("#id_notary_reference", "（2027）宜证字第118号")
        page.fill("#id_supervised_on", "2027-12-20")
        post_ok(page, "#supervision-form button[type=submit]", log)
        body = page.inner_text("body")
        assert "已登记现场监督和公证。" in body and "（2027）宜证字第118号" in body
        assert english_left(page.content()) == []
        page.screenshot(path=shots / "1-yearend.png", full_page=True)
        page.goto(f"{server.url}/staff/c/{campaign.code}/")
        assert "王明（市评议办）" in page.inner_text("#campaign-supervision")
        page.goto(f"{server.url}/staff/c/{campaign.code}/transition?to=close")
        post_ok(page, "main form button[type=submit]", log)
        page.goto(f"{server.url}/staff/c/{campaign.code}/results")
        kinds = page.inner_text("#kind-results")
        assert "企业负责人代表" in kinds and "匿名" in kinds
        assert "东片区" in page.inner_text("#area-counts")
        assert english_left(page.content()) == []
        page.locator("#kind-results").screenshot(path=shots / "2-results-kinds.png")
        page.locator("#area-counts").screenshot(path=shots / "3-results-areas.png")
        assert traffic.errors == []


def test_the_notice_states_the_supervision_on_a_phone(tmp_path: Path, artifacts: Path) -> None:
    """The public notice at 360 px: the supervision and notarization of the vote, in Chinese."""
    import datetime as dt

    from pingyi.campaigns.yearend_services import Supervisor, supervision_record
    from pingyi.notices.services import notice_publish
    from tests.notices.conftest import closed_campaign

    campaign = closed_campaign(tmp_path)
    supervision_record(
        campaign=campaign,
        supervisors=[Supervisor("王明", "市评议办"), Supervisor("李华", "市公证处")],
        notary_office="市公证处",
        notary_reference="（2026）宜证字第118号",
        supervised_on=dt.date(2026, 12, 20),
        actor=Actor.operator("clerk"),
    )
    notice = notice_publish(campaign=campaign, actor=Actor.operator("clerk"))
    shots = artifacts / "yearend"
    shots.mkdir(exist_ok=True)
    with live_server(tmp_path, workers=1) as server, chromium() as browser:
        context = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 740})
        traffic = Traffic.of(context)
        page = context.new_page()
        page.goto(f"{server.url}/notice/{notice.code}/")
        shown = page.inner_text("#notice-supervision")
        assert "王明（市评议办）" in shown and "（2026）宜证字第118号" in shown
        assert english_left(page.content()) == []
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360
        page.locator("#notice-supervision").screenshot(path=shots / "4-notice-360.png")
        assert traffic.errors == []
