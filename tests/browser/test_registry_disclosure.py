"""P5 in a real browser, against a real gunicorn on the test database.

Registry: a registering unit downloads the registration form template, fills it, uploads it,
then proposes its self-check decisions through its self-check table; the joint-meeting office
decides every project through the rounds of seed 000 and publishes; the public page shows the
kept list and nothing else. Disclosure: staff draft an item, another staff member records the
office meeting, the leading group approves it, the drafter publishes it; a reader leaves
feedback; staff answer and revise; the revision goes through the chain again and the reader
finds both versions.

Browsers send Accept-Language zh-CN; selectors use ids and names, never wording.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page

from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Membership, Organization, Role
from pingyi.registry.services import cleanup_create, unit_add, unit_member_add
from tests.browser.conftest import Traffic, chromium, post_ok
from tests.chinese import FIXTURE_WORDS, english_left
from tests.live import LiveServer, live_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PASSWORD = "p5-password-2026"
CLEANUP = "qingli-2009"
PROJECTS = [
    # name, organizer, system, level, cycle, target group, basis, basis title, fees
    (
        "优秀共产党员评选",
        "市委组织部",
        "党委",
        "市级",
        "每两年",
        "党员",
        "中央文件",
        "中发〔2000〕1号",
        "否",
    ),
    (
        "党员先锋岗评比",
        "市委组织部",
        "党委",
        "市级",
        "每年",
        "党员",
        "中央文件",
        "中发〔2000〕1号",
        "否",
    ),
    ("组工信息评比", "市委组织部", "党委", "市级", "每年", "各镇组织办", "无", "", "是"),
]
KEPT, MERGED, CANCELLED = (p[0] for p in PROJECTS)
ROUNDS = ("initial_audit", "joint_meeting", "higher_adjustment", "published")


def _sign_in(page: Page, server: LiveServer, username: str) -> None:
    page.goto(f"{server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    post_ok(page, "main form button[type=submit]", server.home / "server.log")
    page.wait_for_url(f"{server.url}/staff/")


def _staff(browser: Browser, server: LiveServer, username: str) -> tuple[Page, Traffic]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    traffic = Traffic.of(context)
    page = context.new_page()
    _sign_in(page, server, username)
    return page, traffic


def _download(page: Page, selector: str, to: Path) -> Path:
    with page.expect_download() as download:
        page.click(selector)
    download.value.save_as(to)
    return to


def _upload(page: Page, server: LiveServer, kind: str, path: Path) -> str:
    page.goto(f"{server.url}/staff/registry/{CLEANUP}/")
    page.select_option("#import-form #id_unit", label="市委组织部")
    page.select_option("#import-form #id_kind", kind)
    page.set_input_files("#import-form #id_file", str(path))
    post_ok(page, "#import-form button[type=submit]", server.home / "server.log")
    return page.inner_text("#import-summary")


def _register_from_the_template(page: Page, server: LiveServer, tmp: Path, shots: Path) -> None:
    page.goto(f"{server.url}/staff/registry/{CLEANUP}/")
    form = _download(page, "#form-template", tmp / "登记表.xlsx")
    book = openpyxl.load_workbook(form)
    for row in PROJECTS:
        name, organizer, system, level, cycle, target, basis, title, fees = row
        book.worksheets[0].append(
            [name, organizer, system, level, cycle, target, "否", basis, title, fees]
        )
    book.save(form)
    assert re.search(r"(?<!\d)3(?!\d)", _upload(page, server, "form", form))
    page.screenshot(path=shots / "registry-imported.png", full_page=True)
    # The self-check table lists the unit's projects with the rules' suggestion (column F).
    page.goto(f"{server.url}/staff/registry/{CLEANUP}/")
    table = _download(page, 'a[href$="/u/zzb/self-check.xlsx"]', tmp / "统计表.xlsx")
    book = openpyxl.load_workbook(table)
    sheet = book.worksheets[0]
    assert [sheet[f"F{n}"].value for n in (2, 3, 4)] == ["保留", "合并", "撤销"]
    for n in (2, 3, 4):
        sheet[f"B{n}"] = sheet[f"F{n}"].value
    sheet["C3"] = KEPT
    book.save(table)
    assert re.search(r"(?<!\d)3(?!\d)", _upload(page, server, "stats", table))


def _carry_every_decision_over(page: Page, server: LiveServer, shots: Path, name: str) -> None:
    """Ticks every project and carries the earlier round's decision over, in one go."""
    page.goto(f"{server.url}/staff/registry/{CLEANUP}/")
    page.check("#tick-all")
    assert page.locator('#projects input[name="projects"]:checked').count() == 3
    page.select_option("#bulk-form #id_decision", "carry_over")
    if name == "initial_audit":
        page.screenshot(path=shots / "registry-bulk.png", full_page=True)
    post_ok(page, "#bulk-submit", server.home / "server.log")
    assert page.locator(".messages .error").count() == 0, page.inner_text(".messages")


def _attach_the_basis(page: Page, server: LiveServer, tmp: Path, shots: Path) -> None:
    """The unit attaches its basis document (with the file) to the project it keeps."""
    page.goto(f"{server.url}/staff/registry/{CLEANUP}/")
    page.click(f"#projects a:text-is('{KEPT}')")
    page.wait_for_selector("#basis-form")
    pdf = tmp / "中发〔2000〕1号.pdf"
    pdf.write_bytes(b"%PDF-1.4 basis")
    page.fill("#basis-form #id_title", "关于加强党员队伍建设的意见")
    page.fill("#basis-form #id_number", "中发〔2000〕1号")
    page.fill("#basis-form #id_issuer", "中共中央")
    page.set_input_files("#basis-form #id_file", str(pdf))
    post_ok(page, "#basis-form button[type=submit]", server.home / "server.log")
    assert "中共中央《关于加强党员队伍建设的意见》" in page.inner_text("#documents")
    assert english_left(page.content(), FIXTURE_WORDS) == []
    page.screenshot(path=shots / "registry-project.png", full_page=True)
    # Left out of scope and taken back: the page says why, and the decision form goes away.
    page.click("#exclude-form >> xpath=.. >> summary")
    page.select_option("#exclude-form #id_reason", "other")
    page.fill("#exclude-form #id_note", "系本部门内部工作考核")
    post_ok(page, "#exclude-form button[type=submit]", server.home / "server.log")
    assert "系本部门内部工作考核" in page.inner_text("#exclusion")
    assert page.locator("#decide-form").count() == 0
    assert english_left(page.content(), FIXTURE_WORDS) == []
    page.screenshot(path=shots / "registry-project-out-of-scope.png", full_page=True)
    post_ok(page, "#include", server.home / "server.log")
    assert page.locator("#exclusion").count() == 0


def _run_the_rounds(page: Page, server: LiveServer, shots: Path) -> None:
    page.goto(f"{server.url}/staff/registry/{CLEANUP}/")
    links = page.locator("#projects a[href*='/p/']").evaluate_all("as => as.map(a => a.href)")
    ids = [re.findall(r"/p/(\d+)/", href)[0] for href in links]
    assert len(ids) == 3
    for name in ROUNDS:
        page.goto(f"{server.url}/staff/registry/{CLEANUP}/")
        assert page.get_attribute("#advance-form button", "value") == name
        page.click("#advance-form button")  # the confirmation page, then the move
        page.wait_for_selector("#confirm")
        if name == "published":  # 2 of 3 merged or cancelled: 66.7 % against 70 %
            assert "66.7%" in page.inner_text("#below-target")
            assert english_left(page.content(), FIXTURE_WORDS) == []
            page.fill("#id_reason", "上级联席会议同意保留该项目")
            page.screenshot(path=shots / "registry-publish-confirm.png", full_page=True)
        post_ok(page, "#confirm", server.home / "server.log")
        assert page.locator(".messages .error").count() == 0, page.inner_text(".messages")
        if name in ("initial_audit", "joint_meeting"):
            _carry_every_decision_over(page, server, shots, name)
    page.goto(f"{server.url}/staff/registry/{CLEANUP}/")
    assert "66.7%" in page.inner_text("#reduction")  # 2 of 3 merged or cancelled
    assert "上级联席会议同意保留该项目" in page.inner_text("#publish-reason")
    assert page.get_attribute("#deadline-published", "class") == "deadline-done"
    assert english_left(page.content(), FIXTURE_WORDS) == []
    page.screenshot(path=shots / "registry-office.png", full_page=True)


def _check_the_public_kept_list(browser: Browser, server: LiveServer, shots: Path) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{server.url}/registry/{CLEANUP}/")
    kept = page.inner_text("#kept")
    assert KEPT in kept and MERGED not in kept and CANCELLED not in kept
    assert "中共中央《关于加强党员队伍建设的意见》（中发〔2000〕1号）" in kept
    assert "上级联席会议同意保留该项目" in page.inner_text("#publish-reason")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=shots / "registry-kept-public.png", full_page=True)
    context.close()


def _advance(page: Page, server: LiveServer, item: str, to: str, note: str = "") -> None:
    page.goto(f"{server.url}/staff/disclosure/i/{item}/")
    assert page.get_attribute("#advance-form button", "value") == to
    if note:
        page.fill("#advance-form input[name=note]", note)
    post_ok(page, "#advance-form button", server.home / "server.log")
    assert page.locator(".messages .error").count() == 0, page.inner_text(".messages")


def _through_the_chain(alice: Page, erin: Page, frank: Page, server: LiveServer, item: str) -> None:
    """Alice drafted: Frank records the office meeting, Erin the approval, Alice publishes —
    each step by another person than the step before (separation of duties)."""
    alice.goto(f"{server.url}/staff/disclosure/i/{item}/")
    assert alice.locator("#refusal").count() == 1  # she drafted it
    _advance(frank, server, item, "office_meeting", "办公室主任会议研究")
    frank.goto(f"{server.url}/staff/disclosure/i/{item}/")
    assert frank.locator("#advance-form").count() == 0  # approval is the leading group's
    _advance(erin, server, item, "approved", "领导小组办公室审核同意")
    _advance(alice, server, item, "published")


def _disclose(
    alice: Page, erin: Page, frank: Page, browser: Browser, server: LiveServer, shots: Path
) -> None:
    log = server.home / "server.log"
    alice.goto(f"{server.url}/staff/disclosure/new")
    alice.select_option("#id_organization", label="市纪委纠风室")
    alice.select_option("#id_area", "organization_building")
    alice.select_option("#id_scope", "external")
    alice.check("input[name=forms][value=website]")
    alice.select_option("#id_timeliness", "periodic")
    alice.fill("#id_title", "一季度党费收缴情况")
    alice.fill("#id_body", "一季度共收缴党费 3,600 元。")
    post_ok(alice, "#item-form button[type=submit]", log)
    item = re.findall(r"/i/(\d+)/", alice.url)[0]
    _through_the_chain(alice, erin, frank, server, item)

    reader_context = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 740})
    reader = reader_context.new_page()
    reader.goto(f"{server.url}/disclosure/szfb/{item}/")
    assert reader.inner_text("#title") == "一季度党费收缴情况"
    reader.fill("#id_text", "金额是否包含补缴？")
    post_ok(reader, "#feedback-form button[type=submit]", log)
    reader.screenshot(path=shots / "disclosure-reader-v1.png", full_page=True)

    alice.goto(f"{server.url}/staff/disclosure/i/{item}/")
    assert "金额是否包含补缴？" in alice.inner_text(".feedback")
    alice.fill(".answer-form textarea[name=answer]", "不含补缴，已在修订版中补充。")
    post_ok(alice, ".answer-form button[type=submit]", log)
    alice.fill("#text-form #id_title", "一季度党费收缴情况（修订）")
    alice.fill("#text-form #id_body", "一季度共收缴党费 3,600 元，另补缴 200 元。")
    alice.fill("#text-form #id_note", "根据反馈补充补缴金额")
    post_ok(alice, "#text-form button[type=submit]", log)
    _through_the_chain(alice, erin, frank, server, item)
    alice.goto(f"{server.url}/staff/disclosure/i/{item}/")
    alice.screenshot(path=shots / "disclosure-staff.png", full_page=True)

    reader.goto(f"{server.url}/disclosure/szfb/{item}/")
    assert reader.inner_text("#title") == "一季度党费收缴情况（修订）"
    assert reader.locator("#versions li").count() == 2
    reader.click(f'#versions a[href$="/{item}/v1"]')
    reader.wait_for_url(f"**/disclosure/szfb/{item}/v1")
    assert reader.inner_text("#title") == "一季度党费收缴情况"
    reader.screenshot(path=shots / "disclosure-reader-history.png", full_page=True)
    reader_context.close()


def test_registry_and_disclosure_in_a_browser(tmp_path: Path, artifacts: Path) -> None:
    office = Organization.objects.create(code="szfb", name="市纪委纠风室")
    names = ("erin", "alice", "uma", "frank")
    users = {n: User.objects.create_user(n, password=PASSWORD) for n in names}
    Membership.objects.create(user=users["erin"], organization=office, role=Role.ADMIN)
    Membership.objects.create(user=users["alice"], organization=office, role=Role.STAFF)
    Membership.objects.create(user=users["frank"], organization=office, role=Role.STAFF)
    cleanup = cleanup_create(
        organization=office, code=CLEANUP, name="2009年清理规范评比达标表彰活动",
        started_on=dt.date(2009, 2, 15), actor=Actor.of(users["erin"]),
    )  # fmt: skip
    unit = unit_add(cleanup=cleanup, code="zzb", name="市委组织部", actor=Actor.of(users["erin"]))
    unit_member_add(unit=unit, username="uma", actor=Actor.of(users["erin"]))
    with live_server(tmp_path, workers=2) as server, chromium() as browser:
        uma, uma_traffic = _staff(browser, server, "uma")
        _register_from_the_template(uma, server, tmp_path, artifacts)
        uma.goto(f"{server.url}/staff/registry/{CLEANUP}/")
        assert uma.get_attribute("#deadline-self_check", "class") == "deadline-overdue"
        uma.screenshot(path=artifacts / "registry-unit.png", full_page=True)
        _attach_the_basis(uma, server, tmp_path, artifacts)
        erin, erin_traffic = _staff(browser, server, "erin")
        _run_the_rounds(erin, server, artifacts)
        _check_the_public_kept_list(browser, server, artifacts)
        alice, alice_traffic = _staff(browser, server, "alice")
        frank, frank_traffic = _staff(browser, server, "frank")
        _disclose(alice, erin, frank, browser, server, artifacts)
    for traffic in (uma_traffic, erin_traffic, alice_traffic, frank_traffic):
        assert traffic.hosts() == {"127.0.0.1"}
        assert traffic.errors == []
