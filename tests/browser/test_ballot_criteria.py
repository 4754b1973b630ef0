"""The criteria on a 360-px phone in Chinese, in a real Chromium: folded above the units by
default (the one-minute vote stays one minute), readable when unfolded, no sideways scroll.
Screenshots in test-artifacts/criteria/."""

from __future__ import annotations

from pathlib import Path

import pytest

from pingyi.accounts.actors import Actor
from pingyi.voting.services import token_issue
from tests.browser.conftest import Traffic, chromium
from tests.cast import STAFF, make_campaign
from tests.live import live_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_a_phone_sees_the_criteria_folded_and_unfolds_them(tmp_path: Path, artifacts: Path) -> None:
    campaign = make_campaign()
    group = campaign.groups.first()
    assert group is not None
    code = token_issue(campaign=campaign, group=group, count=1, actor=Actor.operator(STAFF)).codes[
        0
    ]
    shots = artifacts / "criteria"
    shots.mkdir(exist_ok=True)
    with live_server(tmp_path, workers=1) as server, chromium() as browser:
        context = browser.new_context(
            locale="zh-CN", viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
        )
        context.set_default_timeout(20_000)
        traffic = Traffic.of(context)
        page = context.new_page()
        page.goto(f"{server.url}/v/#{code}")
        page.wait_for_selector("#ballot")
        fold = page.locator("details.criteria")
        assert fold.locator("summary").inner_text() == "评议标准"
        assert fold.get_attribute("open") is None
        assert not page.locator("details.criteria li").first.is_visible()
        assert page.locator('input[name="m_L1"]').first.is_visible()  # units on the first screen
        page.screenshot(path=shots / "1-folded.png")
        page.click("details.criteria summary")
        assert page.locator("details.criteria li").nth(3).is_visible()
        text = fold.inner_text()
        for name in ("比依法行政", "比行政效能", "比工作实绩", "比工作机制"):
            assert name in text
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 360, width
        page.screenshot(path=shots / "2-unfolded.png", full_page=True)
        assert traffic.errors == []
