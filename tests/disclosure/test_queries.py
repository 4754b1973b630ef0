"""Query counts of the disclosure lists, pinned (issue 11): 2 rows or 20 (items published
and drafted, feedback on an item, letters in the opinion box) cost Erin, the office's
administrator, or the public, the same queries."""

from __future__ import annotations

import pytest
from django.test import Client

from pingyi.disclosure.models import Item
from pingyi.disclosure.services import feedback_answer, feedback_leave, opinion_leave
from pingyi.rules import disclosure as d
from tests.disclosure.conftest import Cast, as_, draft, publish
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
    [("/staff/disclosure/", "erin", 10, True), ("/api/disclosure/items", "erin", 3, True),
     ("/api/disclosure/calendar?today=2026-04-16", "erin", 3, False),
     ("/disclosure/szfb/", "public", 2, True), ("/api/disclosure/public/szfb", "public", 3, True)],
    ids=["page", "api", "api-calendar", "public", "api-public"],
)  # fmt: skip
def test_a_list_of_items(cast: Cast, url: str, who: str, pinned: int, grows: bool) -> None:
    client = Client() if who == "public" else client_for(cast.erin)
    items(cast, 3)
    assert_pinned(client, url, lambda: items(cast, 27), pinned, grows=grows)


@pytest.mark.parametrize(
    ("url", "who", "pinned"),
    [("/staff/disclosure/i/{pk}/", "erin", 10), ("/disclosure/szfb/{pk}/", "public", 5)],
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
