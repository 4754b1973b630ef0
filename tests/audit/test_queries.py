"""Query counts of the administrator's audit log (the read-only admin lists of the main chain
and of the casts' lanes), pinned (issue 11): 2 entries or 20 cost the same queries."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import transaction

from pingyi.audit.services import audit_log, audit_log_parallel
from tests.queries import assert_pinned
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db


def entries(count: int) -> None:
    for n in range(count):
        with transaction.atomic():
            audit_log(actor="alice", action="campaigns.campaign.created", data={"n": n})
            audit_log_parallel(actor="", action="voting.ballot.cast")


@pytest.mark.parametrize(
    ("url", "pinned"),
    [("/admin/audit/auditentry/", 10), ("/admin/audit/laneentry/", 11)],
    ids=["chain", "lanes"],
)
def test_the_audit_log(db: None, url: str, pinned: int) -> None:
    root = User.objects.create_superuser("root")
    entries(2)
    assert_pinned(client_for(root), url, lambda: entries(18), pinned)
