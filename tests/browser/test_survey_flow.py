"""集中整改 in a real Chromium, in Chinese: the office starts the satisfaction survey on the
rectification from the stage board (one evaluator group of two), the survey is run and closed,
the office records its results and reads each unit's rate on the board and the unit's page
(360 px too); on a campaign's plan the unit's owner confirms an item drafted from a fed-back
opinion and the office records the acceptance with its 人大/政协 panel. Screenshots in
test-artifacts/survey-flow/ for a person to look at."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Browser, Page

from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Membership, Role
from pingyi.campaigns.services import campaign_close, campaign_open
from pingyi.notices.services import notice_finalize, notice_publish
from pingyi.rectification.models import Plan, UnitAccess, UnitRole
from pingyi.stages.models import RectificationReport, RectificationSurvey
from pingyi.voting.services import ballot_submit, token_issue
from tests.browser.conftest import Traffic, chromium, post_ok
from tests.cast import STAFF, make_campaign
from tests.live import live_server
from tests.notices.conftest import AS_STAFF, closed_campaign
from tests.rectification.test_opinion_drafts import _fed_back

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
PASSWORD = "survey-password-2026"


def _login(browser: Browser, url: str, name: str, log: Path, width: int = 1280) -> Page:
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", name)
    page.fill("#id_password", PASSWORD)
    post_ok(page, "main form button[type=submit]", log)
    return page


def test_the_office_starts_the_survey_and_records_each_units_rate(
    tmp_path: Path, artifacts: Path
) -> None:
    campaign = make_campaign()
    office = campaign.series.organization
    alice = User.objects.create_user("alice", password=PASSWORD)
    Membership.objects.create(user=alice, organization=office, role=Role.STAFF)
    olga = User.objects.create_user("olga", password=PASSWORD)
    UnitAccess.objects.create(user=olga, organization=office, series=campaign.series,
                              unit_code="L1", role=UnitRole.OWNER)  # fmt: skip
    for code in ("L1", "L2"):
        RectificationReport.objects.create(
            unit=campaign.units.get(code=code), text="整改报告", filed_on=timezone.localdate(),
            filed_by="olga",
        )  # fmt: skip
    shots = artifacts / "survey-flow"
    shots.mkdir(exist_ok=True)
    board = f"/staff/c/{campaign.code}/stages/"
    with live_server(tmp_path, workers=1, jobs=False) as server:
        log = server.home / "server.log"
        with chromium() as browser:
            clerk = _login(browser, server.url, "alice", log)
            traffic = Traffic.of(clerk.context)
            clerk.goto(server.url + board)
            clerk.uncheck("#id_groups_1")  # 干部和各界代表 left out: 服务对象 only
            clerk.screenshot(path=shots / "1-board-survey-form.png", full_page=True)
            post_ok(clerk, "#survey-form button[type=submit]", log)
            assert "整改满意度测评" in clerk.inner_text("#survey-campaign")
            clerk.screenshot(path=shots / "2-board-survey-started.png", full_page=True)
            assert traffic.errors == []
        survey = RectificationSurvey.objects.get().survey
        assert list(survey.groups.values_list("code", flat=True)) == ["service_recipients"]
        campaign_open(campaign=survey, actor=Actor.operator(STAFF))
        group = survey.groups.get()
        for n, code in enumerate(token_issue(campaign=survey, group=group, count=10,
                                             actor=Actor.operator(STAFF)).codes):  # fmt: skip
            ballot_submit(code=code, marks={"L1": "满意", "L2": "不满意" if n < 4 else "满意"})
        campaign_close(campaign=survey, actor=Actor.operator(STAFF))
        with chromium() as browser:
            clerk = _login(browser, server.url, "alice", log)
            clerk.goto(server.url + board)
            post_ok(clerk, "#survey-record-form button", log)
            rates = clerk.inner_text("#survey-rates")
            assert "100.00%" in rates and "60.00%" in rates
            clerk.screenshot(path=shots / "3-board-survey-recorded.png", full_page=True)
            phone = _login(browser, server.url, "olga", log, width=360)
            phone.goto(f"{server.url}/staff/c/{campaign.code}/stages/u/L1/")
            assert "100.00%" in phone.inner_text("#survey-rate")
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, f"the unit's page scrolls sideways on a phone: {width}px"
            phone.screenshot(path=shots / "4-unit-360.png", full_page=True)


def test_a_draft_from_an_opinion_is_confirmed_and_the_panel_recorded(
    tmp_path: Path, artifacts: Path
) -> None:
    (tmp_path / "files").mkdir()
    campaign = closed_campaign(tmp_path / "files")
    _fed_back(campaign)
    RectificationReport.objects.create(
        unit=campaign.units.get(code="L7"), text="针对反馈意见，我局增设窗口、修订办事指南。",
        filed_on=dt.date(2026, 9, 1), filed_by="olga",
    )  # fmt: skip
    past = timezone.now() - dt.timedelta(days=10)
    notice = notice_finalize(notice=notice_publish(campaign=campaign, actor=AS_STAFF, now=past),
                             actor=AS_STAFF)  # fmt: skip
    plan = Plan.objects.get(notice=notice, unit_code="L7")
    alice = User.objects.create_user("alice", password=PASSWORD)
    Membership.objects.create(user=alice, organization=plan.organization, role=Role.STAFF)
    olga = User.objects.create_user("olga", password=PASSWORD)
    UnitAccess.objects.create(user=olga, organization=plan.organization, series=plan.series,
                              unit_code="L7", role=UnitRole.OWNER)  # fmt: skip
    Plan.objects.filter(pk=plan.pk).update(period_ends=timezone.localdate())
    shots = artifacts / "survey-flow"
    shots.mkdir(exist_ok=True)
    url = f"/staff/ledger/plans/{plan.pk}/"
    with live_server(tmp_path, workers=1, jobs=False) as server, chromium() as browser:
        log = server.home / "server.log"
        owner = _login(browser, server.url, "olga", log)
        traffic = Traffic.of(owner.context)
        owner.goto(server.url + url)
        owner.screenshot(path=shots / "5-plan-drafts.png", full_page=True)
        first = owner.locator("#item-1 form.draft-form")
        first.locator("input[name=target]").fill("高峰期等候不超过15分钟")
        first.locator("input[name=owner]").fill("王科长")
        post_ok(owner, "#item-1 form.draft-form button[name=confirm]", log)
        assert "已确认" in owner.inner_text("main")
        post_ok(owner, "#item-2 form.discard-form button", log)  # not this plan's problem
        assert "#2" not in owner.inner_text("main")
        clerk = _login(browser, server.url, "alice", log)
        clerk.goto(server.url + url)
        clerk.select_option("#id_verdict", "passed")
        clerk.fill("#id_note", "整改措施落实到位")
        clerk.fill("#id_panel", "张三，人大，组长\n李四，政协，副组长\n王五，其他，纪委监委")
        post_ok(clerk, "#accept-form button[type=submit]", log)
        assert "张三（人大，组长）" in clerk.inner_text("#panel")
        clerk.screenshot(path=shots / "6-plan-accepted.png", full_page=True)
        assert traffic.errors == []
