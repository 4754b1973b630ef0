"""The cast of the access tests: Alice runs the office's campaigns, Bob only reads them,
Charlie runs another organization, Dave has no role anywhere."""

from __future__ import annotations

from collections.abc import Mapping
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


def signed_in[K](users: Mapping[K, User | None]) -> dict[K, str | None]:
    """Each user signed in once: their session's key (None: no one signed in). Made with a
    module's rows (tests/once.py), the sessions are there for each of its tests and a client
    made of one (``client_with``) costs no login: a fifth of an access matrix's time was
    force_login, each role signed in anew for each route."""
    from django.conf import settings

    return {
        key: None if user is None else client_for(user).cookies[settings.SESSION_COOKIE_NAME].value
        for key, user in users.items()
    }


def client_with(session: str | None) -> Client:
    """A client with the session ``signed_in`` made, as client_for(user) would be."""
    from django.conf import settings

    client = Client()
    if session is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = session
    return client
