"""The cast of the access tests: Alice runs the office's campaigns, Bob only reads them,
Charlie runs another organization, Dave has no role anywhere."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from pingyi.accounts.models import Membership, Organization, Role
from pingyi.campaigns.models import Campaign
from pingyi.voting.services import IssuedBatch, token_issue
from tests.db.conftest import STAFF, make_campaign


@dataclass
class Cast:
    campaign: Campaign
    other: Campaign
    alice: User
    bob: User
    charlie: User
    dave: User


def _user(name: str) -> User:
    # No password: the tests sign in with force_login, and hashing one costs PBKDF2's 0.6 s.
    return User.objects.create_user(name)


@pytest.fixture(autouse=True)
def _clear_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def cast(db: None) -> Cast:
    campaign = make_campaign()
    other = make_campaign(series="elsewhere")
    elsewhere = Organization.objects.create(code="other-office", name="另一个评议办")
    other.series.organization = elsewhere
    other.series.save()
    alice, bob, charlie, dave = (_user(n) for n in ("alice", "bob", "charlie", "dave"))
    office = campaign.series.organization
    Membership.objects.create(user=alice, organization=office, role=Role.STAFF)
    Membership.objects.create(user=bob, organization=office, role=Role.VIEWER)
    Membership.objects.create(user=charlie, organization=elsewhere, role=Role.ADMIN)
    return Cast(campaign, other, alice, bob, charlie, dave)


@pytest.fixture
def issued(cast: Cast) -> IssuedBatch:
    return token_issue(
        campaign=cast.campaign, group=cast.campaign.groups.first(), count=5, actor=STAFF
    )


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
