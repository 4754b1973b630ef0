"""A committee files its round in a real browser (zh-hans), and the department reviews.

Carol (甲镇党委) writes her committee's 工作总结 with a scanned PDF, records the benefits of a
好 organization, files her grades with their tables, downloads her own report tables (built
by the worker) and her 公示牌; Dan (乙街道党工委) has filed already. Alice (the department)
reads each work summary on the review page, returns one organization of 甲镇党委 with a
comment and approves every organization of 乙街道党工委. Screenshots go to the test's tmp
directory (``shots``) for a person to look at.

The steps off the browser (assessments, the notice) are services run before it starts or on
another thread: Playwright's event loop forbids the ORM on its own thread. Selectors use ids
and names, never wording.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, FilePayload, Page

from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Membership, Role
from pingyi.grading import decisions
from pingyi.grading.models import Benefit, Committee, Filing, GradingRound, Review, WorkSummary
from pingyi.grading.records import work_summary_file
from pingyi.grading.selectors import grading_state
from pingyi.grading.services import role_assign
from tests.browser.conftest import Traffic, chromium, post_ok
from tests.grading.conftest import DEPT, decided, noticed, office, op
from tests.live import LiveServer, live_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PASSWORD = "grading-filing-2026"
TOTALS: dict[str, int | str] = {
    "G1": 92, "B1": 70, "V1": 85, "V2": 65, "N1": 95, "X1": 99, "S1": 91, "O1": "79.5",
}  # fmt: skip
SUMMARY = "甲镇党委按照自评申报、组织考核、党委研究、公示复核、审核备案五个步骤完成分类定级。"
SCAN: FilePayload = {
    "name": "甲镇党委工作总结.pdf",
    "mimeType": "application/pdf",
    "buffer": b"%PDF-1.4\n% scanned summary\n",
}
RETURN = "四村党支部违纪情况请补充查处材料"


def _settle(grading_round: GradingRound, name: str) -> Committee:
    committee = Committee.objects.select_related("round").get(round=grading_round, name=name)
    state = grading_state(grading_round).committee(committee.pk)
    for kind in state.unjustified():
        decisions.quota_justify(
            committee=committee, kind=kind, text="党委会研究保留", actor=op(name)
        )
    for s in state.orgs:
        if s.needs_explanation and not s.explained:
            decisions.explanation_write(org=s.org, text=f"{s.org.name}：情况说明", actor=op(name))
    return committee


def _prepare(tmp_path: Path) -> tuple[GradingRound, Committee, Committee]:
    grading_round = decided(tmp_path, TOTALS, summaries=False)
    jia, yi = _settle(grading_round, "甲镇党委"), _settle(grading_round, "乙街道党工委")
    for name in ("alice", "carol", "dan"):
        User.objects.create_user(name, password=PASSWORD)
    Membership.objects.create(
        user=User.objects.get(username="alice"), organization=office(), role=Role.STAFF
    )
    for user, committee in (("carol", jia), ("dan", yi)):
        role_assign(grading_round=grading_round, username=user, kind="committee",
                    committee=committee, actor=op(DEPT))  # fmt: skip
    noticed(grading_round)  # published and final: the committees may file
    work_summary_file(
        committee=yi, text="乙街道党工委分类定级工作总结。", actor=Actor.operator("dan")
    )
    decisions.filing_submit(committee=yi, actor=op("dan"))
    return grading_round, jia, yi


def _sign_in(browser: Browser, server: LiveServer, name: str) -> tuple[Page, Traffic]:
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": 1280, "height": 900},
        extra_http_headers={"Accept-Language": "zh-hans"},
        accept_downloads=True,
    )
    context.set_default_timeout(20_000)
    traffic = Traffic.of(context)
    page = context.new_page()
    page.goto(f"{server.url}/accounts/login/")
    page.fill("#id_username", name)
    page.fill("#id_password", PASSWORD)
    post_ok(page, "main form button[type=submit]", server.home / "server.log")
    return page, traffic


def _committee_files(page: Page, server: LiveServer, url: str, pk: int, shots: Path) -> None:
    log = server.home / "server.log"
    page.goto(f"{url}k/{pk}/")
    assert page.locator("#no-summary").count() == 1
    assert page.locator("#file-form button[disabled]").count() == 1  # the summary is missing
    page.fill("#summary-text", SUMMARY)
    page.set_input_files("#summary-file-input", SCAN)
    post_ok(page, "#summary-form button[type=submit]", log)
    assert SUMMARY in page.inner_text("#work-summary")
    assert page.locator("#summary-file").count() == 1
    page.fill("#benefit-points-G1", "2")
    page.check("#benefit-form-G1 input[name=secretary]")
    page.check("#benefit-form-G1 input[name=commendation]")
    post_ok(page, "#benefit-form-G1 button[type=submit]", log)
    assert page.locator("#org-G1 .benefit").count() == 1
    assert page.locator("#blockers").count() == 0
    page.screenshot(path=shots / "01-committee-summary.png", full_page=True)
    post_ok(page, "#file-form button[type=submit]", log)
    assert page.locator("#file-form").count() == 0
    page.screenshot(path=shots / "02-committee-filed.png", full_page=True)


def _committee_downloads(page: Page, url: str, pk: int, shots: Path) -> None:
    page.goto(f"{url}k/{pk}/")
    with page.expect_download() as board:
        page.click("#board-link")
    assert Path(board.value.path()).read_bytes().startswith(b"%PDF")
    page.goto(url)
    page.click("#reports a[href$='reports.xlsx']")
    page.wait_for_url(re.compile(r"/staff/jobs/[\w-]+/$"))
    page.wait_for_selector("#job-download", timeout=120_000)
    page.screenshot(path=shots / "03-committee-reports-job.png", full_page=True)
    with page.expect_download() as tables:
        page.click("#job-download")
    book = openpyxl.load_workbook(io.BytesIO(Path(tables.value.path()).read_bytes()))
    names = [row[2] for row in book["一览表"].iter_rows(min_row=2, values_only=True) if row[2]]
    assert "二村党支部" in names and "社区党委" not in names  # its own organizations only
    assert book.sheetnames[-1] == "好等次激励情况"


def _department_reviews(page: Page, server: LiveServer, url: str, shots: Path) -> None:
    log = server.home / "server.log"
    page.goto(f"{url}review")
    assert SUMMARY in page.inner_text("main")
    assert "乙街道党工委分类定级工作总结" in page.inner_text("main")
    page.screenshot(path=shots / "04-review-summaries.png", full_page=True)
    page.fill("#review-X1 textarea[name=comment]", RETURN)
    post_ok(page, "#review-X1 button[value=returned]", log)
    for code in ("S1", "O1"):
        post_ok(page, f"#review-{code} button[value=approved]", log)
    assert RETURN in page.inner_text("#review-X1")
    page.screenshot(path=shots / "05-review-done.png", full_page=True)


def test_a_committee_files_its_round_and_the_department_returns_one_and_approves_the_rest(
    tmp_path: Path,
) -> None:
    grading_round, jia, yi = _prepare(tmp_path)
    shots = tmp_path / "shots"
    shots.mkdir()
    with live_server(tmp_path, workers=2) as server, chromium() as browser:
        url = f"{server.url}/staff/grading/{grading_round.code}/"
        carol, carol_traffic = _sign_in(browser, server, "carol")
        _committee_files(carol, server, url, jia.pk, shots)
        _committee_downloads(carol, url, jia.pk, shots)
        alice, alice_traffic = _sign_in(browser, server, "alice")
        _department_reviews(alice, server, url, shots)
    summary = WorkSummary.objects.get(committee=jia)
    assert (summary.text, summary.original_name) == (SUMMARY, "甲镇党委工作总结.pdf")
    benefit = Benefit.objects.get()
    assert (benefit.org.code, str(benefit.points), benefit.secretary) == ("G1", "2.00", True)
    assert Filing.objects.get(committee=jia).status == "returned"
    assert Filing.objects.get(committee=yi).status == "approved"
    assert Review.objects.get(org__code="X1").comment == RETURN
    assert carol_traffic.errors == [] and alice_traffic.errors == []
