"""A campaign's plan starts from the opinions fed back to the unit (seed 001 八.5): its items
are drafted from them when the final notice opens the ledger, each linked to its opinion,
edited, then confirmed or discarded; and the acceptance records its panel (seed 001 七.(二)4:
人大 and 政协)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Membership, Role
from pingyi.audit.models import AuditEntry
from pingyi.campaigns.models import Campaign
from pingyi.inputs.opinion_files import PaperOpinion, PaperOpinions
from pingyi.notices.services import notice_finalize, notice_publish
from pingyi.rectification.models import Item, PanelMember, Plan, UnitAccess, UnitRole
from pingyi.rectification.prefill import (
    E_CONFIRM_FIRST,
    E_DRAFT_FIELD,
    E_NO_OPINIONS,
    E_NOT_DRAFT,
    item_discard,
    item_draft_save,
    plan_prefill,
)
from pingyi.rectification.services import (
    E_DRAFTS_LEFT,
    item_progress,
    plan_accept,
    plan_reopen,
)
from pingyi.rules import ledger as rules
from pingyi.rules.errors import RuleError
from pingyi.stages.models import Opinion, RectificationReport
from pingyi.stages.opinion_services import (
    feedback_save,
    opinion_answer,
    opinion_sort,
    opinions_close,
    opinions_fold,
    opinions_import,
)
from tests.chinese import FIXTURE_WORDS, ZH, english_left
from tests.notices.conftest import AS_STAFF, closed_campaign

pytestmark = pytest.mark.django_db

OFFICE = Actor.operator("cli:test")
PANEL = [
    rules.PanelMember("张三", rules.NPC, "组长"),
    rules.PanelMember("李四", rules.CPPCC, "政协委员"),
]


def _refused(run: Any) -> str:
    with pytest.raises(RuleError) as caught:
        run()
    return caught.value.message()


def _fed_back(campaign: Campaign) -> dict[str, Opinion]:
    """L7 gets two kept opinions (one standing for a duplicate), answered; L6 one, not fed
    back; then the collection closes."""
    opinions_import(campaign=campaign, actor=OFFICE, paper=PaperOpinions("p.xlsx", [
        PaperOpinion(2, "P1", "L7", "", "窗口排队太久"),
        PaperOpinion(3, "P2", "L7", "", "排队久"),
        PaperOpinion(4, "P3", "L7", "", "办事指南不清楚"),
        PaperOpinion(5, "P4", "L6", "", "宣传不到位"),
    ]))  # fmt: skip
    o = {x.form_no or "": x for x in Opinion.objects.select_related("unit", "campaign")}
    opinion_sort(opinion=o["P1"], category="efficiency", actor=OFFICE, wording="窗口排队时间过长")
    opinions_fold(opinions=[o["P2"]], into=o["P1"], status="duplicate", actor=OFFICE)
    opinion_sort(opinion=o["P3"], category="mechanism", actor=OFFICE)
    opinion_sort(opinion=o["P4"], category="other", actor=OFFICE)
    opinions_close(campaign=campaign, actor=OFFICE)
    l7 = campaign.units.get(code="L7")
    feedback_save(unit=l7, summary="汇总", send=True, actor=OFFICE)
    opinion_answer(opinion=o["P1"], measures="增设两个窗口", actor=OFFICE)
    return o


def _final(campaign: Campaign) -> Plan:
    past = timezone.now() - dt.timedelta(days=10)
    notice = notice_finalize(
        notice=notice_publish(campaign=campaign, actor=AS_STAFF, now=past), actor=AS_STAFF
    )
    return Plan.objects.get(notice=notice, unit_code="L7")


def test_the_final_notice_drafts_the_plan_from_the_opinions_fed_back(tmp_path: Path) -> None:
    campaign = closed_campaign(tmp_path)
    o = _fed_back(campaign)
    plan = _final(campaign)
    drafts = list(plan.items.order_by("number"))
    assert [(i.number, i.description, i.measures, i.opinion_id, i.draft) for i in drafts] == [
        (1, "窗口排队时间过长", "增设两个窗口", o["P1"].pk, True),
        (2, "办事指南不清楚", "", o["P3"].pk, True),
    ]  # the duplicate stands behind its kept opinion; the category orders them
    assert {i.deadline for i in drafts} == {plan.period_ends}
    l6 = Plan.objects.get(notice=plan.notice, unit_code="L6")
    assert not l6.items.exists()  # L6's opinions were never fed back
    entry = AuditEntry.objects.get(action="rectification.plan.prefilled")
    assert entry.data == {"unit": "L7", "items": 2}
    assert _refused(lambda: plan_prefill(plan=plan, actor=OFFICE)) == E_NO_OPINIONS % {
        "unit": plan.unit_name
    }


def test_a_draft_is_edited_then_confirmed_with_every_field_or_discarded(tmp_path: Path) -> None:
    campaign = closed_campaign(tmp_path)
    _fed_back(campaign)
    plan = _final(campaign)
    first, second = plan.items.order_by("number")
    assert _refused(lambda: item_progress(item=first, text="开始", actor=OFFICE)) == (
        E_CONFIRM_FIRST % {"number": 1}
    )
    saved = item_draft_save(item=first, description="窗口排队时间过长（高峰期）",
                            measures="增设两个窗口", target="", owner="王科长",
                            deadline=plan.period_ends, actor=OFFICE)  # fmt: skip
    assert (saved.draft, saved.description, saved.owner) == (
        True,
        "窗口排队时间过长（高峰期）",
        "王科长",
    )
    assert _refused(lambda: item_draft_save(
        item=first, description="x", measures="增设两个窗口", target="", owner="王科长",
        deadline=plan.period_ends, actor=OFFICE, confirm=True,
    )) == E_DRAFT_FIELD % {"number": 1, "field": "quantified target", "max": 500}  # fmt: skip
    confirmed = item_draft_save(item=first, description="窗口排队时间过长", measures="增设两个窗口",
                                target="等候不超过15分钟", owner="王科长",
                                deadline=plan.period_ends, actor=OFFICE, confirm=True)  # fmt: skip
    assert confirmed.draft is False and confirmed.opinion_id is not None
    item_progress(item=confirmed, text="已增设窗口", status="in_progress", actor=OFFICE)
    assert _refused(lambda: item_discard(item=confirmed, actor=OFFICE)) == E_NOT_DRAFT % {
        "number": 1
    }
    item_discard(item=second, actor=OFFICE)
    assert list(plan.items.values_list("number", flat=True)) == [1]
    # The discarded opinion comes back on a new pre-fill, as a new draft.
    again = plan_prefill(plan=plan, actor=OFFICE)
    assert [(i.number, i.description, i.draft) for i in again] == [(2, "办事指南不清楚", True)]
    actions = list(
        AuditEntry.objects.filter(action__startswith="rectification.item.").values_list(
            "action", flat=True
        )
    )
    assert actions.count("rectification.item.drafted") == 1
    assert actions.count("rectification.item.confirmed") == 1
    assert actions.count("rectification.item.discarded") == 1


def test_the_acceptance_records_its_panel_of_the_npc_and_the_cppcc(tmp_path: Path) -> None:
    campaign = closed_campaign(tmp_path)
    plan = _final(campaign)
    day = plan.period_ends
    assert _refused(lambda: plan_accept(plan=plan, verdict="passed", note="", actor=OFFICE,
                                        today=day)) == rules.E_PANEL_BODIES  # fmt: skip
    only_npc = [PANEL[0], rules.PanelMember("王五", rules.OTHER, "纪委")]
    refused = _refused(lambda: plan_accept(plan=plan, verdict="passed", note="", actor=OFFICE,
                                           members=only_npc, today=day))  # fmt: skip
    assert refused == rules.E_PANEL_BODIES
    plan_accept(plan=plan, verdict="failed", note="未完全整改", actor=OFFICE,
                members=PANEL, today=day)  # fmt: skip
    assert list(PanelMember.objects.values_list("name", "body", "role")) == [
        ("张三", "npc", "组长"), ("李四", "cppcc", "政协委员"),
    ]  # fmt: skip
    second = [*PANEL, rules.PanelMember("赵六", rules.NPC, "人大代表")]
    plan_accept(plan=plan, verdict="passed", note="整改到位", actor=OFFICE, members=second,
                today=day)  # fmt: skip
    assert PanelMember.objects.filter(plan=plan).count() == 3  # replaced, not added
    entry = AuditEntry.objects.filter(action="rectification.plan.accepted").order_by("-seq")[0]
    assert entry.data["panel"] == [["张三", "npc", "组长"], ["李四", "cppcc", "政协委员"],
                                   ["赵六", "npc", "人大代表"]]  # fmt: skip
    plan_reopen(plan=plan, reason="回头看", actor=OFFICE)
    assert not PanelMember.objects.filter(plan=plan).exists()


def test_the_acceptance_waits_for_every_draft_to_be_settled(tmp_path: Path) -> None:
    campaign = closed_campaign(tmp_path)
    _fed_back(campaign)
    plan = _final(campaign)
    day = plan.period_ends
    assert _refused(lambda: plan_accept(plan=plan, verdict="passed", note="", actor=OFFICE,
                                        members=PANEL, today=day)) == (
        E_DRAFTS_LEFT % {"n": 2}
    )  # fmt: skip
    for item in plan.items.all():
        item_discard(item=item, actor=OFFICE)
    assert plan_accept(plan=plan, verdict="passed", note="", actor=OFFICE, members=PANEL,
                       today=day).status == "accepted"  # fmt: skip


def test_the_panel_is_read_from_lines_as_clerks_write_them() -> None:
    text = "张三，人大，组长\n\n李四, 政协委员, 副组长\n王五\t其他\t纪委监委"
    assert rules.panel_from_text(text) == [
        rules.PanelMember("张三", "npc", "组长"),
        rules.PanelMember("李四", "cppcc", "副组长"),
        rules.PanelMember("王五", "other", "纪委监委"),
    ]
    assert _refused(lambda: rules.panel_from_text("张三，人大")) == rules.E_PANEL_LINE % {"line": 1}
    assert _refused(lambda: rules.panel_from_text("\n张三，法院，组长")) == rules.E_PANEL_BODY % {
        "line": 2, "body": "法院"
    }  # fmt: skip
    assert _refused(lambda: rules.check_panel([PANEL[0], PANEL[0]], campaign_plan=False)) == (
        rules.E_PANEL_TWICE % {"name": "张三"}
    )
    rules.check_panel([], campaign_plan=False)  # a grading's plan names its inspectors if any


def _client(user: Any) -> Client:
    client = Client(headers=ZH)
    client.force_login(user)
    return client


def test_the_plan_page_edits_drafts_shows_the_report_and_records_the_panel(
    tmp_path: Path,
) -> None:
    from django.contrib.auth.models import User

    campaign = closed_campaign(tmp_path)
    _fed_back(campaign)
    l7 = campaign.units.get(code="L7")
    RectificationReport.objects.create(
        unit=l7, text="我局整改报告全文", filed_on=dt.date(2026, 9, 1), filed_by="olga"
    )
    plan = _final(campaign)
    alice, olga = User.objects.create_user("alice"), User.objects.create_user("olga")
    Membership.objects.create(user=alice, organization=plan.organization, role=Role.STAFF)
    UnitAccess.objects.create(user=olga, organization=plan.organization, series=plan.series,
                              unit_code="L7", role=UnitRole.OWNER)  # fmt: skip
    url = f"/staff/ledger/plans/{plan.pk}/"
    page = _client(olga).get(url).content.decode()
    assert "我局整改报告全文" in page and 'class="draft-form"' in page
    assert english_left(page, FIXTURE_WORDS) == []
    first = plan.items.get(number=1)
    response = _client(olga).post(f"/staff/ledger/items/{first.pk}/draft", {
        "description": "窗口排队时间过长", "measures": "增设两个窗口", "target": "等候15分钟内",
        "owner": "王科长", "deadline": plan.period_ends.isoformat(), "confirm": "1",
    }, follow=True)  # fmt: skip
    assert "该事项已确认" in response.content.decode()
    assert Item.objects.get(pk=first.pk).draft is False
    second = plan.items.get(number=2)
    _client(olga).post(f"/staff/ledger/items/{second.pk}/discard")
    assert not Item.objects.filter(pk=second.pk).exists()
    Plan.objects.filter(pk=plan.pk).update(period_ends=plan.period_starts)
    bad = _client(alice).post(f"/staff/ledger/plans/{plan.pk}/accept", {
        "verdict": "passed", "note": "整改到位", "panel": "张三，人大，组长",
    }, follow=True).content.decode()  # fmt: skip
    assert "人大" in bad and not PanelMember.objects.exists()
    done = _client(alice).post(f"/staff/ledger/plans/{plan.pk}/accept", {
        "verdict": "passed", "note": "整改到位", "panel": "张三，人大，组长\n李四，政协，委员",
    }, follow=True).content.decode()  # fmt: skip
    assert 'id="panel"' in done and "张三（人大，组长）" in done
    assert english_left(done, FIXTURE_WORDS) == []


def test_the_cli_drafts_and_accepts_with_the_panel(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from pingyi.cli import main

    campaign = closed_campaign(tmp_path)
    _fed_back(campaign)
    plan = _final(campaign)
    plan.items.all().delete()
    assert main(["ledger", "prefill", str(plan.pk)]) == 0
    assert [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()][:2] == [
        "#1", "#2",
    ]  # fmt: skip
    plan.items.all().delete()  # the drafts settled (discarded) before the acceptance
    day = plan.period_ends.isoformat()
    assert main(["ledger", "accept", str(plan.pk), "--verdict", "passed", "--today", day,
                 "--member", "张三，人大，组长", "--member", "李四,政协,委员"]) == 0  # fmt: skip
    assert list(plan.panel.values_list("name", "body")) == [("张三", "npc"), ("李四", "cppcc")]
    with pytest.raises(SystemExit) as failed:
        main(["ledger", "accept", str(plan.pk), "--verdict", "passed", "--today", day])
    assert failed.value.code == 1
