"""P3 for a P2 grading in a real browser: a citizen objects to an organization's grade on the
grading's public notice; staff change the grade through a review (recorded in the grading as
its grade change); the public notice shows the review and the new grade.

Selectors use ids and names, never wording (the catalogs may lag behind the templates).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User

from pingyi.accounts.models import Membership, Role
from pingyi.grading.models import GradeChange
from pingyi.notices.grading_notice import notice_publish_grading
from pingyi.notices.models import NoticeEntry, Objection, Review
from tests.browser.conftest import Traffic, chromium, post_ok
from tests.live import live_server
from tests.notices.conftest import AS_STAFF, decided_grading

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PASSWORD = "alice-password-2026"
OBJECTION = "二村党支部书记长期不在岗，评为较好不符合实际"


def test_a_citizen_objects_to_a_grade_and_staff_change_it_through_a_review(
    tmp_path: Path, artifacts: Path
) -> None:
    grading_round = decided_grading(tmp_path)
    notice = notice_publish_grading(grading_round=grading_round, actor=AS_STAFF)
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
        citizen.goto(f"{base}/notice/")
        citizen.click(f"a[href='/notice/{notice.code}/']")
        assert citizen.locator("#grade-counts .stat").count() == 5
        citizen.select_option("#id_unit", "V1")
        citizen.fill("#id_text", OBJECTION)
        post_ok(citizen, "#objection-form button[type=submit]", log)
        assert citizen.inner_text("#tracking").strip()
        citizen.screenshot(path=artifacts / "grading-notice-objection.png", full_page=True)

        staff_context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        staff_context.set_default_timeout(15_000)
        staff_traffic = Traffic.of(staff_context)
        staff = staff_context.new_page()
        staff.goto(f"{base}/accounts/login/")
        staff.fill("#id_username", "alice")
        staff.fill("#id_password", PASSWORD)
        post_ok(staff, "main form button[type=submit]", log)
        staff.goto(f"{base}/staff/grading/{grading_round.code}/")
        staff.click("#public-notice a[href$='/']:not(#notice-link)")
        staff.select_option("#review-form #id_unit", "V1")
        staff.select_option("#review-form #id_grade", "一般")
        staff.fill("#review-form #id_reason", "经走访核实，书记长期不在岗")
        staff.fill("#review-form #id_approved_by", "甲镇党委")
        staff.select_option("#review-form #id_objection", index=1)
        post_ok(staff, "#review-form button[type=submit]", log)
        staff.click("#objections a")
        staff.fill("#id_answer", "经复核，等次调整为一般。")
        post_ok(staff, "#answer-form button[type=submit]", log)
        staff.screenshot(path=artifacts / "grading-notice-review-staff.png", full_page=True)

        citizen.goto(f"{base}/notice/{notice.code}/")
        assert citizen.locator("#reviewed").count() == 1
        assert citizen.locator("tr.reviewed").count() == 1
        assert "一般" in citizen.inner_text("tr.reviewed")
        assert citizen.locator("#answers li").count() == 1
        citizen.screenshot(path=artifacts / "grading-notice-public-reviewed.png", full_page=True)

    review = Review.objects.get()
    assert review.objection_id == Objection.objects.get().pk
    assert review.changes[0]["before"] == "较好" and review.changes[0]["after"] == "一般"
    assert NoticeEntry.objects.get(notice=notice, code="V1").grade == "一般"
    change = GradeChange.objects.get(org__round=grading_round, org__code="V1")
    assert (change.grade, change.reason) == ("一般", "经走访核实，书记长期不在岗")
    assert citizen_traffic.errors == [] and staff_traffic.errors == []


def test_a_citizen_reads_a_large_notice_committee_by_committee_and_objects_there(
    tmp_path: Path, artifacts: Path
) -> None:
    import datetime as dt

    from tests.notices.conftest import large_grading

    notice = large_grading(tmp_path, 400, 8, now=dt.datetime.now(dt.UTC))
    with live_server(tmp_path, workers=2) as server, chromium() as browser:
        base, log = server.url, tmp_path / "server.log"
        context = browser.new_context(
            locale="zh-CN", viewport={"width": 360, "height": 740}, is_mobile=True
        )
        context.set_default_timeout(15_000)
        traffic = Traffic.of(context)
        citizen = context.new_page()
        citizen.goto(f"{base}/notice/{notice.code}/")
        assert citizen.locator("#committee-index tbody tr").count() == 8
        assert citizen.locator("#objection-form").count() == 0
        assert citizen.locator("#objection-choose").count() == 1
        citizen.screenshot(path=artifacts / "grading-notice-index.png", full_page=True)
        citizen.click("#committee-index a[href='?c=3#shown']")
        assert citizen.locator("table.grading tbody tr").count() == 50
        assert citizen.locator("#id_unit option").count() == 50
        citizen.screenshot(path=artifacts / "grading-notice-committee.png")
        citizen.select_option("#id_unit", "P10")  # 第2镇党委, the third committee
        citizen.fill("#id_text", "该村党支部评分有误")
        post_ok(citizen, "#objection-form button[type=submit]", log)
        assert citizen.inner_text("#tracking").strip()
    assert Objection.objects.get().entry.code == "P10"
    assert traffic.errors == []
