"""The stages in a real Chromium, in Chinese: unit L1's owner drafts and submits its service
pledges and files its self-inspection report with a PDF; the office approves the pledges,
marks the report received and publishes the campaign's public page, read on a 360 px phone.
Screenshots in test-artifacts/stages-flow/ for a person to look at."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Browser, Page

from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Membership, Role
from pingyi.campaigns.models import StageKind
from pingyi.campaigns.services import campaign_open, campaign_stages_set
from pingyi.rectification.models import UnitAccess, UnitRole
from pingyi.stages.services import pledge_save
from tests.browser.conftest import Traffic, chromium, post_ok
from tests.cast import STAFF, make_campaign
from tests.live import live_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
PASSWORD = "stage-password-2026"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CRITERIA = (
    "比依法行政：看执政为民的意识牢不牢\n比行政效能：看服务基层的作风实不实\n"
    "比工作实绩：看推进发展的成效大不大\n比工作机制：看落实政令的渠道畅不畅"
)


def _login(browser: Browser, url: str, name: str, log: Path, width: int = 1280) -> Page:
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", name)
    page.fill("#id_password", PASSWORD)
    post_ok(page, "main form button[type=submit]", log)
    return page


def test_pledges_and_self_inspection_through_the_office_to_the_public_page(
    tmp_path: Path, artifacts: Path
) -> None:
    today = timezone.localdate()
    campaign = make_campaign(open_it=False)
    day = dt.timedelta
    dates = {
        StageKind.MOBILIZATION: (today - day(60), today - day(31)),
        StageKind.PLEDGES: (today - day(30), today - day(1)),
        StageKind.SELF_INSPECTION: (today - day(5), today + day(20)),
        StageKind.OPINIONS: (today + day(21), today + day(60)),
        StageKind.RECTIFICATION: (today + day(61), today + day(120)),
        StageKind.APPRAISAL: (today + day(150), today + day(170)),
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
    # 宣传部 (L2) drafted in time but never submitted: overdue on the board
    pledge_save(unit=campaign.units.get(code="L2"), text="草稿", actor=Actor.operator("demo"))
    report = tmp_path / "自查自纠报告.pdf"
    report.write_bytes(PDF)
    shots = artifacts / "stages-flow"
    shots.mkdir(exist_ok=True)
    unit_url = f"/staff/c/{campaign.code}/stages/u/L1/"
    with live_server(tmp_path, workers=1, jobs=False) as server, chromium() as browser:
        log = server.home / "server.log"
        owner = _login(browser, server.url, "olga", log)
        traffic = Traffic.of(owner.context)
        assert "组织部：服务承诺待起草并提交" in owner.inner_text("main")
        owner.goto(server.url + unit_url)
        owner.fill(
            "#id_text", "一、办事一次告知，不让群众跑第二趟；\n二、承诺件限时办结，超时问责。"
        )
        post_ok(owner, "#pledge-form button[name=submit]", log)
        assert "服务承诺已提交评议办审核。" in owner.inner_text("main")
        owner.fill(
            "#report-form textarea", "经自查，发现窗口排队时间长等三个问题，已制定整改措施。"
        )
        owner.set_input_files("#report-form input[type=file]", str(report))
        post_ok(owner, "#report-form button[type=submit]", log)
        assert "自查自纠报告已报送。" in owner.inner_text("main")
        owner.screenshot(path=shots / "1-owner-unit.png", full_page=True)

        clerk = _login(browser, server.url, "alice", log)
        traffic_clerk = Traffic.of(clerk.context)
        clerk.goto(f"{server.url}/staff/c/{campaign.code}/stages/")
        clerk.screenshot(path=shots / "2-board-before.png", full_page=True)
        clerk.goto(server.url + unit_url)
        post_ok(clerk, "#pledge-decision button.primary", log)
        assert "服务承诺已审核通过并公开。" in clerk.inner_text("main")
        post_ok(clerk, "#receive-form button", log)
        assert "报告已签收。" in clerk.inner_text("main")
        clerk.goto(f"{server.url}/staff/c/{campaign.code}/stages/")
        clerk.fill(
            "#id_plan",
            "为进一步推进机关作风建设，经市委、市政府研究决定，今年继续开展“千人评议机关”活动。",
        )
        clerk.fill("#id_criteria", CRITERIA)
        clerk.check("#id_public")
        post_ok(clerk, "#brief-form button[type=submit]", log)
        assert "宣传页面已保存。" in clerk.inner_text("main")
        states = clerk.eval_on_selector_all(
            "#stage-board td[data-state]", "cells => cells.map(c => c.dataset.state)"
        )
        assert {"done", "due", "overdue"} <= set(states)
        clerk.screenshot(path=shots / "3-board-after.png", full_page=True)

        phone = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 740})
        public = phone.new_page()
        public.goto(f"{server.url}/c/{campaign.code}/")
        text = public.inner_text("main")
        assert "比依法行政" in text and "草稿" not in text
        public.click("#pledge-L1 summary")  # each unit's pledges fold under its name
        assert "办事一次告知" in public.inner_text("#pledge-L1")
        width = public.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"the public page scrolls sideways on a phone: {width}px"
        public.screenshot(path=shots / "4-public-360.png", full_page=True)
        assert traffic.errors == [] and traffic_clerk.errors == []
