"""Query counts of the office's notice pages and the notices API, pinned (issue 11): 2 rows
or 20 (notices, objections, entries) cost Alice, staff of the office, the same queries. The
public pages are pinned in test_notice_pages and test_split_notice."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User

from pingyi.accounts.models import Role
from pingyi.notices.models import Notice
from pingyi.notices.services import notice_publish, objection_file
from tests.notices.conftest import AS_STAFF, closed_campaign, profile, staff_user
from tests.queries import assert_pinned
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db

SMALL = {"L1": (10, 0, 0), "L2": (5, 3, 2), "V1": (8, 2, 0), "F1": (9, 1, 0)}


def published(folder: Path, year: int, units: dict[str, tuple[int, int, int]] = SMALL) -> Notice:
    campaign = closed_campaign(folder, profile=units, year=year, series=f"s{len(units)}")
    return notice_publish(campaign=campaign, actor=AS_STAFF)  # on notice now


def alice(notice: Notice) -> User:
    return staff_user("alice", notice.organization, Role.STAFF)


def object_to(notice: Notice, count: int) -> None:
    for n in range(count):
        objection_file(notice=notice, entry_code="L2", text=f"第{n}条意见：结果有误")


def test_the_office_list_of_notices(tmp_path: Path) -> None:
    first = published(tmp_path, 2020)
    published(tmp_path, 2021)

    def grow() -> None:
        for year in range(2022, 2030):
            published(tmp_path, year)

    assert_pinned(client_for(alice(first)), "/staff/notices/", grow, pinned=8)


@pytest.mark.parametrize(
    ("url", "pinned"),
    [("/staff/notices/{code}/", 15), ("/api/notices/{code}/objections", 5)],
    ids=["page", "api"],
)
def test_a_notice_with_many_objections(tmp_path: Path, url: str, pinned: int) -> None:
    notice = published(tmp_path, 2026)
    object_to(notice, 2)
    url = url.format(code=notice.code)
    assert_pinned(client_for(alice(notice)), url, lambda: object_to(notice, 18), pinned=pinned)


@pytest.mark.parametrize(
    ("url", "pinned"),
    [("/staff/notices/{code}/", 15), ("/api/notices/{code}", 3)],
    ids=["page", "api"],
)
def test_a_notice_of_many_units(tmp_path: Path, url: str, pinned: int) -> None:
    few = published(tmp_path, 2026)
    many = published(tmp_path, 2026, profile(7))
    assert_pinned(
        client_for(alice(few)),
        url.format(code=few.code),
        lambda: url.format(code=many.code),
        pinned=pinned,
    )
