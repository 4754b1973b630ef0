"""The grading round in a real browser, against a real gunicorn on the test database.

An organization (Olga, 二村党支部) submits its self-evaluation; the assessor (Erin) scores it,
is refused while a deduction lacks its reason, then gives one; the committee (Carol,
甲镇党委) sees 好 above its quota, records a justification and the explanations, and — once
the department's notice is final — files;
the department (Alice) returns one organization with a comment. Carol writes her
committee's 工作总结 before filing. Screenshots of each page
go to test-artifacts/.

The steps between (other organizations' assessments, moving the round on) are services run
off the browser's thread: Playwright's event loop forbids the ORM on its own thread.
Selectors use ids and names, never wording: the catalogs may lag behind the templates.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection
from playwright.sync_api import Browser, Page

from pingyi.accounts.models import Membership, Role
from pingyi.grading.models import Committee, Filing, GradingRound, Review, SelfEvaluation
from pingyi.grading.services import (
    assessment_submit,
    role_assign,
    round_advance,
    survey_rate_decide,
    survey_rate_enter,
)
from pingyi.rules import grading as rules
from tests.browser.conftest import chromium, post_ok
from tests.grading.conftest import DEPT, FULL, advance_to, make_round, noticed, office, op, org
from tests.live import LiveServer, live_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PASSWORD = "grading-flow-2026"
ORGS = (
    "code,name,sector,committee\n"
    "V1,二村党支部,农村,甲镇党委\n"
    "V2,三村党支部,农村,甲镇党委\n"
    "V3,四村党支部,农村,甲镇党委\n"
    "S1,社区党委,社区,乙街道党工委\n"
)


def off_loop[T](run: Callable[[], T]) -> T:
    """Runs ORM work on another thread (with its own connection, closed afterwards)."""

    def work() -> T:
        try:
            return run()
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(work).result()


def _sign_in(browser: Browser, server: LiveServer, name: str) -> Page:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{server.url}/accounts/login/")
    page.fill("#id_username", name)
    page.fill("#id_password", PASSWORD)
    post_ok(page, "main form button[type=submit]", server.home / "server.log")
    return page


def _prepare(tmp_path: Path) -> GradingRound:
    grading_round = advance_to(make_round(tmp_path, ORGS), rules.SELF_EVALUATION)
    for name in ("alice", "olga", "erin", "carol"):
        User.objects.create_user(name, password=PASSWORD)
    Membership.objects.create(
        user=User.objects.get(username="alice"), organization=office(), role=Role.STAFF
    )
    committee = Committee.objects.get(round=grading_round, name="甲镇党委")
    v1 = org(grading_round, "V1")
    role_assign(grading_round=grading_round, username="olga", kind="org", org=v1, actor=op(DEPT))
    role_assign(
        grading_round=grading_round, username="erin", kind="assessor", org=v1, actor=op(DEPT)
    )
    role_assign(
        grading_round=grading_round,
        username="carol",
        kind="committee",
        committee=committee,
        actor=op(DEPT),
    )
    return grading_round


def _assess_the_others(grading_round: GradingRound) -> None:
    round_advance(grading_round=grading_round, actor=op(DEPT))
    full = {k: Fraction(v) for k, v in FULL.items()}
    # V3: 75; S1, of the other committee, graded too: the notice needs every grade
    lowered = {"V2": {}, "V3": {"performance": Fraction(5), "leader": Fraction(10)}, "S1": {}}
    for code, scores in lowered.items():
        reasons = dict.fromkeys(scores, "考核记录")
        assessment_submit(
            org=org(grading_round, code), scores=full | scores, reasons=reasons, actor=op(DEPT)
        )
    for code in ("V1", "V2", "V3", "S1"):
        survey_rate_enter(
            org=org(grading_round, code),
            rate=Fraction(1),
            ballots=24,
            reason="纸质测评",
            actor=op(DEPT),
        )
        survey_rate_decide(org=org(grading_round, code), approve=True, actor=op("dora"))


def _self_evaluate(page: Page, server: LiveServer, url: str, artifacts: Path) -> None:
    page.goto(f"{url}o/V1/")
    for code, points in FULL.items():
        page.fill(f"#id_score_{code}", str(points))
    page.fill("#id_score_mass_evaluation", "14")
    page.select_option("#id_claimed_grade", "好")
    page.fill("#id_achievements", "村集体经济收入增长三成")
    page.fill("#id_problems", "流动党员管理薄弱")
    post_ok(page, "#self-form button[type=submit]", server.home / "server.log")
    assert page.locator("#self-form").count() == 0
    assert page.locator("#self-evaluation").count() == 1
    page.screenshot(path=artifacts / "grading-self-evaluation.png", full_page=True)


def _assess(page: Page, server: LiveServer, url: str, artifacts: Path) -> None:
    page.goto(f"{url}o/V1/")
    page.click("#assess-link")
    page.wait_for_selector("#assess-form")
    for code, points in FULL.items():
        page.fill(f"#id_score_{code}", str(points))
    page.fill("#id_score_rules", "13")  # two points deducted …
    with page.expect_navigation():
        page.click("#assess-form button[type=submit]")
    assert "工作制度" in page.inner_text("#assess-errors")  # … refused without a reason
    page.fill("#id_reason_rules", "党务公开不及时，记录不全")
    page.screenshot(path=artifacts / "grading-assessment.png", full_page=True)
    post_ok(page, "#assess-form button[type=submit]", server.home / "server.log")
    assert "党务公开不及时" in page.inner_text("#assessment")


def _decide(page: Page, server: LiveServer, url: str, artifacts: Path, pk: int) -> None:
    log = server.home / "server.log"
    page.goto(f"{url}k/{pk}/")
    assert "excess" in (page.get_attribute("#quota-excellent", "class") or "")
    assert page.locator("#file-form button[disabled]").count() == 1
    page.fill("#justify-text", "两村均为市级先进，党委会研究保留")
    post_ok(page, "#justify-form button[type=submit]", log)
    for code in ("V1", "V2"):
        page.select_option("#explain-org", code)
        page.fill("#explain-text", f"{code}：连续三年先进，群众满意度100%")
        post_ok(page, "#explain-form button[type=submit]", log)
    page.fill(
        "#summary-text", "甲镇党委分类定级工作总结：五个步骤均已完成"
    )  # filed with the tables
    post_ok(page, "#summary-form button[type=submit]", log)
    assert page.locator("#blockers").count() == 0
    page.screenshot(path=artifacts / "grading-committee.png", full_page=True)


def _file(page: Page, server: LiveServer, url: str, pk: int) -> None:
    page.goto(f"{url}k/{pk}/")
    post_ok(page, "#file-form button[type=submit]", server.home / "server.log")


def _return_one(page: Page, server: LiveServer, url: str, artifacts: Path) -> None:
    page.goto(f"{url}review")
    rows = page.locator("table.review tbody tr").evaluate_all("rows => rows.map(r => r.id)")
    assert rows[:2] == ["review-V1", "review-V2"]  # the 好 first
    page.fill("#review-V1 textarea[name=comment]", "群众评价满分存疑，请补充测评材料")
    post_ok(page, "#review-V1 button[value=returned]", server.home / "server.log")
    assert "群众评价满分存疑" in page.inner_text("#review-V1")
    page.screenshot(path=artifacts / "grading-review.png", full_page=True)


def test_a_grading_round_from_self_evaluation_to_a_returned_filing(
    tmp_path: Path, artifacts: Path
) -> None:
    grading_round = _prepare(tmp_path)
    committee = Committee.objects.get(round=grading_round, name="甲镇党委")
    with live_server(tmp_path, workers=2) as server, chromium() as browser:
        url = f"{server.url}/staff/grading/{grading_round.code}/"
        _self_evaluate(_sign_in(browser, server, "olga"), server, url, artifacts)
        off_loop(lambda: _assess_the_others(grading_round))
        _assess(_sign_in(browser, server, "erin"), server, url, artifacts)
        off_loop(lambda: round_advance(grading_round=grading_round, actor=op(DEPT)))
        carol = _sign_in(browser, server, "carol")
        _decide(carol, server, url, artifacts, committee.pk)
        off_loop(lambda: noticed(grading_round))  # the department's notice, final (P3)
        _file(carol, server, url, committee.pk)
        _return_one(_sign_in(browser, server, "alice"), server, url, artifacts)
    assert SelfEvaluation.objects.get().org.code == "V1"
    review = Review.objects.get()
    assert (review.org.code, review.verdict, review.comment) == (
        "V1",
        "returned",
        "群众评价满分存疑，请补充测评材料",
    )
    assert Filing.objects.get(committee=committee).status == "returned"
