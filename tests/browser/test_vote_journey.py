"""The whole online round in a real browser, against a real gunicorn on the test database.

Staff sign in, create a campaign from a units CSV, open it and download a batch of tokens; an
evaluator on a phone opens the QR link, marks some units, reviews and submits; staff close the
campaign and find the ballot in the results; the receipt page finds the receipt. Along the way:
the token goes only in a POST body (R11), every request stays on the server (R22), the ballot
page is light, and no console error (a CSP violation included) is raised.

The browsers send Accept-Language zh-CN, as the evaluators' phones do, so the pages come in
Chinese whatever the server's default; selectors use ids, names and CSS, never wording.
"""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.request
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, BrowserContext, Page

from pingyi.accounts.models import Membership, Role
from pingyi.campaigns.models import Organization
from tests.browser.conftest import Traffic, chromium
from tests.live import LiveServer, live_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PASSWORD = "alice-password-2026"
UNITS_CSV = """code,name,category,veto
L1,组织部,地方管理部门,否
L2,宣传部,地方管理部门,否
L3,发展和改革委员会,地方管理部门,否
L4,人力资源和社会保障局,地方管理部门,否
L5,住房和城乡建设局,地方管理部门,否
V1,国家税务总局某某市税务局,垂直管理部门,否
V2,某某海关,垂直管理部门,否
V3,气象局,垂直管理部门,否
F1,中国人民银行某某市分行,金融部门,是
F2,工商银行某某分行,金融部门,否
F3,农业银行某某分行,金融部门,否
"""
UNIT_CODES = re.findall(r"^([LVF]\d),", UNITS_CSV, flags=re.MULTILINE)
MARK_CODES = ("satisfied", "basically_satisfied", "dissatisfied", "abstain")
# What the evaluator in the browser marks; the other units stay blank (and count as 弃权).
BROWSER_MARKS = {"L1": "satisfied", "V1": "basically_satisfied", "F2": "dissatisfied"}
BROWSER_MARKS |= {"L3": "abstain"}  # marked 弃权 on purpose: not a blank
OTHER_BALLOTS = 7  # with the browser's, 8: the least the results page shows figures for
PHONE = {"width": 360, "height": 740}
FIRST_LOAD_BYTES, FIRST_LOAD_REQUESTS = 100_000, 5


def _staff(organization: Organization) -> User:
    alice = User.objects.create_user("alice", password=PASSWORD)
    Membership.objects.create(user=alice, organization=organization, role=Role.STAFF)
    return alice


def _sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/staff/")


def _create_campaign(page: Page, base: str, organization: Organization) -> str:
    page.goto(f"{base}/staff/new")
    page.select_option("#id_organization", str(organization.pk))
    page.fill("#id_year", "2026")
    page.fill("#id_name", "2026年千人评议")
    page.set_input_files(
        "#id_units",
        {"name": "units.csv", "mimeType": "text/csv", "buffer": UNITS_CSV.encode()},
    )
    page.click("main form button.primary")
    page.wait_for_url(re.compile(r"/staff/c/[\w-]+/$"))
    found = re.search(r"/staff/c/([\w-]+)/$", page.url)
    assert found is not None
    return found.group(1)


def _issue_tokens(page: Page, count: int) -> list[str]:
    """Issues a batch for the first group; returns the `link` column of the ZIP's CSV."""
    page.select_option("#id_group", label="服务对象")
    page.fill("#id_count", str(count))
    with page.expect_download() as info:
        page.click("#tokens-form button[type=submit]")
    download = info.value
    assert download.suggested_filename.endswith(".zip")
    with zipfile.ZipFile(download.path()) as archive:
        (name,) = (n for n in archive.namelist() if n.endswith(".csv"))
        text = archive.read(name).decode("utf-8-sig")
    return [row["link"] for row in csv.DictReader(io.StringIO(text))]


def _cast_through_the_api(base: str, code: str) -> None:
    """Another evaluator's ballot, cast through the JSON API: every unit 基本满意."""
    body = {"token": code, "marks": dict.fromkeys(UNIT_CODES, "basically_satisfied")}
    request = urllib.request.Request(
        f"{base}/api/ballots",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200


def _phone(browser: Browser) -> BrowserContext:
    return browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2, locale="zh-CN"
    )


def _open_the_qr_link(page: Page, link: str) -> None:
    # The start page's script posts the code as soon as it runs: wait for the ballot, not
    # for the start page's load event, which a navigation may cut short.
    page.goto(link, wait_until="commit")
    page.wait_for_selector("form#ballot")
    page.wait_for_load_state("networkidle")


def _check_the_phone_layout(page: Page) -> None:
    """Four mark buttons a row within 360 px, and the review button on screen before any
    scrolling although the ballot is longer than the screen (it is sticky)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollHeight") > PHONE["height"]
    for unit in UNIT_CODES:
        boxes = [
            page.locator(f'label:has(input[name="m_{unit}"][value="{mark}"])').bounding_box()
            for mark in MARK_CODES
        ]
        assert all(b is not None for b in boxes)
        tops = {round(b["y"]) for b in boxes if b}
        assert len(tops) == 1, f"{unit}'s marks wrap onto {len(tops)} rows"
        assert all(b["x"] >= 0 and b["x"] + b["width"] <= PHONE["width"] for b in boxes if b)
        assert all(b["height"] >= 32 for b in boxes if b), f"{unit}'s marks are hard to tap"
    review = page.locator("#ballot button[type=submit]").bounding_box()
    assert review is not None and review["y"] + review["height"] <= PHONE["height"]


def _vote(page: Page, artifacts: Path) -> str:
    """Marks BROWSER_MARKS, reviews, submits; returns the receipt code."""
    _check_the_phone_layout(page)
    for unit, mark in BROWSER_MARKS.items():
        page.click(f'label:has(input[name="m_{unit}"][value="{mark}"])')
        assert page.is_checked(f'input[name="m_{unit}"][value="{mark}"]')
    blank = len(UNIT_CODES) - len(BROWSER_MARKS)
    assert re.search(rf"\b{blank}\b", page.inner_text("#left"))
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=artifacts / "ballot-phone.png", full_page=True)
    page.click("#ballot button[type=submit]")
    page.wait_for_url("**/v/review")
    warning = page.inner_text("main p.warn")
    assert re.search(rf"\b{blank}\b", warning), warning
    assert page.locator("table.review td em").count() == blank
    page.screenshot(path=artifacts / "review-phone.png", full_page=True)
    page.click("form.actions button.primary")
    page.wait_for_url("**/v/submit")
    page.screenshot(path=artifacts / "receipt-phone.png", full_page=True)
    return page.inner_text("#receipt").strip()


def _counts(page: Page, unit_name: str) -> list[int]:
    """A unit's row of the results table: one count per mark, in the scheme's order."""
    cells = page.locator(f'table.results tr:has(td:text-is("{unit_name}")) td').all_inner_texts()
    return [int(cells[2 + i]) for i in range(len(MARK_CODES))]


def _check_receipt(page: Page, base: str, campaign: str, receipt: str) -> str:
    page.goto(f"{base}/receipt/")
    page.select_option("#campaign", campaign)
    page.fill("#receipt", receipt)
    page.click("main form button[type=submit]")
    page.wait_for_selector("#result")
    return page.get_attribute("#result", "class") or ""


def _first_load(traffic: Traffic) -> tuple[int, int]:
    sizes = [r.sizes()["responseBodySize"] for r in traffic.requests]
    return len(sizes), sum(sizes)


def test_staff_run_a_round_and_an_evaluator_votes_on_a_phone(
    tmp_path: Path, artifacts: Path
) -> None:
    organization = Organization.objects.create(code="office", name="评议办")
    _staff(organization)
    with live_server(tmp_path, workers=2) as server, chromium() as browser:
        staff_context = browser.new_context(locale="zh-CN", accept_downloads=True)
        staff_traffic = Traffic.of(staff_context)
        staff = staff_context.new_page()
        _sign_in(staff, server.url)
        code = _create_campaign(staff, server.url, organization)
        staff.click('button[name="to"][value="open"]')
        staff.wait_for_selector("#tokens-form")
        links = _issue_tokens(staff, 1 + OTHER_BALLOTS)
        assert all(link.startswith(f"{server.url}/v/#") for link in links)
        tokens = [link.split("#", 1)[1] for link in links]

        phone_context = _phone(browser)
        phone_traffic = Traffic.of(phone_context)
        phone = phone_context.new_page()
        _open_the_qr_link(phone, links[0])
        first_load = _first_load(phone_traffic)
        assert tokens[0] not in phone.url
        receipt = _vote(phone, artifacts)
        for token in tokens[1:]:
            _cast_through_the_api(server.url, token)

        staff.goto(f"{server.url}/staff/c/{code}/")
        staff.click('button[name="to"][value="close"]')
        staff.goto(f"{server.url}/staff/c/{code}/results")
        staff.wait_for_selector("table.results")
        staff.screenshot(path=artifacts / "results.png", full_page=True)
        results = {u: _counts(staff, u) for u in ("组织部", "宣传部", "国家税务总局某某市税务局")}
        counted = _check_receipt(phone, server.url, code, receipt)
        wrong = receipt[:-1] + ("2" if receipt[-1] != "2" else "3")
        not_found = _check_receipt(phone, server.url, code, wrong)
        phone_context.close()
        staff_context.close()
    log = (tmp_path / "server.log").read_text()

    _report(first_load, phone_traffic)
    assert results == {
        "组织部": [1, OTHER_BALLOTS, 0, 0],  # 满意 from the phone
        "宣传部": [0, OTHER_BALLOTS, 0, 1],  # left blank on the phone: counted as 弃权
        "国家税务总局某某市税务局": [0, OTHER_BALLOTS + 1, 0, 0],
    }
    assert "ok" in counted.split() and "warn" in not_found.split()
    requests, size = first_load
    assert requests < FIRST_LOAD_REQUESTS, [r.url for r in phone_traffic.requests]
    assert size < FIRST_LOAD_BYTES
    assert phone_traffic.hosts() | staff_traffic.hosts() == {"127.0.0.1"}
    for url in phone_traffic.sent_urls() + staff_traffic.sent_urls():
        assert not any(t in url for t in tokens), url
    assert not any(t in log for t in tokens)
    assert phone_traffic.errors == [] and staff_traffic.errors == []


def _report(first_load: tuple[int, int], traffic: Traffic) -> None:
    print(f"first load: {first_load[0]} requests, {first_load[1]} bytes")
    for r in traffic.requests:
        print(r.method, r.url, r.sizes() if r.response() else None)


def _unused(server: LiveServer) -> None: ...
