"""An organization across the grading rounds of its department: grades as published (reviews
and look-backs applied), repeated 较差 standing out with seed 003's consequence; other
departments' organizations with the same code never count (R17)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client

from pingyi.accounts.models import Organization
from pingyi.grading.models import PartyOrg
from pingyi.notices.models import Notice
from pingyi.notices.services import notice_finalize
from pingyi.rectification.grading_history import org_grading_history
from pingyi.rectification.history import REPEATED_POOR
from pingyi.rectification.lookback import org_regrade
from tests.notices.conftest import (
    AS_STAFF,
    GRADING_TOTALS,
    T0,
    published_grading,
    staff_user,
)

pytestmark = pytest.mark.django_db


def _final(folder: Path, year: int, **totals: int) -> Notice:
    moment = T0.replace(year=year)
    notice = published_grading(folder, now=moment, totals={**GRADING_TOTALS, **totals}, year=year)
    return notice_finalize(notice=notice, actor=AS_STAFF, now=moment + dt.timedelta(days=5))


def test_repeated_poor_stands_out_with_its_consequence(tmp_path: Path) -> None:
    first = _final(tmp_path, 2024)  # S1 较差
    _final(tmp_path, 2025, S1=70)  # 一般
    last = _final(tmp_path, 2026)  # 较差 again
    years = org_grading_history(last.organization, "S1")
    assert [(y.round.year, y.grade, y.poor_times) for y in years] == [
        (2024, "较差", 1), (2025, "一般", 0), (2026, "较差", 2),
    ]  # fmt: skip
    assert [y.warnings for y in years] == [[], [], [REPEATED_POOR]]
    client = Client()
    client.force_login(staff_user("alice", first.organization))
    page = client.get("/staff/history/grading/office/S1/").content.decode()
    assert "较差 in 2 rounds so far." in page and REPEATED_POOR in page
    assert page.count('class="flagged"') == 1


def test_a_look_back_shows_in_the_history_and_other_offices_never_count(tmp_path: Path) -> None:
    notice = _final(tmp_path, 2025)
    v1 = PartyOrg.objects.get(round=notice.grading_round, code="V1")
    org_regrade(org=v1, grade="较差", reason="违纪", violation=True, actor=AS_STAFF)
    years = org_grading_history(notice.organization, "V1")
    assert [(y.grade, y.looked_back) for y in years] == [("较差", True)]
    other = Organization.objects.create(code="elsewhere", name="别处")
    assert org_grading_history(other, "V1") == []
    client = Client()
    client.force_login(staff_user("charlie", other))
    assert client.get("/staff/history/grading/office/V1/").status_code == 404
    mine = Client()
    mine.force_login(staff_user("alice", notice.organization))
    assert mine.get("/staff/history/grading/office/NOPE/").status_code == 404
    page = mine.get("/staff/history/grading/office/V1/").content.decode()
    assert "after a look-back" in page
