"""Query counts of the disclosure lists, pinned (issue 11): 2 rows or 20 (items published
and drafted, feedback on an item, letters in the opinion box, supervisors and their remarks,
the phases of a staged item) cost Erin, the office's administrator, a supervisor, or the
public, the same queries. Issue 15 item 9 added one query to the lists of items (their
phases, or the serving supervisors on the public list) and two to the staff landing (open
remarks, the user's own supervisions)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from pingyi.disclosure.models import Item, Supervisor
from pingyi.disclosure.services import (
    feedback_answer,
    feedback_leave,
    item_advance,
    opinion_leave,
    phase_next,
    remark_answer,
    remark_leave,
    supervisor_appoint,
)
from pingyi.rules import disclosure as d
from tests.disclosure.conftest import Cast, as_, draft, publish, staged
from tests.queries import assert_pinned
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db


def items(cast: Cast, count: int) -> None:
    """``count`` items: published outside and inside the Party, and drafts, in turn."""
    for n in range(count):
        kind = n % 3
        item = draft(
            cast.office, title=f"第{n}项公开", scope=d.INTERNAL if kind == 1 else d.EXTERNAL
        )
        if kind < 2:
            publish(item)


def feedback(item: Item, count: int) -> None:
    for n in range(count):
        left = feedback_leave(item=item, text=f"第{n}条意见：请补充明细").feedback
        if n % 2:
            feedback_answer(feedback=left, answer="已补充", actor=as_("alice"))


@pytest.mark.parametrize(
    ("url", "who", "pinned", "grows"),
    [("/staff/disclosure/", "erin", 13, True), ("/api/disclosure/items", "erin", 4, True),
     ("/api/disclosure/calendar?today=2026-04-16", "erin", 3, False),
     ("/disclosure/szfb/", "public", 3, True), ("/api/disclosure/public/szfb", "public", 3, True)],
    ids=["page", "api", "api-calendar", "public", "api-public"],
)  # fmt: skip
def test_a_list_of_items(cast: Cast, url: str, who: str, pinned: int, grows: bool) -> None:
    client = Client() if who == "public" else client_for(cast.erin)
    items(cast, 3)
    assert_pinned(client, url, lambda: items(cast, 27), pinned, grows=grows)


@pytest.mark.parametrize(
    ("url", "who", "pinned"),
    [("/staff/disclosure/i/{pk}/", "erin", 11), ("/disclosure/szfb/{pk}/", "public", 6)],
    ids=["page", "public"],
)
def test_an_item_with_much_feedback(cast: Cast, url: str, who: str, pinned: int) -> None:
    client = Client() if who == "public" else client_for(cast.erin)
    item = publish(draft(cast.office))
    feedback(item, 2)
    assert_pinned(client, url.format(pk=item.pk), lambda: feedback(item, 18), pinned)


def test_the_opinion_box(cast: Cast) -> None:
    def letters(count: int) -> None:
        for n in range(count):
            opinion_leave(organization=cast.office, text=f"第{n}条建议：增加公开栏")

    letters(2)
    assert_pinned(client_for(cast.erin), "/staff/disclosure/opinions/", lambda: letters(18), 7)


def _supervisor(cast: Cast) -> Supervisor:
    today = timezone.localdate()
    return supervisor_appoint(
        organization=cast.office, name="王秀兰", unit="市人大代表", term_start=today,
        term_end=today, user=cast.dave, actor=as_("erin"),
    )  # fmt: skip


def test_the_supervisors_and_their_remarks(cast: Cast) -> None:
    supervisor = _supervisor(cast)

    def remarks(count: int) -> None:
        for n in range(count):
            remark = remark_leave(
                supervisor=supervisor, item=draft(cast.office, title=f"第{n}项"),
                text=f"第{n}条：公开栏未更新", actor=as_("dave"),
            )  # fmt: skip
            if n % 2:
                remark_answer(remark=remark, answer="已更新", actor=as_("alice"))
        for _n in range(count // 4):
            _supervisor(cast)

    remarks(2)
    assert_pinned(client_for(cast.erin), "/staff/disclosure/supervisors/", lambda: remarks(18), 10)


def test_the_supervisors_register_of_staged_items(cast: Cast) -> None:
    supervisor = _supervisor(cast)

    def register(count: int) -> None:
        for n in range(count):
            item = publish(staged(cast.office, title=f"第{n}项分阶段公开"))
            remark_leave(supervisor=supervisor, item=item, text="请补充", actor=as_("dave"))

    register(2)
    assert_pinned(
        client_for(cast.dave), "/staff/disclosure/supervise/szfb/", lambda: register(18), 14
    )


def test_an_item_disclosed_phase_by_phase(cast: Cast) -> None:
    item = publish(staged(cast.office, phases=[f"第{n}阶段" for n in range(1, 11)]))

    def phases(count: int) -> None:
        nonlocal item
        for n in range(count):
            item = phase_next(item=item, title=f"第{n}阶段报告", body="进展", actor=as_("frank"))
            for target, who in ((d.OFFICE_MEETING, "alice"), (d.APPROVED, "erin"),
                                (d.PUBLISHED, "frank")):  # fmt: skip
                item = item_advance(item=item, target=target, actor=as_(who))

    phases(1)
    assert_pinned(Client(), f"/disclosure/szfb/{item.pk}/", lambda: phases(7), 6)
