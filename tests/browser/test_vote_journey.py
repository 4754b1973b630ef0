"""The whole online round in a real browser, against a real gunicorn on the test database.

Staff sign in, create a campaign from a units CSV, open it and download a batch of tokens; an
evaluator on a phone opens the QR link, marks some units, reviews and submits; staff close the
campaign and find the ballot in the results; the receipt page finds the receipt. Along the way:
the token goes only in a POST body (R11), every request stays on the server (R22), the ballot
page is light, and nothing is written to the console (a CSP violation would be).

The browsers send Accept-Language zh-CN, as the evaluators' phones do, so the pages come in
Chinese whatever the server's default. Selectors use ids, names and CSS, never wording: the
catalogs may lag behind the templates.
"""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.request
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, BrowserContext, FilePayload, Page, ViewportSize

from pingyi.accounts.models import Membership, Organization, Role
from pingyi.voting import codes
from tests.browser.conftest import Fetch, Traffic, Wire, chromium, post_ok
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
# The phone marks these; the seven others stay blank. 弃权 is marked on purpose: not a blank.
PHONE_MARKS = {"L1": "satisfied", "L3": "abstain", "V1": "basically_satisfied"}
PHONE_MARKS |= {"F2": "dissatisfied"}
BLANK = len(UNIT_CODES) - len(PHONE_MARKS)
# Seven more ballots, all 基本满意, through the API: with the phone's, the eight valid ballots
# below which the results page shows no figure at all (min_subset_ballots).
OTHERS = 7
PHONE: ViewportSize = {"width": 360, "height": 740}
FIRST_LOAD_BYTES, FIRST_LOAD_REQUESTS = 100_000, 5
MIN_TAP_HEIGHT = 40  # CSS px; the marks are the page's tap targets (guidelines: 44 to 48)


def _phone(browser: Browser) -> BrowserContext:
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2, locale="zh-CN"
    )
    context.set_default_timeout(15_000)
    return context


def _log(server: LiveServer) -> Path:
    return server.home / "server.log"


def _sign_in(page: Page, server: LiveServer) -> None:
    page.goto(f"{server.url}/accounts/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    post_ok(page, "main form button[type=submit]", _log(server))
    page.wait_for_url(f"{server.url}/staff/")


def _create_campaign(page: Page, server: LiveServer, organization: Organization) -> str:
    """Fills /staff/new, follows the job that reads the units file, and returns the new
    campaign's code, from the page the job's page leads to."""
    page.goto(f"{server.url}/staff/new")
    page.select_option("#id_organization", str(organization.pk))
    page.fill("#id_year", "2026")
    page.fill("#id_name", "2026年千人评议")
    units: FilePayload = {"name": "units.csv", "mimeType": "text/csv", "buffer": UNITS_CSV.encode()}
    page.set_input_files("#id_units", units)
    post_ok(page, "main form button.primary", _log(server))
    page.wait_for_url(re.compile(r"/staff/jobs/[\w-]+/$"))
    page.click("#job-campaign", timeout=60_000)  # shown once the worker has done the job
    page.wait_for_url(re.compile(r"/staff/c/[\w-]+/$"))
    return urlsplit(page.url).path.split("/")[-2]


def _issue_tokens(page: Page, count: int) -> list[str]:
    """Issues a batch for 服务对象; returns the `link` column of the CSV in the ZIP that the
    job's page offers once the worker has drawn the sheets."""
    page.select_option("#id_group", label="服务对象")
    page.fill("#id_count", str(count))
    page.click("#tokens-form button[type=submit]")
    page.wait_for_selector("#job-download", timeout=120_000)
    with page.expect_download() as download:
        page.click("#job-download")
    assert download.value.suggested_filename.endswith(".zip")
    with zipfile.ZipFile(download.value.path()) as archive:
        (name,) = (n for n in archive.namelist() if n.endswith(".csv"))
        text = archive.read(name).decode("utf-8-sig")
    return [row["link"] for row in csv.DictReader(io.StringIO(text))]


def _cast_through_the_api(base: str, token: str) -> None:
    body = {"token": token, "marks": dict.fromkeys(UNIT_CODES, "basically_satisfied")}
    request = urllib.request.Request(
        f"{base}/api/ballots",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201


def _open_the_qr_link(page: Page, link: str) -> list[Fetch]:
    """Opens the link as a phone's camera app would; returns what loading the ballot fetched.

    The start page's script posts the code as soon as it runs: wait for the ballot, not for
    the start page's load event, which that navigation cuts short.
    """
    wire = Wire(page)
    page.goto(link, wait_until="commit")
    page.wait_for_selector("form#ballot")
    page.wait_for_load_state("networkidle")
    return wire.network()


def _check_the_phone_layout(page: Page) -> None:
    """Nothing wider than the screen; four mark buttons a row, each big enough to tap; the
    review button on screen before any scrolling although the ballot is longer (sticky)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollHeight") > PHONE["height"]
    for unit in UNIT_CODES:
        boxes = [
            page.locator(f'label:has(input[name="m_{unit}"][value="{mark}"])').bounding_box()
            for mark in MARK_CODES
        ]
        present = [b for b in boxes if b is not None]
        assert len(present) == len(MARK_CODES)
        assert len({round(b["y"]) for b in present}) == 1, f"{unit}: the marks wrap"
        assert all(b["x"] >= 0 and b["x"] + b["width"] <= PHONE["width"] for b in present)
        assert all(b["height"] >= MIN_TAP_HEIGHT for b in present), f"{unit}: too small to tap"
    review = page.locator("#ballot .sticky button.primary").bounding_box()
    assert review is not None and review["y"] + review["height"] <= PHONE["height"]


def _mentions(text: str, number: int) -> bool:
    """Whether ``text`` states ``number``, in any language: not \\b, which finds no boundary
    between 7 and 个 (both are word characters)."""
    return re.search(rf"(?<!\d){number}(?!\d)", text) is not None


def _vote(page: Page, server: LiveServer, artifacts: Path) -> str:
    """Marks PHONE_MARKS, reviews, submits; returns the receipt code."""
    _check_the_phone_layout(page)
    for unit, mark in PHONE_MARKS.items():
        page.click(f'label:has(input[name="m_{unit}"][value="{mark}"])')
        assert page.is_checked(f'input[name="m_{unit}"][value="{mark}"]')
    assert _mentions(page.inner_text("#left"), BLANK)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=artifacts / "ballot-phone-screen.png")  # what the phone shows first
    # The whole ballot, with the sticky bar back in the flow: else the capture paints it over
    # the units at the first screen's bottom edge. (Through the CSSOM: the page's CSP refuses
    # the style sheet that screenshot(style=…) would add.)
    bar = page.locator("#ballot .sticky")
    bar.evaluate("bar => { bar.style.position = 'static'; }")
    page.screenshot(path=artifacts / "ballot-phone.png", full_page=True)
    bar.evaluate("bar => { bar.style.position = ''; }")
    post_ok(page, "#ballot .sticky button.primary", _log(server))
    page.wait_for_url("**/v/review")
    warning = page.inner_text("main p.warn")
    assert _mentions(warning, BLANK), warning
    assert page.locator("table.review td em").count() == BLANK
    page.screenshot(path=artifacts / "review-phone.png", full_page=True)
    post_ok(page, "form.actions button.primary", _log(server))
    page.wait_for_url("**/v/done")
    page.screenshot(path=artifacts / "receipt-phone.png", full_page=True)
    return page.inner_text("#receipt").strip()


def _counts(page: Page, unit_name: str) -> list[int]:
    """The unit's counts in the results table: one per mark, in the scheme's order."""
    row = page.locator(f'table.results tr:has(td:text-is("{unit_name}"))')
    cells = row.locator("td").all_inner_texts()  # rank, unit, the marks' counts, …
    return [int(n) for n in cells[2 : 2 + len(MARK_CODES)]]


def _check_receipt(page: Page, server: LiveServer, campaign: str, receipt: str) -> str:
    """The class of the receipt page's answer: ok (counted) or warn (not found)."""
    page.goto(f"{server.url}/receipt/")
    page.select_option("#campaign", campaign)
    page.fill("#receipt", receipt)
    post_ok(page, "main form button[type=submit]", _log(server))
    return page.get_attribute("#result", "class") or ""


def _spellings(token: str) -> set[str]:
    plain = codes.normalise(token)
    return {token, plain, plain.lower(), codes.grouped(plain)}


def test_staff_run_a_round_and_an_evaluator_votes_on_a_phone(
    tmp_path: Path, artifacts: Path
) -> None:
    office = Organization.objects.create(code="office", name="评议办")
    alice = User.objects.create_user("alice", password=PASSWORD)
    Membership.objects.create(user=alice, organization=office, role=Role.STAFF)
    with live_server(tmp_path, workers=2) as server, chromium() as browser:
        base = server.url
        staff_context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
        staff_context.set_default_timeout(15_000)
        staff_traffic = Traffic.of(staff_context)
        staff = staff_context.new_page()
        _sign_in(staff, server)
        campaign = _create_campaign(staff, server, office)
        staff.click("#open-link")  # the confirmation page says what opening freezes
        assert "评议码" in staff.inner_text("#consequences")
        post_ok(staff, "#confirm", _log(server))
        links = _issue_tokens(staff, 1 + OTHERS)
        assert all(link.startswith(f"{base}/v/#") for link in links)
        tokens = [link.split("#", 1)[1] for link in links]

        phone_context = _phone(browser)
        phone_traffic = Traffic.of(phone_context)
        phone = phone_context.new_page()
        first_load = _open_the_qr_link(phone, links[0])
        assert urlsplit(phone.url).fragment == ""  # the script wiped the code from the address
        receipt = _vote(phone, server, artifacts)
        for token in tokens[1:]:
            _cast_through_the_api(base, token)

        staff.goto(f"{base}/staff/c/{campaign}/")
        staff.click("#close-link")
        assert "尚未使用" in staff.inner_text("#consequences")
        post_ok(staff, "#confirm", _log(server))
        staff.goto(f"{base}/staff/c/{campaign}/results")
        staff.screenshot(path=artifacts / "results.png", full_page=True)
        assert _counts(staff, "组织部") == [1, OTHERS, 0, 0]  # 满意 on the phone
        assert _counts(staff, "宣传部") == [0, OTHERS, 0, 1]  # blank on the phone: 弃权
        assert _counts(staff, "发展和改革委员会") == [0, OTHERS, 0, 1]
        assert _counts(staff, "国家税务总局某某市税务局") == [0, OTHERS + 1, 0, 0]
        assert _counts(staff, "工商银行某某分行") == [0, OTHERS, 1, 0]

        assert "ok" in _check_receipt(phone, server, campaign, receipt).split()
        forged = receipt[:-1] + ("2" if receipt[-1] != "2" else "3")
        assert "warn" in _check_receipt(phone, server, campaign, forged).split()

    print(f"\nballot page, first load: {len(first_load)} requests, ", end="")
    print(f"{sum(f.received for f in first_load)} bytes: {[f.url for f in first_load]}")
    assert len(first_load) < FIRST_LOAD_REQUESTS
    assert sum(f.received for f in first_load) < FIRST_LOAD_BYTES
    assert phone_traffic.hosts() | staff_traffic.hosts() == {"127.0.0.1"}
    server_log = _log(server).read_text()
    sent = [*phone_traffic.urls, *phone_traffic.referers, *staff_traffic.urls]
    assert len(phone_traffic.referers) > 0  # same-origin requests do carry one
    for spelling in {s for token in tokens for s in _spellings(token)}:
        assert not any(spelling in url for url in sent), spelling
        assert spelling not in server_log, spelling
    assert phone_traffic.errors == []
    assert staff_traffic.errors == []
