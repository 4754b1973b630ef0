"""The ballot on a 360-px phone in Chinese, in a real Chromium: the language switch is not the
first control and loses neither the code nor the marks; after the cast Back shows no
"confirm form resubmission"; an all-blank ballot is told it is invalid; a mark the server does
not know gives the ballot back, not "此评议码无法使用". Screenshots in test-artifacts/ballot/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from pingyi.accounts.actors import Actor
from pingyi.voting.services import token_issue
from tests.browser.conftest import Traffic, chromium, post_ok
from tests.cast import STAFF, make_campaign
from tests.live import live_server
from tests.stored import stored_ballots

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
MARKS = {"L1": "satisfied", "V1": "dissatisfied"}


def _checked(page: Page) -> dict[str, str]:
    return {
        unit: mark
        for unit, mark in MARKS.items()
        if page.is_checked(f'input[name="m_{unit}"][value="{mark}"]')
    }


def _first_control(page: Page) -> str:
    """The name of the first control a thumb (or the Tab key) meets on the page."""
    return str(
        page.evaluate(
            "() => { const c = document.querySelector("
            "'button, input:not([type=hidden]), select, textarea');"
            " return c.name + '=' + c.value; }"
        )
    )


def test_a_phone_switches_language_mid_ballot_casts_and_goes_back(
    tmp_path: Path, artifacts: Path
) -> None:
    campaign = make_campaign()
    group = campaign.groups.first()
    assert group is not None
    issued = token_issue(campaign=campaign, group=group, count=3, actor=Actor.operator(STAFF))
    code, blank_code, spoiled_code = issued.codes
    shots = artifacts / "ballot"
    shots.mkdir(exist_ok=True)
    with live_server(tmp_path, workers=1) as server, chromium() as browser:
        log = server.home / "server.log"
        context = browser.new_context(
            locale="zh-CN", viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
        )
        context.set_default_timeout(20_000)
        traffic = Traffic.of(context)
        page = context.new_page()
        page.goto(f"{server.url}/v/#{code}")  # as the QR code opens it
        page.wait_for_selector("#ballot")
        assert page.title().startswith(campaign.name)
        assert _first_control(page).startswith("m_L1=")  # not the language switch
        assert page.locator("header form.lang").count() == 0
        page.screenshot(path=shots / "1-ballot-top.png")
        for unit, mark in MARKS.items():
            page.click(f'label:has(input[name="m_{unit}"][value="{mark}"])')
        # Mid-ballot, the switch at the bottom: the ballot comes back in English, marks kept.
        page.locator("#lang-keep button").scroll_into_view_if_needed()
        page.screenshot(path=shots / "2-ballot-bottom.png")
        post_ok(page, "#lang-keep button", log)
        assert page.get_attribute("html", "lang") == "en"
        assert _checked(page) == MARKS
        page.screenshot(path=shots / "3-ballot-english.png", full_page=True)
        post_ok(page, "#lang-keep button", log)  # and back to Chinese
        assert page.get_attribute("html", "lang") == "zh-hans"
        assert _checked(page) == MARKS
        post_ok(page, "#ballot .sticky button.primary", log)
        page.wait_for_url("**/v/review")
        post_ok(page, "#review-form button.primary", log)
        page.wait_for_url("**/v/done")
        receipt = page.inner_text("#receipt").strip()
        assert "已计入" in page.inner_text("h1")
        page.screenshot(path=shots / "4-receipt.png", full_page=True)
        page.go_back()  # the review's entry: the code page, no resubmission prompt
        page.wait_for_selector("#code-form")
        assert page.url == f"{server.url}/v/"
        page.screenshot(path=shots / "5-back.png")
        page.go_forward()
        assert page.inner_text("#receipt").strip() == receipt  # the receipt, still

        # An all-blank ballot: warned on the review, told "invalid" after the cast.
        page.goto(f"{server.url}/v/#{blank_code}")
        page.wait_for_selector("#ballot")
        post_ok(page, "#ballot .sticky button.primary", log)
        assert "无效票" in page.inner_text("#blank-ballot")
        page.screenshot(path=shots / "6-blank-review.png", full_page=True)
        post_ok(page, "#review-form button.primary", log)
        heading = page.inner_text("h1")
        assert "无效票" in heading and "已计入" not in heading
        page.screenshot(path=shots / "7-blank-receipt.png", full_page=True)

        assert traffic.errors == []  # no CSP violation, no script error

        # A mark the server does not know (a stale or tampered page): the ballot comes back,
        # with a 400 (which the console reports; nothing else may be).
        page.goto(f"{server.url}/v/#{spoiled_code}")
        page.wait_for_selector("#ballot")
        page.click('label:has(input[name="m_L1"][value="satisfied"])')
        post_ok(page, "#ballot .sticky button.primary", log)
        page.locator('#review-form input[name="m_L2"]').evaluate("i => { i.value = '很满意'; }")
        page.click("#review-form button.primary")
        page.wait_for_selector("#ballot")
        assert "此评议码无法使用" not in page.title() + page.inner_text("main")
        assert page.is_checked('input[name="m_L1"][value="satisfied"]')
        page.screenshot(path=shots / "8-bad-mark.png", full_page=True)
        assert [e for e in traffic.errors if "status of 400" not in e] == []
    assert sorted(b.valid for b in stored_ballots()) == [False, True]
