"""Seed 002 in a real browser, against a real gunicorn on the test database: the office sets
up a nomination round under a kept project; a town downloads its template, fills it in and
imports its nominees (a first file with a mistake is refused, naming row, column and field;
one nominee is a leader, so the list falls short of the grassroots share); the county above
recommends the list; the office's other staff member approves it with a recorded reason and
puts the nominees on notice; a member of the public reads the notice on a 360 px phone and
files an opinion, keeping the tracking code; the office answers it, and the filer reads the
answer with the code, on the phone.

Browsers send Accept-Language zh-CN; selectors use ids and names, never wording.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page

from pingyi.accounts.models import Membership, Organization, Role
from tests.browser.conftest import Traffic, chromium, post_ok
from tests.chinese import FIXTURE_WORDS, english_left
from tests.live import LiveServer, live_server
from tests.nominations.conftest import kept_project

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PASSWORD = "p5-password-2026"
ROUND = "myd-2026"
WORDS = FIXTURE_WORDS | {"uma", "cora", "town", "county"}


def _staff(browser: Browser, server: LiveServer, username: str) -> tuple[Page, Traffic]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    traffic = Traffic.of(context)
    page = context.new_page()
    page.goto(f"{server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    post_ok(page, "main form button[type=submit]", server.home / "server.log")
    page.wait_for_url(f"{server.url}/staff/")
    return page, traffic


def _no_error(page: Page) -> None:
    assert page.locator(".messages .error").count() == 0, page.inner_text(".messages")
    assert english_left(page.content(), WORDS) == []


def _set_up(erin: Page, server: LiveServer, log: Path, shots: Path) -> None:
    erin.goto(f"{server.url}/staff/nominations/")
    erin.click("#new-round")
    erin.select_option("#id_project", label="人民满意的公务员评选")
    erin.fill("#id_code", ROUND)
    erin.fill("#id_name", "2026年人民满意的公务员推荐")
    erin.fill("#id_started_on", "2026-03-01")
    erin.fill("#id_quota", "3")
    _no_error(erin)
    post_ok(erin, "#round-form button[type=submit]", log)
    _no_error(erin)
    for code, name, parent, quota in (("county", "某县人社局", "", "1"),
                                      ("town", "某某镇", "county", "2")):  # fmt: skip
        erin.fill("#unit-form #id_code", code)
        erin.fill("#unit-form #id_name", name)
        erin.fill("#unit-form #id_parent_code", parent)
        erin.fill("#unit-form #id_quota", quota)
        post_ok(erin, "#unit-form button[type=submit]", log)
        _no_error(erin)
    for unit, user in (("某县人社局", "cora"), ("某某镇", "uma")):
        erin.select_option("#member-form #id_unit", label=unit)
        erin.fill("#member-form #id_username", user)
        post_ok(erin, "#member-form button[type=submit]", log)
        _no_error(erin)
    erin.screenshot(path=shots / "nominations-round-setup.png", full_page=True)


DEEDS = "扎根基层，服务群众"
ROWS = [["张三", "某某镇人民政府", "便民服务窗口工作人员", "一般干部职工", "是", "否", DEEDS],
        ["李四", "某某镇人民政府", "镇长", "科级", "否", "是", DEEDS]]  # fmt: skip


def _filled(template: Path, out: Path, rows: list[list[str]]) -> Path:
    book = openpyxl.load_workbook(template)
    sheet = book["推荐名单"]
    for n, row in enumerate(rows, start=2):
        for col, value in enumerate(row, start=1):
            sheet.cell(row=n, column=col, value=value)
    book.save(out)
    return out


def _nominate(uma: Page, server: LiveServer, log: Path, shots: Path, folder: Path) -> None:
    uma.goto(f"{server.url}/staff/nominations/{ROUND}/u/town/")
    with uma.expect_download() as download:
        uma.click("#template")
    template = folder / "模板.xlsx"
    download.value.save_as(template)
    bad = [[*ROWS[0][:3], "处级", *ROWS[0][4:]], ROWS[1]]
    uma.set_input_files("#id_file", _filled(template, folder / "有误.xlsx", bad))
    post_ok(uma, "#import-form button[type=submit]", log)
    error = uma.inner_text(".messages .error")
    assert "第 2 行" in error and "D 列（职级）" in error, error
    assert english_left(uma.content(), WORDS) == []
    uma.screenshot(path=shots / "nominations-import-refused.png", full_page=True)
    uma.set_input_files("#id_file", _filled(template, folder / "名单.xlsx", ROWS))
    post_ok(uma, "#import-form button[type=submit]", log)
    _no_error(uma)
    assert "张三" in uma.inner_text("#nominees") and "李四" in uma.inner_text("#nominees")
    assert uma.locator("#few-grassroots").count() == 1  # 1 of 2 is below 70 %
    uma.screenshot(path=shots / "nominations-unit-list.png", full_page=True)
    post_ok(uma, "#submit", log)
    _no_error(uma)
    assert uma.locator("#nominee-form").count() == 0


def test_a_unit_nominates_the_level_above_recommends_the_office_approves_and_publishes(
    tmp_path: Path, artifacts: Path
) -> None:
    office = Organization.objects.create(code="rsj", name="市人力资源和社会保障局")
    users = {n: User.objects.create_user(n, password=PASSWORD)
             for n in ("erin", "alice", "cora", "uma")}  # fmt: skip
    Membership.objects.create(user=users["erin"], organization=office, role=Role.ADMIN)
    Membership.objects.create(user=users["alice"], organization=office, role=Role.STAFF)
    kept_project(office)
    with live_server(tmp_path, workers=2) as server, chromium() as browser:
        log = server.home / "server.log"
        erin, erin_traffic = _staff(browser, server, "erin")
        _set_up(erin, server, log, artifacts)
        uma, _ = _staff(browser, server, "uma")
        _nominate(uma, server, log, artifacts, tmp_path)

        cora, _ = _staff(browser, server, "cora")
        cora.goto(f"{server.url}/staff/nominations/{ROUND}/u/town/")
        post_ok(cora, "#recommend", log)
        _no_error(cora)

        alice, _ = _staff(browser, server, "alice")
        alice.goto(f"{server.url}/staff/nominations/{ROUND}/u/town/")
        post_ok(alice, "#approve", log)  # no reason: refused, with why
        assert "基层一线比例不足" in alice.inner_text(".messages .error")
        alice.fill("#decide-form #id_reason", "李四同志长期在村一线工作，经研究同意推荐")
        post_ok(alice, "#approve", log)
        _no_error(alice)
        alice.screenshot(path=artifacts / "nominations-approved-list.png", full_page=True)
        alice.goto(f"{server.url}/staff/nominations/{ROUND}/")
        post_ok(alice, "#publish", log)
        _no_error(alice)
        row = alice.inner_text("#slate-town")
        assert "经研究同意推荐" in row and "某某镇 → 某县人社局 → 市人力资源和社会保障局" in row
        assert alice.locator("#notice-period").count() == 1
        with alice.expect_download() as download:
            alice.click("#xlsx")
        xlsx = tmp_path / "名单.xlsx"
        download.value.save_as(xlsx)
        sheet = openpyxl.load_workbook(xlsx)["推荐名单"]
        assert [sheet["B2"].value, sheet["B3"].value] == ["张三", "李四"]
        alice.screenshot(path=artifacts / "nominations-office.png", full_page=True)

        phone = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 740})
        reader = phone.new_page()
        reader.goto(f"{server.url}/nominations/{ROUND}/")
        assert "张三" in reader.inner_text("#nominees") and "李四" in reader.inner_text("#nominees")
        assert reader.evaluate("document.documentElement.scrollWidth") <= 360
        assert english_left(reader.content(), WORDS) == []
        reader.screenshot(path=artifacts / "nominations-notice-360.png", full_page=True)
        reader.select_option("#id_nominee", label="李四（某某镇人民政府）")
        reader.fill("#id_text", "李四同志任镇长，不属于基层一线")
        post_ok(reader, "#opinion-form button[type=submit]", log)
        code = reader.inner_text("#tracking").strip()
        assert len(code.replace("-", "")) == 12
        assert reader.evaluate("document.documentElement.scrollWidth") <= 360
        assert english_left(reader.content(), WORDS) == []
        reader.screenshot(path=artifacts / "nominations-notice-filed-360.png", full_page=True)

        erin.goto(f"{server.url}/staff/nominations/{ROUND}/")
        assert "不属于基层一线" in erin.inner_text("#opinions")
        _no_error(erin)
        erin.fill(".answer-form textarea", "经核实，李四同志长期驻村工作，已在批准理由中说明")
        post_ok(erin, ".answer-form button[type=submit]", log)
        _no_error(erin)
        assert "已答复" in erin.inner_text("#opinions")
        erin.screenshot(path=artifacts / "nominations-opinion-answered.png", full_page=True)
        assert erin_traffic.errors == []

        reader.click("#track-link")
        reader.fill("#id_code", code)
        post_ok(reader, "#track-form button[type=submit]", log)
        assert "长期驻村工作" in reader.inner_text("#answer")
        assert "已答复" in reader.inner_text("#opinion-status")
        assert reader.evaluate("document.documentElement.scrollWidth") <= 360
        assert english_left(reader.content(), WORDS) == []
        reader.screenshot(path=artifacts / "nominations-answer-read-360.png", full_page=True)
