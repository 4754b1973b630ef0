"""Issue 12's journey: a county office runs a whole campaign in Chinese, in a real Chromium,
with no Django admin and no command line.

The office administrator adds a staff member; the staff member signs in with the one-time
password, downloads the units template, fills it with its Chinese headers and uploads it as a
GBK CSV (what Chinese Excel and WPS save), sets the six stages (the dates survive a second
save), opens the campaign after a confirmation, issues 2,000 codes as a job and downloads them;
a phone votes; the clerk imports paper ballots, closes, publishes, answers the objection a
citizen files from a phone, makes the result final once the notice period is over, and
downloads the official 通报. Screenshots of every step in test-artifacts/county/.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.db import connection
from playwright.sync_api import FilePayload, Page
from pypdf import PdfReader

from pingyi.accounts.models import Membership, Organization, Role
from pingyi.campaigns.models import StageKind
from pingyi.notices.models import Notice
from tests.browser.conftest import Traffic, chromium, post_ok
from tests.browser.test_vote_journey import _open_the_qr_link, _phone, _vote
from tests.live import LiveServer, live_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ADMIN_PASSWORD = "admin-password-2026"
UNITS = [
    ("L1", "组织部", "地方管理部门", "否"),
    ("L2", "宣传部", "地方管理部门", "否"),
    ("L3", "发展和改革委员会", "地方管理部门", "否"),
    ("L4", "人力资源和社会保障局", "地方管理部门", "否"),
    ("L5", "住房和城乡建设局", "地方管理部门", "否"),
    ("V1", "国家税务总局某某市税务局", "垂直管理部门", "否"),
    ("V2", "某某海关", "垂直管理部门", "否"),
    ("V3", "气象局", "垂直管理部门", "否"),
    ("F1", "中国人民银行某某市分行", "金融部门", "是"),
    ("F2", "工商银行某某分行", "金融部门", "否"),
    ("F3", "农业银行某某分行", "金融部门", "否"),
]
PAPER = 12  # paper ballots, all 满意 but F2 不满意


def _log(server: LiveServer) -> Path:
    return server.home / "server.log"


def _sign_in(page: Page, server: LiveServer, user: str, password: str) -> None:
    page.goto(f"{server.url}/accounts/login/")
    page.fill("#id_username", user)
    page.fill("#id_password", password)
    post_ok(page, "main form button[type=submit]", _log(server))


def _units_file(template: bytes) -> bytes:
    """The template's Chinese headers, the units below them, saved as a GBK CSV."""
    sheet = openpyxl.load_workbook(io.BytesIO(template)).worksheets[0]
    headers = [str(c.value) for c in next(sheet.iter_rows(max_row=1)) if c.value]
    assert {"编码", "名称", "类别"} <= set(headers) or {"单位编码", "单位名称"} & set(headers)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers[:4])
    writer.writerows(UNITS)
    return out.getvalue().encode("gbk")


def _stages() -> dict[str, str]:
    start = dt.date(2027, 3, 1)
    dates: dict[str, str] = {}
    for i, kind in enumerate(StageKind):
        dates[f"id_{kind.value}_start"] = (start + dt.timedelta(days=40 * i)).isoformat()
        dates[f"id_{kind.value}_end"] = (start + dt.timedelta(days=40 * i + 30)).isoformat()
    return dates


def _in_thread(work: Callable[..., None], *args: object) -> None:
    """Runs database work beside the browser: Playwright's loop owns this thread, and Django
    refuses the ORM inside an event loop."""
    worker = threading.Thread(target=work, args=args)
    worker.start()
    worker.join()


def _notice_period_over(code: str) -> None:
    """The clock moves on: the notice opened a month ago and its period is over."""
    notice = Notice.objects.get(code=code)
    month = dt.timedelta(days=30)
    Notice.objects.filter(pk=notice.pk).update(
        opens_at=notice.opens_at - month, ends_at=notice.ends_at - month
    )
    connection.close()


def _job_done(page: Page, link: str) -> None:
    """On a job's page, waits for the worker, then follows the link it offers."""
    page.wait_for_url(re.compile(r"/staff/jobs/[\w-]+/$"))
    page.click(link, timeout=120_000)


def test_a_county_clerk_runs_a_campaign_in_chinese_from_excel_to_the_printed_notice(
    tmp_path: Path, artifacts: Path
) -> None:
    office = Organization.objects.create(code="county", name="某某县评议办")
    admin = User.objects.create_user("admin", password=ADMIN_PASSWORD)
    Membership.objects.create(user=admin, organization=office, role=Role.ADMIN)
    shots = artifacts / "county"
    shots.mkdir(exist_ok=True)
    with live_server(tmp_path, workers=2) as server, chromium() as browser:
        base, log = server.url, _log(server)
        desk = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        desk.set_default_timeout(30_000)
        desk_traffic = Traffic.of(desk)

        # 1. The administrator adds the clerk, from Pingyi's own pages.
        admin_page = desk.new_page()
        _sign_in(admin_page, server, "admin", ADMIN_PASSWORD)
        admin_page.click("nav >> text=人员与权限")
        admin_page.fill("#id_username", "clerk")
        admin_page.fill("#id_full_name", "李文书")
        admin_page.select_option("#id_role", label="工作人员")
        post_ok(admin_page, "#person-form button[type=submit]", log)
        password = admin_page.inner_text("code.password")
        admin_page.screenshot(path=shots / "01-clerk-added.png", full_page=True)
        admin_page.close()
        desk.clear_cookies()  # the admin leaves the desk; the clerk sits down

        # 2. The clerk signs in with the one-time password and must choose her own.
        page = desk.new_page()
        _sign_in(page, server, "clerk", password)
        assert page.url.endswith("/accounts/password/")
        page.fill("#id_old_password", password)
        page.fill("#id_new_password1", "clerk-own-password-2026")
        page.fill("#id_new_password2", "clerk-own-password-2026")
        post_ok(page, "#password-form button[type=submit]", log)
        assert page.url.endswith("/staff/")
        page.screenshot(path=shots / "02-signed-in.png", full_page=True)

        # 3. The units template, filled with its Chinese headers, uploaded as a GBK CSV.
        page.goto(f"{base}/staff/new")
        with page.expect_download() as download:
            page.click("#units-template")
        units = _units_file(Path(download.value.path()).read_bytes())
        page.select_option("#id_organization", str(office.pk))
        page.fill("#id_year", "2027")
        page.fill("#id_name", "2027年千人评议")
        upload: FilePayload = {"name": "被评单位.csv", "mimeType": "text/csv", "buffer": units}
        page.set_input_files("#id_units", upload)
        page.screenshot(path=shots / "03-new-campaign.png", full_page=True)
        post_ok(page, "main form button.primary", log)
        _job_done(page, "#job-campaign")
        page.wait_for_url(re.compile(r"/staff/c/[\w-]+/$"))
        campaign = urlsplit(page.url).path.split("/")[-2]
        assert "工商银行某某分行" in page.content()  # in the draft's editable unit rows

        # 4. The six stages; the dates survive a reload and a second save.
        dates = _stages()
        for field, value in dates.items():
            page.fill(f"#{field}", value)
        post_ok(page, "#stages-form button[type=submit]", log)
        post_ok(page, "#stages-form button[type=submit]", log)
        page.reload()
        assert {f: page.input_value(f"#{f}") for f in dates} == dates
        page.screenshot(path=shots / "04-stages.png", full_page=True)

        # 5. Opened after a confirmation that says what freezes.
        page.click("#open-link")
        assert "不可撤销" in page.inner_text("#consequences") or page.locator("#confirm").count()
        page.screenshot(path=shots / "05-open-confirm.png", full_page=True)
        post_ok(page, "#confirm", log)

        # 6. 2,000 codes as a job; the ZIP downloaded once.
        page.select_option("#id_group", label="服务对象")
        page.fill("#id_count", "2000")
        page.click("#tokens-form button[type=submit]")
        page.wait_for_selector("#job-download", timeout=180_000)
        page.screenshot(path=shots / "06-codes.png", full_page=True)
        with page.expect_download() as download:
            page.click("#job-download")
        with zipfile.ZipFile(download.value.path()) as archive:
            name = next(n for n in archive.namelist() if n.endswith(".csv"))
            links = [r["link"] for r in csv.DictReader(io.StringIO(
                archive.read(name).decode("utf-8-sig")))]  # fmt: skip
        assert len(links) == 2000

        # 7. A phone votes.
        phone_context = _phone(browser)
        phone_traffic = Traffic.of(phone_context)
        phone = phone_context.new_page()
        _open_the_qr_link(phone, links[0])
        receipt = _vote(phone, server, shots)
        assert receipt

        # 8. Paper ballots imported from the clerk's file.
        page.goto(f"{base}/staff/c/{campaign}/")
        codes = [u[0] for u in UNITS]
        rows = ["票号,评议代表类别," + ",".join(codes)]
        for i in range(1, PAPER + 1):
            marks = ["不满意" if c == "F2" else "满意" for c in codes]
            rows.append(f"P{i},服务对象," + ",".join(marks))
        paper: FilePayload = {
            "name": "纸质评议表.csv",
            "mimeType": "text/csv",
            "buffer": ("\r\n".join(rows) + "\r\n").encode("gbk"),
        }
        page.set_input_files("#paper-form input[type=file]", paper)
        post_ok(page, "#paper-form button[type=submit]", log)
        page.wait_for_url(re.compile(r"/staff/jobs/[\w-]+/$"))
        page.wait_for_selector("#job[data-finished='1']", timeout=120_000)
        page.screenshot(path=shots / "08-paper.png", full_page=True)

        # 9. Closed after a confirmation naming the unused codes.
        page.goto(f"{base}/staff/c/{campaign}/")
        page.click("#close-link")
        assert "1999" in page.inner_text("#consequences")
        page.screenshot(path=shots / "09-close-confirm.png", full_page=True)
        post_ok(page, "#confirm", log)
        page.goto(f"{base}/staff/c/{campaign}/results")
        page.screenshot(path=shots / "09-results.png", full_page=True)

        # 10. Published after a confirmation.
        page.goto(f"{base}/staff/notices/")
        page.click("#to-publish form button")
        page.screenshot(path=shots / "10-publish-confirm.png", full_page=True)
        post_ok(page, "#confirm", log)
        page.wait_for_url(re.compile(r"/staff/notices/[\w-]+/$"))
        notice = urlsplit(page.url).path.split("/")[-2]

        # 11. A citizen objects from a phone; the clerk answers.
        phone.goto(f"{base}/notice/{notice}/")
        phone.select_option("#id_unit", "F2")
        phone.fill("#id_text", "我对工商银行某某分行的结果有异议。")
        post_ok(phone, "#objection-form button[type=submit]", log)
        tracking = phone.inner_text("#tracking").strip()
        phone.screenshot(path=shots / "11-objection-phone.png", full_page=True)
        page.goto(f"{base}/staff/notices/{notice}/")
        page.click("#objections a")
        page.fill("#id_answer", "经核实，评议结果无误。")
        post_ok(page, "#answer-form button[type=submit]", log)
        page.screenshot(path=shots / "11-answered.png", full_page=True)
        phone.goto(f"{base}/notice/track")
        phone.fill("#id_code", tracking)
        post_ok(phone, "#track-form button[type=submit]", log)
        assert "评议结果无误" in phone.inner_text("#answer")

        # 12. The notice period over (the clock moved on), the result made final.
        _in_thread(_notice_period_over, notice)
        page.goto(f"{base}/staff/notices/{notice}/")
        page.click("#finalize")
        page.screenshot(path=shots / "12-final-confirm.png", full_page=True)
        post_ok(page, "#confirm", log)

        # 13. The official 通报, as a PDF with Chinese text.
        page.goto(f"{base}/notice/{notice}/")
        with page.expect_download() as download:
            page.click("a[href$='.pdf']")
        text = "".join(p.extract_text() for p in PdfReader(download.value.path()).pages)
        assert "通报" in text and "工商银行某某分行" in text
        page.screenshot(path=shots / "13-final-notice.png", full_page=True)

        assert desk_traffic.errors == [] and phone_traffic.errors == []
        assert desk_traffic.hosts() | phone_traffic.hosts() == {"127.0.0.1"}
