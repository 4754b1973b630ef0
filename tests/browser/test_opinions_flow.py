"""征求意见 and 集中整改 in a real Chromium, in Chinese: a person sends an opinion on a 360 px
phone with a code; the office closes the collection, sorts the opinion, writes the summary
and feeds it back; unit L1's owner answers it and files the rectification report; the office
receives it and the board shows the unit done. Screenshots in test-artifacts/opinions-flow/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Membership, Role
from pingyi.campaigns.models import StageKind
from pingyi.campaigns.services import campaign_open, campaign_stages_set
from pingyi.rectification.models import UnitAccess, UnitRole
from pingyi.stages.opinion_services import opinion_codes_issue
from tests.browser.conftest import Traffic, chromium, post_ok
from tests.browser.test_stages_flow import PASSWORD, _login
from tests.cast import STAFF, make_campaign
from tests.live import live_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
OPINION = "办证窗口排队时间太长，建议增加窗口、推行网上预约。"


def test_an_opinion_sent_by_phone_is_sorted_fed_back_and_answered(
    tmp_path: Path, artifacts: Path
) -> None:
    today, day = timezone.localdate(), dt.timedelta
    campaign = make_campaign(open_it=False)
    dates = {
        StageKind.MOBILIZATION: (today - day(90), today - day(61)),
        StageKind.PLEDGES: (today - day(60), today - day(31)),
        StageKind.SELF_INSPECTION: (today - day(30), today - day(11)),
        StageKind.OPINIONS: (today - day(10), today + day(1)),
        StageKind.RECTIFICATION: (today + day(2), today + day(60)),
        StageKind.APPRAISAL: (today + day(90), today + day(100)),
    }
    campaign_stages_set(
        campaign=campaign,
        stages={k.value: v for k, v in dates.items()},
        actor=Actor.operator(STAFF),
    )
    campaign_open(campaign=campaign, actor=Actor.operator(STAFF))
    office = campaign.series.organization
    alice = User.objects.create_user("alice", password=PASSWORD)
    Membership.objects.create(user=alice, organization=office, role=Role.STAFF)
    olga = User.objects.create_user("olga", password=PASSWORD)
    UnitAccess.objects.create(user=olga, organization=office, series=campaign.series,
                              unit_code="L1", role=UnitRole.OWNER)  # fmt: skip
    code = opinion_codes_issue(campaign=campaign, count=1, actor=Actor.operator("test")).codes[0]
    shots = artifacts / "opinions-flow"
    shots.mkdir(exist_ok=True)
    base = f"/staff/c/{campaign.code}/opinions"
    unit_url = f"/staff/c/{campaign.code}/stages/u/L1/"
    with live_server(tmp_path, workers=1, jobs=False) as server, chromium() as browser:
        log = server.home / "server.log"
        # 1. A representative on a phone
        phone_context = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 740})
        phone_context.set_default_timeout(20_000)
        traffic_phone = Traffic.of(phone_context)
        phone = phone_context.new_page()
        phone.goto(f"{server.url}/o/")
        assert "征求意见表" in phone.inner_text("main")
        phone.screenshot(path=shots / "1-phone-code.png", full_page=True)
        phone.fill("#code", code.lower())
        post_ok(phone, "#code-form button[type=submit]", log)
        phone.click("details.opinion-unit:has(#op-L1) summary")
        phone.fill("#op-L1", OPINION)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"the opinion form scrolls sideways on a phone: {width}px"
        phone.screenshot(path=shots / "2-phone-form.png", full_page=True)
        post_ok(phone, "#send", log)
        assert "您的意见已收到" in phone.inner_text("main")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        phone.screenshot(path=shots / "3-phone-thanks.png", full_page=True)
        assert all(code not in u and code.lower() not in u for u in traffic_phone.urls)

        # 2. The office closes the collection, sorts and feeds back
        clerk = _login(browser, server.url, "alice", log)
        traffic_clerk = Traffic.of(clerk.context)
        clerk.goto(server.url + base + "/")
        assert "1 份在线意见表在混合池中" in clerk.inner_text("#collection")
        post_ok(clerk, "#close-form button", log)
        assert "意见征集已结束" in clerk.inner_text("main")
        clerk.screenshot(path=shots / "4-office-opinions.png", full_page=True)
        clerk.goto(f"{server.url}{base}/u/L1/")
        assert OPINION in clerk.inner_text("main")
        clerk.select_option("form.sort select[name=category]", "efficiency")
        post_ok(clerk, "form.sort button[type=submit]", log)
        assert "意见已梳理。" in clerk.inner_text("main")
        clerk.fill("#summary-text", "共收到意见1条，反映办证窗口排队时间长。")
        post_ok(clerk, "#send-feedback", log)
        assert "意见已反馈给单位。" in clerk.inner_text("main")
        clerk.screenshot(path=shots / "5-office-sorted-fed-back.png", full_page=True)

        # 3. The unit answers and files its rectification report
        owner = _login(browser, server.url, "olga", log)
        traffic_owner = Traffic.of(owner.context)
        owner.goto(server.url + unit_url)
        assert "反映办证窗口排队时间长" in owner.inner_text("#feedback-summary")
        owner.fill("form.answer textarea", "增设两个办证窗口，开通网上预约，高峰期弹性排班。")
        post_ok(owner, "form.answer button", log)
        assert "整改措施已保存。" in owner.inner_text("main")
        owner.fill("#rect-text-input", "对照反馈意见逐条整改，窗口平均等候时间由40分钟降至15分钟。")
        post_ok(owner, "#rect-form button[type=submit]", log)
        assert "整改报告已报送。" in owner.inner_text("main")
        owner.screenshot(path=shots / "6-unit-answered.png", full_page=True)

        # 4. The office receives it; the board shows L1 done in both stages
        clerk.goto(server.url + unit_url)
        post_ok(clerk, "#rect-receive-form button", log)
        clerk.goto(f"{server.url}/staff/c/{campaign.code}/stages/")
        cells = clerk.eval_on_selector_all(
            "#row-L1 td[data-state]", "cs => cs.map(c => [c.dataset.kind, c.dataset.state])"
        )
        assert ["opinions", "done"] in cells and ["rectification", "done"] in cells
        others = clerk.eval_on_selector_all(
            "#row-L2 td[data-state]", "cs => cs.map(c => [c.dataset.kind, c.dataset.state])"
        )
        assert ["opinions", "due"] in others and ["rectification", "not_started"] in others
        clerk.screenshot(path=shots / "7-board.png", full_page=True)
        errors = traffic_phone.errors + traffic_clerk.errors + traffic_owner.errors
        assert errors == []
