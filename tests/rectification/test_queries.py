"""Query counts of the ledger, the plans and the histories, pinned (issue 11): 2 rows or 20
(items with their progress and evidence, years of a series, rounds of a department) cost
Alice, who supervises the office's ledger, the same queries."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pingyi import evidence
from pingyi.grading.models import PartyOrg
from pingyi.notices.services import notice_finalize
from pingyi.rectification.lookback import org_regrade
from pingyi.rectification.models import Plan
from pingyi.rectification.services import item_add, item_progress
from tests.notices.conftest import AS_STAFF, T0, grading_orgs, published_grading
from tests.queries import assert_pinned
from tests.rectification.conftest import PDF, TODAY, Ledger, final_notice
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db


def items(plans: list[Plan], count: int) -> None:
    """``count`` items over ``plans``, each with a progress note carrying a file."""
    for n in range(count):
        item = item_add(
            plan=plans[n % len(plans)], description=f"问题{n}", measures="整改措施",
            target="限期办结", owner="王科长", deadline=TODAY + dt.timedelta(days=n),
            actor=AS_STAFF,
        )  # fmt: skip
        item_progress(
            item=item, text="已部署", files=[evidence.Upload(f"{n}.pdf", PDF)], actor=AS_STAFF
        )


@pytest.mark.parametrize(
    ("url", "pinned", "grows"),
    [("/staff/ledger/", 8, True), ("/staff/ledger/ledger.xlsx", 3, False),
     ("/staff/ledger/plans/{plan}/", 14, True)],
    ids=["ledger", "export", "plan"],
)  # fmt: skip
def test_a_page_of_items(ledger: Ledger, url: str, pinned: int, grows: bool) -> None:
    plans = list(Plan.objects.filter(notice=ledger.notice).order_by("unit_code"))
    if "{plan}" in url:
        plans = [ledger.plan]
    items(plans, 2)
    url = url.format(plan=ledger.plan.pk)
    assert_pinned(client_for(ledger.alice), url, lambda: items(plans, 18), pinned, grows=grows)


def test_a_units_history_over_many_years(ledger: Ledger, tmp_path: Path) -> None:
    final_notice(tmp_path, year=2025)
    url = f"/staff/history/{ledger.plan.series_id}/L7/"

    def grow() -> None:
        for year in range(2019, 2025):
            final_notice(tmp_path, year=year)

    assert_pinned(client_for(ledger.alice), url, grow, pinned=8)


def test_an_organizations_grading_history_over_many_rounds(ledger: Ledger, tmp_path: Path) -> None:
    def final(year: int) -> None:
        moment = T0.replace(year=year)
        notice = published_grading(tmp_path, now=moment, year=year)
        notice_finalize(notice=notice, actor=AS_STAFF, now=moment + dt.timedelta(days=5))

    for year in (2024, 2025):
        final(year)

    def grow() -> None:
        for year in range(2018, 2024):
            final(year)

    url = "/staff/history/grading/office/S1/"
    assert_pinned(client_for(ledger.alice), url, grow, pinned=10)


def test_the_look_backs_of_a_round(ledger: Ledger, tmp_path: Path) -> None:
    totals: dict[str, int | str] = {f"P{i}": 95 - i for i in range(20)}
    notice = published_grading(tmp_path, orgs=grading_orgs(20), totals=totals, year=2026)
    notice_finalize(notice=notice, actor=AS_STAFF, now=T0 + dt.timedelta(days=5))
    assert notice.grading_round is not None
    orgs = list(PartyOrg.objects.filter(round=notice.grading_round).order_by("position"))

    def regrade(chosen: list[PartyOrg]) -> None:
        for org in chosen:
            org_regrade(
                org=org, grade="较差", reason="回头看发现问题", violation=False, actor=AS_STAFF
            )

    regrade(orgs[:2])
    url = f"/staff/ledger/lookback/{notice.grading_round.code}/"
    assert_pinned(client_for(ledger.alice), url, lambda: regrade(orgs[2:]), pinned=8)
