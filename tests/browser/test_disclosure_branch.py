"""Issue 15 item 9 in a real browser, zh-hans: the party branch publishes an internal item
(drafted by staff, decided by the branch — an administrator — and published by the drafter:
nobody records two steps in a row); the public does not find it; a member signs in, reads it
and leaves an opinion on a phone (360 px), gets a tracking code once; staff answer it; anyone
holding the code follows it up at the public tracking page without signing in, and the member
reads the branch's answer there on the phone. The item's forms of disclosure (the party's own:
a meeting and the branch's board) are chosen when drafting and shown to the member. A letter to
the opinion box (意见箱) is answered by the office and followed up the same way.

Selectors use ids and names, never wording; screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page

from pingyi.accounts.models import Membership, Organization, Role
from tests.browser.conftest import Traffic, chromium, post_ok
from tests.chinese import FIXTURE_WORDS, english_left
from tests.live import LiveServer, live_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PASSWORD = "p5-branch-2026"
PHONE = {"width": 360, "height": 740}


def _page(browser: Browser, viewport: dict[str, int]) -> tuple[Page, Traffic]:
    context = browser.new_context(locale="zh-CN", viewport=viewport)  # type: ignore[arg-type]
    context.set_default_timeout(15_000)
    return context.new_page(), Traffic.of(context)


def _signed_in(browser: Browser, server: LiveServer, name: str, viewport: dict[str, int]) -> Page:
    page, _ = _page(browser, viewport)
    page.goto(f"{server.url}/accounts/login/")
    page.fill("#id_username", name)
    page.fill("#id_password", PASSWORD)
    post_ok(page, "main form button[type=submit]", server.home / "server.log")
    return page


def _fits(page: Page) -> None:
    """Nothing wider than the phone: no sideways scrolling at 360 px."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _chinese(page: Page) -> None:
    assert english_left(page.content(), FIXTURE_WORDS) == []


def _branch_publishes(alice: Page, erin: Page, server: LiveServer, shots: Path) -> str:
    log = server.home / "server.log"
    alice.goto(f"{server.url}/staff/disclosure/new")
    alice.select_option("#id_organization", label="市政府办公室")
    alice.select_option("#id_area", "organization_building")
    alice.select_option("#id_scope", "internal")
    alice.check("input[name=forms][value=meeting]")
    alice.check("input[name=forms][value=branch_board]")
    alice.select_option("#id_timeliness", "ad_hoc")
    alice.fill("#id_title", "关于发展党员对象的公示")
    alice.fill("#id_body", "经支部委员会研究，拟将张三同志列为发展对象，公示期七天。")
    post_ok(alice, "#item-form button[type=submit]", log)
    item = re.findall(r"/i/(\d+)/", alice.url)[0]
    assert alice.locator("#advance-form").count() == 0  # the branch's decision: an admin's
    _chinese(alice)
    alice.screenshot(path=shots / "disclosure-branch-drafted.png", full_page=True)

    erin.goto(f"{server.url}/staff/disclosure/i/{item}/")
    assert erin.get_attribute("#advance-form button", "value") == "branch_decided"
    erin.fill("#advance-form input[name=note]", "支委会研究决定")
    post_ok(erin, "#advance-form button", log)
    assert erin.locator(".messages .error").count() == 0
    assert erin.locator("#refusal").count() == 1  # he decided: another person publishes
    _chinese(erin)
    erin.screenshot(path=shots / "disclosure-branch-decided.png", full_page=True)

    alice.goto(f"{server.url}/staff/disclosure/i/{item}/")
    assert alice.get_attribute("#advance-form button", "value") == "published"
    post_ok(alice, "#advance-form button", log)
    assert alice.locator("#versions li a").count() == 1  # v1, for members
    assert "党内会议、党支部活动栏" in alice.inner_text("#forms")
    return item


def test_a_branch_publishes_inside_and_a_member_follows_up_an_opinion(
    tmp_path: Path, artifacts: Path
) -> None:
    office = Organization.objects.create(code="szfb", name="市政府办公室")
    roles = {"erin": Role.ADMIN, "alice": Role.STAFF, "bob": Role.VIEWER}
    for name, role in roles.items():
        user = User.objects.create_user(name, password=PASSWORD)
        Membership.objects.create(user=user, organization=office, role=role)
    with live_server(tmp_path, workers=2) as server, chromium() as browser:
        log = server.home / "server.log"
        desk = {"width": 1280, "height": 900}
        alice = _signed_in(browser, server, "alice", desk)
        erin = _signed_in(browser, server, "erin", desk)
        item = _branch_publishes(alice, erin, server, artifacts)

        public, public_traffic = _page(browser, PHONE)
        public.goto(f"{server.url}/disclosure/szfb/")
        assert "发展党员" not in public.inner_text("#items")
        assert public.goto(f"{server.url}/disclosure/szfb/{item}/").status == 404

        bob = _signed_in(browser, server, "bob", PHONE)
        bob.goto(f"{server.url}/disclosure/szfb/{item}/")
        assert bob.inner_text("#title") == "关于发展党员对象的公示"
        assert "党内会议、党支部活动栏" in bob.inner_text("#forms")
        _chinese(bob)
        _fits(bob)
        bob.screenshot(path=artifacts / "disclosure-member-reads-360.png", full_page=True)
        bob.fill("#id_text", "建议同时公示培养联系人。")
        post_ok(bob, "#feedback-form button[type=submit]", log)
        code = bob.inner_text("#tracking-code")
        assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", code), code
        _chinese(bob)
        _fits(bob)
        bob.screenshot(path=artifacts / "disclosure-receipt-360.png", full_page=True)

        public.goto(f"{server.url}/disclosure/szfb/track")
        public.fill("#id_code", code.lower())
        post_ok(public, "#track-form button[type=submit]", log)
        assert public.get_attribute("#tracked-state", "class") == "warn"  # not answered yet
        _chinese(public)
        _fits(public)
        public.screenshot(path=artifacts / "disclosure-track-open-360.png", full_page=True)

        alice.goto(f"{server.url}/staff/disclosure/i/{item}/")
        alice.fill(".answer-form textarea[name=answer]", "采纳，已补充培养联系人名单。")
        post_ok(alice, ".answer-form button[type=submit]", log)
        alice.screenshot(path=artifacts / "disclosure-branch-staff.png", full_page=True)

        # The member reads the branch's answer by the tracking code, on the phone.
        bob.goto(f"{server.url}/disclosure/szfb/")
        bob.click("#track")
        bob.fill("#id_code", code)
        post_ok(bob, "#track-form button[type=submit]", log)
        assert bob.get_attribute("#tracked-state", "class") == "ok"
        assert "采纳，已补充培养联系人名单。" in bob.inner_text("#tracked-answer")
        assert "建议同时公示培养联系人。" in bob.inner_text("#tracked-text")
        _chinese(bob)
        _fits(bob)
        bob.screenshot(path=artifacts / "disclosure-member-answer-360.png", full_page=True)

        # The opinion box: a letter about no item, answered by the office, tracked the same way.
        public.goto(f"{server.url}/disclosure/szfb/")
        public.click("#opinion-box")
        public.fill("#id_text", "建议在机关局域网同步公开。")
        _chinese(public)
        _fits(public)
        public.screenshot(path=artifacts / "disclosure-opinion-box-360.png", full_page=True)
        post_ok(public, "#opinion-form button[type=submit]", log)
        letter = public.inner_text("#tracking-code")
        erin.goto(f"{server.url}/staff/disclosure/")
        erin.click("#opinions")
        erin.fill(".answer-form textarea[name=answer]", "已在局域网开设党务公开栏目。")
        post_ok(erin, ".answer-form button[type=submit]", log)
        _chinese(erin)
        erin.screenshot(path=artifacts / "disclosure-opinions-staff.png", full_page=True)
        public.goto(f"{server.url}/disclosure/szfb/track")
        public.fill("#id_code", letter)
        post_ok(public, "#track-form button[type=submit]", log)
        assert "已在局域网开设党务公开栏目。" in public.inner_text("#tracked-answer")
    assert public_traffic.hosts() == {"127.0.0.1"}
    # The one console error is the 404 the public meets on the internal item, on purpose.
    assert [e for e in public_traffic.errors if f"/disclosure/szfb/{item}/)" not in e] == []
