"""`make run`'s public notice (demo/notices.py): the closed campaign's results go on notice,
a member of the public objects to the unit ranked last and the office answers, in Chinese on
the public page; a second run of the demo finds the notice it made."""

from __future__ import annotations

import pytest
from django.test import Client

from pingyi.campaigns.models import Campaign
from pingyi.demo.notices import ANSWER, OBJECTION, demo_notice
from pingyi.notices.models import Notice, Objection, ObjectionStatus
from tests.chinese import ZH

pytestmark = pytest.mark.django_db


def test_the_demo_puts_the_results_on_notice_with_one_objection_answered(
    closed: Campaign,
) -> None:
    lines = list(demo_notice(closed))
    notice = Notice.objects.get(campaign=closed)
    assert lines and f"/notice/{notice.code}/" in lines[0]
    objection = Objection.objects.get(notice=notice)
    assert (objection.text, objection.status, objection.answer) == (
        OBJECTION, ObjectionStatus.ANSWERED, ANSWER
    )  # fmt: skip
    assert objection.entry.rank == max(e.rank or 0 for e in notice.entries.all())
    page = Client().get(f"/notice/{notice.code}/", headers=ZH).content.decode()
    assert ANSWER in page
    again = list(demo_notice(Campaign.objects.get(pk=closed.pk)))  # found, not made
    assert len(again) == 1 and again[0].endswith(f"/notice/{notice.code}/")
    assert Notice.objects.count() == Objection.objects.count() == 1
