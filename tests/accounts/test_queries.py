"""Query counts of the people page, pinned (issue 11): an office of 2 people or of 20 (office
roles, committee users, party organizations and unit owners in turn; all but the first
invited, so that no one-time password is hashed for them) costs its administrator the same
queries."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User

from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Membership, Role
from pingyi.grading.models import Committee, PartyOrg
from pingyi.office.people_services import person_add
from tests.grading.conftest import make_round, office
from tests.queries import assert_pinned
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_people_of_an_office(tmp_path: Path) -> None:
    grading_round = make_round(tmp_path)
    committee = Committee.objects.filter(round=grading_round).first()
    org = PartyOrg.objects.filter(round=grading_round).first()
    assert committee is not None and org is not None
    roles = [("staff", ""), ("viewer", ""), ("committee", f"k{committee.pk}"),
             ("org", f"o{org.pk}"), ("owner", "u0:V1")]  # fmt: skip
    ada = User.objects.create_user("ada")
    Membership.objects.create(user=ada, organization=office(), role=Role.ADMIN)

    def add(numbers: range) -> None:
        for n in numbers:
            role, scope = roles[n % len(roles)]
            person_add(organization=office(), username=f"p{n}", full_name=f"人员{n}", role=role,
                       scope=scope, invite=n > 0, actor=Actor.of(ada))  # fmt: skip

    add(range(2))
    assert_pinned(client_for(ada), "/staff/people/office/", lambda: add(range(2, 20)), pinned=16)
