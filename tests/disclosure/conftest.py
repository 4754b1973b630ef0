"""The disclosure cast: the municipal government office (Erin admin for its leading group's
office, Alice staff, Frank staff who records the office meeting, Bob a member who reads),
Charlie an administrator elsewhere, Dave with no role. Items are drafted by Alice with an
injected clock; each step of a chain is by another person than the step before."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Organization, Role
from pingyi.disclosure.models import Item
from pingyi.disclosure.services import item_advance, item_create
from pingyi.rules import disclosure as d
from tests.cast import people
from tests.once import ModuleRows, copy_of

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@dataclass
class Cast:
    office: Organization
    elsewhere: Organization
    erin: User
    alice: User
    bob: User
    charlie: User
    dave: User
    frank: User


@pytest.fixture(autouse=True)
def _clear_rate_limits() -> None:
    cache.clear()


def build_cast() -> Cast:
    office = Organization.objects.create(code="szfb", name="市政府办公室")
    elsewhere = Organization.objects.create(code="elsewhere", name="另一机关")
    names = ("erin", "alice", "bob", "charlie", "dave", "frank")
    users = people(office, elsewhere, names, roles={"frank": Role.STAFF})
    return Cast(office, elsewhere, **users)  # type: ignore[arg-type]


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


def as_(name: str) -> Actor:
    """The cast member ``name`` acting (their roles decide, in disclosure.access)."""
    return Actor.of(User.objects.get(username=name))


def draft(organization: Organization, **changes: Any) -> Item:
    fields: dict[str, Any] = {
        "area": d.ORGANIZATION,
        "scope": d.EXTERNAL,
        "timeliness": d.PERIODIC,
        "title": "党费收缴情况",
        "body": "一季度党费收缴 12 名党员，共计 3,600 元。",
        "now": NOW,
    }
    fields.update(changes)
    fields.setdefault("forms", FORMS_FOR[fields["scope"]])
    return item_create(organization=organization, actor=as_("alice"), **fields)


# Forms that fit each scope (rules.check_forms): the party's meeting, the public website.
FORMS_FOR = {
    d.INTERNAL: [d.MEETING],
    d.EXTERNAL: [d.WEBSITE],
    d.INTERNAL_THEN_EXTERNAL: [d.MEETING, d.WEBSITE],
}
PHASES = ["决策前", "执行中", "结果"]


def staged(organization: Organization, **changes: Any) -> Item:
    """A staged item of three phases, drafted with the first phase's report."""
    fields: dict[str, Any] = {
        "title": "机关食堂改造（决策前）",
        "body": "拟改造机关食堂，征求党员群众意见。",
        "timeliness": d.STAGED,
        "phases": PHASES,
    }
    return draft(organization, **(fields | changes))


# Who records each step: never the drafter (Alice) next, never one person twice in a row.
OFFICE_CHAIN = ((d.OFFICE_MEETING, "frank"), (d.APPROVED, "erin"), (d.PUBLISHED, "alice"))
BRANCH_CHAIN = ((d.BRANCH_DECIDED, "erin"), (d.PUBLISHED, "alice"))


def publish(item: Item, now: dt.datetime = NOW) -> Item:
    steps = BRANCH_CHAIN if item.scope == d.INTERNAL else OFFICE_CHAIN
    for target, actor in steps:
        item = item_advance(item=item, target=target, actor=as_(actor), now=now)
    return item
