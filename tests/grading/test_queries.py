"""Query counts of the grading pages, pinned (issue 11): a round of 4 organizations and one
of 20 (each over two committees, every organization assessed, at the decision step) cost the
department's staff the same queries on each page; so do 2 rounds or 20 on the list."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User

from pingyi.accounts.models import Membership, Role
from pingyi.grading import decisions
from pingyi.grading.models import Committee, GradingRound
from pingyi.grading.selectors import grading_state
from pingyi.grading.services import round_create
from pingyi.rules import grading as rules
from tests.grading.conftest import DEPT, decided, noticed, office, op
from tests.notices.conftest import grading_orgs
from tests.queries import assert_pinned
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db


def staff() -> User:
    user = User.objects.create_user("staff")
    Membership.objects.create(user=user, organization=office(), role=Role.STAFF)
    return user


def decided_round(folder: Path, count: int, year: int) -> GradingRound:
    """``count`` organizations over two committees, decided, on notice, and filed by both
    committees (their quotas justified, their grades explained where asked)."""
    totals: dict[str, int | str] = {f"P{i}": 95 - 2 * i for i in range(count)}
    grading_round = decided(folder, totals, grading_orgs(count, committees=2), year=year)
    noticed(grading_round)
    state = grading_state(grading_round)
    for committee in Committee.objects.filter(round=grading_round):
        mine = state.committee(committee.pk)
        for kind in mine.unjustified():
            decisions.quota_justify(
                committee=committee, kind=kind, text="班子会议研究", actor=op("c")
            )
        for s in mine.orgs:
            if s.needs_explanation and not s.explained:
                decisions.explanation_write(org=s.org, text="情况说明", actor=op("c"))
        decisions.filing_submit(committee=committee, actor=op("c"))
    return grading_round


def committee_of(grading_round: GradingRound) -> int:
    return Committee.objects.filter(round=grading_round).order_by("position").first().pk  # type: ignore[union-attr]


# page: (address under the round, status, pinned queries, whether it lists the rows)
PAGES = {
    "round": ("", 200, 35, True),
    "review": ("review", 200, 19, True),
    "committee": ("k/{k}/", 200, 19, True),
    "reports": ("reports.xlsx", 302, 20, False),  # checked here, then built by a job
}


def test_the_pages_of_a_round(tmp_path: Path) -> None:
    few, many = decided_round(tmp_path, 4, 2026), decided_round(tmp_path, 20, 2027)
    client = client_for(staff())
    for tail, status, pinned, grows in PAGES.values():

        def url(grading_round: GradingRound, tail: str = tail) -> str:
            path = tail.format(k=committee_of(grading_round))
            return f"/staff/grading/{grading_round.code}/{path}"

        assert_pinned(client, url(few), lambda u=url: u(many), pinned, status=status, grows=grows)


def test_the_list_of_rounds(db: None) -> None:
    def create(years: range) -> None:
        for year in years:
            round_create(organization=office(), year=year, name=f"{year}年基层党组织分类定级",
                         scheme=rules.GradingScheme(), actor=op(DEPT))  # fmt: skip

    create(range(2026, 2028))
    assert_pinned(client_for(staff()), "/staff/grading/", lambda: create(range(2028, 2046)), 7)


def test_an_organizations_references_and_the_benefits_of_good(tmp_path: Path) -> None:
    """The organization's page lists its references, the committee's page the benefits of
    its 好: no query per reference nor per benefit."""
    from pingyi.accounts.actors import Actor
    from pingyi.grading import records
    from pingyi.grading.models import PartyOrg

    grading_round = decided_round(tmp_path, 20, 2026)
    orgs = list(PartyOrg.objects.filter(round=grading_round).order_by("position"))
    operator = Actor.operator("c")

    def refer(count: int) -> None:
        for n in range(count):
            records.reference_add(org=orgs[0], kind="petition", text=f"意见{n}", actor=operator)

    refer(1)
    client = client_for(staff())
    base = f"/staff/grading/{grading_round.code}/"
    assert_pinned(client, base + "o/P0/", lambda: refer(20), 26)

    def grant() -> None:
        for org in orgs:
            if grading_state(grading_round).org(org.code).grade == rules.EXCELLENT:
                records.benefit_record(org=org, points=None, secretary=True,
                                       commendation=False, actor=operator)  # fmt: skip

    assert_pinned(client, base + f"k/{committee_of(grading_round)}/", grant, 19)
