"""Query counts of P1's staff pages and API lists, pinned (issue 11): the same for 2 rows as
for 20, and written down here. The campaigns are the notices' fixture (tests.notices.conftest);
Alice is staff of their office and sees everything of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from pingyi.accounts.actors import Actor
from pingyi.campaigns.models import Campaign
from pingyi.campaigns.services import unit_add
from pingyi.office.consequences import consequences_apply
from pingyi.voting.services import token_issue
from tests.cast import STAFF, make_campaign
from tests.notices.conftest import closed_campaign, profile
from tests.queries import assert_pinned
from tests.web.conftest import Cast, client_for

pytestmark = pytest.mark.django_db

FEW = 2
MANY = 20


def closed(folder: Path, count: int, series: str) -> Campaign:
    return closed_campaign(folder, profile=profile(count), series=series)


def test_staff_home(cast: Cast) -> None:
    def grow() -> None:
        for year in range(2027, 2027 + MANY - FEW):
            make_campaign(year=year)

    assert_pinned(client_for(cast.alice), "/staff/", grow, pinned=25)  # +1 opinions, +2 supervision


def test_campaign_page_of_a_draft_with_many_units(cast: Cast) -> None:
    draft = make_campaign(year=2030, open_it=False)

    def grow() -> None:
        for n in range(MANY):
            unit_add(campaign=draft, code=f"X{n}", name=f"单位{n}", category="地方管理部门",
                     veto=False, actor=Actor.operator(STAFF))  # fmt: skip

    # 24: the supervision record and the areas of the upload form (seed 001 八.6)
    assert_pinned(
        client_for(cast.alice), f"/staff/c/{draft.code}/", grow, pinned=25
    )  # +1: a survey?


def test_campaign_page_with_many_batches_of_codes(cast: Cast) -> None:
    group = cast.campaign.groups.first()
    assert group is not None

    def issue(count: int) -> None:
        for _ in range(count):
            token_issue(campaign=cast.campaign, group=group, count=3, actor=Actor.operator(STAFF))

    issue(FEW)
    url = f"/staff/c/{cast.campaign.code}/"
    assert_pinned(client_for(cast.alice), url, lambda: issue(MANY - FEW), pinned=25)


def test_results_page(cast: Cast, tmp_path: Path) -> None:
    few = closed(tmp_path, FEW, "few")
    many = closed(tmp_path, MANY, "many")
    assert_pinned(
        client_for(cast.alice),
        f"/staff/c/{few.code}/results",
        lambda: f"/staff/c/{many.code}/results",
        pinned=15,  # + the paper ballots per area (batches, areas)
    )


def test_consequences_board(cast: Cast, tmp_path: Path) -> None:
    few = closed(tmp_path, FEW, "few")
    many = closed(tmp_path, MANY, "many")
    for campaign in (few, many):
        consequences_apply(campaign=campaign, actor=Actor.operator(STAFF))
    assert_pinned(
        client_for(cast.alice),
        f"/staff/c/{few.code}/consequences",
        lambda: f"/staff/c/{many.code}/consequences",
        pinned=8,
    )


def test_api_campaigns_list(cast: Cast) -> None:
    def grow() -> None:
        for year in range(2027, 2027 + MANY - FEW):
            make_campaign(year=year)

    assert_pinned(client_for(cast.alice), "/api/campaigns", grow, pinned=3)


@pytest.mark.parametrize(
    ("tail", "pinned"),
    [("", 3), ("/collection", 10), ("/results", 9)],
    ids=["get", "collection", "results"],
)
def test_api_campaign(cast: Cast, tmp_path: Path, tail: str, pinned: int) -> None:
    few = closed(tmp_path, FEW, "few")
    many = closed(tmp_path, MANY, "many")
    assert_pinned(
        client_for(cast.alice),
        f"/api/campaigns/{few.code}{tail}",
        lambda: f"/api/campaigns/{many.code}{tail}",
        pinned=pinned,
        grows=tail == "/results",
    )


def test_yearend_page_with_many_areas_and_kinds(cast: Cast) -> None:
    """The year-end page of a draft: its areas (with their batches) and kinds."""
    from pingyi.campaigns.yearend_services import area_add, kind_add

    draft = make_campaign(year=2030, open_it=False)

    def grow() -> None:
        for n in range(MANY):
            area_add(campaign=draft, code=f"a{n}", name=f"片区{n}", actor=Actor.operator(STAFF))
            kind_add(
                campaign=draft,
                group="服务对象",
                code=f"k{n}",
                name=f"类别{n}",
                actor=Actor.operator(STAFF),
            )

    url = f"/staff/c/{draft.code}/yearend"
    assert_pinned(client_for(cast.alice), url, grow, pinned=13)


def test_api_yearend(cast: Cast, tmp_path: Path) -> None:
    few = closed(tmp_path, FEW, "few")
    many = closed(tmp_path, MANY, "many")
    assert_pinned(
        client_for(cast.alice),
        f"/api/campaigns/{few.code}/yearend",
        lambda: f"/api/campaigns/{many.code}/yearend",
        pinned=12,
        grows=False,
    )
