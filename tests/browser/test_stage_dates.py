"""The stage form in a real Chromium, in Chinese: the clerk sets the twelve dates, saves, sees
them again after a reload, saves once more and they are still there (zh-hans used to render
2027/12/01, which <input type=date> shows as empty, and the second save erased them)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page

from pingyi.accounts.models import Membership, Role
from pingyi.campaigns.models import StageKind
from tests.browser.conftest import Traffic, chromium, post_ok
from tests.cast import make_campaign
from tests.live import live_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
PASSWORD = "clerk-password-2026"


def _dates() -> dict[str, str]:
    start = dt.date(2027, 3, 1)
    dates: dict[str, str] = {}
    for i, kind in enumerate(StageKind):
        dates[f"id_{kind.value}_start"] = (start + dt.timedelta(days=40 * i)).isoformat()
        dates[f"id_{kind.value}_end"] = (start + dt.timedelta(days=40 * i + 30)).isoformat()
    return dates


def _shown(page: Page, ids: list[str]) -> dict[str, str]:
    return {i: page.input_value(f"#{i}") for i in ids}


def test_stage_dates_survive_a_reload_and_a_second_save_in_chinese(
    tmp_path: Path, artifacts: Path
) -> None:
    campaign = make_campaign(2027, open_it=False)
    clerk = User.objects.create_user("clerk", password=PASSWORD)
    Membership.objects.create(
        user=clerk, organization=campaign.series.organization, role=Role.STAFF
    )
    dates = _dates()
    shots = artifacts / "stages"
    shots.mkdir(exist_ok=True)
    with live_server(tmp_path, workers=1) as server, chromium() as browser:
        log = server.home / "server.log"
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(20_000)
        traffic = Traffic.of(context)
        page = context.new_page()
        page.goto(f"{server.url}/accounts/login/")
        page.fill("#id_username", "clerk")
        page.fill("#id_password", PASSWORD)
        post_ok(page, "main form button[type=submit]", log)
        page.goto(f"{server.url}/staff/c/{campaign.code}/")
        for field, value in dates.items():
            page.fill(f"#{field}", value)
        post_ok(page, "#stages-form button[type=submit]", log)
        assert "工作阶段已保存。" in page.inner_text("body")
        page.reload()
        assert _shown(page, list(dates)) == dates
        page.locator("#stages-form").screenshot(path=shots / "1-reloaded.png")
        post_ok(page, "#stages-form button[type=submit]", log)  # nothing touched
        assert "工作阶段已保存。" in page.inner_text("body")
        page.reload()
        assert _shown(page, list(dates)) == dates
        page.screenshot(path=shots / "2-saved-again.png", full_page=True)
        assert traffic.errors == []
    saved = {f"id_{s.kind}_start": s.starts_on.isoformat() for s in campaign.stages.all()}
    saved |= {f"id_{s.kind}_end": s.ends_on.isoformat() for s in campaign.stages.all()}
    assert saved == dates
