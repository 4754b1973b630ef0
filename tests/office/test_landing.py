"""Each role lands on /staff/ at its own to-do list, and the staff bar shows only what its
roles can do (a committee user used to land on an empty list of campaigns)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Membership, Role
from pingyi.grading.decisions import filing_submit
from pingyi.grading.models import Committee
from pingyi.grading.services import role_assign
from pingyi.notices.models import Notice
from pingyi.notices.services import objection_file
from pingyi.rectification.services import item_add
from pingyi.rules import grading as rules
from tests.grading.conftest import advance_to, decided, make_round, noticed, office, op
from tests.grading.test_decisions import TOTALS
from tests.grading.test_records import _settle
from tests.notices.conftest import T0, closed, notice, staff_user  # noqa: F401
from tests.rectification.conftest import Ledger, as_, ledger  # noqa: F401
from tests.web.conftest import Cast, cast, client_for  # noqa: F401

pytestmark = pytest.mark.django_db


def _page(user: User) -> str:
    return client_for(user).get("/staff/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()


def _todos(page: str) -> list[str]:
    section = page.split('<section id="todo">', 1)[1].split("</section>", 1)[0]
    return [re.sub(r"<[^>]+>", "", li).strip() for li in re.findall(r"<li>(.*?)</li>", section)]


def _bar(page: str) -> list[str]:
    nav = page.split("<nav>", 1)[1].split("<span", 1)[0]
    return re.findall(r">([^<]+)</a>", nav)


def test_a_committee_user_lands_on_the_organizations_awaiting_its_decision(
    tmp_path: Path,
) -> None:
    grading_round = decided(tmp_path, TOTALS)
    carol = User.objects.create_user("carol")
    committee = Committee.objects.get(round=grading_round, name="甲镇党委")
    role_assign(
        grading_round=grading_round,
        username="carol",
        kind="committee",
        committee=committee,
        actor=Actor.operator("alice"),
    )
    page = _page(carol)
    assert _todos(page) == ["甲镇党委：6 个党组织待您确定等次"]
    assert f'href="/staff/grading/{grading_round.code}/k/{committee.pk}/"' in page
    assert _bar(page) == ["待办事项", "分类定级"]
    assert "新建评议活动" not in page and "<table>" not in page


def test_an_assessor_lands_on_the_organizations_awaiting_assessment(tmp_path: Path) -> None:
    grading_round = advance_to(make_round(tmp_path), rules.ASSESSMENT)
    erin = User.objects.create_user("erin")
    for code in ("V1", "V2"):
        role_assign(
            grading_round=grading_round,
            username="erin",
            kind="assessor",
            org=grading_round.orgs.get(code=code),
            actor=Actor.operator("alice"),
        )
    assert _todos(_page(erin)) == [f"{grading_round.name}：2 个党组织待您考核"]


def test_a_unit_owner_lands_on_the_items_due_within_seven_days(ledger: Ledger) -> None:  # noqa: F811
    today = timezone.localdate()
    ledger.item.deadline = today + dt.timedelta(days=60)
    ledger.item.save()
    for days in (2, 6):
        item_add(
            plan=ledger.plan,
            description="问题",
            measures="措施",
            target="目标",
            owner="王科长",
            deadline=today + dt.timedelta(days=days),
            actor=as_("alice"),
        )
    page = _page(ledger.olga)
    assert _todos(page) == ["2 项整改任务 7 天内到期"]
    assert _bar(page) == ["待办事项", "整改台账", "我的单位"]
    assert _todos(_page(ledger.mike)) == []  # a member reads; the owner acts


def test_the_office_staff_land_on_campaigns_in_collection_and_see_every_section(
    cast: Cast,  # noqa: F811
) -> None:
    page = _page(cast.alice)
    assert f"{cast.campaign.name} 正在收集评议" in _todos(page)
    assert "人员与权限" not in _bar(page)
    assert _bar(page)[0] == "评议活动" and "分类定级" in _bar(page)
    admin = User.objects.create_user("ada")
    Membership.objects.create(
        user=admin, organization=cast.campaign.series.organization, role=Role.ADMIN
    )
    assert _bar(_page(admin))[-1] == "人员与权限"
    viewer_page = _page(cast.bob)
    assert _todos(viewer_page) == []  # a viewer reads; nothing waits for them


def test_an_organizations_user_lands_on_its_self_evaluation_awaiting_submission(
    tmp_path: Path,
) -> None:
    """The to-do only the browser flow (tests/browser/test_grading_flow.py) showed, as a page
    test so that it runs on PostgreSQL too."""
    grading_round = advance_to(make_round(tmp_path), rules.SELF_EVALUATION)
    org = grading_round.orgs.get(code="V1")
    olga = User.objects.create_user("olga")
    role_assign(
        grading_round=grading_round,
        username="olga",
        kind="org",
        org=org,
        actor=Actor.operator("alice"),
    )
    page = client_for(olga).get("/staff/").content.decode()
    assert _todos(page) == [f"{org.name}: the self-evaluation awaits submission"]
    assert f'href="/staff/grading/{grading_round.code}/o/{org.code}/"' in page


def test_the_office_staff_land_on_the_objections_awaiting_an_answer(
    notice: Notice,  # noqa: F811
) -> None:
    """The count of a notice's objections not yet answered, on the office's to-do list (as
    the browser flow tests/browser/test_notice_flow.py saw it), so that it runs on
    PostgreSQL too."""
    for text in ("有误", "票数不对"):
        objection_file(notice=notice, entry_code="L7", text=text, now=T0)
    alice = staff_user("alice", notice.organization)
    page = client_for(alice).get("/staff/").content.decode()
    assert f"{notice.title}: 2 objections await an answer" in _todos(page)
    assert f'href="/staff/notices/{notice.code}/"' in page


def test_the_office_staff_land_on_the_filings_awaiting_review(tmp_path: Path) -> None:
    """A committee's filed grades on the office's to-do list, as the browser flow
    tests/browser/test_grading_filing.py saw it, so that it runs on PostgreSQL too."""
    grading_round = decided(tmp_path, TOTALS)
    committee = _settle(grading_round)
    noticed(grading_round)
    filing_submit(committee=committee, actor=op("carol"))
    alice = User.objects.create_user("alice")
    Membership.objects.create(user=alice, organization=office(), role=Role.STAFF)
    page = client_for(alice).get("/staff/").content.decode()
    assert f"{grading_round.name}: 1 committee filed its grades for review" in _todos(page)
    assert f'href="/staff/grading/{grading_round.code}/review"' in page
