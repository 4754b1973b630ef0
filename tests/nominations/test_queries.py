"""Query counts of the nomination pages that list opinions, pinned (issue 11): the office's
round page with the opinions filed on the notice and their answers costs the same queries
with one opinion as with twenty, answered or not."""

from __future__ import annotations

import pytest

from pingyi.nominations import services as s
from pingyi.nominations.models import Nominee, Opinion
from tests.nominations.conftest import SYSTEM, Cast, person
from tests.queries import assert_pinned
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db

# with one for whether any unit has a list (a round without units has no deadline done)
ROUND_PAGE = 19  # the units table reads each unit's level above in the same query


def test_the_round_page_with_its_opinions_and_answers(cast: Cast) -> None:
    s.nominee_add(unit=cast.department, spec=person("孙七"), actor=cast.actor("victor"))
    slate = s.slate_submit(unit=cast.department, actor=cast.actor("victor"))
    s.slate_approve(slate=slate, actor=cast.actor("alice"))
    s.notice_publish(round_=cast.round, actor=cast.actor("alice"))
    nominee = Nominee.objects.get(slate=slate)  # read again: the round is on notice now
    s.opinion_file(nominee=nominee, text="第一条意见", actor=SYSTEM)

    def grow() -> None:
        for n in range(19):
            filed = s.opinion_file(nominee=nominee, text=f"意见{n}", actor=SYSTEM)
            if n % 2:
                s.opinion_answer(opinion=filed.opinion, answer=f"答复{n}",
                                 actor=cast.actor("alice"))  # fmt: skip

    url = f"/staff/nominations/{cast.round.code}/"
    assert_pinned(client_for(cast.alice), url, grow, ROUND_PAGE)
    assert Opinion.objects.count() == 20
