"""人员与权限 in a real Chromium, in Chinese, with no Django admin: the office administrator
adds a staff member, reads the one-time password off the page, and the new staff member
signs in with it, must choose their own password, and lands on their to-do list."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User

from pingyi.accounts.models import Membership, Role
from tests.browser.conftest import Traffic, chromium, post_ok
from tests.cast import make_campaign
from tests.live import live_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
ADMIN_PASSWORD = "admin-password-2026"
NEW_PASSWORD = "wang-own-pass-2026"


def test_an_admin_adds_a_staff_member_who_signs_in_and_sets_a_password(
    tmp_path: Path, artifacts: Path
) -> None:
    campaign = make_campaign(2027)
    office = campaign.series.organization
    admin = User.objects.create_user("ada", password=ADMIN_PASSWORD)
    Membership.objects.create(user=admin, organization=office, role=Role.ADMIN)
    shots = artifacts / "people"
    shots.mkdir(exist_ok=True)
    with live_server(tmp_path, workers=1) as server, chromium() as browser:
        log = server.home / "server.log"
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(20_000)
        traffic = Traffic.of(context)
        page = context.new_page()
        page.goto(f"{server.url}/accounts/login/")
        page.fill("#id_username", "ada")
        page.fill("#id_password", ADMIN_PASSWORD)
        post_ok(page, "main form button[type=submit]", log)
        page.click("nav >> text=人员与权限")
        assert page.inner_text("h1").startswith("人员与权限")
        page.fill("#id_username", "wang")
        page.fill("#id_full_name", "王小明")
        page.select_option("#id_role", label="工作人员")
        page.screenshot(path=shots / "1-add-form.png", full_page=True)
        post_ok(page, "#person-form button[type=submit]", log)
        assert "本页只显示一次" in page.inner_text("main")
        password = page.inner_text("code.password")
        page.screenshot(path=shots / "2-password-shown-once.png", full_page=True)
        page.goto(f"{server.url}/staff/people/")
        assert "王小明" in page.inner_text("#people") and "工作人员" in page.inner_text("#people")
        page.screenshot(path=shots / "3-people-list.png", full_page=True)

        person = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        person.set_default_timeout(20_000)
        person_traffic = Traffic.of(person)
        wang = person.new_page()
        wang.goto(f"{server.url}/accounts/login/")
        wang.fill("#id_username", "wang")
        wang.fill("#id_password", password)
        post_ok(wang, "main form button[type=submit]", log)
        assert wang.url.endswith("/accounts/password/")
        assert "您使用一次性密码登录" in wang.inner_text("main")
        wang.goto(f"{server.url}/staff/")
        assert wang.url.endswith("/accounts/password/")  # nowhere else first
        wang.fill("#id_old_password", password)
        wang.fill("#id_new_password1", NEW_PASSWORD)
        wang.fill("#id_new_password2", NEW_PASSWORD)
        wang.screenshot(path=shots / "4-must-change.png", full_page=True)
        post_ok(wang, "#password-form button[type=submit]", log)
        assert wang.url.endswith("/staff/")
        body = wang.inner_text("main")
        assert "密码已修改。" in body and "待办事项" in body
        assert f"{campaign.name} 正在收集评议" in body
        assert "人员与权限" not in wang.inner_text("nav")
        wang.screenshot(path=shots / "5-staff-landing.png", full_page=True)
        assert traffic.errors == [] and person_traffic.errors == []
    assert User.objects.get(username="wang").check_password(NEW_PASSWORD)
