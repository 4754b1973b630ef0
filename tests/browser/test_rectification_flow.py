"""P4 in a real browser: the owner of a last-place unit updates its rectification item with
an evidence file; a member of the unit reads the plan without any form; the supervising
office approves the close-out (销号).

Selectors use ids, names and CSS classes, never wording.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Browser, FilePayload, Page

from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Membership, Role
from pingyi.notices.services import notice_finalize, notice_publish
from pingyi.rectification.models import Evidence, Item, Plan, UnitAccess, UnitRole
from pingyi.rectification.services import item_add
from tests.browser.conftest import Traffic, chromium, post_ok
from tests.live import live_server
from tests.notices.conftest import AS_STAFF, closed_campaign

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PASSWORD = "ledger-password-2026"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _sign_in(browser: Browser, base: str, name: str, log: Path) -> Page:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", name)
    page.fill("#id_password", PASSWORD)
    post_ok(page, "main form button[type=submit]", log)
    return page


def test_the_owner_updates_with_evidence_and_the_supervisor_closes_out(
    tmp_path: Path, artifacts: Path
) -> None:
    past = timezone.now() - dt.timedelta(days=10)
    notice = notice_publish(campaign=closed_campaign(tmp_path), actor=AS_STAFF, now=past)
    notice_finalize(notice=notice, actor=AS_STAFF)
    office = notice.organization
    plan = Plan.objects.get(notice=notice, unit_code="L7")
    for name, role in (("olga", UnitRole.OWNER), ("mike", UnitRole.MEMBER)):
        user = User.objects.create_user(name, password=PASSWORD)
        UnitAccess.objects.create(
            user=user, organization=office, series=plan.series, unit_code="L7", role=role
        )
    alice = User.objects.create_user("alice", password=PASSWORD)
    Membership.objects.create(user=alice, organization=office, role=Role.STAFF)
    item = item_add(
        plan=plan, description="办事窗口排队时间长", measures="增设窗口，推行网上预约",
        target="平均等候时间降到15分钟以内", owner="王科长",
        deadline=timezone.localdate() + dt.timedelta(days=30), actor=Actor.of(alice),
    )  # fmt: skip
    report: FilePayload = {"name": "整改报告.pdf", "mimeType": "application/pdf", "buffer": PDF}

    with live_server(tmp_path, workers=2) as server, chromium() as browser:
        base, log = server.url, tmp_path / "server.log"
        url = f"{base}/staff/ledger/plans/{plan.pk}/"
        owner = _sign_in(browser, base, "olga", log)
        traffic = Traffic.of(owner.context)
        owner.goto(f"{base}/staff/ledger/")
        owner.click(f'#plans a[href="/staff/ledger/plans/{plan.pk}/"]')
        form = "#item-1 form.progress-form"
        owner.fill(f"{form} #id_text", "已增设两个窗口")
        owner.select_option(f"{form} #id_status", "in_progress")
        post_ok(owner, f"{form} button[type=submit]", log)
        owner.fill(f"{form} #id_text", "网上预约上线，附整改报告")
        owner.select_option(f"{form} #id_status", "done")
        owner.set_input_files(f"{form} #id_evidence", report)
        post_ok(owner, f"{form} button[type=submit]", log)
        assert owner.locator("#item-1 a.evidence").count() == 1
        assert owner.locator("#item-1 form.close-out-form").count() == 0
        owner.screenshot(path=artifacts / "ledger-owner.png", full_page=True)

        member = _sign_in(browser, base, "mike", log)
        member.goto(url)
        assert member.locator("#read-only").count() == 1
        assert member.locator("main form").count() == 0
        with member.expect_download() as download:
            member.click("#item-1 a.evidence")
        assert Path(download.value.path()).read_bytes() == PDF
        member.screenshot(path=artifacts / "ledger-member-read-only.png", full_page=True)

        supervisor = _sign_in(browser, base, "alice", log)
        supervisor.goto(url)
        supervisor.fill("#item-1 form.close-out-form #id_note", "现场核查，整改到位")
        post_ok(supervisor, "#item-1 form.close-out-form button[type=submit]", log)
        assert supervisor.locator("#item-1 form").count() == 0
        supervisor.screenshot(path=artifacts / "ledger-closed-out.png", full_page=True)

    item.refresh_from_db()
    assert (item.status, item.closed_out_by) == ("closed_out", "alice")
    assert Evidence.objects.get().original_name == "整改报告.pdf"
    assert list(item.notes.values_list("author", flat=True)) == ["olga", "olga", "alice"]
    assert Item.objects.count() == 1 and traffic.errors == []
