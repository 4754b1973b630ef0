"""Forms of disclosure (公开形式, seed 004 三(三)) chosen when drafting and shown to readers and
in the register; staged disclosure (阶段性工作逐段公开, 三(五)): a matter's phases in order,
each phase's stage report published through the item's own chain."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from pingyi.accounts.actors import AccessDenied
from pingyi.audit.models import AuditEntry
from pingyi.disclosure import selectors as sel
from pingyi.disclosure.models import Item
from pingyi.disclosure.services import item_advance, phase_next
from pingyi.rules import disclosure as d
from pingyi.rules.errors import RuleError
from tests.chinese import FIXTURE_WORDS, ZH, english_left
from tests.disclosure.conftest import NOW, Cast, as_, draft, publish, staged
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db

LATER = NOW + dt.timedelta(days=40)


def test_the_forms_are_kept_in_the_seeds_order_and_must_fit_the_scope(cast: Cast) -> None:
    item = draft(cast.office, forms=[d.WEBSITE, d.MEETING, d.NOTICE_BOARD])
    assert item.forms == [d.MEETING, d.NOTICE_BOARD, d.WEBSITE]
    assert item.form_labels() == [
        "Party meeting (党内会议)",
        "Public notice board (党务政务公开栏)",
        "Disclosure website (党务政务公开网)",
    ]
    with pytest.raises(RuleError, match="not published through a public form"):
        draft(cast.office, title="党内", scope=d.INTERNAL, forms=[d.MEETING, d.MEDIA])
    assert not Item.objects.filter(title="党内").exists()
    created = AuditEntry.objects.get(action="disclosure.item.created")
    assert created.data["forms"] == [d.MEETING, d.NOTICE_BOARD, d.WEBSITE]


def test_the_drafting_page_takes_several_forms_and_says_why_it_refuses(cast: Cast) -> None:
    fields = {
        "organization": cast.office.pk, "area": d.ORGANIZATION, "scope": d.INTERNAL,
        "timeliness": d.AD_HOC, "title": "发展对象公示", "body": "拟确定发展对象。",
    }  # fmt: skip
    refused = client_for(cast.alice).post(
        "/staff/disclosure/new", fields | {"forms": [d.MEETING, d.WEBSITE]}, headers=ZH
    )
    page = refused.content.decode()
    assert refused.status_code == 200 and "仅在党内公开的事项不通过面向社会的形式公开" in page
    assert english_left(page, FIXTURE_WORDS) == []
    client_for(cast.alice).post(
        "/staff/disclosure/new", fields | {"forms": [d.MEETING, d.BRANCH_BOARD]}
    )
    assert Item.objects.get().forms == [d.MEETING, d.BRANCH_BOARD]


def test_readers_the_register_and_the_api_show_the_forms(cast: Cast) -> None:
    item = publish(draft(cast.office, forms=[d.NOTICE_BOARD, d.WEBSITE]))
    reader = Client().get(f"/disclosure/szfb/{item.pk}/", headers=ZH).content.decode()
    assert 'id="forms"' in reader and "党务政务公开栏、党务政务公开网" in reader
    listed = Client().get("/disclosure/szfb/", headers=ZH).content.decode()
    assert "党务政务公开栏、党务政务公开网" in listed
    register = client_for(cast.bob).get("/staff/disclosure/", headers=ZH).content.decode()
    assert "公开台账" in register and "党务政务公开栏、党务政务公开网" in register
    (row,) = json.loads(client_for(cast.bob).get("/api/disclosure/items").content)
    assert row["forms"] == [d.NOTICE_BOARD, d.WEBSITE] and row["phases"] == []
    (public,) = json.loads(Client().get("/api/disclosure/public/szfb").content)
    assert public["forms"] == [d.NOTICE_BOARD, d.WEBSITE] and public["phase"] is None


# --------------------------------------------------------------------------- phases


def test_a_staged_item_is_drafted_with_its_phases_and_the_first_one_under_way(cast: Cast) -> None:
    item = staged(cast.office)
    assert item.phase == 1
    assert list(item.phases.values_list("number", "name")) == [
        (1, "决策前"), (2, "执行中"), (3, "结果"),
    ]  # fmt: skip
    with pytest.raises(RuleError, match="a staged item has 2 to 10 phases"):
        staged(cast.office, phases=["结果"])
    with pytest.raises(RuleError, match="only a staged item has phases"):
        draft(cast.office, phases=["决策前", "结果"])


def test_each_phase_is_published_through_the_chain_in_order(cast: Cast) -> None:
    item = staged(cast.office)
    with pytest.raises(RuleError, match="once the current phase is published; this item is "):
        phase_next(item=item, title="执行中", body="已开工", actor=as_("alice"))
    item = publish(item)
    (first,) = sel.versions(item)
    assert first.phase is not None and first.phase.name == "决策前"

    item = phase_next(item=item, title="食堂改造（执行中）", body="已开工。", actor=as_("frank"))
    assert (item.phase, item.status, item.title) == (2, d.DRAFTED, "食堂改造（执行中）")
    opened = AuditEntry.objects.get(action="disclosure.phase.opened")
    assert opened.actor == "frank" and opened.data["name"] == "执行中"
    # Frank drafted this phase's report: another person records the office meeting.
    with pytest.raises(RuleError, match="frank drafted or edited this text"):
        item_advance(item=item, target=d.OFFICE_MEETING, actor=as_("frank"))
    # The first phase stays readable while the second goes through the chain.
    assert "决策前" in Client().get(f"/disclosure/szfb/{item.pk}/", headers=ZH).content.decode()
    item_advance(item=item, target=d.OFFICE_MEETING, actor=as_("alice"), now=LATER)
    item_advance(item=item, target=d.APPROVED, actor=as_("erin"), now=LATER)
    item = item_advance(item=item, target=d.PUBLISHED, actor=as_("frank"), now=LATER)
    assert [(v.number, v.phase.name if v.phase else None) for v in sel.versions(item)] == [
        (2, "执行中"), (1, "决策前"),
    ]  # fmt: skip


def test_the_last_phase_has_no_next_and_a_viewer_opens_none(cast: Cast) -> None:
    item = publish(staged(cast.office, phases=["决策前", "结果"]))
    with pytest.raises(AccessDenied):
        phase_next(item=item, title="结果", body="已完成", actor=as_("bob"))
    item = phase_next(item=item, title="结果", body="已完成。", actor=as_("frank"))
    for target, who in ((d.OFFICE_MEETING, "alice"), (d.APPROVED, "erin"), (d.PUBLISHED, "frank")):
        item = item_advance(item=item, target=target, actor=as_(who))
    with pytest.raises(RuleError, match=r"this item is in its last phase \(结果\)"):
        phase_next(item=item, title="再", body="再", actor=as_("alice"))
    with pytest.raises(RuleError, match="only a staged item has phases"):
        phase_next(item=publish(draft(cast.office)), title="x", body="y", actor=as_("alice"))


def test_the_public_page_shows_the_phases_in_order_with_their_dates(cast: Cast) -> None:
    item = publish(staged(cast.office))
    item = phase_next(item=item, title="食堂改造（执行中）", body="已开工。", actor=as_("frank"))
    for target, who in ((d.OFFICE_MEETING, "alice"), (d.APPROVED, "erin"), (d.PUBLISHED, "frank")):
        item = item_advance(item=item, target=target, actor=as_(who), now=LATER)
    page = Client().get(f"/disclosure/szfb/{item.pk}/", headers=ZH).content.decode()
    assert english_left(page, FIXTURE_WORDS) == []
    start = page.index('id="phases"')
    phases = page[start : page.index("</section>", start)]
    assert phases.index("决策前") < phases.index("执行中") < phases.index("结果")
    assert "公开于 2026-03-02" in phases and "公开于 2026-04-11" in phases
    assert "尚未公开" in phases  # the result
    assert f'href="/disclosure/szfb/{item.pk}/v1"' in phases  # the earlier phase's report
    older = Client().get(f"/disclosure/szfb/{item.pk}/v1", headers=ZH).content.decode()
    assert "机关食堂改造（决策前）" in older
    (public,) = json.loads(Client().get("/api/disclosure/public/szfb").content)
    assert public["phase"] == "执行中" and public["version"] == 2


def test_the_staff_page_opens_the_next_phase(cast: Cast) -> None:
    item = publish(staged(cast.office))
    page = client_for(cast.alice).get(f"/staff/disclosure/i/{item.pk}/", headers=ZH)
    text = page.content.decode()
    assert 'id="phase-form"' in text and english_left(text, FIXTURE_WORDS) == []
    assert (
        'id="phase-form"'
        not in client_for(cast.bob).get(f"/staff/disclosure/i/{item.pk}/").content.decode()
    )
    client_for(cast.alice).post(
        f"/staff/disclosure/i/{item.pk}/next-phase", {"title": "执行中", "body": "已开工。"}
    )
    item.refresh_from_db()
    assert (item.phase, item.status) == (2, d.DRAFTED)
    register = client_for(cast.alice).get("/staff/disclosure/", headers=ZH).content.decode()
    assert "2/3 执行中" in register
