"""The cast of the access tests: Alice runs the office's campaigns, Bob only reads them,
Charlie runs another organization, Dave has no role anywhere."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Organization
from pingyi.campaigns.models import Campaign
from pingyi.voting.services import IssuedBatch, token_issue
from tests.cast import STAFF, make_campaign, people
from tests.once import ModuleRows, copy_of


@dataclass
class Cast:
    campaign: Campaign
    other: Campaign
    alice: User
    bob: User
    charlie: User
    dave: User


@pytest.fixture(autouse=True)
def _clear_rate_limits() -> None:
    cache.clear()


def build_cast() -> Cast:
    campaign = make_campaign()
    other = make_campaign(series="elsewhere")
    elsewhere = Organization.objects.create(code="other-office", name="另一个评议办")
    other.series.organization = elsewhere
    other.series.save()
    users = people(campaign.series.organization, elsewhere)
    return Cast(campaign, other, **users)


@pytest.fixture(scope="module")
def _cast_built(module_db: ModuleRows) -> Cast:
    """The cast, built once for the module's tests (tests/once.py)."""
    return module_db.build(build_cast)


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()


@pytest.fixture
def shared_cast(db: None, _cast_built: Cast) -> Cast:
    """The cast built once for the module, for the modules that ask for it by naming
    their ``cast`` fixture so (the access matrices, the parity tests; tests/once.py)."""
    return copy_of(_cast_built)


@pytest.fixture
def issued(cast: Cast) -> IssuedBatch:
    return token_issue(
        campaign=cast.campaign,
        group=cast.campaign.groups.first(),
        count=5,
        actor=Actor.operator(STAFF),
    )


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
