"""Issue 15 item 9 in a real browser, zh-hans: a matter disclosed phase by phase (决策前,
执行中, 结果) — the public reads its phases in order with their dates on a phone (360 px);
staff open the next phase with its stage report; a supervisor (监督员) appointed with an
account signs in on a phone, reads the register, leaves a remark, and reads the office's
answer.

Selectors use ids and names, never wording; screenshots go to test-artifacts/.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Browser, Page

from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Membership, Organization, Role
from pingyi.disclosure.services import item_advance, item_create, phase_next, supervisor_appoint
from pingyi.rules import disclosure as d
from tests.browser.conftest import chromium, post_ok
from tests.chinese import FIXTURE_WORDS, english_left
from tests.live import LiveServer, live_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PASSWORD = "p5-phases-2026"
PHONE = {"width": 360, "height": 740}
DESK = {"width": 1280, "height": 900}
FIRST = dt.datetime(2026, 3, 6, 2, 0, tzinfo=dt.UTC)
SECOND = dt.datetime(2026, 4, 14, 2, 0, tzinfo=dt.UTC)


def _chain(item_id: int, when: dt.datetime) -> None:
    from pingyi.disclosure.models import Item

    item = Item.objects.get(pk=item_id)
    for target, who in ((d.OFFICE_MEETING, "frank"), (d.APPROVED, "erin"), (d.PUBLISHED, "alice")):
        item = item_advance(
            item=item, target=target, actor=Actor.of(User.objects.get(username=who)), now=when
        )


def _staged(office: Organization) -> int:
    alice = Actor.of(User.objects.get(username="alice"))
    item = item_create(
        organization=office, area=d.CENTRAL_WORK, scope=d.EXTERNAL,
        forms=[d.NOTICE_BOARD, d.WEBSITE], timeliness=d.STAGED,
        phases=["决策前", "执行中", "结果"], title="机关食堂改造工程（决策前）",
        body="拟对机关食堂进行改造，预算 80 万元，征求意见。", actor=alice, now=FIRST,
    )  # fmt: skip
    _chain(item.pk, FIRST)
    phase_next(
        item=item, title="机关食堂改造工程（执行中）", body="工程已开工，合同价 76.5 万元。",
        actor=alice, now=SECOND,
    )  # fmt: skip
    _chain(item.pk, SECOND)
    return item.pk


def _page(browser: Browser, viewport: dict[str, int]) -> Page:
    context = browser.new_context(locale="zh-CN", viewport=viewport)  # type: ignore[arg-type]
    context.set_default_timeout(15_000)
    return context.new_page()


def _signed_in(browser: Browser, server: LiveServer, name: str, viewport: dict[str, int]) -> Page:
    page = _page(browser, viewport)
    page.goto(f"{server.url}/accounts/login/")
    page.fill("#id_username", name)
    page.fill("#id_password", PASSWORD)
    post_ok(page, "main form button[type=submit]", server.home / "server.log")
    return page


def _phone_ok(page: Page) -> None:
    assert english_left(page.content(), FIXTURE_WORDS) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_staged_matter_and_a_supervisors_remark(tmp_path: Path, artifacts: Path) -> None:
    office = Organization.objects.create(code="szfb", name="市政府办公室")
    for name, role in {"erin": Role.ADMIN, "alice": Role.STAFF, "frank": Role.STAFF}.items():
        user = User.objects.create_user(name, password=PASSWORD)
        Membership.objects.create(user=user, organization=office, role=role)
    dave = User.objects.create_user("dave", password=PASSWORD)  # no role: a supervisor only
    today = timezone.localdate()
    supervisor_appoint(
        organization=office, name="王秀兰", unit="市人大代表", term_start=today,
        term_end=today + dt.timedelta(days=365), user=dave, actor=Actor.operator("t"),
    )  # fmt: skip
    item = _staged(office)
    with live_server(tmp_path, workers=2) as server, chromium() as browser:
        log = server.home / "server.log"
        public = _page(browser, PHONE)
        public.goto(f"{server.url}/disclosure/szfb/{item}/")
        phases = public.locator("#phases li")
        assert phases.count() == 3
        assert "决策前" in phases.nth(0).inner_text() and "2026-03-06" in phases.nth(0).inner_text()
        assert "执行中" in phases.nth(1).inner_text() and "2026-04-14" in phases.nth(1).inner_text()
        assert "尚未公开" in phases.nth(2).inner_text()
        assert "党务政务公开栏、党务政务公开网" in public.inner_text("#forms")
        _phone_ok(public)
        public.screenshot(path=artifacts / "disclosure-phases-360.png", full_page=True)
        phases.nth(0).locator("a").click()
        assert public.inner_text("#title") == "机关食堂改造工程（决策前）"
        public.goto(f"{server.url}/disclosure/szfb/")
        assert "王秀兰" in public.inner_text("#supervisors")
        _phone_ok(public)
        public.screenshot(path=artifacts / "disclosure-list-supervisors-360.png", full_page=True)

        supervisor = _signed_in(browser, server, "dave", PHONE)
        supervisor.goto(f"{server.url}/disclosure/szfb/")  # the public page leads there
        supervisor.click("#supervise")
        assert "2/3 执行中" in supervisor.inner_text("#register")
        supervisor.select_option("#id_item", str(item))
        supervisor.fill("#id_text", "执行中阶段请补充资金支付情况。")
        post_ok(supervisor, "#remark-form button[type=submit]", log)
        assert supervisor.get_attribute(".remark-state", "class") == "warn remark-state"
        _phone_ok(supervisor)
        supervisor.screenshot(path=artifacts / "disclosure-supervise-360.png", full_page=True)

        erin = _signed_in(browser, server, "erin", DESK)
        erin.goto(f"{server.url}/staff/disclosure/")
        erin.click("#supervisors")
        erin.fill(".answer-form textarea[name=answer]", "将在结果阶段报告中逐项列出。")
        post_ok(erin, ".answer-form button[type=submit]", log)
        assert english_left(erin.content(), FIXTURE_WORDS) == []
        erin.screenshot(path=artifacts / "disclosure-supervisors-staff.png", full_page=True)

        supervisor.reload()
        assert "将在结果阶段报告中逐项列出。" in supervisor.inner_text(".remark-answer")
        _phone_ok(supervisor)
        supervisor.screenshot(path=artifacts / "disclosure-remark-answered-360.png", full_page=True)

        alice = _signed_in(browser, server, "alice", DESK)
        alice.goto(f"{server.url}/staff/disclosure/i/{item}/")
        alice.fill("#phase_title", "机关食堂改造工程（结果）")
        alice.fill("#phase_body", "工程已竣工验收，实际支出 75.8 万元。")
        post_ok(alice, "#phase-form button[type=submit]", log)
        assert alice.inner_text("#status") == "（已起草）"
        assert alice.locator("#phases li.current").inner_text().startswith("结果")
        assert english_left(alice.content(), FIXTURE_WORDS) == []
        alice.screenshot(path=artifacts / "disclosure-next-phase-staff.png", full_page=True)
