"""Query counts of the pages that list jobs and their batches of codes, pinned (issue 11):
Alice's office with 2 jobs of codes or with 20 (each run, so that its batch is listed with
its state) costs the same queries."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.jobs.conftest import Cast, client_for, finish_jobs
from tests.queries import assert_pinned

pytestmark = pytest.mark.django_db


def issue(client: Client, cast: Cast, count: int) -> None:
    """``count`` batches of codes asked for on the campaign page, their jobs run."""
    group = cast.campaign.groups.get(name="服务对象")
    for _ in range(count):
        url = f"/staff/c/{cast.campaign.code}/tokens"
        assert client.post(url, {"group": group.pk, "count": 2}).status_code == 302
    finish_jobs()


@pytest.mark.parametrize(("url", "pinned"), [("/staff/jobs/", 6), ("/staff/c/{code}/", 25)])
def test_a_page_of_jobs_or_batches(cast: Cast, url: str, pinned: int) -> None:
    alice = client_for(cast.alice)
    issue(alice, cast, 2)
    url = url.format(code=cast.campaign.code)
    assert_pinned(alice, url, lambda: issue(alice, cast, 18), pinned=pinned)
