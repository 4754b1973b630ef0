"""R27 in a real Chromium, in Chinese: the clerk issues 20,000 codes (the largest batch; 2,000
take about a second now, too short to watch), watches the progress bar move without the page
reloading, downloads the ZIP once, then withdraws the batch after a confirmation page that says
how many codes will be voided. Screenshots in test-artifacts/.

The page's script is Pingyi's own static file (CSP without unsafe-inline): a CSP violation
would be a console error, and the test fails on any.
"""

from __future__ import annotations

import csv
import io
import time
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page

from pingyi.accounts.models import Membership, Role
from pingyi.voting.selectors import collection_status
from tests.browser.conftest import Traffic, chromium, post_ok
from tests.cast import make_campaign
from tests.live import live_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
PASSWORD = "clerk-password-2026"
PUBLIC = "http://192.0.2.10:8000"
COUNT = 20000  # voting.services.MAX_BATCH


def _sign_in(page: Page, base: str, log: Path) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "clerk")
    page.fill("#id_password", PASSWORD)
    post_ok(page, "main form button[type=submit]", log)


def _issue(page: Page, count: int) -> None:
    page.select_option("#id_group", label="服务对象")
    page.fill("#id_count", str(count))
    page.click("#tokens-form button[type=submit]")
    page.wait_for_url("**/staff/jobs/*/")


def _progress_past(page: Page, percent: int) -> tuple[int, bool, str]:
    """The bar's value once past ``percent``, read as a person would see it (the page's CSP
    forbids the evaluated strings of Playwright's wait_for_function), with, read in the same
    instant, whether the page is still the one first loaded and the step it names: a fast
    machine may finish the job, and reload the page, a moment later."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        value, same, step = page.evaluate(
            "() => [document.getElementById('job-progress').value,"
            " window.pingyiSamePage === true,"
            " document.getElementById('job-step').textContent]"
        )
        if int(value) > percent:
            return int(value), bool(same), str(step)
        page.wait_for_timeout(100)
    raise AssertionError(f"the progress bar stayed at or below {percent}%")


def test_a_clerk_issues_a_batch_of_codes_follows_the_job_and_withdraws_a_batch(
    tmp_path: Path, artifacts: Path
) -> None:
    campaign = make_campaign()
    office = campaign.series.organization
    clerk = User.objects.create_user("clerk", password=PASSWORD)
    Membership.objects.create(user=clerk, organization=office, role=Role.ADMIN)
    shots = artifacts / "jobs"
    shots.mkdir(exist_ok=True)
    with live_server(tmp_path, workers=2) as server, chromium() as browser:
        log = server.home / "server.log"
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(20_000)
        traffic = Traffic.of(context)
        page = context.new_page()
        _sign_in(page, server.url, log)
        page.goto(f"{server.url}/staff/c/{campaign.code}/")
        # No public address yet: the sheets would point to 127.0.0.1, which no phone reaches.
        warning = page.inner_text("#address-warning")
        assert "尚未设置公开地址" in warning and f"{server.url}/v/" in warning
        page.screenshot(path=shots / "0-warning.png", full_page=True)
        page.click("#address-warning a")
        page.fill("#id_public_url", PUBLIC)
        page.screenshot(path=shots / "0-office.png", full_page=True)
        post_ok(page, "#office-form button[type=submit]", log)
        assert "公开地址已保存" in page.inner_text(".messages")
        page.goto(f"{server.url}/staff/c/{campaign.code}/")
        assert page.locator("#address-warning").count() == 0
        assert f"{PUBLIC}/v/" in page.inner_text("#token-address")
        page.screenshot(path=shots / "1-campaign.png", full_page=True)

        _issue(page, COUNT)
        # A mark on this page's window: a reload would wipe it.
        page.evaluate("window.pingyiSamePage = true")
        seen, same_page, step = _progress_past(page, 10)
        page.screenshot(path=shots / "2-progress.png", full_page=True)
        assert same_page, (seen, step)  # the bar moved without a reload
        assert 10 < seen < 100
        assert "生成二维码评议码单" in step
        page.wait_for_selector("#job-download", timeout=300_000)  # the page reloads when done
        page.screenshot(path=shots / "3-done.png", full_page=True)
        assert "只能下载一次" in page.inner_text("#job-once")
        with page.expect_download() as download:
            page.click("#job-download")
        with zipfile.ZipFile(download.value.path()) as archive:
            name = next(n for n in archive.namelist() if n.endswith(".csv"))
            rows = list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
        assert len(rows) == COUNT
        assert all(row["link"].startswith(f"{PUBLIC}/v/#") for row in rows)
        # The server marks the file fetched after handing over its last byte, which the browser
        # may have saved a moment earlier: the page says so within a few reloads.
        for _ in range(50):
            page.reload()
            if page.locator("#job-fetched").count():
                break
            page.wait_for_timeout(200)
        assert page.locator("#job-download").count() == 0
        assert page.locator("#job-fetched").count() == 1
        page.screenshot(path=shots / "4-fetched.png", full_page=True)

        # Suppose these sheets were lost: the batch is withdrawn after a confirmation.
        page.goto(f"{server.url}/staff/c/{campaign.code}/")
        page.click("#batches a[href$='/withdraw']")
        page.wait_for_url("**/withdraw")
        assert f"本批次中 {COUNT} 个未使用的评议码将被作废。" in page.inner_text("#withdraw-count")
        page.screenshot(path=shots / "5-confirm.png", full_page=True)
        post_ok(page, "#withdraw-form button[type=submit]", log)
        assert f"{COUNT} 个未使用的评议码已作废" in page.inner_text(".messages")
        assert "已作废评议码" in page.inner_text("#collection")
        page.screenshot(path=shots / "6-withdrawn.png", full_page=True)
        assert traffic.errors == []
        assert traffic.hosts() == {"127.0.0.1"}
    counts = collection_status(campaign)
    assert (counts.tokens_issued, counts.tokens_withdrawn) == (0, COUNT)
