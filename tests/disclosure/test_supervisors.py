"""Disclosure supervisors (党务公开监督员, seed 004 四(二)3): appointed by the office for a
term, listed publicly; with an account they read the items (internal ones too) and the
register, and leave remarks the office answers — each remark open until answered.

Dave, who has no role anywhere, is appointed with his account."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from pingyi.accounts.actors import AccessDenied
from pingyi.audit.models import AuditEntry
from pingyi.disclosure import selectors as sel
from pingyi.disclosure.models import Remark, Supervisor
from pingyi.disclosure.services import remark_answer, remark_leave, supervisor_appoint
from pingyi.rules import disclosure as d
from pingyi.rules.errors import RuleError
from tests.chinese import FIXTURE_WORDS, ZH, english_left
from tests.disclosure.conftest import Cast, as_, draft, publish
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db


def appoint(
    cast: Cast, *, days: int = 365, user: object = None, name: str = "王秀兰"
) -> Supervisor:
    today = timezone.localdate()
    return supervisor_appoint(
        organization=cast.office, name=name, unit="市人大代表",
        term_start=today - dt.timedelta(days=30), term_end=today + dt.timedelta(days=days),
        user=user, actor=as_("erin"),
    )  # fmt: skip


def test_an_administrator_appoints_for_a_term(cast: Cast) -> None:
    today = timezone.localdate()
    with pytest.raises(AccessDenied):
        supervisor_appoint(
            organization=cast.office, name="王秀兰", unit="市人大代表", term_start=today,
            term_end=today, actor=as_("alice"),
        )  # fmt: skip
    with pytest.raises(RuleError, match="the term ends on or after the day it starts"):
        supervisor_appoint(
            organization=cast.office, name="王秀兰", unit="市人大代表", term_start=today,
            term_end=today - dt.timedelta(days=1), actor=as_("erin"),
        )  # fmt: skip
    with pytest.raises(RuleError, match="give the supervisor's name and unit"):
        supervisor_appoint(
            organization=cast.office, name=" ", unit="市人大代表", term_start=today,
            term_end=today, actor=as_("erin"),
        )  # fmt: skip
    supervisor = appoint(cast, user=cast.dave)
    entry = AuditEntry.objects.get(action="disclosure.supervisor.appointed")
    assert entry.actor == "erin" and entry.data["account"] == "dave"
    assert supervisor.user == cast.dave


def test_serving_supervisors_are_listed_publicly_without_their_accounts(cast: Cast) -> None:
    appoint(cast, user=cast.dave)
    appoint(cast, days=-1, name="李已卸任")
    page = Client().get("/disclosure/szfb/", headers=ZH).content.decode()
    assert 'id="supervisors"' in page and "王秀兰" in page and "市人大代表" in page
    assert "李已卸任" not in page and "dave" not in page
    assert english_left(page, FIXTURE_WORDS) == []


def test_a_serving_supervisor_reads_internal_items_until_the_term_ends(cast: Cast) -> None:
    internal = publish(draft(cast.office, title="党内：民主评议党员", scope=d.INTERNAL))
    url = f"/disclosure/szfb/{internal.pk}/"
    assert client_for(cast.dave).get(url).status_code == 404
    supervisor = appoint(cast, user=cast.dave)
    assert client_for(cast.dave).get(url).status_code == 200
    listed = client_for(cast.dave).get("/disclosure/szfb/").content.decode()
    assert 'href="/staff/disclosure/supervise/szfb/"' in listed
    assert 'id="supervise"' not in client_for(cast.bob).get("/disclosure/szfb/").content.decode()
    supervisor.term_end = timezone.localdate() - dt.timedelta(days=1)
    supervisor.save()
    assert client_for(cast.dave).get(url).status_code == 404
    assert sel.supervisor_of(cast.dave, cast.office) is None


def test_a_remark_is_the_supervisors_own_on_the_organizations_items(cast: Cast) -> None:
    supervisor = appoint(cast, user=cast.dave)
    item = draft(cast.office)
    with pytest.raises(AccessDenied):
        remark_leave(supervisor=supervisor, text="请按季度公开", actor=as_("alice"))
    with pytest.raises(RuleError, match="write the remark first"):
        remark_leave(supervisor=supervisor, text="  ", actor=as_("dave"))
    elsewhere = draft(cast.office, title="他处")
    elsewhere.organization = cast.elsewhere
    elsewhere.save()
    with pytest.raises(RuleError, match="the remark's item belongs to another organization"):
        remark_leave(supervisor=supervisor, item=elsewhere, text="x", actor=as_("dave"))
    remark = remark_leave(supervisor=supervisor, item=item, text="请补充明细", actor=as_("dave"))
    supervisor.term_end = timezone.localdate() - dt.timedelta(days=1)
    supervisor.save()
    with pytest.raises(AccessDenied):  # the term is over
        remark_leave(supervisor=supervisor, text="再提一条", actor=as_("dave"))
    assert Remark.objects.get() == remark


def test_the_office_answers_a_remark_once_and_the_supervisor_reads_it(cast: Cast) -> None:
    supervisor = appoint(cast, user=cast.dave)
    remark = remark_leave(supervisor=supervisor, text="公开栏未及时更新", actor=as_("dave"))
    assert sel.remarks_for(cast.alice).filter(answered_at__isnull=True).count() == 1
    with pytest.raises(AccessDenied):
        remark_answer(remark=remark, answer="好", actor=as_("bob"))
    with pytest.raises(RuleError, match="write the answer first"):
        remark_answer(remark=remark, answer=" ", actor=as_("alice"))
    remark_answer(remark=remark, answer="已于本周更新。", actor=as_("alice"))
    with pytest.raises(RuleError, match="answered already"):
        remark_answer(remark=remark, answer="再答", actor=as_("erin"))
    assert list(
        AuditEntry.objects.filter(action__startswith="disclosure.remark").values_list(
            "action", "actor"
        )
    ) == [("disclosure.remark.received", "dave"), ("disclosure.remark.answered", "alice")]
    page = client_for(cast.dave).get("/staff/disclosure/supervise/szfb/", headers=ZH)
    text = page.content.decode()
    assert "公开栏未及时更新" in text and "已于本周更新。" in text
    assert english_left(text, FIXTURE_WORDS) == []


def test_the_supervisors_page_holds_the_register_and_takes_a_remark(cast: Cast) -> None:
    publish(draft(cast.office, title="党内：发展党员", scope=d.INTERNAL))
    drafted = draft(cast.office, title="尚在起草")
    assert client_for(cast.dave).get("/staff/disclosure/supervise/szfb/").status_code == 404
    appoint(cast, user=cast.dave)
    page = client_for(cast.dave).get("/staff/disclosure/supervise/szfb/", headers=ZH)
    text = page.content.decode()
    assert "党内：发展党员" in text and "尚在起草" in text and "党内会议" in text
    client_for(cast.dave).post(
        "/staff/disclosure/supervise/szfb/", {"item": drafted.pk, "text": "请尽快公开"}
    )
    remark = Remark.objects.get()
    assert remark.item == drafted and remark.answered_at is None
    staff = client_for(cast.alice).get("/staff/disclosure/supervisors/", headers=ZH)
    text = staff.content.decode()
    assert "请尽快公开" in text and 'class="answer-form"' in text
    assert 'id="supervisor-form"' not in text  # appointing is an administrator's
    assert english_left(text, FIXTURE_WORDS) == []
    admin = client_for(cast.erin).get("/staff/disclosure/supervisors/").content.decode()
    assert 'id="supervisor-form"' in admin
    assert (
        "请尽快公开"
        not in client_for(cast.charlie).get("/staff/disclosure/supervisors/").content.decode()
    )


def test_the_landing_sends_the_supervisor_to_their_page_and_the_office_to_open_remarks(
    cast: Cast,
) -> None:
    """Neither has to know an address: Dave's to-do names the organization he supervises, and
    the office's counts the remarks waiting for its answer until it answers them."""
    assert "党务公开" not in client_for(cast.dave).get("/staff/", headers=ZH).content.decode()
    supervisor = appoint(cast, user=cast.dave)
    landing = client_for(cast.dave).get("/staff/", headers=ZH).content.decode()
    assert 'href="/staff/disclosure/supervise/szfb/"' in landing
    assert f"对{cast.office.name}的党务公开进行监督" in landing
    remark = remark_leave(supervisor=supervisor, text="公开栏未及时更新", actor=as_("dave"))
    office = client_for(cast.alice).get("/staff/", headers=ZH).content.decode()
    assert "1 条党务公开监督意见待答复" in office
    assert 'href="/staff/disclosure/supervisors/"' in office
    assert english_left(office, FIXTURE_WORDS) == []
    remark_answer(remark=remark, answer="已于本周更新。", actor=as_("alice"))
    office = client_for(cast.alice).get("/staff/", headers=ZH).content.decode()
    assert "监督意见待答复" not in office
