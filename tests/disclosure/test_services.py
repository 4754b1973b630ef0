"""The approval chain, published versions and their history, feedback and the calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from pingyi.audit.models import AuditEntry
from pingyi.disclosure import access
from pingyi.disclosure import selectors as sel
from pingyi.disclosure.models import Item, Version
from pingyi.disclosure.services import (
    feedback_answer,
    feedback_submit,
    item_advance,
    item_edit,
    item_release,
    item_revise,
)
from pingyi.rules import disclosure as d
from pingyi.rules.errors import RuleError
from tests.disclosure.conftest import NOW, Cast, as_, draft, publish

pytestmark = pytest.mark.django_db


def test_an_item_is_drafted_studied_approved_then_published_as_version_1(cast: Cast) -> None:
    item = draft(cast.office)
    assert item.status == d.DRAFTED and item.created_on == dt.date(2026, 3, 2)
    item_advance(item=item, target=d.OFFICE_MEETING, note="主任会议 3 月 5 日", actor=as_("frank"))
    with pytest.raises(RuleError) as refused:
        item_advance(item=item, target=d.PUBLISHED, actor=as_("alice"))
    assert refused.value.message() == (
        "an item that is studied by the office meeting cannot become published"
    )
    item_advance(item=item, target=d.APPROVED, actor=as_("erin"))
    assert not Version.objects.exists()  # approved is not yet published
    item = item_advance(item=item, target=d.PUBLISHED, actor=as_("alice"), now=NOW)
    (version,) = sel.versions(item)
    assert (version.number, version.title, version.published_by) == (1, "党费收缴情况", "alice")
    assert item.last_published_on == dt.date(2026, 3, 2)
    assert list(item.steps.values_list("status", "note")) == [
        (d.DRAFTED, ""),
        (d.OFFICE_MEETING, "主任会议 3 月 5 日"),
        (d.APPROVED, ""),
        (d.PUBLISHED, ""),
    ]
    assert list(
        AuditEntry.objects.filter(action__startswith="disclosure.").values_list("action", flat=True)
    ) == [
        "disclosure.item.created",
        "disclosure.item.office_meeting",
        "disclosure.item.approved",
        "disclosure.item.published",
    ]


def test_the_leading_groups_approval_is_for_an_administrator() -> None:
    assert access.may_advance("admin", d.APPROVED)
    assert not access.may_advance("staff", d.APPROVED)
    assert access.may_advance("staff", d.OFFICE_MEETING) and access.may_advance(
        "staff", d.PUBLISHED
    )
    assert not access.may_advance("viewer", d.OFFICE_MEETING) and not access.may_advance(
        None, d.PUBLISHED
    )


def test_a_revision_goes_through_the_chain_again_and_the_history_stays(cast: Cast) -> None:
    item = publish(draft(cast.office))
    with pytest.raises(RuleError, match="the text can change only while the item is drafted"):
        item_edit(item=item, title="x", body="y", actor=as_("alice"))
    later = NOW + dt.timedelta(days=20)
    item = item_revise(
        item=item, title="党费收缴情况（更正）", body="一季度党费共计 3,800 元。", note="更正金额",
        actor=as_("alice"), now=later,
    )  # fmt: skip
    assert item.status == d.DRAFTED
    assert [v.number for v in sel.versions(item)] == [1]  # v1 is still what readers see
    with pytest.raises(RuleError, match="only a published item is revised; this one is drafted"):
        item_revise(item=item, title="a", body="b", note="", actor=as_("alice"))
    item = publish(item, now=later)
    v2, v1 = sel.versions(item)
    assert (v2.number, v2.title, v2.note) == (2, "党费收缴情况（更正）", "更正金额")
    assert (v1.number, v1.body) == (1, "一季度党费收缴 12 名党员，共计 3,600 元。")
    assert item.last_published_on == dt.date(2026, 3, 22)


def test_feedback_is_taken_on_published_items_and_answered_once(cast: Cast) -> None:
    item = draft(cast.office)
    with pytest.raises(RuleError, match="feedback is taken on published items only"):
        feedback_submit(item=item, text="何时公开？")
    publish(item)
    with pytest.raises(RuleError, match="write your feedback first"):
        feedback_submit(item=item, text="  ")
    feedback = feedback_submit(item=item, text="金额有误？", contact="13800000000")
    assert (feedback.version, feedback.author) == (1, "")
    with pytest.raises(RuleError, match="write the answer first"):
        feedback_answer(feedback=feedback, answer=" ", actor=as_("alice"))
    answered = feedback_answer(feedback=feedback, answer="已核实并更正。", actor=as_("alice"))
    assert answered.answered_by == "alice" and answered.answered_at is not None
    with pytest.raises(RuleError, match="answered already"):
        feedback_answer(feedback=feedback, answer="again", actor=as_("alice"))
    assert sel.open_feedback_count(Item.objects.all()) == 0


def test_an_internal_then_external_item_opens_to_the_public_once_published(cast: Cast) -> None:
    item = draft(cast.office, scope=d.INTERNAL_THEN_EXTERNAL)
    with pytest.raises(RuleError, match="opened to the public"):
        item_release(item=item, actor=as_("alice"))
    publish(item)
    assert not Item.objects.get(pk=item.pk).public
    item_release(item=item, actor=as_("alice"))
    assert Item.objects.get(pk=item.pk).public
    with pytest.raises(RuleError, match="opened to the public"):
        item_release(item=item, actor=as_("alice"))


@pytest.mark.parametrize(
    ("today", "day", "overdue"),
    [
        (dt.date(2026, 3, 31), dt.date(2026, 4, 15), []),
        (dt.date(2026, 4, 15), dt.date(2026, 4, 15), []),  # the day itself: due, not overdue
        (dt.date(2026, 4, 16), dt.date(2026, 7, 15), ["periodic, published in Q1"]),
        (dt.date(2026, 12, 31), dt.date(2027, 1, 15), ["periodic, published in Q1"]),
    ],
)
def test_the_calendar_by_an_injected_clock(
    cast: Cast, today: dt.date, day: dt.date, overdue: list[str]
) -> None:
    publish(draft(cast.office, title="periodic, published in Q1"))  # due 2026-04-15
    draft(cast.office, title="ad hoc, drafted", timeliness=d.AD_HOC)
    publish(draft(cast.office, title="fixed, published", timeliness=d.FIXED))
    got_day, rows = sel.calendar_for(Item.objects.all(), today)
    assert got_day == day
    assert [row.item.title for row in rows if row.entry.overdue] == overdue
    assert [row.item.title for row in rows] == ["periodic, published in Q1"]
