"""R17 for the jobs' routes: every route of `jobs:` called as every role answers what this
checked-in matrix says. Alice (staff) started a job of codes, whose ZIP waits; Erin is the
office's administrator, Bob reads, Charlie runs another office, Dave has no role. Another
office's job, batch or settings are not found (404); only the issuer downloads a batch."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from pingyi.accounts.models import Membership, Role
from pingyi.jobs.models import Job
from tests.jobs.conftest import Cast, client_for, finish_jobs

pytestmark = pytest.mark.django_db

ROLES = ("public", "admin", "staff", "viewer", "other_org", "no_role")
LOGIN = 302
HIDDEN = {"other_org": 404, "no_role": 404}
J = "/staff/jobs/{job}/"

MATRIX: dict[str, tuple[str, str, dict[str, int]]] = {
    "jobs:list": ("GET", "/staff/jobs/", {"public": LOGIN, "*": 200}),
    "jobs:detail": ("GET", J, {"public": LOGIN, **HIDDEN, "*": 200}),
    "jobs:status": ("GET", J + "status", {"public": LOGIN, **HIDDEN, "*": 200}),
    # the ZIP of a batch, for the staff member who issued it only
    "jobs:download": ("GET", J + "download", {"public": LOGIN, **HIDDEN, "staff": 200, "*": 403}),
    "jobs:batch-withdraw": (
        "GET",
        "/staff/c/{code}/batches/{batch}/withdraw",
        {"public": LOGIN, **HIDDEN, "viewer": 403, "*": 200},
    ),
    "jobs:office": (
        "GET",
        "/staff/office/{office}/",
        {"public": LOGIN, **HIDDEN, "admin": 200, "*": 403},
    ),
}


def _routes(patterns: list[Any], namespace: str | None = None) -> set[str]:
    found: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found |= _routes(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and namespace == "jobs":
            found.add(f"jobs:{pattern.name}")
    return found


def test_every_route_of_jobs_is_in_the_matrix() -> None:
    assert _routes(get_resolver().url_patterns) == set(MATRIX)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_what_the_matrix_says(cast: Cast, name: str) -> None:
    _method, path, expected = MATRIX[name]
    erin = User.objects.create_user("erin")
    office = cast.campaign.series.organization
    Membership.objects.create(user=erin, organization=office, role=Role.ADMIN)
    group = cast.campaign.groups.get(name="服务对象")
    client_for(cast.alice).post(
        f"/staff/c/{cast.campaign.code}/tokens", {"group": group.pk, "count": 2}
    )
    finish_jobs()
    job = Job.objects.get()
    users: dict[str, User | None] = {
        "public": None,
        "admin": erin,
        "staff": cast.alice,
        "viewer": cast.bob,
        "other_org": cast.charlie,
        "no_role": cast.dave,
    }
    url = path.format(job=job.pk, code=cast.campaign.code, batch=job.batch_id, office=office.code)
    got = {}
    for role in ROLES:
        with transaction.atomic():  # every role meets the same state (a download deletes)
            response = client_for(users[role]).get(url)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
            got[role] = response.status_code
            transaction.set_rollback(True)
    assert got == {role: expected.get(role, expected.get("*")) for role in ROLES}
