"""P4: plans from the final result, item states, close-out approval, acceptance, look-back,
evidence limits, the repeat survey, the digest."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from pingyi import evidence
from pingyi.accounts.actors import AccessDenied, Actor
from pingyi.audit.models import AuditEntry
from pingyi.campaigns.models import Campaign
from pingyi.rectification.digest import digest_letters, digest_send, render
from pingyi.rectification.models import Evidence, Item, Plan
from pingyi.rectification.prefill import plans_prefill
from pingyi.rectification.services import (
    item_add,
    item_close_out,
    item_progress,
    plan_accept,
    plan_reopen,
    plan_survey_start,
)
from pingyi.rules.errors import RuleError
from pingyi.rules.ledger import PanelMember
from tests.rectification.conftest import PDF, PNG, TODAY, Ledger, as_

pytestmark = pytest.mark.django_db


def _refused(run: Any) -> str:
    with pytest.raises(RuleError) as caught:
        run()
    return caught.value.message()


def test_the_final_result_makes_a_plan_for_every_last_and_rectify_unit(ledger: Ledger) -> None:
    plans = Plan.objects.filter(notice=ledger.notice).order_by("unit_code")
    assert [(p.unit_code, p.basis) for p in plans] == [
        ("L6", "rectify"),
        ("L7", "last"),
        ("V4", "last"),
    ]
    plan = plans[1]
    assert (plan.period_ends.year * 12 + plan.period_ends.month) - (
        plan.period_starts.year * 12 + plan.period_starts.month
    ) == 6
    entry = AuditEntry.objects.get(action="rectification.plans.created", object_id=ledger.notice.pk)
    assert entry.data["units"] == ["L6", "L7", "V4"]


def test_an_item_moves_step_by_step_and_never_skips_the_close_out(ledger: Ledger) -> None:
    item = ledger.item
    assert _refused(
        lambda: item_progress(item=item, text="直接销号", status="closed_out", actor=as_("olga"))
    ) == ("only a done item can be closed out (this one is not started)")
    item_progress(item=item, text="已增设两个窗口", status="in_progress", actor=as_("olga"))
    item_progress(item=item, text="网上预约上线", status="done", actor=as_("olga"))
    item_progress(item=item, text="复查发现仍排队", status="in_progress", actor=as_("alice"))
    item.refresh_from_db()
    assert item.status == "in_progress" and item.notes.count() == 3
    steps = AuditEntry.objects.filter(action="rectification.item.progress").order_by("seq")
    assert [(e.data["from"], e.data["to"]) for e in steps] == [
        ("not_started", "in_progress"),
        ("in_progress", "done"),
        ("done", "in_progress"),
    ]


def test_close_out_needs_a_done_item_and_the_supervising_office(ledger: Ledger) -> None:
    item = ledger.item
    item_progress(item=item, text="开始", status="in_progress", actor=as_("olga"))
    assert _refused(lambda: item_close_out(item=item, actor=as_("alice"))) == (
        "only a done item can be closed out (this one is in progress)"
    )
    item_progress(item=item, text="完成", status="done", actor=as_("olga"))
    approval = "closing out needs the supervising office's approval"
    for outsider in ("olga", "bob", "charlie"):  # the owner, a viewer, another office
        with pytest.raises(AccessDenied, match=f"{outsider} does not supervise the plan of"):
            item_close_out(item=item, actor=as_(outsider))
    assert (
        _refused(
            lambda: item_progress(item=item, text="销号", status="closed_out", actor=as_("olga"))
        )
        == approval
    )
    item_close_out(item=item, actor=as_("alice"), today=TODAY)
    item.refresh_from_db()
    assert (item.status, item.closed_out_by, item.closed_out_on) == ("closed_out", "alice", TODAY)
    assert AuditEntry.objects.filter(action="rectification.item.closed_out").count() == 1


def test_the_acceptance_comes_after_the_period_and_a_look_back_reopens(ledger: Ledger) -> None:
    plan = ledger.plan
    early = plan.period_ends - dt.timedelta(days=1)
    assert (
        _refused(
            lambda: plan_accept(
                plan=plan, verdict="passed", note="", actor=as_("alice"), today=early
            )
        )
        == f"the rectification period runs until {plan.period_ends.isoformat()}: "
        "the acceptance comes after it"
    )
    panel = [PanelMember("张三", "npc", "组长"), PanelMember("李四", "cppcc", "委员")]
    plan_accept(plan=plan, verdict="passed", note="整改到位", actor=as_("alice"), members=panel,
                today=plan.period_ends)  # fmt: skip
    plan.refresh_from_db()
    assert (plan.status, plan.verdict) == ("accepted", "passed")
    assert (
        _refused(lambda: item_progress(item=ledger.item, text="x", actor=as_("olga")))
        == "the plan was accepted: re-open it through a look-back first"
    )
    assert _refused(lambda: plan_reopen(plan=plan, reason=" ", actor=as_("alice"))) == (
        "a look-back needs its reason"
    )
    plan_reopen(plan=plan, reason="回头看发现问题反弹", actor=as_("alice"))
    plan.refresh_from_db()
    assert (plan.status, plan.verdict, plan.lookbacks.count()) == ("open", "", 1)


def test_evidence_is_checked_before_anything_is_stored(ledger: Ledger) -> None:
    item = ledger.item
    cases = [
        ([evidence.Upload("big.pdf", b"", size=evidence.MAX_BYTES + 1)],
         f"big.pdf is {evidence.MAX_BYTES + 1} bytes: an evidence file is at most "
         f"{evidence.MAX_BYTES} bytes"),
        ([evidence.Upload("run.exe", b"MZ...")],
         "run.exe: only PDF, PNG and JPEG files are accepted as evidence"),
        ([evidence.Upload("fake.pdf", b"<html><script>")],
         "fake.pdf is not really a PDF file (its content says otherwise)"),
        ([evidence.Upload("empty.png", b"")], "empty.png is empty"),
        ([evidence.Upload(f"{i}.pdf", PDF) for i in range(6)],
         "at most 5 files with one progress note"),
    ]  # fmt: skip
    for files, message in cases:
        assert _refused(
            lambda f=files: item_progress(item=item, text="证据", files=f, actor=as_("olga"))
        )
        assert (
            _refused(
                lambda f=files: item_progress(item=item, text="证据", files=f, actor=as_("olga"))
            )
            == message
        )
    assert not Evidence.objects.exists() and item.notes.count() == 0
    folder = Path(settings.HOME) / "media" / "evidence"
    assert not folder.exists() or not any(folder.iterdir())


def test_accepted_evidence_is_stored_outside_the_static_files(ledger: Ledger) -> None:
    note = item_progress(
        item=ledger.item,
        text="附照片和报告",
        files=[evidence.Upload("报告.pdf", PDF), evidence.Upload("现场.PNG", PNG)],
        actor=as_("olga"),
    )
    stored = list(Evidence.objects.filter(note=note).order_by("id"))
    assert [(e.original_name, e.content_type) for e in stored] == [
        ("报告.pdf", "application/pdf"),
        ("现场.PNG", "image/png"),
    ]
    for row, content in zip(stored, (PDF, PNG), strict=True):
        path = evidence.path_of(row.stored_name)
        assert path.read_bytes() == content
        assert path.is_relative_to(Path(settings.HOME) / "media")
        assert not path.is_relative_to(Path(settings.STATIC_ROOT))


def test_a_repeat_survey_is_a_small_draft_campaign_of_the_one_unit(ledger: Ledger) -> None:
    campaign = plan_survey_start(plan=ledger.plan, year=2027, actor=as_("alice"))
    assert campaign.status == "draft"
    assert list(campaign.units.values_list("code", "name")) == [("L7", "单位L7")]
    assert Plan.objects.get(pk=ledger.plan.pk).survey_id == campaign.pk
    assert _refused(lambda: plan_survey_start(plan=ledger.plan, year=2027, actor=as_("alice"))) == (
        f"a repeat survey was already started: {campaign.code}"
    )
    assert Campaign.objects.filter(code=campaign.code).count() == 1


def _items(ledger: Ledger) -> dict[str, Item]:
    plan_l6 = Plan.objects.get(notice=ledger.notice, unit_code="L6")
    made = {"soon": ledger.item}
    Item.objects.filter(pk=ledger.item.pk).update(deadline=TODAY + dt.timedelta(days=7))
    for key, plan, days in (("late", ledger.plan, -1), ("far", ledger.plan, 8), ("l6", plan_l6, 0)):
        made[key] = item_add(
            plan=plan, description=f"问题{key}", measures="措施", target="目标", owner="张三",
            deadline=TODAY + dt.timedelta(days=days), actor=as_("alice"),
        )  # fmt: skip
    done = item_add(
        plan=ledger.plan, description="已完成的", measures="m", target="t", owner="o",
        deadline=TODAY - dt.timedelta(days=5), actor=as_("alice"),
    )  # fmt: skip
    item_progress(item=done, text="a", status="in_progress", actor=as_("olga"))
    item_progress(item=done, text="b", status="done", actor=as_("olga"))
    return made


def test_the_digest_names_overdue_then_due_items_to_owners_and_supervisors(
    ledger: Ledger,
) -> None:
    items = _items(ledger)
    letters = {letter.username: letter for letter in digest_letters(today=TODAY)}
    assert set(letters) == {"alice", "olga"}  # Bob only reads; Mike is a member
    alice = [i.pk for _line, i in letters["alice"].lines]
    assert alice == [items["late"].pk, items["l6"].pk, items["soon"].pk]
    olga = [i.pk for _line, i in letters["olga"].lines]
    assert olga == [items["late"].pk, items["soon"].pk]  # not L6's: not her unit
    subject, body = render(letters["olga"], today=TODAY)
    assert subject == "Rectification ledger: 1 overdue, 1 due within 7 days"
    assert body.splitlines()[2] == (
        "[OVERDUE] 单位L7 #2 问题late — deadline 2026-05-31 — owner 张三 — 未开始"
    )
    assert "due soon" in body.splitlines()[3] and "问题far" not in body


def test_a_plan_is_prefilled_only_for_the_office_that_supervises_it(ledger: Ledger) -> None:
    now = timezone.now()
    with pytest.raises(AccessDenied) as refused:
        plans_prefill(plans=[ledger.plan], actor=Actor.of(ledger.charlie), now=now)
    assert "charlie does not supervise the plans of" in str(refused.value)
    assert plans_prefill(plans=[ledger.plan], actor=Actor.of(ledger.alice), now=now) == 0


def test_only_the_operator_sends_the_digest(ledger: Ledger, mailoutbox: list[Any]) -> None:
    _items(ledger)
    with pytest.raises(AccessDenied) as refused:
        digest_send(today=TODAY, actor=Actor.of(ledger.alice))
    assert str(refused.value) == "alice may not send the ledger's digest: the operator sends it"
    assert mailoutbox == []
    assert not AuditEntry.objects.filter(action="rectification.digest.sent").exists()


def test_the_digest_leaves_after_the_commit(
    ledger: Ledger, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    _items(ledger)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        digest_send(today=TODAY, actor=Actor.operator("cli"))
        assert mailoutbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert sorted(m.to[0] for m in mailoutbox) == ["alice@example.org", "olga@example.org"]
    entry = AuditEntry.objects.get(action="rectification.digest.sent")
    assert entry.data["to"] == ["alice", "olga"]
