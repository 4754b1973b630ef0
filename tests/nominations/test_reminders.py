"""Reminders of nominations: the to-do lines on /staff/ (lists waiting at the person's level,
at the office, or returned) and the digest's deadlines on an injected day."""

from __future__ import annotations

import datetime as dt

import pytest

from pingyi.nominations import services as s
from pingyi.office.todo import todos_for
from pingyi.rectification.digest import digest_letters, render
from tests.nominations.conftest import Cast, person

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 14)


def _texts(cast: Cast, name: str) -> list[str]:
    return [t.text for t in todos_for(getattr(cast, name), today=TODAY)]


def test_each_level_finds_the_list_that_waits_for_it(cast: Cast) -> None:
    s.nominee_add(unit=cast.town, spec=person("张三"), actor=cast.actor("uma"))
    slate = s.slate_submit(unit=cast.town, actor=cast.actor("uma"))
    line = "2026年人民满意的公务员推荐: 1 nomination list waits for your recommendation"
    assert line in _texts(cast, "cora")
    assert not any("nomination" in t for t in _texts(cast, "uma"))
    s.slate_recommend(slate=slate, actor=cast.actor("cora"))
    office = "2026年人民满意的公务员推荐: 1 nomination list awaits the office's approval"
    assert office in _texts(cast, "alice")
    assert not any("nomination" in t for t in _texts(cast, "cora"))
    s.slate_return(slate=slate, reason="请补充事迹", actor=cast.actor("alice"))
    assert "2026年人民满意的公务员推荐: 1 nomination list was returned to your unit" in _texts(
        cast, "uma"
    )


def test_the_digest_reminds_the_units_not_filed_and_the_office(cast: Cast) -> None:
    for user in (cast.alice, cast.uma, cast.victor, cast.cora):
        user.email = f"{user.username}@example.org"
        user.save()
    s.nominee_add(unit=cast.department, spec=person("赵六"), actor=cast.actor("victor"))
    s.slate_submit(unit=cast.department, actor=cast.actor("victor"))
    # the units' lists are due on 15 March (14 days from the start): due soon on the 14th
    letters = {letter.username: letter for letter in digest_letters(today=TODAY)}
    assert letters["alice"].nominations == [
        ("2026年人民满意的公务员推荐", "nominate", dt.date(2026, 3, 15), "due")
    ]
    assert letters["uma"].nominations == letters["alice"].nominations  # the town has not filed
    assert "victor" not in letters  # the department's list is in
    _subject, body = render(letters["uma"], today=TODAY)
    assert "[due soon] 2026年人民满意的公务员推荐: units submit their lists" in body
    later = {letter.username for letter in digest_letters(today=dt.date(2026, 3, 16))}
    assert {"alice", "uma", "cora"} <= later  # overdue now, the county too has not filed
