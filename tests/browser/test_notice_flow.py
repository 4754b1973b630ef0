"""P3 in a real browser: a citizen files an objection on the public notice and keeps the
tracking code; staff investigate, answer it and change the result through a review; the
citizen reads the answer with the code, and the notice shows that a review happened.

Selectors use ids and names, never wording (the catalogs may lag behind the templates).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page

from pingyi.accounts.models import Membership, Role
from pingyi.notices.models import NoticeEntry, Objection, Review
from pingyi.notices.services import notice_publish
from tests.browser.conftest import Traffic, chromium, post_ok
from tests.live import live_server
from tests.notices.conftest import AS_STAFF, closed_campaign

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PASSWORD = "alice-password-2026"
OBJECTION = "一票否决的依据已被撤销，单位F1不应受否决"
ANSWER = "经核查，否决依据确已撤销，已复核更正。"


def _sign_in(page: Page, base: str, log: Path) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    post_ok(page, "main form button[type=submit]", log)


def test_a_citizen_objects_staff_review_and_the_citizen_reads_the_answer(
    tmp_path: Path, artifacts: Path
) -> None:
    notice = notice_publish(campaign=closed_campaign(tmp_path), actor=AS_STAFF)
    alice = User.objects.create_user("alice", password=PASSWORD)
    Membership.objects.create(user=alice, organization=notice.organization, role=Role.STAFF)
    with live_server(tmp_path, workers=2) as server, chromium() as browser:
        base, log = server.url, tmp_path / "server.log"
        citizen_context = browser.new_context(
            locale="zh-CN", viewport={"width": 360, "height": 740}, is_mobile=True
        )
        citizen_context.set_default_timeout(15_000)
        citizen_traffic = Traffic.of(citizen_context)
        citizen = citizen_context.new_page()
        citizen.goto(f"{base}/notice/{notice.code}/")
        # On a 360-px phone each row is a card: the result column is on screen, not scrolled
        # off to the right (issue 12, item 10); the hashes wait behind 如何核验.
        result = citizen.locator("table.notice tbody tr").first.locator("td").last
        box = result.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 360
        assert result.get_attribute("data-label") == "评定结果"
        assert not citizen.locator("#head").is_visible()
        citizen.click("#how-to-verify summary")
        assert citizen.locator("#head").is_visible()
        citizen.screenshot(path=artifacts / "notice-phone-cards.png", full_page=True)
        citizen.select_option("#id_unit", "F1")
        citizen.fill("#id_text", OBJECTION)
        post_ok(citizen, "#objection-form button[type=submit]", log)
        tracking = citizen.inner_text("#tracking").strip()
        citizen.screenshot(path=artifacts / "notice-objection-filed.png", full_page=True)

        staff_context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        staff_context.set_default_timeout(15_000)
        staff_traffic = Traffic.of(staff_context)
        staff = staff_context.new_page()
        _sign_in(staff, base, log)
        staff.goto(f"{base}/staff/notices/{notice.code}/")
        staff.click("#objections a")
        staff.select_option("#id_assignee", label="alice")
        post_ok(staff, "#assign-form button[type=submit]", log)
        staff.fill("#note-form #id_text", "查阅了撤销否决的文件")
        post_ok(staff, "#note-form button[type=submit]", log)
        staff.goto(f"{base}/staff/notices/{notice.code}/")
        staff.select_option("#review-form #id_unit", "F1")
        staff.select_option("#review-form #id_veto", "no")
        staff.fill("#review-form #id_reason", "一票否决依据已撤销")
        staff.fill("#review-form #id_approved_by", "评议活动领导小组")
        staff.select_option("#review-form #id_objection", index=1)
        post_ok(staff, "#review-form button[type=submit]", log)
        staff.screenshot(path=artifacts / "notice-review-staff.png", full_page=True)
        staff.click("#objections a")
        staff.fill("#id_answer", ANSWER)
        post_ok(staff, "#answer-form button[type=submit]", log)
        assert staff.inner_text("#answer").strip() == ANSWER

        citizen.goto(f"{base}/notice/track")
        citizen.fill("#id_code", tracking)
        post_ok(citizen, "#track-form button[type=submit]", log)
        assert citizen.inner_text("#answer").strip() == ANSWER
        assert citizen.locator("#review-done").count() == 1
        citizen.screenshot(path=artifacts / "notice-answer-citizen.png", full_page=True)
        citizen.goto(f"{base}/notice/{notice.code}/")
        assert citizen.locator("#reviewed").count() == 1
        assert citizen.locator("tr.reviewed").count() == 2  # F1 and F3, whose flags moved
        citizen.screenshot(path=artifacts / "notice-public-reviewed.png", full_page=True)

    objection = Objection.objects.get()
    assert (objection.status, objection.answer) == ("answered", ANSWER)
    review = Review.objects.get()
    assert review.objection_id == objection.pk and review.approved_by == "评议活动领导小组"
    assert NoticeEntry.objects.get(notice=notice, code="F1").flags == ["winner"]
    assert tracking.replace("-", "") not in (tmp_path / "server.log").read_text()
    assert citizen_traffic.errors == [] and staff_traffic.errors == []
    assert citizen_traffic.hosts() | staff_traffic.hosts() == {"127.0.0.1"}
