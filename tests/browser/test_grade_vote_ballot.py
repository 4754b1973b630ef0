"""The grade vote (等级测评) in a real Chromium, in Chinese: the assessor approves the list the
committee drew up (its page), then a code of that list opens, on a 360-px phone, a ballot whose
marks are the four grades and 弃权, and the cast is counted. Screenshots in
test-artifacts/grade-vote/."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User

from pingyi.accounts.actors import Actor
from pingyi.campaigns.models import Campaign
from pingyi.campaigns.services import campaign_open
from pingyi.grading import votes
from pingyi.grading.services import role_assign
from pingyi.rules import grade_vote as vote_rules
from pingyi.rules import grading as rules
from tests.browser.conftest import Traffic, chromium, post_ok
from tests.browser.test_grading_flow import PASSWORD, _sign_in, off_loop
from tests.grading.conftest import DEPT, advance_to, make_round, op, org
from tests.live import live_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _codes(campaign: Campaign) -> list[str]:
    operator = Actor.operator("cli:office")
    issued = votes.participant_codes_issue(campaign=campaign, actor=operator)
    campaign_open(campaign=campaign, actor=Actor.operator(DEPT))
    return [c for b in issued for c in b.codes]


def test_the_assessor_approves_the_list_and_a_phone_votes_with_a_listed_code(
    tmp_path: Path, artifacts: Path
) -> None:
    grading_round = advance_to(make_round(tmp_path), rules.SELF_EVALUATION)
    v1 = org(grading_round, "V1")
    for name in ("erin", "carol"):
        User.objects.create_user(name, password=PASSWORD)
    role_assign(
        grading_round=grading_round, username="erin", kind="assessor", org=v1, actor=op(DEPT)
    )
    role_assign(grading_round=grading_round, username="carol", kind="committee",
                committee=v1.committee, actor=op(DEPT))  # fmt: skip
    operator = Actor.operator("cli:office")
    vote = votes.grade_vote_create(grading_round=grading_round, org=v1, actor=operator)
    votes.org_members_set(org=v1, members=3, actor=operator)
    votes.participant_list_draft(
        campaign=vote.campaign,
        counts=vote_rules.ParticipantCounts(members=3, masses=2, deputies=1),
        supervisor="镇党委组织委员 王明",
        actor=Actor.of(User.objects.get(username="carol")),
    )
    shots = artifacts / "grade-vote"
    shots.mkdir(exist_ok=True)
    url = f"/staff/grading/{grading_round.code}/p/{vote.campaign.code}/"
    with live_server(tmp_path, workers=1) as server, chromium() as browser:
        log = server.home / "server.log"
        staff = _sign_in(browser, server, "erin")
        staff.goto(server.url + url)
        assert "测评人员名单" in staff.inner_text("h1")
        staff.screenshot(path=shots / "0-list-to-approve.png", full_page=True)
        post_ok(staff, "#approve-form button", log)
        assert "已审定" in staff.inner_text("#list-status")
        staff.screenshot(path=shots / "0-list-approved.png", full_page=True)
        codes = off_loop(lambda: _codes(vote.campaign))
        assert len(codes) == 6
        code = codes[0]
        context = browser.new_context(
            locale="zh-CN", viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
        )
        context.set_default_timeout(20_000)
        traffic = Traffic.of(context)
        page = context.new_page()
        page.goto(f"{server.url}/v/#{code}")
        page.wait_for_selector("#ballot")
        assert page.get_attribute("html", "lang") == "zh-hans"
        marks = page.locator('#ballot input[name="m_V1"]').evaluate_all(
            "inputs => inputs.map(i => i.closest('label').innerText.trim())"
        )
        assert marks == ["好", "较好", "一般", "较差", "弃权"]
        # nothing wider than the phone
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 360
        page.click('label:has(input[name="m_V1"][value="good"])')
        page.screenshot(path=shots / "1-ballot.png", full_page=True)
        post_ok(page, "#ballot .sticky button.primary", log)
        page.wait_for_url("**/v/review")
        assert "较好" in page.inner_text("main")
        page.screenshot(path=shots / "2-review.png", full_page=True)
        post_ok(page, "#review-form button.primary", log)
        page.wait_for_url("**/v/done")
        assert "已计入" in page.inner_text("h1")
        page.screenshot(path=shots / "3-receipt.png", full_page=True)
        assert traffic.errors == []
