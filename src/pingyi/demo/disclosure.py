"""The demo's party-affairs disclosure (seed 004): a matter disclosed phase by phase (决策前,
执行中, 结果) with two phases published through the office's chain, an item disclosed inside
the party only, decided by the branch, with a member's opinion answered, and a supervisor
appointed for a term whose remark the office answered — so that `make run` shows the public
page, the phases, the register and the supervision.

Each step is recorded for a different named actor of the demo: separation of duties holds
for the demo too (who drafts a text does not record the next step, nobody records two steps
in a row)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Organization
from pingyi.disclosure import selectors as sel
from pingyi.disclosure import services as s
from pingyi.disclosure.models import Item
from pingyi.rules import disclosure as d

STAGED_TITLE = "机关食堂改造工程（决策前）"
INTERNAL_TITLE = "关于确定发展对象的公示"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2026, month, day, 10, 0, tzinfo=SHANGHAI)


def _office_chain(item: Item, when: dt.datetime) -> Item:
    for target, who in (
        (d.OFFICE_MEETING, "demo-主任会议"),
        (d.APPROVED, "demo-领导小组"),
        (d.PUBLISHED, "demo-党务公开办"),
    ):
        item = s.item_advance(item=item, target=target, actor=Actor.operator(who), now=when)
    return item


def _staged(office: Organization) -> Item:
    drafter = Actor.operator("demo-综合科")
    item = s.item_create(
        organization=office, area=d.CENTRAL_WORK, scope=d.EXTERNAL,
        forms=[d.NOTICE_BOARD, d.WEBSITE], timeliness=d.STAGED,
        phases=["决策前", "执行中", "结果"], title=STAGED_TITLE,
        body="拟对机关食堂进行改造，预算 80 万元，现公开方案，征求干部职工意见。",
        actor=drafter, now=_at(3, 2),
    )  # fmt: skip
    item = _office_chain(item, _at(3, 6))
    item = s.phase_next(
        item=item, title="机关食堂改造工程（执行中）",
        body="工程已于 4 月 10 日开工，经公开招标由本市某建筑公司承建，合同价 76.5 万元。",
        actor=drafter, now=_at(4, 12),
    )  # fmt: skip
    return _office_chain(item, _at(4, 14))


def _internal(office: Organization) -> Item:
    item = s.item_create(
        organization=office, area=d.ORGANIZATION, scope=d.INTERNAL,
        forms=[d.MEETING, d.BRANCH_BOARD], timeliness=d.AD_HOC, title=INTERNAL_TITLE,
        body="经支部委员会研究，拟将李明同志确定为发展对象，公示期 7 天。",
        actor=Actor.operator("demo-组织委员"), now=_at(5, 8),
    )  # fmt: skip
    item = s.item_advance(
        item=item, target=d.BRANCH_DECIDED, note="支委会研究决定",
        actor=Actor.operator("demo-支部书记"), now=_at(5, 9),
    )  # fmt: skip
    item = s.item_advance(
        item=item, target=d.PUBLISHED, actor=Actor.operator("demo-组织委员"), now=_at(5, 9)
    )
    opinion = s.feedback_leave(
        item=item, text="建议同时公布培养联系人。", author="demo-党员", now=_at(5, 10)
    )
    s.feedback_answer(
        feedback=opinion.feedback, answer="采纳，已在支部活动栏补充培养联系人。",
        actor=Actor.operator("demo-组织委员"), now=_at(5, 11),
    )  # fmt: skip
    return item


def _supervision(office: Organization, staged: Item) -> None:
    supervisor = s.supervisor_appoint(
        organization=office, name="王秀兰", unit="市人大代表、退休教师",
        term_start=dt.date(2026, 1, 1), term_end=dt.date(2027, 12, 31),
        actor=Actor.operator("demo-领导小组"), now=_at(1, 5),
    )  # fmt: skip
    remark = s.remark_leave(
        supervisor=supervisor, item=staged, text="执行中阶段请补充工程进度和资金支付情况。",
        actor=Actor.operator("demo-监督员"), now=_at(4, 20),
    )  # fmt: skip
    s.remark_answer(
        remark=remark, answer="已在结果阶段报告中逐项列出，竣工后一并公开。",
        actor=Actor.operator("demo-党务公开办"), now=_at(4, 22),
    )  # fmt: skip


def demo_disclosure(*, office: Organization) -> Iterator[str]:
    """Builds (or finds) the demo's disclosure items and says where to read them."""
    staged = Item.objects.filter(organization=office, phases__name="决策前").first()
    if staged is None:
        staged = _staged(office)
        _internal(office)
        _supervision(office, staged)
    yield "== " + _("Party-affairs disclosure") + f" ({office.code})"
    rows = sel.phase_rows(staged, sel.versions(staged))
    phases = "、".join(
        f"{r.phase.name} {timezone.localtime(r.first_published):%Y-%m-%d}"
        if r.first_published
        else f"{r.phase.name} —"
        for r in rows
    )
    yield "  " + _("%(title)s: phases %(phases)s") % {"title": staged.title, "phases": phases}
    yield "  " + _(
        "public page /disclosure/%(code)s/, supervisors at /staff/disclosure/supervisors/"
    ) % {"code": office.code}
