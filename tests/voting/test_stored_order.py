"""R10: where a ballot or receipt sits on disk does not follow the order in which tokens were
used. On PostgreSQL (heap order = write order) this holds once the campaign closes; on SQLite
rows live in the order of their random ids from the start."""

from __future__ import annotations

import numpy as np
import pytest
from django.db import connection

from pingyi.accounts.actors import Actor
from pingyi.campaigns.models import Campaign
from pingyi.campaigns.services import campaign_close
from pingyi.voting.services import IssuedBatch, ballot_submit, token_issue
from tests.cast import STAFF

pytestmark = pytest.mark.django_db
UNITS = ["L1", "L2", "V1", "F1"]
MARKS = ["satisfied", "basically_satisfied", "dissatisfied", "abstain"]
VOTES = 250


def _marks_for(index: int) -> dict[str, str]:
    """A distinct ballot per index: its base-4 digits are the marks."""
    return {unit: MARKS[(index >> (2 * k)) & 3] for k, unit in enumerate(UNITS)}


def _index_of(stored: str) -> int:
    return sum(int(ch) << (2 * k) for k, ch in enumerate(stored))


def _stored_in_disk_order(table: str, column: str) -> list[str]:
    order = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} ORDER BY {order}")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def _spearman(a: list[int], b: list[int]) -> float:
    return float(np.corrcoef(np.argsort(np.argsort(a)), np.argsort(np.argsort(b)))[0, 1])


@pytest.fixture
def many(campaign: Campaign) -> IssuedBatch:
    return token_issue(
        campaign=campaign, group=campaign.groups.first(), count=VOTES, actor=Actor.operator(STAFF)
    )


def test_ballots_on_disk_are_not_in_voting_order_after_close(
    campaign: Campaign, many: IssuedBatch
) -> None:
    receipts = [
        ballot_submit(code=code, marks=_marks_for(index)) for index, code in enumerate(many.codes)
    ]
    campaign_close(campaign=campaign, actor=Actor.operator(STAFF))
    voted = [_index_of(m) for m in _stored_in_disk_order("ballots_ballot", "marks")]
    assert sorted(voted) == list(range(VOTES))
    assert abs(_spearman(voted, list(range(VOTES)))) < 0.2
    position = {code: n for n, code in enumerate(receipts)}
    issued = [position[c] for c in _stored_in_disk_order("voting_receipt", "code")]
    assert abs(_spearman(issued, list(range(VOTES)))) < 0.2
